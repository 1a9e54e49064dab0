// The table-data API (`/api/2.0/lakegate/tables/...`) from the CLI: JSON calls go through the catalog
// client; a local file is streamed as the raw request body, which the JSON client does not carry.

import { stat } from 'node:fs/promises';
import { CliError } from './cli-error.js';
import { segment } from './http-client.js';
import { notAuthenticated, streamRequest } from './stream-request.js';
import { fileBody, type TransferProgress } from './transfer-progress.js';

export const TABLES_API = '/api/2.0/lakegate/tables';

export interface WireWriteResult {
  version: number;
  rows_added: number;
  rows_removed: number;
  rows_updated: number;
  rows_total: number;
}

export function tablePath(fullName: string, action: 'rows' | 'load' | 'history'): string {
  return `${TABLES_API}/${segment(fullName)}/${action}`;
}

export interface UploadOptions {
  baseUrl: string;
  key: string | undefined;
  fetch?: typeof fetch;
  query: Record<string, string>;
  progress?: (total: number) => TransferProgress | undefined;
}

/** Streams a local file as the body of `PUT .../load`; the server spools it and loads it in one go. */
export async function uploadForLoad(
  fullName: string,
  localPath: string,
  options: UploadOptions,
): Promise<WireWriteResult> {
  let size: number;
  try {
    const stats = await stat(localPath);
    if (!stats.isFile()) throw new Error('not a file');
    size = stats.size;
  } catch {
    throw new CliError(`Cannot read the file "${localPath}".`);
  }
  const progress = options.progress?.(size);
  const url = new URL(`${options.baseUrl}${tablePath(fullName, 'load')}`);
  for (const [name, value] of Object.entries(options.query)) url.searchParams.set(name, value);
  const response = await streamRequest(
    { baseUrl: options.baseUrl, key: options.key, fetch: options.fetch ?? fetch },
    url,
    { method: 'PUT', body: fileBody(localPath, progress), duplex: 'half' } as RequestInit,
    { 'content-type': 'application/octet-stream', 'content-length': String(size) },
  );
  progress?.finish();
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: the status says it.
  }
  if (!response.ok) {
    const message = typeof parsed.message === 'string' ? parsed.message : `HTTP ${response.status}`;
    if (response.status === 401) {
      throw notAuthenticated(message);
    }
    const code = typeof parsed.error_code === 'string' ? ` (${parsed.error_code})` : '';
    throw new CliError(`${message.replace(/\s+/g, ' ').trim()}${code}`);
  }
  return parsed as unknown as WireWriteResult;
}
