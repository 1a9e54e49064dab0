// Lakegate's admin API for the knowledge-base lifecycle, in the Databricks/Unity Catalog error shape:
// create, list, get and delete knowledge bases, start ingestion jobs and follow them. Querying is the
// Bedrock-compatible surface (agent-runtime-routes.ts).

import { z } from 'zod';
import type { IngestionJob, KnowledgeBaseInfo } from '../../retrieval/index.js';
import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { jsonRoute, PrincipalNames, param, readJson, requiredQuery } from '../unity-catalog/index.js';
import { knowledgeBasesOf } from './agent-runtime-routes.js';

export const KB_PREFIX = '/api/2.0/lakegate/knowledge-bases';

const createBody = z
  .object({
    name: z.string().min(1).max(1024),
    source: z.string().min(1),
    embedding_model: z.string().min(1).optional(),
    chunking_configuration: z.unknown().optional(),
    comment: z.string().optional(),
  })
  .strict();

function jobToWire(job: IngestionJob) {
  const s = job.statistics;
  return {
    job_id: job.jobId,
    knowledge_base_id: job.knowledgeBaseId,
    status: job.status,
    started_at: job.startedAt,
    updated_at: job.updatedAt,
    started_by: job.startedBy,
    progress: {
      files_done: job.progress.filesDone,
      files_total: job.progress.filesTotal,
      chunks_indexed: job.progress.chunksIndexed,
    },
    statistics: {
      scanned: s.scanned,
      new: s.new,
      modified: s.modified,
      deleted: s.deleted,
      unchanged: s.unchanged,
      failed: s.failed,
      chunks_indexed: s.chunksIndexed,
      failures: s.failures,
    },
    failure_reasons: job.failureReasons,
  };
}

async function infoToWire(info: KnowledgeBaseInfo, names: PrincipalNames) {
  return {
    id: info.id,
    full_name: info.fullName,
    owner: await names.name(info.ownerId),
    comment: info.comment,
    source: info.config.source,
    volume: info.config.volume,
    embedding_model: info.config.embeddingModel,
    chunking_configuration: info.config.chunking,
    documents: info.documents,
    chunks: info.chunks,
    ...(info.latestJob ? { latest_job: jobToWire(info.latestJob) } : {}),
    created_at: info.createdAt,
    updated_at: info.updatedAt,
  };
}

export function knowledgeBaseRoutes(services: ApiServices): Route[] {
  const names = () => new PrincipalNames(services.catalog.identity);
  const kbs = () => knowledgeBasesOf(services);
  return [
    jsonRoute('POST', KB_PREFIX, async (ctx, actor) => {
      const body = readJson(ctx, createBody);
      const created = await kbs().create(actor, body.name, {
        source: body.source,
        ...(body.embedding_model !== undefined ? { embeddingModel: body.embedding_model } : {}),
        ...(body.chunking_configuration !== undefined ? { chunking: body.chunking_configuration } : {}),
        ...(body.comment !== undefined ? { comment: body.comment } : {}),
      });
      return infoToWire(created, names());
    }),
    jsonRoute('GET', KB_PREFIX, async (ctx, actor) => {
      const schema = `${requiredQuery(ctx.query, 'catalog_name')}.${requiredQuery(ctx.query, 'schema_name')}`;
      const perRequest = names();
      const found = await kbs().list(actor, schema);
      return { knowledge_bases: await Promise.all(found.map((kb) => infoToWire(kb, perRequest))) };
    }),
    jsonRoute('GET', `${KB_PREFIX}/:name`, async (ctx, actor) =>
      infoToWire(await kbs().get(actor, param(ctx, 'name')), names()),
    ),
    jsonRoute('DELETE', `${KB_PREFIX}/:name`, async (ctx, actor) => {
      await kbs().delete(actor, param(ctx, 'name'));
      return {};
    }),
    jsonRoute('POST', `${KB_PREFIX}/:name/ingestion-jobs`, async (ctx, actor) =>
      jobToWire(await kbs().startIngestion(actor, param(ctx, 'name'))),
    ),
    jsonRoute('GET', `${KB_PREFIX}/:name/ingestion-jobs`, async (ctx, actor) => ({
      jobs: (await kbs().jobs(actor, param(ctx, 'name'))).map(jobToWire),
    })),
    jsonRoute('GET', `${KB_PREFIX}/:name/ingestion-jobs/:job_id`, async (ctx, actor) =>
      jobToWire(await kbs().job(actor, param(ctx, 'name'), param(ctx, 'job_id'))),
    ),
  ];
}
