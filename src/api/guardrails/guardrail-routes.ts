// Bedrock's guardrail APIs: the control plane (@aws-sdk/client-bedrock: Create/Get/Update/Delete/List
// Guardrail, CreateGuardrailVersion under /guardrails) and the runtime's ApplyGuardrail
// (@aws-sdk/client-bedrock-runtime: POST /guardrail/{id}/version/{v}/apply). Errors in Bedrock's shape.

import { z } from 'zod';
import type { Actor } from '../../catalog/index.js';
import { LakegateError } from '../../core/index.js';
import type { GuardrailService } from '../../guardrails/index.js';
import { bedrockSurface } from '../bedrock/index.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Route } from '../http/route.js';
import { jsonBody, parseOrThrow } from '../http/validate.js';
import {
  applyRequestOf,
  createVersionWire,
  guardrailBodyOf,
  guardrailSummaryToWire,
  guardrailToWire,
} from './guardrail-wire.js';

function actorOf(ctx: RequestContext): Actor {
  if (!ctx.principal) throw new LakegateError('INTERNAL', 'A guardrail route ran without a principal.');
  return ctx.principal;
}

const optionalQuery = (ctx: RequestContext, name: string): string | undefined =>
  ctx.query.get(name) ?? undefined;

const listQuery = z.object({
  maxResults: z.coerce.number().int().min(1).max(1000).optional(),
});

function reply(ctx: RequestContext, status: number, body: unknown): void {
  sendJson(ctx.res, status, body, { 'x-amzn-requestid': ctx.requestId });
}

export function guardrailRoutes(guardrails: GuardrailService): Route[] {
  return [
    {
      method: 'POST',
      path: '/guardrails',
      surface: bedrockSurface,
      async handle(ctx) {
        const body = guardrailBodyOf(jsonBody(ctx.body));
        const created = await guardrails.create(actorOf(ctx), body);
        reply(ctx, 202, {
          guardrailId: created.guardrailId,
          guardrailArn: created.arn,
          version: created.version,
          createdAt: created.createdAt,
        });
      },
    },
    {
      method: 'GET',
      path: '/guardrails',
      surface: bedrockSurface,
      async handle(ctx) {
        const { maxResults } = parseOrThrow(listQuery, { maxResults: optionalQuery(ctx, 'maxResults') });
        const options: Parameters<GuardrailService['list']>[1] = {};
        const identifier = optionalQuery(ctx, 'guardrailIdentifier');
        const nextToken = optionalQuery(ctx, 'nextToken');
        if (identifier) options.guardrailIdentifier = identifier;
        if (maxResults !== undefined) options.maxResults = maxResults;
        if (nextToken) options.nextToken = nextToken;
        const page = await guardrails.list(actorOf(ctx), options);
        reply(ctx, 200, {
          guardrails: page.guardrails.map(guardrailSummaryToWire),
          ...(page.nextToken ? { nextToken: page.nextToken } : {}),
        });
      },
    },
    {
      method: 'GET',
      path: '/guardrails/:id',
      surface: bedrockSurface,
      async handle(ctx) {
        const record = await guardrails.get(
          actorOf(ctx),
          ctx.params.id!,
          optionalQuery(ctx, 'guardrailVersion'),
        );
        reply(ctx, 200, guardrailToWire(record));
      },
    },
    {
      method: 'PUT',
      path: '/guardrails/:id',
      surface: bedrockSurface,
      async handle(ctx) {
        const body = guardrailBodyOf(jsonBody(ctx.body));
        const updated = await guardrails.update(actorOf(ctx), ctx.params.id!, body);
        reply(ctx, 202, {
          guardrailId: updated.guardrailId,
          guardrailArn: updated.arn,
          version: updated.version,
          updatedAt: updated.updatedAt,
        });
      },
    },
    {
      method: 'POST',
      path: '/guardrails/:id',
      surface: bedrockSurface,
      async handle(ctx) {
        const body =
          ctx.body && ctx.body.length > 0 ? parseOrThrow(createVersionWire, jsonBody(ctx.body)) : {};
        const created = await guardrails.createVersion(actorOf(ctx), ctx.params.id!, body.description);
        reply(ctx, 202, created);
      },
    },
    {
      method: 'DELETE',
      path: '/guardrails/:id',
      surface: bedrockSurface,
      async handle(ctx) {
        await guardrails.delete(actorOf(ctx), ctx.params.id!, optionalQuery(ctx, 'guardrailVersion'));
        reply(ctx, 202, {});
      },
    },
    {
      method: 'POST',
      path: '/guardrail/:id/version/:version/apply',
      surface: bedrockSurface,
      async handle(ctx) {
        const request = applyRequestOf(jsonBody(ctx.body));
        const result = await guardrails.apply(actorOf(ctx), ctx.params.id!, ctx.params.version!, request, {
          requestId: ctx.requestId,
        });
        reply(ctx, 200, {
          action: result.action,
          ...(result.actionReason ? { actionReason: result.actionReason } : {}),
          outputs: result.outputs,
          assessments: result.assessments,
          usage: result.usage,
          guardrailCoverage: result.guardrailCoverage,
        });
      },
    },
  ];
}
