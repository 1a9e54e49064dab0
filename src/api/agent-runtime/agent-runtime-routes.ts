// The Bedrock-Agent-Runtime-compatible surface: what BedrockAgentRuntimeClient calls, on the paths it
// calls them. `knowledgeBaseId` is the knowledge base's securable id or its full name.

import type { Actor } from '../../catalog/index.js';
import { LakegateError } from '../../core/index.js';
import type { KnowledgeBases } from '../../retrieval/index.js';
import { governedRouter } from '../governed-router.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Route } from '../http/route.js';
import { jsonBody, parseOrThrow } from '../http/validate.js';
import type { ApiServices } from '../services.js';
import { agentRuntimeSurface } from './agent-runtime-error.js';
import {
  rerankBody,
  rerankCallOf,
  rerankResponseOf,
  retrieveAndGenerateBody,
  retrieveAndGenerateRequestOf,
  retrieveAndGenerateResponseOf,
  retrieveBody,
  retrieveRequestOf,
  retrieveResponseOf,
} from './agent-runtime-wire.js';

export function knowledgeBasesOf(services: ApiServices): KnowledgeBases {
  const kbs = services.retrieval?.knowledgeBases;
  if (!kbs)
    throw new LakegateError('UNSUPPORTED_OPERATION', 'Knowledge bases are not enabled on this server.');
  return kbs;
}

function callerOf(ctx: RequestContext): Actor {
  if (!ctx.principal) throw new LakegateError('INTERNAL', 'An agent runtime route ran without a principal.');
  return ctx.principal;
}

function reply(ctx: RequestContext, body: unknown): void {
  sendJson(ctx.res, 200, body, { 'x-amzn-requestid': ctx.requestId });
}

export function agentRuntimeRoutes(services: ApiServices): Route[] {
  return [
    {
      method: 'POST',
      path: '/knowledgebases/:knowledgeBaseId/retrieve',
      surface: agentRuntimeSurface,
      async handle(ctx) {
        const request = retrieveRequestOf(parseOrThrow(retrieveBody, jsonBody(ctx.body)));
        const chunks = await knowledgeBasesOf(services).retrieve(
          callerOf(ctx),
          ctx.params.knowledgeBaseId ?? '',
          request,
          { requestId: ctx.requestId, signal: ctx.signal },
        );
        reply(ctx, retrieveResponseOf(chunks));
      },
    },
    {
      method: 'POST',
      path: '/retrieveAndGenerate',
      surface: agentRuntimeSurface,
      async handle(ctx) {
        const { knowledgeBaseId, request } = retrieveAndGenerateRequestOf(
          parseOrThrow(retrieveAndGenerateBody, jsonBody(ctx.body)),
        );
        const answer = await knowledgeBasesOf(services).retrieveAndGenerate(
          callerOf(ctx),
          knowledgeBaseId,
          request,
          {
            requestId: ctx.requestId,
            signal: ctx.signal,
          },
        );
        reply(ctx, retrieveAndGenerateResponseOf(answer));
      },
    },
    {
      // Bedrock's Rerank: inline documents ordered by a reranking model, through the governed model API
      // (QUERY on the model's serving endpoint, limits, usage), so no knowledge base is involved.
      method: 'POST',
      path: '/rerank',
      surface: agentRuntimeSurface,
      async handle(ctx) {
        const body = parseOrThrow(rerankBody, jsonBody(ctx.body));
        const { modelId, ...input } = rerankCallOf(body);
        const router = governedRouter(services, {
          principal: callerOf(ctx),
          requestId: ctx.requestId,
          signal: ctx.signal,
        });
        const result = await router.rerank(modelId, input);
        reply(ctx, rerankResponseOf(body, result.response.results));
      },
    },
  ];
}
