// The Bedrock-runtime-compatible surface: what BedrockRuntimeClient calls, on the paths it calls them.

import { z } from 'zod';
import { type ConverseResponse, LakegateError, type StreamEvent, toLakegateError } from '../../core/index.js';
import type { ConverseInput } from '../../gateway/index.js';
import { governedRouter } from '../governed-router.js';
import { clientGone, type RequestContext } from '../http/context.js';
import { sendBytes, sendJson, writeChunk } from '../http/respond.js';
import type { Route } from '../http/route.js';
import { servedByHeaders, withServedBy } from '../http/served-by-headers.js';
import { jsonBody, parseOrThrow } from '../http/validate.js';
import type { ApiServices } from '../services.js';
import { bedrockErrorType, bedrockSurface } from './bedrock-error.js';
import { ConverseGuard, type ConverseGuardrailConfig, guardrailConfigOf } from './converse-guardrail.js';
import { embeddingBodyOf, embeddingResponseToWire } from './embedding-bodies.js';
import { eventFrame, exceptionFrame } from './event-stream-writer.js';
import { fromBedrockConverse } from './from-bedrock-converse.js';
import { converseResponseToWire, streamEventToWire } from './to-bedrock-converse.js';

const EVENT_STREAM = 'application/vnd.amazon.eventstream';

const countTokensWire = z.object({
  input: z.union([
    z.strictObject({ converse: z.record(z.string(), z.unknown()) }),
    z.strictObject({ invokeModel: z.strictObject({ body: z.string() }) }),
  ]),
});

/**
 * Writes an event stream: each item of `items` as the frame `frameOf` makes of it (none when it gives
 * undefined). The mapping is a plain function rather than an async generator between the source and
 * this loop, which cost promises and microtask turns for every event.
 */
async function writeEventStream<T>(
  ctx: RequestContext,
  headers: Record<string, string>,
  items: AsyncIterable<T> | Iterable<T>,
  frameOf: (item: T) => Uint8Array | undefined,
): Promise<void> {
  const { res } = ctx;
  res.statusCode = 200;
  res.setHeader('content-type', EVENT_STREAM);
  res.setHeader('x-amzn-requestid', ctx.requestId);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  try {
    for await (const item of items) {
      if (clientGone(ctx)) break;
      const frame = frameOf(item);
      if (!frame) continue;
      const full = writeChunk(res, frame);
      if (full) await full;
    }
  } catch (thrown) {
    // Past the first byte the status is already 200: the error travels in-band, as Bedrock sends it.
    const error = toLakegateError(thrown);
    if (!res.destroyed)
      void writeChunk(res, exceptionFrame(bedrockErrorType(error).streamType, error.message));
  }
  res.end();
}

/** A native stream's chunk as InvokeModelWithResponseStream frames it. */
function chunkFrame(chunk: Uint8Array): Uint8Array {
  return eventFrame('chunk', {
    bytes: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64'),
  });
}

const sameFrame = (frame: Uint8Array): Uint8Array => frame;

/** ConverseStream frames; a guarded stream's trace, when asked for, rides on the metadata event. */
function converseFrameOf(guard?: ConverseGuard): (event: StreamEvent) => Uint8Array | undefined {
  return (event) => {
    const wire = streamEventToWire(event);
    if (!wire) return undefined;
    if (guard && event.type === 'metadata') {
      const trace = guard.traceWire();
      if (trace) wire.payload.trace = trace;
    }
    return eventFrame(wire.eventType, wire.payload);
  };
}

/**
 * The router, model and guard of a guarded call. A caller the model call would refuse gets that refusal
 * (audited) first, not a guardrail's answer.
 */
async function openGuardedCall(
  services: ApiServices,
  ctx: RequestContext,
  config: ConverseGuardrailConfig,
  operation: 'converse' | 'converseStream',
) {
  const router = governedRouter(services, ctx);
  const modelId = ctx.params.modelId!;
  await router.requireCallable(modelId, operation);
  const guard = await ConverseGuard.open(
    services,
    ctx,
    config,
    operation === 'converse' ? 'Converse' : 'ConverseStream',
  );
  return { router, modelId, guard };
}

/** Converse under guardrailConfig: input checked before the model, output after (converse-guardrail.ts). */
async function guardedConverse(
  services: ApiServices,
  ctx: RequestContext,
  config: ConverseGuardrailConfig,
  input: ConverseInput,
): Promise<void> {
  const { router, modelId, guard } = await openGuardedCall(services, ctx, config, 'converse');
  const headers: Record<string, string> = { 'x-amzn-requestid': ctx.requestId };
  let response: ConverseResponse;
  if (await guard.checkInput(input)) {
    response = guard.blockedInputResponse();
  } else {
    const called = await router.converse(modelId, input);
    withServedBy(headers, called.servedBy);
    response = await guard.checkOutput(called.response);
  }
  const trace = guard.traceWire();
  sendJson(ctx.res, 200, { ...converseResponseToWire(response), ...(trace ? { trace } : {}) }, headers);
}

