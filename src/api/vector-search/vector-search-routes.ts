// /api/2.0/vector-search: Databricks Vector Search's REST API over Lakegate's governed vector indexes
// (src/retrieval/indexes). Every route acts as the request's principal; the service authorises and audits.
// Endpoints are minimal and honest: one embedded engine serves every index; other endpoint names are
// accepted as aliases of it so that clients which create an endpoint first keep working.

import type { Actor } from '../../catalog/index.js';
import { LakegateError, safeParseJson, validationError } from '../../core/index.js';
import {
  type CreateVectorIndex,
  DEFAULT_ENDPOINT,
  type GovernedRetrieval,
  type VectorIndexInfo,
} from '../../retrieval/index.js';
import type { RequestContext } from '../http/context.js';
import { readBody } from '../http/read-body.js';
import { sendJson } from '../http/respond.js';
import type { Route } from '../http/route.js';
import { jsonBody, parseOrThrow } from '../http/validate.js';
import type { ApiServices } from '../services.js';
import { param } from '../unity-catalog/json-route.js';
import { endpointWire, indexSummaryWire, indexWire } from './index-wire.js';
import {
  type CreateIndexBody,
  createEndpointBody,
  createIndexBody,
  deleteDataBody,
  queryIndexBody,
  upsertDataBody,
} from './request-bodies.js';
import { vectorSearchSurface } from './vector-search-error.js';

export const VECTOR_SEARCH_PREFIX = '/api/2.0/vector-search';
const MAX_DELETE_BODY = 4 * 1024 * 1024;

type Handler = (ctx: RequestContext, actor: Actor, retrieval: GovernedRetrieval) => Promise<unknown>;

function route(services: ApiServices, method: Route['method'], path: string, handler: Handler): Route {
  return {
    method,
    path: `${VECTOR_SEARCH_PREFIX}${path}`,
    surface: vectorSearchSurface,
    async handle(ctx) {
      const actor = ctx.principal;
      if (!actor) throw new LakegateError('INTERNAL', 'A vector-search route ran without a principal.');
      const retrieval = services.retrieval;
      if (!retrieval)
        throw new LakegateError('UNSUPPORTED_OPERATION', 'Vector search is not enabled on this server.');
      const body = await handler(ctx, { ...actor, requestId: ctx.requestId }, retrieval);
      sendJson(ctx.res, 200, body, { 'x-request-id': ctx.requestId });
    },
  };
}

function createRequest(body: CreateIndexBody): CreateVectorIndex {
  const request: CreateVectorIndex = {
    name: body.name,
    primaryKey: body.primary_key,
    indexType: body.index_type,
    ...(body.endpoint_name ? { endpointName: body.endpoint_name } : {}),
    ...(body.allow_masked_columns !== undefined ? { allowMaskedColumns: body.allow_masked_columns } : {}),
    ...(body.comment !== undefined ? { comment: body.comment } : {}),
  };
  const delta = body.delta_sync_index_spec;
  if (delta) {
    request.deltaSync = {
      sourceTable: delta.source_table,
      ...(delta.embedding_source_columns
        ? {
            embeddingSourceColumns: delta.embedding_source_columns.map((c) => ({
              name: c.name,
              embeddingModelEndpointName: c.embedding_model_endpoint_name,
            })),
          }
        : {}),
      ...(delta.embedding_vector_columns
        ? {
            embeddingVectorColumns: delta.embedding_vector_columns.map((c) => ({
              name: c.name,
              embeddingDimension: c.embedding_dimension,
            })),
          }
        : {}),
      ...(delta.columns_to_sync ? { columnsToSync: delta.columns_to_sync } : {}),
    };
  }
  const direct = body.direct_access_index_spec;
  if (direct) {
    const schema = safeParseJson(direct.schema_json);
    if (
      !schema.ok ||
      typeof schema.value !== 'object' ||
      schema.value === null ||
      Array.isArray(schema.value)
    ) {
      throw validationError('direct_access_index_spec.schema_json must be a JSON object of column → type.');
    }
    request.directAccess = {
      embeddingVectorColumns: direct.embedding_vector_columns.map((c) => ({
        name: c.name,
        embeddingDimension: c.embedding_dimension,
      })),
      schema: schema.value as Record<string, string>,
    };
  }
  return request;
}

/** The creator's name for the wire (Databricks' `creator`); null when the principal is gone. */
async function creatorOf(services: ApiServices, info: VectorIndexInfo): Promise<string | null> {
  const id = info.securable.createdBy ?? info.securable.ownerId;
  return (await services.catalog.identity.getPrincipal(id))?.name ?? null;
}

/** DELETE carries its keys as repeated `primary_keys` query parameters or, as older clients send, a body. */
async function primaryKeysOf(ctx: RequestContext): Promise<Array<string | number>> {
  const fromQuery = ctx.query.getAll('primary_keys');
  if (fromQuery.length > 0) return parseOrThrow(deleteDataBody, { primary_keys: fromQuery }).primary_keys;
  // The pipeline reads no DELETE body (a SigV4-signed request has been read whole already).
  const body = ctx.body ?? (await readBody(ctx.req, MAX_DELETE_BODY));
  return parseOrThrow(deleteDataBody, jsonBody(body)).primary_keys;
}

