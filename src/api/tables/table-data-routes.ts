// Lakegate's table-data API next to Unity Catalog's: write rows, load a file (from a volume, or
// uploaded raw), and read a table's version history. Errors go out in Unity Catalog's shape.

import { z } from 'zod';
import type { Actor } from '../../catalog/index.js';
import { validationError } from '../../core/index.js';
import type { TableVersion, WriteRequest, WriteResult } from '../../data/index.js';
import type { RequestContext } from '../http/context.js';
import { requestBodyStream } from '../http/read-body.js';
import { sendJson } from '../http/respond.js';
import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { actorOf, jsonRoute, param, readJson } from '../unity-catalog/json-route.js';
import { ucSurface } from '../unity-catalog/uc-error.js';
import { spoolUpload } from './spool-upload.js';

export const TABLES_PREFIX = '/api/2.0/lakegate/tables';
/** The default largest raw upload one load accepts. */
export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

const mode = z.enum(['append', 'overwrite', 'merge']);
const keys = z.array(z.string().min(1).max(255)).min(1).max(64);
const format = z.enum(['csv', 'parquet', 'json', 'jsonl']);
const csvOptions = z.strictObject({
  header: z.boolean().optional(),
  delimiter: z.string().min(1).max(4).optional(),
});

const rowsBody = z.strictObject({
  mode,
  keys: keys.optional(),
  rows: z.array(z.record(z.string(), z.unknown())).max(1_000_000),
});

const loadBody = z.strictObject({
  mode,
  keys: keys.optional(),
  format: format.optional(),
  options: csvOptions.optional(),
  source: z.strictObject({ volume_path: z.string().min(1).max(4096) }),
});

export interface TableRoutesOptions {
  /** The largest raw upload (PUT .../load); default 5 GiB. */
  maxUploadBytes?: number;
}

function wireResult(result: WriteResult) {
  return {
    version: result.version,
    rows_added: result.rowsAdded,
    rows_removed: result.rowsRemoved,
    rows_updated: result.rowsUpdated,
    rows_total: result.rowsTotal,
  };
}

function wireVersion(version: TableVersion) {
  return {
    version: version.version,
    operation: version.operation,
    principal: version.principal,
    timestamp: version.timestamp,
    rows_added: version.rowsAdded,
    rows_removed: version.rowsRemoved,
    rows_updated: version.rowsUpdated,
    rows_total: version.rowsTotal,
    readable: version.readable,
  };
}

/** The actor with the request's id, so audit records of the write carry it. */
function actingFor(ctx: RequestContext): Actor {
  return { ...actorOf(ctx), requestId: ctx.requestId };
}

/** `?mode=merge&keys=a,b&format=csv&header=false&delimiter=;` of a raw upload. */
function uploadRequest(query: URLSearchParams): Omit<WriteRequest, 'source'> & {
  format?: z.infer<typeof format>;
  options: { header?: boolean; delimiter?: string };
} {
  const parsedMode = mode.safeParse(query.get('mode') ?? 'append');
  if (!parsedMode.success) throw validationError('mode must be append, overwrite or merge.');
  const keyList = (query.getAll('keys').join(',') || query.getAll('key').join(','))
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const formatText = query.get('format');
  const parsedFormat = formatText === null ? undefined : format.safeParse(formatText.toLowerCase());
  if (parsedFormat && !parsedFormat.success)
    throw validationError('format must be csv, parquet, json or jsonl.');
  const header = query.get('header');
  if (header !== null && header !== 'true' && header !== 'false') {
    throw validationError('header must be true or false.');
  }
  const delimiter = query.get('delimiter');
  return {
    mode: parsedMode.data,
    ...(keyList.length > 0 ? { keys: keyList } : {}),
    ...(parsedFormat?.success ? { format: parsedFormat.data } : {}),
    options: {
      ...(header !== null ? { header: header === 'true' } : {}),
      ...(delimiter !== null ? { delimiter } : {}),
    },
  };
}

export function tableDataRoutes(services: ApiServices, options: TableRoutesOptions = {}): Route[] {
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const tables = () => services.data.tables;
  return [
    jsonRoute('POST', `${TABLES_PREFIX}/:full_name/rows`, async (ctx) => {
      const body = readJson(ctx, rowsBody);
      const result = await tables().write(actingFor(ctx), param(ctx, 'full_name'), {
        mode: body.mode,
        ...(body.keys ? { keys: body.keys } : {}),
        source: { kind: 'rows', rows: body.rows },
      });
      return wireResult(result);
    }),
    jsonRoute('POST', `${TABLES_PREFIX}/:full_name/load`, async (ctx) => {
      const body = readJson(ctx, loadBody);
      const actor = actingFor(ctx);
      const fullName = param(ctx, 'full_name');
      // Only a table the caller may write to makes the volume file worth looking up.
      await tables().checkWritable(actor, fullName);
      const file = await services.data.volumes.resolveForRead(actor, body.source.volume_path, {
        requestId: ctx.requestId,
      });
      const result = await tables().write(actor, fullName, {
        mode: body.mode,
        ...(body.keys ? { keys: body.keys } : {}),
        source: {
          kind: 'file',
          path: file.localPath,
          ...(body.format ? { format: body.format } : {}),
          ...(body.options ? { options: body.options } : {}),
        },
      });
      return wireResult(result);
    }),
    {
      method: 'PUT',
      path: `${TABLES_PREFIX}/:full_name/load`,
      surface: ucSurface,
      streamBody: true,
      async handle(ctx) {
        const actor = actingFor(ctx);
        const fullName = param(ctx, 'full_name');
        const request = uploadRequest(ctx.query);
        if (!request.format) throw validationError('A raw upload needs ?format=csv|parquet|json|jsonl.');
        // Refuse before taking a possibly large upload when the caller cannot write the table.
        await tables().checkWritable(actor, fullName);
        const declared = Number(ctx.req.headers['content-length']);
        const body = requestBodyStream(ctx);
        const suffix = `.${request.format}`;
        const spooled = await spoolUpload(
          body,
          services.data.engine.stagingDir,
          suffix,
          maxUploadBytes,
          Number.isFinite(declared) && ctx.body === undefined ? declared : undefined,
        );
        try {
          const result = await tables().write(actor, fullName, {
            mode: request.mode,
            ...(request.keys ? { keys: request.keys } : {}),
            source: {
              kind: 'file',
              path: spooled.path,
              format: request.format,
              ...(Object.keys(request.options).length > 0 ? { options: request.options } : {}),
            },
          });
          sendJson(ctx.res, 200, wireResult(result), { 'x-request-id': ctx.requestId });
        } finally {
          await spooled.remove();
        }
      },
    },
    jsonRoute('GET', `${TABLES_PREFIX}/:full_name/history`, async (ctx, actor) => {
      const versions = await tables().history(actor, param(ctx, 'full_name'));
      return { versions: versions.map(wireVersion) };
    }),
  ];
}
