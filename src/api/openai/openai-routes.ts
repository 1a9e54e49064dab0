// The OpenAI-compatible surface, mounted at /v1, at /openai/v1 (Bedrock's OpenAI path) and under
// /serving-endpoints (Databricks: the openai package with baseURL .../serving-endpoints, or
// POST /serving-endpoints/{name}/invocations).

import { isRecord, type StreamEvent, toLakegateError, type Warning } from '../../core/index.js';
import { governedRouter } from '../governed-router.js';
import { clientGone, type RequestContext } from '../http/context.js';
import { sendJson, writeChunk } from '../http/respond.js';
import type { Route } from '../http/route.js';
import { servedByHeaders, withServedBy } from '../http/served-by-headers.js';
import { jsonBody } from '../http/validate.js';
import type { ApiServices } from '../services.js';
import { fromOpenAIChat } from './from-openai-chat.js';
import { embeddingsResponseOf, fromOpenAIEmbeddings } from './openai-embeddings.js';
import { openaiErrorBody, openaiSurface } from './openai-error.js';
import { ChunkEncoder, type CompletionIdentity, chatCompletionOf } from './to-openai-chat.js';

/** Adds the warnings header when there are warnings (`more`: the provider's, after the request's). */
function withWarnings(
  headers: Record<string, string>,
  warnings: Warning[],
  more: Warning[] = [],
): Record<string, string> {
  if (warnings.length === 0 && more.length === 0) return headers;
  const text = [...warnings, ...more].map((w) => `${w.setting}: ${w.message}`).join('; ');
  headers['x-lakegate-warnings'] = text.replace(/[^\x20-\x7e]/g, '?');
  return headers;
}

function withModel(body: unknown, model: string | undefined): unknown {
  return model !== undefined && isRecord(body) ? { ...body, model } : body;
}

async function writeSse(
  ctx: RequestContext,
  headers: Record<string, string>,
  stream: AsyncIterable<StreamEvent>,
  encoder: ChunkEncoder,
): Promise<void> {
  const { res } = ctx;
  res.statusCode = 200;
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  try {
    for await (const event of stream) {
      if (clientGone(ctx)) break;
      const json = encoder.encodeJson(event);
      if (!json) continue;
      const full = writeChunk(res, `data: ${json}\n\n`);
      if (full) await full;
    }
    await writeChunk(res, 'data: [DONE]\n\n');
  } catch (thrown) {
    // The status is already 200: the openai package raises an APIError for an `error` data line.
    if (!res.destroyed)
      await writeChunk(res, `data: ${JSON.stringify(openaiErrorBody(toLakegateError(thrown)))}\n\n`);
  }
  res.end();
}

export function openaiRoutes(services: ApiServices): Route[] {
  async function chat(ctx: RequestContext, body: unknown): Promise<void> {
    const { request, input, warnings } = fromOpenAIChat(body);
    const created = Math.floor(Date.now() / 1000);
    const id = `chatcmpl-${ctx.requestId.replace(/-/g, '')}`;
    if (request.stream) {
      const { stream, servedBy } = await governedRouter(services, ctx).converseStream(request.model, input);
      const identity: CompletionIdentity = { id, created, model: servedBy.model };
      const encoder = new ChunkEncoder(identity, request.stream_options?.include_usage === true);
      const headers = withWarnings(withServedBy({ 'x-request-id': ctx.requestId }, servedBy), warnings);
      await writeSse(ctx, headers, stream, encoder);
      return;
    }
    const { response, servedBy } = await governedRouter(services, ctx).converse(request.model, input);
    const headers = withServedBy({ 'x-request-id': ctx.requestId }, servedBy);
    withWarnings(headers, warnings, response.warnings);
    sendJson(ctx.res, 200, chatCompletionOf({ id, created, model: servedBy.model }, response), headers);
  }

  async function embeddings(ctx: RequestContext, body: unknown): Promise<void> {
    const { request, input } = fromOpenAIEmbeddings(body);
    const { response, servedBy } = await governedRouter(services, ctx).embed(request.model, input);
    sendJson(ctx.res, 200, embeddingsResponseOf(request, servedBy.model, response), {
      'x-request-id': ctx.requestId,
      ...servedByHeaders(servedBy),
    });
  }

  async function models(ctx: RequestContext): Promise<void> {
    const data = (await governedRouter(services, ctx).listModels()).map((m) => ({
      id: m.id,
      object: 'model',
      created: 0,
      owned_by: m.kind === 'endpoint' ? 'lakegate-endpoint' : m.id.slice(0, m.id.indexOf('/')),
    }));
    sendJson(ctx.res, 200, { object: 'list', data }, { 'x-request-id': ctx.requestId });
  }

  const routes: Route[] = [];
  for (const prefix of ['/v1', '/openai/v1', '/serving-endpoints']) {
    routes.push(
      {
        method: 'POST',
        path: `${prefix}/chat/completions`,
        surface: openaiSurface,
        handle: (ctx) => chat(ctx, jsonBody(ctx.body)),
      },
      {
        method: 'POST',
        path: `${prefix}/embeddings`,
        surface: openaiSurface,
        handle: (ctx) => embeddings(ctx, jsonBody(ctx.body)),
      },
    );
  }
  routes.push(
    { method: 'GET', path: '/v1/models', surface: openaiSurface, handle: models },
    { method: 'GET', path: '/openai/v1/models', surface: openaiSurface, handle: models },
    {
      method: 'POST',
      path: '/serving-endpoints/:name/invocations',
      surface: openaiSurface,
      handle: (ctx) => {
        // The endpoint named in the path is the model; the body says whether it is chat or embeddings.
        const body = withModel(jsonBody(ctx.body), ctx.params.name);
        return isRecord(body) && 'input' in body && !('messages' in body)
          ? embeddings(ctx, body)
          : chat(ctx, body);
      },
    },
  );
  return routes;
}
