// The Files API (`/api/2.0/fs/...`) from the CLI: raw byte streams both ways, which the JSON client
// (http-client.ts) does not carry. Errors become one-line CliErrors with Databricks' error code.

import { CliError } from './cli-error.js';
import type { CliRuntime, CommandContext } from './command-context.js';
import { notAuthenticated, type StreamTarget, streamRequest } from './stream-request.js';

export const FILES_API = '/api/2.0/fs/files';
export const DIRECTORIES_API = '/api/2.0/fs/directories';

export interface RemoteEntry {
  path: string;
  name: string;
  is_directory: boolean;
  file_size?: number;
  last_modified?: number;
}

export type RemoteKind = { kind: 'file'; size: number } | { kind: 'directory' } | { kind: 'none' };

/** `/Volumes/...` or `dbfs:/Volumes/...` (the Databricks CLI's spelling) as `/Volumes/...`; else undefined. */
export function remotePathOf(arg: string): string | undefined {
  const path = arg.startsWith('dbfs:') ? arg.slice('dbfs:'.length) : arg;
  return path.startsWith('/Volumes/') ? path : undefined;
}

/**
 * Each segment percent-encoded, the slashes kept: the server decodes segment by segment. Dot segments
 * are refused here: URL parsing would resolve them (even encoded) before the server could refuse them.
 */
function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => {
      if (s === '.' || s === '..') throw new CliError(`"${path}": "${s}" is not allowed in a volume path.`);
      return encodeURIComponent(s);
    })
    .join('/');
}

/** The client for a command's server, with --key or else LAKEGATE_KEY. */
export function volumeFilesClientFor(
  runtime: CliRuntime,
  ctx: CommandContext,
  key: string | undefined,
): VolumeFilesClient {
  return new VolumeFilesClient(
    ctx.client.baseUrl,
    key?.trim() || runtime.env.LAKEGATE_KEY?.trim() || undefined,
    runtime.io.fetch,
  );
}

export class VolumeFilesClient {
  private readonly target: StreamTarget;

  constructor(baseUrl: string, key: string | undefined, fetchImpl: typeof fetch = fetch) {
    this.target = { baseUrl, key, fetch: fetchImpl };
  }

  /** Uploads a stream (it goes to disk on the server as it arrives). */
  async upload(path: string, body: ReadableStream<Uint8Array>, overwrite: boolean): Promise<void> {
    await this.send('PUT', `${FILES_API}${encodePath(path)}?overwrite=${overwrite}`, {
      body,
      duplex: 'half',
    } as RequestInit);
  }

  /** The file's bytes as a stream, with its size. */
  async download(path: string): Promise<{ body: ReadableStream<Uint8Array>; size: number }> {
    const response = await this.send('GET', `${FILES_API}${encodePath(path)}`);
    if (!response.body) throw new CliError(`Lakegate sent no content for ${path}.`);
    return { body: response.body, size: Number(response.headers.get('content-length') ?? 0) };
  }

  /** Whether the path is a file, a directory, or nothing the caller can see. */
  async kindOf(path: string): Promise<RemoteKind> {
    const file = await this.raw('HEAD', `${FILES_API}${encodePath(path)}`);
    if (file.ok) return { kind: 'file', size: Number(file.headers.get('content-length') ?? 0) };
    // A directory asked for as a file is a 400 ("is a directory"); anything but that and 404 is an error.
    if (file.status !== 404 && file.status !== 400) throw await this.errorOf(file, path);
    const directory = await this.raw('HEAD', `${DIRECTORIES_API}${encodePath(path)}`);
    if (directory.ok) return { kind: 'directory' };
    if (directory.status === 404 || directory.status === 400) return { kind: 'none' };
    throw await this.errorOf(directory, path);
  }

  /** Every entry of a directory, over all pages. */
  async list(path: string): Promise<RemoteEntry[]> {
    const entries: RemoteEntry[] = [];
    let token: string | undefined;
    for (let page = 0; page < 100_000; page++) {
      const query = token ? `?page_token=${encodeURIComponent(token)}` : '';
      const response = await this.send('GET', `${DIRECTORIES_API}${encodePath(path)}${query}`);
      const body = (await response.json()) as { contents?: RemoteEntry[]; next_page_token?: string };
      entries.push(...(body.contents ?? []));
      if (!body.next_page_token || body.next_page_token === token) break;
      token = body.next_page_token;
    }
    return entries;
  }

  async mkdir(path: string): Promise<void> {
    await this.send('PUT', `${DIRECTORIES_API}${encodePath(path)}`);
  }

  async deleteFile(path: string): Promise<void> {
    await this.send('DELETE', `${FILES_API}${encodePath(path)}`);
  }

  async deleteDirectory(path: string): Promise<void> {
    await this.send('DELETE', `${DIRECTORIES_API}${encodePath(path)}`);
  }

  private async send(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const response = await this.raw(method, path, init);
    if (!response.ok) throw await this.errorOf(response, path);
    return response;
  }

  private raw(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    return streamRequest(this.target, `${this.target.baseUrl}${path}`, { method, ...init });
  }

  private async errorOf(response: Response, path: string): Promise<CliError> {
    let code = response.headers.get('x-error-code') ?? undefined;
    let message: string | undefined;
    const text = await response.text().catch(() => '');
    try {
      const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
      if (typeof body.error_code === 'string') code = body.error_code;
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // Not JSON (a HEAD answer has no body): the status says it.
    }
    const decodedPath = decodeURIComponent(
      path.replace(/^\/api\/2\.0\/fs\/(files|directories)/, '').split('?')[0]!,
    );
    if (response.status === 401) return notAuthenticated(message ?? 'HTTP 401');
    const said =
      message ??
      (response.status === 404
        ? `'${decodedPath}' does not exist or you do not have permission.`
        : `HTTP ${response.status}`);
    return new CliError(code ? `${said} (${code})` : said);
  }
}
