// Databricks' Files API over governed volumes: `/api/2.0/fs/files{path}` (PUT a raw body, GET streamed
// with single byte ranges, HEAD, DELETE) and `/api/2.0/fs/directories{path}` (GET a page of entries,
// PUT, HEAD, DELETE), where `{path}` is `/Volumes/<catalog>/<schema>/<volume>/...`. Uploads stream to
// disk as they arrive: the route asks the pipeline not to buffer its body.

import { validationError } from '../../core/index.js';
import type { VolumeEntry } from '../../data/index.js';
import { header, type RequestContext } from '../http/context.js';
import { requestBodyStream } from '../http/read-body.js';
import { sendJson, writeChunk } from '../http/respond.js';
import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { actorOf } from '../unity-catalog/index.js';
import { byteRange } from './byte-range.js';
import { filesSurface } from './files-error.js';

export const FILES_PREFIX = '/api/2.0/fs/files';
export const DIRECTORIES_PREFIX = '/api/2.0/fs/directories';

function pathOf(ctx: RequestContext): string {
  return `/${ctx.params['path'] ?? ''}`;
}

function booleanQuery(ctx: RequestContext, name: string): boolean {
  const value = ctx.query.get(name);
  if (value === null || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw validationError(`${name} must be true or false, not "${value.slice(0, 40)}".`);
}

function pageSizeOf(ctx: RequestContext): number | undefined {
  const raw = ctx.query.get('page_size');
  if (raw === null || raw === '') return undefined;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1)
    throw validationError('page_size must be a positive whole number.');
  // Databricks caps a page instead of refusing a large page_size.
  return Math.min(size, 1000);
}

function noContent(ctx: RequestContext, headers: Record<string, string> = {}): void {
  ctx.res.writeHead(204, { 'x-request-id': ctx.requestId, ...headers });
  ctx.res.end();
}

function toWireEntry(entry: VolumeEntry): Record<string, unknown> {
  return {
    path: entry.path,
    is_directory: entry.isDirectory,
    ...(entry.isDirectory ? {} : { file_size: entry.size }),
    last_modified: entry.modifiedAt.getTime(),
    name: entry.name,
  };
}

/** Sends an opened file (all of it, or the range asked for); a client that leaves just ends the stream. */
async function sendFile(ctx: RequestContext, services: ApiServices, headOnly: boolean): Promise<void> {
  const opened = await services.data.volumes.openFile(actorOf(ctx), pathOf(ctx));
  const base: Record<string, string | number> = {
    'content-type': 'application/octet-stream',
    'last-modified': opened.modifiedAt.toUTCString(),
    'accept-ranges': 'bytes',
    'x-request-id': ctx.requestId,
  };
  const { res } = ctx;
  const range = headOnly ? { kind: 'whole' as const } : byteRange(header(ctx, 'range'), opened.size);
  if (headOnly || range.kind === 'unsatisfiable') {
    await opened.close();
    if (range.kind === 'unsatisfiable') {
      res.writeHead(416, { ...base, 'content-range': `bytes */${opened.size}`, 'content-length': 0 });
    } else {
      res.writeHead(200, { ...base, 'content-length': opened.size });
    }
    res.end();
    return;
  }
  const stream =
    range.kind === 'partial' ? opened.stream({ start: range.start, end: range.end }) : opened.stream();
  if (range.kind === 'partial') {
    res.writeHead(206, {
      ...base,
      'content-range': `bytes ${range.start}-${range.end}/${opened.size}`,
      'content-length': range.end - range.start + 1,
    });
  } else {
    res.writeHead(200, { ...base, 'content-length': opened.size });
  }
  try {
    // Written chunk by chunk, waiting whenever the client's buffer is full, rather than piped: a response
    // is not a Node stream on every server (the lean HTTP/1.1 server's is not).
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (res.destroyed) break;
      const full = writeChunk(res, chunk);
      if (full) await full;
    }
    res.end();
  } catch {
    // The disk failed mid-file: the head has promised the whole length, so the connection (HTTP/1.1) or
    // the stream (HTTP/2) is cut rather than ended short.
    res.destroy();
  } finally {
    stream.destroy();
  }
}

export function filesRoutes(services: ApiServices): Route[] {
  const { volumes } = services.data;
  const files = `${FILES_PREFIX}/*path`;
  const directories = `${DIRECTORIES_PREFIX}/*path`;
  return [
    {
      method: 'PUT',
      path: files,
      surface: filesSurface,
      streamBody: true,
      async handle(ctx) {
        const overwrite = booleanQuery(ctx, 'overwrite');
        const declared = Number(header(ctx, 'content-length'));
        const body = requestBodyStream(ctx);
        await volumes.put(actorOf(ctx), pathOf(ctx), body, {
          overwrite,
          ...(Number.isFinite(declared) && ctx.body === undefined ? { declaredSize: declared } : {}),
          requestId: ctx.requestId,
        });
        noContent(ctx);
      },
    },
    {
      method: 'GET',
      path: files,
      surface: filesSurface,
      handle: (ctx) => sendFile(ctx, services, false),
    },
    {
      method: 'HEAD',
      path: files,
      surface: filesSurface,
      handle: (ctx) => sendFile(ctx, services, true),
    },
    {
      method: 'DELETE',
      path: files,
      surface: filesSurface,
      async handle(ctx) {
        await volumes.deleteFile(actorOf(ctx), pathOf(ctx));
        noContent(ctx);
      },
    },
    {
      method: 'GET',
      path: directories,
      surface: filesSurface,
      async handle(ctx) {
        const pageSize = pageSizeOf(ctx);
        const pageToken = ctx.query.get('page_token') || undefined;
        const page = await volumes.list(actorOf(ctx), pathOf(ctx), {
          ...(pageSize !== undefined ? { pageSize } : {}),
          ...(pageToken !== undefined ? { pageToken } : {}),
        });
        sendJson(
          ctx.res,
          200,
          {
            contents: page.entries.map(toWireEntry),
            ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
          },
          { 'x-request-id': ctx.requestId },
        );
      },
    },
    {
      method: 'HEAD',
      path: directories,
      surface: filesSurface,
      async handle(ctx) {
        const entry = await volumes.stat(actorOf(ctx), pathOf(ctx));
        if (!entry.isDirectory) throw validationError(`'${entry.path}' is a file, not a directory.`);
        ctx.res.writeHead(200, { 'x-request-id': ctx.requestId });
        ctx.res.end();
      },
    },
    {
      method: 'PUT',
      path: directories,
      surface: filesSurface,
      async handle(ctx) {
        await volumes.mkdir(actorOf(ctx), pathOf(ctx));
        noContent(ctx);
      },
    },
    {
      method: 'DELETE',
      path: directories,
      surface: filesSurface,
      async handle(ctx) {
        await volumes.deleteDirectory(actorOf(ctx), pathOf(ctx));
        noContent(ctx);
      },
    },
  ];
}