async function guardedConverseStream(
  services: ApiServices,
  ctx: RequestContext,
  config: ConverseGuardrailConfig,
  input: ConverseInput,
): Promise<void> {
  const { router, modelId, guard } = await openGuardedCall(services, ctx, config, 'converseStream');
  if (await guard.checkInput(input)) {
    await writeEventStream(ctx, {}, guard.blockedInputStream(), converseFrameOf(guard));
    return;
  }
  const { stream, servedBy } = await router.converseStream(modelId, input);
  await writeEventStream(ctx, servedByHeaders(servedBy), guard.guardStream(stream), converseFrameOf(guard));
}

export function bedrockRoutes(services: ApiServices): Route[] {
  return [
    {
      method: 'POST',
      path: '/model/:modelId/converse',
      surface: bedrockSurface,
      async handle(ctx) {
        const body = jsonBody(ctx.body);
        const input = fromBedrockConverse(body);
        const guardrail = guardrailConfigOf(body);
        if (guardrail) {
          await guardedConverse(services, ctx, guardrail, input);
          return;
        }
        const { response, servedBy } = await governedRouter(services, ctx).converse(
          ctx.params.modelId!,
          input,
        );
        sendJson(
          ctx.res,
          200,
          converseResponseToWire(response),
          withServedBy({ 'x-amzn-requestid': ctx.requestId }, servedBy),
        );
      },
    },
    {
      method: 'POST',
      path: '/model/:modelId/converse-stream',
      surface: bedrockSurface,
      async handle(ctx) {
        const body = jsonBody(ctx.body);
        const input = fromBedrockConverse(body);
        const guardrail = guardrailConfigOf(body);
        if (guardrail) {
          await guardedConverseStream(services, ctx, guardrail, input);
          return;
        }
        const { stream, servedBy } = await governedRouter(services, ctx).converseStream(
          ctx.params.modelId!,
          input,
        );
        await writeEventStream(ctx, servedByHeaders(servedBy), stream, converseFrameOf());
      },
    },
    {
      method: 'POST',
      path: '/model/:modelId/invoke',
      surface: bedrockSurface,
      async handle(ctx) {
        const modelId = ctx.params.modelId!;
        const contentType = String(ctx.req.headers['content-type'] ?? 'application/json');
        const embedding = contentType.includes('json') ? embeddingBodyOf(jsonBody(ctx.body)) : undefined;
        if (embedding) {
          const { response, servedBy } = await governedRouter(services, ctx).embed(modelId, embedding.input);
          sendJson(ctx.res, 200, embeddingResponseToWire(embedding, response), {
            'x-amzn-requestid': ctx.requestId,
            'x-amzn-bedrock-input-token-count': String(response.usage.inputTokens),
            ...servedByHeaders(servedBy),
          });
          return;
        }
        const accept = ctx.req.headers.accept;
        const { response, servedBy } = await governedRouter(services, ctx).invokeNative(modelId, {
          body: ctx.body ?? new Uint8Array(),
          contentType,
          ...(typeof accept === 'string' ? { accept } : {}),
        });
        for (const [name, value] of Object.entries(servedByHeaders(servedBy))) ctx.res.setHeader(name, value);
        ctx.res.setHeader('x-amzn-requestid', ctx.requestId);
        sendBytes(ctx.res, 200, response.body, response.contentType);
      },
    },
    {
      method: 'POST',
      path: '/model/:modelId/invoke-with-response-stream',
      surface: bedrockSurface,
      async handle(ctx) {
        const modelId = ctx.params.modelId!;
        const contentType = String(ctx.req.headers['content-type'] ?? 'application/json');
        const embedding = contentType.includes('json') ? embeddingBodyOf(jsonBody(ctx.body)) : undefined;
        if (!embedding) {
          // Any other body is the model's native format: passed through, and its chunks passed back.
          const { stream, servedBy } = await governedRouter(services, ctx).invokeNativeStream(modelId, {
            body: ctx.body ?? new Uint8Array(),
            contentType,
          });
          await writeEventStream(ctx, servedByHeaders(servedBy), stream, chunkFrame);
          return;
        }
        const { response, servedBy } = await governedRouter(services, ctx).embed(
          ctx.params.modelId!,
          embedding.input,
        );
        const bytes = Buffer.from(JSON.stringify(embeddingResponseToWire(embedding, response))).toString(
          'base64',
        );
        const frame = eventFrame('chunk', { bytes });
        await writeEventStream(ctx, servedByHeaders(servedBy), [frame], sameFrame);
      },
    },
    {
      method: 'POST',
      path: '/model/:modelId/count-tokens',
      surface: bedrockSurface,
      async handle(ctx) {
        const wire = parseOrThrow(countTokensWire, jsonBody(ctx.body));
        if (!('converse' in wire.input)) {
          throw new LakegateError('UNSUPPORTED_OPERATION', 'CountTokens takes input.converse here.');
        }
        const input: ConverseInput = fromBedrockConverse(wire.input.converse);
        let inputTokens: number;
        try {
          inputTokens = (await governedRouter(services, ctx).countTokens(ctx.params.modelId!, input)).response
            .inputTokens;
        } catch (error) {
          // Providers without a counting API get our estimate rather than an error.
          if (toLakegateError(error).code !== 'UNSUPPORTED_OPERATION') throw error;
          inputTokens = services.estimateInputTokens(input);
        }
        sendJson(ctx.res, 200, { inputTokens }, { 'x-amzn-requestid': ctx.requestId });
      },
    },
  ];
}
