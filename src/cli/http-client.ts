// The CLI's only way to the catalog: HTTP to a running Lakegate. Never the database directly — a second
// process writing the SQLite file would bypass the server's decision and identity caches (a revoke
// would not take effect until they expired) and its audit log.

import { CliError } from './cli-error.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';
export const UC_API = '/api/2.1/unity-catalog';
export const LAKEGATE_API = '/api/2.1/lakegate';

/** Generous: a catalog call is a few queries, but a busy server or a long audit query can take a while. */
const TIMEOUT_MS = 60_000;
/** A list stops after this many pages, so a server that keeps returning a token cannot loop us forever. */
const MAX_PAGES = 1000;

export type Query = Record<string, string | number | boolean | undefined>;

export interface ClientOptions {
  url: string;
  key?: string | undefined;
  /** For tests. */
  fetch?: typeof fetch;
}

/** One path segment: full names keep their dots, anything else that could change the path is escaped. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

function messageOf(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  // Catalog routes answer {error_code, message}; the model surfaces' {error:{message}} is tolerated too.
  const nested =
    typeof record['error'] === 'object' && record['error'] !== null ? record['error'] : undefined;
  const source = (nested ?? record) as Record<string, unknown>;
  const out: { code?: string; message?: string } = {};
  const code = record['error_code'] ?? source['code'] ?? source['type'];
  if (typeof code === 'string') out.code = code;
  if (typeof source['message'] === 'string') out.message = source['message'];
  return out;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return cause instanceof Error ? cause.message : String(cause);
}

export class LakegateClient {
  readonly baseUrl: string;
  private readonly key: string | undefined;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new CliError(
        `"${options.url}" is not a URL (set --url or LAKEGATE_URL, e.g. ${DEFAULT_URL}).`,
        2,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CliError(`"${options.url}" is not an http(s) URL.`, 2);
    }
    this.baseUrl = parsed.href.replace(/\/+$/, '');
    this.key = options.key?.trim() || undefined;
    this.fetchImpl = options.fetch ?? fetch;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  put<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  delete<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('DELETE', path, { query });
  }

  /** Every page of a list (`max_results` / `next_page_token`), concatenated under `itemsKey`. */
  async list<T>(path: string, itemsKey: string, query: Query = {}): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.get<Record<string, unknown>>(path, { ...query, page_token: token });
      const pageItems = body[itemsKey];
      if (pageItems !== undefined && !Array.isArray(pageItems)) {
        throw new CliError(`The server answered ${path} without a "${itemsKey}" list.`);
      }
      items.push(...((pageItems ?? []) as T[]));
      const next = body['next_page_token'];
      if (typeof next !== 'string' || next === '' || seen.has(next)) return items;
      seen.add(next);
      token = next;
    }
    return items;
  }

  async request<T>(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.key) headers['authorization'] = `Bearer ${this.key}`;
    const init: RequestInit = { method, headers, signal: AbortSignal.timeout(TIMEOUT_MS) };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, init);
      text = await response.text();
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw new CliError(`Lakegate at ${this.baseUrl} did not answer within ${TIMEOUT_MS / 1000} s.`);
      }
      throw new CliError(
        `Cannot reach Lakegate at ${this.baseUrl} (${describeNetworkError(error)}). Is it running? ` +
          'Start it with `lakegate up`, or point the CLI at it with --url or LAKEGATE_URL.',
      );
    }

    const parsed = text === '' ? ({ ok: true, value: {} } as const) : parseJson(text);
    if (response.ok) {
      if (!parsed.ok) {
        throw new CliError(`Lakegate answered ${method} ${path} with a body that is not JSON.`);
      }
      return parsed.value as T;
    }
    throw this.errorFor(response.status, parsed.ok ? parsed.value : undefined);
  }

  private errorFor(status: number, body: unknown): CliError {
    const { code, message } = messageOf(body);
    const said = message
      ? message.replace(/\s+/g, ' ').trim()
      : `Lakegate at ${this.baseUrl} answered HTTP ${status}`;
    if (status === 401) {
      const why = this.key ? 'the key was not accepted' : 'no API key was given';
      return new CliError(
        `Not authenticated: ${why} (${said}). Set LAKEGATE_KEY to an API key ` +
          '(export LAKEGATE_KEY=<key id>.<secret>) or pass --key.',
      );
    }
    return new CliError(code ? `${said} (${code})` : said);
  }
}