export function vectorSearchRoutes(services: ApiServices): Route[] {
  return [
    route(services, 'GET', '/endpoints', async (_ctx, actor, retrieval) => {
      const indexes = await retrieval.indexes.list(actor);
      const names = new Set([DEFAULT_ENDPOINT, ...indexes.map((i) => i.definition.endpointName)]);
      return {
        endpoints: [...names].map((name) =>
          endpointWire(
            name,
            indexes.filter((i) => i.definition.endpointName === name).length,
            DEFAULT_ENDPOINT,
          ),
        ),
      };
    }),
    route(services, 'POST', '/endpoints', async (ctx) => {
      const body = parseOrThrow(createEndpointBody, jsonBody(ctx.body));
      return endpointWire(body.name, 0, DEFAULT_ENDPOINT);
    }),
    route(services, 'GET', '/endpoints/:name', async (ctx, actor, retrieval) => {
      const name = param(ctx, 'name');
      const indexes = (await retrieval.indexes.list(actor)).filter((i) => i.definition.endpointName === name);
      if (name !== DEFAULT_ENDPOINT && indexes.length === 0) {
        throw new LakegateError('NOT_FOUND', `Vector search endpoint '${name}' does not exist.`);
      }
      return endpointWire(name, indexes.length, DEFAULT_ENDPOINT);
    }),
    route(services, 'POST', '/indexes', async (ctx, actor, retrieval) => {
      const request = createRequest(parseOrThrow(createIndexBody, jsonBody(ctx.body)));
      const info = await retrieval.indexes.create(actor, request);
      return indexWire(info, await creatorOf(services, info));
    }),
    route(services, 'GET', '/indexes', async (ctx, actor, retrieval) => {
      const endpoint = ctx.query.get('endpoint_name');
      const indexes = (await retrieval.indexes.list(actor)).filter(
        (i) => !endpoint || i.definition.endpointName === endpoint,
      );
      const vectorIndexes = [];
      for (const info of indexes) vectorIndexes.push(indexSummaryWire(info, await creatorOf(services, info)));
      return { vector_indexes: vectorIndexes };
    }),
    route(services, 'GET', '/indexes/:index_name', async (ctx, actor, retrieval) => {
      const info = await retrieval.indexes.get(actor, param(ctx, 'index_name'));
      return indexWire(info, await creatorOf(services, info));
    }),
    route(services, 'DELETE', '/indexes/:index_name', async (ctx, actor, retrieval) => {
      await retrieval.indexes.delete(actor, param(ctx, 'index_name'));
      return {};
    }),
    route(services, 'POST', '/indexes/:index_name/query', async (ctx, actor, retrieval) => {
      const body = parseOrThrow(queryIndexBody, jsonBody(ctx.body));
      const result = await retrieval.indexes.query(actor, param(ctx, 'index_name'), {
        ...(body.query_text !== undefined ? { queryText: body.query_text } : {}),
        ...(body.query_vector !== undefined ? { queryVector: body.query_vector } : {}),
        ...(body.num_results !== undefined ? { numResults: body.num_results } : {}),
        ...(body.columns !== undefined ? { columns: body.columns } : {}),
        ...(body.filters_json !== undefined ? { filters: body.filters_json } : {}),
        ...(body.query_type !== undefined ? { queryType: body.query_type } : {}),
        ...(body.score_threshold !== undefined ? { scoreThreshold: body.score_threshold } : {}),
        ...(body.reranker !== undefined
          ? { reranker: { model: body.reranker.model, columns: body.reranker.parameters.columns_to_rerank } }
          : {}),
        // A text query is embedded through the model API: that call stops when the client goes.
        ...(body.query_text !== undefined ? { signal: ctx.signal } : {}),
        requestId: ctx.requestId,
      });
      return {
        manifest: { column_count: result.columns.length, columns: result.columns.map((name) => ({ name })) },
        result: { row_count: result.rows.length, data_array: result.rows },
      };
    }),
    route(services, 'POST', '/indexes/:index_name/upsert-data', async (ctx, actor, retrieval) => {
      const body = parseOrThrow(upsertDataBody, jsonBody(ctx.body));
      const rows = safeParseJson(body.inputs_json);
      if (!rows.ok || !Array.isArray(rows.value)) {
        throw validationError('inputs_json must be a JSON list of row objects.');
      }
      const result = await retrieval.indexes.upsert(actor, param(ctx, 'index_name'), rows.value);
      return {
        status: 'SUCCESS',
        result: { success_row_count: result.successRowCount, failed_primary_keys: [] },
      };
    }),
    route(services, 'DELETE', '/indexes/:index_name/delete-data', async (ctx, actor, retrieval) => {
      const keys = await primaryKeysOf(ctx);
      const result = await retrieval.indexes.deleteRows(actor, param(ctx, 'index_name'), keys);
      return {
        status: 'SUCCESS',
        result: { success_row_count: result.successRowCount, failed_primary_keys: [] },
      };
    }),
    route(services, 'POST', '/indexes/:index_name/sync', async (ctx, actor, retrieval) => {
      // Lakegate answers once the sync has finished (Databricks answers at once); its status is in GET.
      await retrieval.indexes.syncNow(actor, param(ctx, 'index_name'));
      return {};
    }),
  ];
}
