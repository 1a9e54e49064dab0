// The knowledge-base service on a real catalog, real volume files, the embedded vector engine and the
// built-in local models: ingestion (incremental, failures, sidecars), retrieval with filters and
// hierarchical parents, authorisation and per-document access, auditing, and RetrieveAndGenerate.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../catalog/index.js';
import { isLakegateError, LakegateError } from '../../core/index.js';
import type { RetrievalModels } from '../model-calls.js';
import { localRetrievalModels } from '../test-support.js';
import { KnowledgeBases } from './knowledge-base-service.js';
import { ingest, type KbFixture, kbFixture, ROOT, reader } from './test-support.js';

const FLOOD =
  '# Flood claims\n\nA burst pipe that floods a basement is covered when the policy includes water damage. The adjuster must visit within five working days.\n\nGradual leaks are excluded from every household policy.';
const THEFT =
  'Theft claims need a police report number. Bicycles stolen from an unlocked shed are not covered unless the policy lists them.';
const HAIL =
  '<html><head><title>Hail guide</title></head><body><h1>Hail</h1><p>Hail damage to roofs is assessed from photographs taken within 48 hours of the storm.</p><script>var secret = 1;</script></body></html>';
const RATES = 'region,premium\nnorth,420\nsouth,380\n';
const SALARIES =
  'Adjuster salaries are confidential. The senior adjuster bonus pool is 40,000 EUR this year and depends on closed flood claims.';

let fx: KbFixture;
let analyst: Actor;
let adjuster: Actor;

async function rejection(promise: Promise<unknown>): Promise<LakegateError> {
  try {
    await promise;
  } catch (error) {
    if (isLakegateError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  fx = await kbFixture();
  await fx.group('adjusters');
  analyst = await reader(fx, 'analyst');
  adjuster = await reader(fx, 'adjuster', 'adjusters');
  await fx.put('policies/flood.md', FLOOD);
  await fx.put('policies/theft.txt', THEFT);
  await fx.put(
    'policies/theft.txt.metadata.json',
    JSON.stringify({ metadataAttributes: { department: 'fraud', year: 2024 } }),
  );
  await fx.put('policies/hail.html', HAIL);
  await fx.put('policies/rates.csv', RATES);
  await fx.put('policies/logo.bin', new Uint8Array([1, 2, 3]));
  await fx.put('policies/broken.pdf', '%PDF-1.7 this is not really a pdf');
  await fx.put('policies/hr/salaries.txt', SALARIES);
  await fx.put(
    'policies/hr/salaries.txt.metadata.json',
    JSON.stringify({ metadataAttributes: { allowed_groups: ['adjusters'], department: 'hr' } }),
  );
  await fx.put('elsewhere/outside.txt', 'A flood of words outside the knowledge base folder.');
  await fx.kbs.create(fx.admin, 'main.docs.policies', { source: `${ROOT}/policies` });
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

describe('ingestion', () => {
  it('indexes supported documents, reports the others with reasons, and never ingests sidecars', async () => {
    const job = await ingest(fx, fx.admin, 'main.docs.policies');
    expect(job.status).toBe('COMPLETE');
    expect(job.statistics).toMatchObject({
      scanned: 7,
      new: 5,
      modified: 0,
      deleted: 0,
      unchanged: 0,
      failed: 2,
    });
    const reasons = Object.fromEntries(
      job.statistics.failures.map((f) => [f.path.split('/').pop(), f.reason]),
    );
    expect(reasons['logo.bin']).toMatch(/unsupported format/);
    expect(reasons['broken.pdf']).toMatch(/parse error/);
    expect(job.progress).toMatchObject({ filesDone: 7, filesTotal: 7 });
    const info = await fx.kbs.get(fx.admin, 'main.docs.policies');
    expect(info.documents).toBe(5);
    expect(info.chunks).toBe(job.statistics.chunksIndexed);
    expect(await (await fx.engine.openIndex(info.id)).count()).toBe(info.chunks);
  });

  it('skips unchanged files, re-chunks only a changed one, and removes a deleted one', async () => {
    const before = fx.models.embedCalls;
    const again = await ingest(fx, fx.admin, 'main.docs.policies');
    expect(again.statistics).toMatchObject({
      unchanged: 5,
      new: 0,
      modified: 0,
      deleted: 0,
      chunksIndexed: 0,
    });
    expect(fx.models.embedCalls).toBe(before);

    await fx.put('policies/theft.txt', `${THEFT} Jewellery needs a valuation certificate.`);
    const changed = await ingest(fx, fx.admin, 'main.docs.policies');
    expect(changed.statistics).toMatchObject({ unchanged: 4, modified: 1, new: 0, deleted: 0 });
    expect(fx.models.embedCalls).toBe(before + 1);
    const found = await fx.kbs.retrieve(fx.admin, 'main.docs.policies', {
      text: 'jewellery valuation certificate',
    });
    expect(found[0]?.documentPath).toBe(`${ROOT}/policies/theft.txt`);

    await fx.remove('policies/rates.csv');
    const deleted = await ingest(fx, fx.admin, 'main.docs.policies');
    expect(deleted.statistics).toMatchObject({ deleted: 1, unchanged: 4, scanned: 6 });
    const info = await fx.kbs.get(fx.admin, 'main.docs.policies');
    expect(await (await fx.engine.openIndex(info.id)).count()).toBe(info.chunks);
    const rates = await fx.kbs.retrieve(fx.admin, 'main.docs.policies', {
      text: 'premium north south',
      numberOfResults: 100,
    });
    expect(rates.map((r) => r.documentPath)).not.toContain(`${ROOT}/policies/rates.csv`);
  });

  it('re-ingests a file whose sidecar changed, and removes what a now-unreadable file had', async () => {
    await fx.put(
      'policies/theft.txt.metadata.json',
      JSON.stringify({ metadataAttributes: { department: 'claims', year: 2025 } }),
    );
    const job = await ingest(fx, fx.admin, 'main.docs.policies');
    expect(job.statistics).toMatchObject({ modified: 1 });
    const hits = await fx.kbs.retrieve(fx.admin, 'main.docs.policies', {
      text: 'police report',
      filter: { equals: { key: 'department', value: 'claims' } },
    });
    expect(hits.map((h) => h.documentPath)).toEqual([`${ROOT}/policies/theft.txt`]);
    expect(hits[0]?.metadata).toMatchObject({
      year: 2025,
      'x-amz-bedrock-kb-source-uri': `${ROOT}/policies/theft.txt`,
    });

    await fx.put('policies/hail.html', new Uint8Array(0));
    const broken = await ingest(fx, fx.admin, 'main.docs.policies');
    expect(broken.statistics.failed).toBe(3);
    const hail = await fx.kbs.retrieve(fx.admin, 'main.docs.policies', {
      text: 'hail roofs photographs',
      numberOfResults: 100,
    });
    expect(hail.map((h) => h.documentPath)).not.toContain(`${ROOT}/policies/hail.html`);
    await fx.put('policies/hail.html', HAIL);
    expect((await ingest(fx, fx.admin, 'main.docs.policies')).statistics).toMatchObject({
      new: 1,
      failed: 2,
    });
  });

  it('refuses a second job while one runs, and jobs only from who manages the knowledge base', async () => {
    const first = await fx.kbs.startIngestion(fx.admin, 'main.docs.policies');
    const second = await rejection(fx.kbs.startIngestion(fx.admin, 'main.docs.policies'));
    expect(second.code).toBe('ALREADY_EXISTS');
    await fx.kbs.waitForJob(fx.admin, 'main.docs.policies', first.jobId);
    expect((await rejection(fx.kbs.startIngestion(analyst, 'main.docs.policies'))).code).toBe(
      'AUTH_PERMISSION_DENIED',
    );
    const listed = await fx.kbs.jobs(fx.admin, 'main.docs.policies');
    expect(listed[0]?.jobId).toBe(first.jobId);
  });
});

describe('retrieval', () => {
  it('returns chunks with text, score, source and file metadata; by full name and by id', async () => {
    const hits = await fx.kbs.retrieve(analyst, 'main.docs.policies', {
      text: 'Who must visit a flooded basement?',
    });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]).toMatchObject({ documentPath: `${ROOT}/policies/flood.md` });
    expect(hits[0]?.text).toContain('adjuster must visit');
    expect(hits[0]?.metadata).toMatchObject({
      title: 'Flood claims',
      'x-amz-bedrock-kb-data-source-id': 'main.docs.files',
    });
    expect(typeof hits[0]?.metadata.last_modified).toBe('number');
    expect(Object.keys(hits[0]!.metadata).some((k) => k.startsWith('x-lakegate-'))).toBe(false);
    const { id } = await fx.kbs.get(fx.admin, 'main.docs.policies');
    const byId = await fx.kbs.retrieve(analyst, id, {
      text: 'Who must visit a flooded basement?',
      searchType: 'SEMANTIC',
    });
    expect(byId[0]?.documentPath).toBe(`${ROOT}/policies/flood.md`);
  });

  it('refuses bad requests with VALIDATION_FAILED', async () => {
    for (const request of [
      { text: '' },
      { text: 'x', numberOfResults: 0 },
      { text: 'x', numberOfResults: 101 },
      { text: 'x', filter: { equals: { key: 'a' } } },
      { text: 'x', filter: { nope: {} } },
    ]) {
      expect((await rejection(fx.kbs.retrieve(fx.admin, 'main.docs.policies', request))).code).toBe(
        'VALIDATION_FAILED',
      );
    }
  });

  it('needs QUERY on the knowledge base and READ VOLUME on its volume, without revealing either', async () => {
    const stranger = await fx.user('stranger');
    const missing = await rejection(fx.kbs.retrieve(stranger, 'main.docs.nothing', { text: 'flood' }));
    const hidden = await rejection(fx.kbs.retrieve(stranger, 'main.docs.policies', { text: 'flood' }));
    expect(hidden.code).toBe('NOT_FOUND');
    expect(hidden.message.replace('policies', 'nothing')).toBe(missing.message);
    const { id } = await fx.kbs.get(fx.admin, 'main.docs.policies');
    expect((await rejection(fx.kbs.retrieve(stranger, id, { text: 'flood' }))).code).toBe('NOT_FOUND');

    // QUERY without READ VOLUME: refused, and the volume is not named.
    const noVolume = await fx.user('novolume');
    await fx.grant('catalog', 'main', 'novolume', 'USE CATALOG');
    await fx.grant('schema', 'main.docs', 'novolume', 'USE SCHEMA');
    await fx.grant('knowledge_base', 'main.docs.policies', 'novolume', 'QUERY');
    const denied = await rejection(fx.kbs.retrieve(noVolume, 'main.docs.policies', { text: 'flood' }));
    expect(denied.code).toBe('AUTH_PERMISSION_DENIED');
    expect(denied.message).not.toContain('files');

    // READ VOLUME without QUERY (only BROWSE on the knowledge base).
    const noQuery = await fx.user('noquery');
    await fx.grant('catalog', 'main', 'noquery', 'USE CATALOG');
    await fx.grant('schema', 'main.docs', 'noquery', 'USE SCHEMA');
    await fx.grant('volume', 'main.docs.files', 'noquery', 'READ VOLUME');
    await fx.grant('knowledge_base', 'main.docs.policies', 'noquery', 'BROWSE');
    expect((await rejection(fx.kbs.retrieve(noQuery, 'main.docs.policies', { text: 'flood' }))).code).toBe(
      'AUTH_PERMISSION_DENIED',
    );
  });

  it('returns allowed_groups documents only to members, whatever the filter and the number asked', async () => {
    const question = { text: 'adjuster bonus pool salaries', numberOfResults: 100 } as const;
    const member = await fx.kbs.retrieve(adjuster, 'main.docs.policies', question);
    expect(member.map((h) => h.documentPath)).toContain(`${ROOT}/policies/hr/salaries.txt`);
    expect(member.find((h) => h.documentPath.endsWith('salaries.txt'))?.metadata.allowed_groups).toEqual([
      'adjusters',
    ]);
    for (const searchType of ['HYBRID', 'SEMANTIC'] as const) {
      for (const filter of [
        undefined,
        { equals: { key: 'department', value: 'hr' } },
        {
          orAll: [
            { equals: { key: 'department', value: 'hr' } },
            { equals: { key: 'x-lakegate-restricted', value: true } },
          ],
        },
        { listContains: { key: 'allowed_groups', value: 'adjusters' } },
      ]) {
        const hits = await fx.kbs.retrieve(analyst, 'main.docs.policies', {
          ...question,
          searchType,
          ...(filter ? { filter } : {}),
        });
        expect(
          hits.some((h) => h.documentPath.endsWith('salaries.txt') || h.text.includes('bonus pool')),
        ).toBe(false);
      }
    }
    const admin = await fx.kbs.retrieve(fx.admin, 'main.docs.policies', question);
    expect(admin.map((h) => h.documentPath)).toContain(`${ROOT}/policies/hr/salaries.txt`);
  });

  it('a sidecar cannot lift the restriction by setting Lakegate keys itself', async () => {
    await fx.put('policies/hr/sneaky.txt', 'The sneaky memo lists the bonus pool of every manager.');
    await fx.put(
      'policies/hr/sneaky.txt.metadata.json',
      JSON.stringify({ metadataAttributes: { allowed_groups: 'adjusters', 'x-lakegate-restricted': false } }),
    );
    await ingest(fx, fx.admin, 'main.docs.policies');
    const hits = await fx.kbs.retrieve(analyst, 'main.docs.policies', {
      text: 'sneaky memo bonus pool manager',
      numberOfResults: 100,
    });
    expect(hits.some((h) => h.documentPath.endsWith('sneaky.txt'))).toBe(false);
    const member = await fx.kbs.retrieve(adjuster, 'main.docs.policies', {
      text: 'sneaky memo',
      numberOfResults: 3,
    });
    expect(member[0]?.documentPath).toBe(`${ROOT}/policies/hr/sneaky.txt`);
  });

  it('audits each retrieval with the ids returned, never the query or the text', async () => {
    await fx.kbs.retrieve(analyst, 'main.docs.policies', { text: 'burst pipe basement', numberOfResults: 2 });
    await fx.catalog.audit.flush();
    const { records } = await fx.catalog.audit.query({
      action: 'knowledgeBases.retrieve',
      principalId: analyst.principalId,
    });
    const last = records.at(-1) ?? records[0];
    expect(last).toBeDefined();
    const text = JSON.stringify(records);
    expect(text).toContain('/policies/flood.md');
    expect(text).not.toContain('burst pipe');
    expect(text).not.toContain('adjuster must visit');

    const outsider = await fx.user('outsider');
    await rejection(fx.kbs.retrieve(outsider, 'main.docs.policies', { text: 'secret question' }));
    await fx.catalog.audit.flush();
    const denied = await fx.catalog.audit.query({
      action: 'knowledgeBases.retrieve',
      principalId: outsider.principalId,
    });
    expect(denied.records.map((r) => r.decision)).toEqual(['deny']);
    expect(JSON.stringify(denied.records)).not.toContain('secret question');
  });
});

describe('hierarchical chunking', () => {
  it('searches children and returns their parents, once each', async () => {
    const long = Array.from({ length: 40 }, (_, i) =>
      i % 10 === 0
        ? `Section ${i / 10}: windstorm coverage rule number ${i} applies to roof tiles and chimneys.`
        : `Clause ${i} explains routine paperwork for windstorm claims, number ${i}, in plain words.`,
    ).join(' ');
    await fx.put('hier/windstorm.txt', long);
    await fx.kbs.create(fx.admin, 'main.docs.hier', {
      source: `${ROOT}/hier`,
      chunking: {
        chunkingStrategy: 'HIERARCHICAL',
        hierarchicalChunkingConfiguration: {
          levelConfigurations: [{ maxTokens: 200 }, { maxTokens: 30 }],
          overlapTokens: 5,
        },
      },
    });
    const job = await ingest(fx, fx.admin, 'main.docs.hier');
    expect(job.status).toBe('COMPLETE');
    const hits = await fx.kbs.retrieve(fx.admin, 'main.docs.hier', {
      text: 'windstorm roof tiles chimneys',
      numberOfResults: 3,
    });
    expect(hits.length).toBeGreaterThan(0);
    const ids = hits.map((h) => h.chunkId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const hit of hits) {
      expect(hit.chunkId).toMatch(/#p\d+$/);
      expect(long).toContain(hit.text);
    }
    // Parents are longer than any child (children are capped at 30 tokens).
    expect(Math.max(...hits.map((h) => h.text.length))).toBeGreaterThan(300);
  });
});

describe('retrieveAndGenerate', () => {
  it('answers from the retrieved chunks through the model, with spans and references', async () => {
    const answer = await fx.kbs.retrieveAndGenerate(analyst, 'main.docs.policies', {
      text: 'Within how many days must the adjuster visit a flooded basement?',
      modelId: 'local/extractive',
    });
    expect(answer.text).toContain('five working days');
    expect(answer.text).not.toMatch(/\[\d+\]|Sources:/);
    expect(answer.citations.length).toBeGreaterThan(0);
    for (const citation of answer.citations) {
      expect(answer.text.slice(citation.start, citation.end)).toBe(citation.citedText);
      expect(citation.references.length).toBeGreaterThan(0);
      // Honest: the quoted text is in a chunk it cites.
      expect(citation.references.some((r) => r.text.includes(citation.citedText))).toBe(true);
    }
    expect(answer.citations.some((c) => c.references.some((r) => r.documentPath.endsWith('flood.md')))).toBe(
      true,
    );
    expect(answer.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never puts a restricted document into a non-member answer or citations', async () => {
    const answer = await fx.kbs.retrieveAndGenerate(analyst, 'main.docs.policies', {
      text: 'How large is the senior adjuster bonus pool?',
      modelId: 'local/extractive',
      numberOfResults: 100,
      filter: {
        orAll: [
          { equals: { key: 'department', value: 'hr' } },
          { notEquals: { key: 'department', value: 'hr' } },
        ],
      },
    });
    expect(answer.text).not.toContain('40,000');
    expect(JSON.stringify(answer)).not.toContain('salaries.txt');
    const member = await fx.kbs.retrieveAndGenerate(adjuster, 'main.docs.policies', {
      text: 'How large is the senior adjuster bonus pool?',
      modelId: 'local/extractive',
    });
    expect(member.text).toContain('40,000');
  });
});

describe('jobs that cannot run', () => {
  it('fail with the reason when the embedding model cannot be called, keeping what was indexed', async () => {
    await fx.kbs.create(fx.admin, 'main.docs.nomodel', {
      source: `${ROOT}/policies`,
      embeddingModel: 'local/nope',
    });
    const job = await ingest(fx, fx.admin, 'main.docs.nomodel');
    expect(job.status).toBe('FAILED');
    expect(job.failureReasons.join(' ')).toMatch(/local\/nope/);
    expect((await fx.kbs.get(fx.admin, 'main.docs.nomodel')).documents).toBe(0);
    await fx.kbs.delete(fx.admin, 'main.docs.nomodel');
  });

  it('fail only the document the embedding model refuses, writing the rest of its batch', async () => {
    const local = localRetrievalModels();
    const picky: RetrievalModels = {
      ...local,
      embed: async (actor, modelId, texts, inputType, options) => {
        if (texts.some((t) => t.includes('POISON'))) {
          throw new LakegateError('VALIDATION_FAILED', 'the model refuses this input');
        }
        return local.embed(actor, modelId, texts, inputType, options);
      },
    };
    const kbs = new KnowledgeBases({
      catalog: fx.catalog,
      volumes: fx.files,
      engine: fx.engine,
      models: picky,
      stateDir: join(fx.home, 'picky-state'),
    });
    await fx.put('picky/a.txt', 'An ordinary note about hail.');
    await fx.put('picky/b.txt', 'A POISON note the model refuses.');
    await fx.put('picky/c.txt', 'Another ordinary note about storms.');
    await kbs.create(fx.admin, 'main.docs.picky', { source: `${ROOT}/picky` });
    const started = await kbs.startIngestion(fx.admin, 'main.docs.picky');
    const job = await kbs.waitForJob(fx.admin, 'main.docs.picky', started.jobId);
    expect(job.statistics).toMatchObject({ new: 2, failed: 1 });
    expect(job.statistics.failures).toEqual([
      { path: `${ROOT}/picky/b.txt`, reason: 'cannot be embedded: the model refuses this input' },
    ]);
    await kbs.delete(fx.admin, 'main.docs.picky');
    await kbs.close();
  });

  it('run as the owner: an owner who lost READ VOLUME gets a failed job, not a read', async () => {
    const owner = await fx.user('kbowner');
    await fx.grant('catalog', 'main', 'kbowner', 'USE CATALOG');
    await fx.grant('schema', 'main.docs', 'kbowner', 'USE SCHEMA', 'CREATE TABLE');
    await fx.grant('volume', 'main.docs.files', 'kbowner', 'READ VOLUME');
    await fx.kbs.create(owner, 'main.docs.owned', { source: `${ROOT}/policies` });
    await fx.catalog.securables.updatePermissions(fx.admin, 'volume', 'main.docs.files', [
      { principal: 'kbowner', remove: ['READ VOLUME'] },
    ]);
    // Even an admin starting it: the job reads as the owner.
    const job = await ingest(fx, fx.admin, 'main.docs.owned');
    expect(job.status).toBe('FAILED');
    expect(job.statistics.scanned).toBe(0);
    await fx.kbs.delete(fx.admin, 'main.docs.owned');
  });
});

describe('lifecycle', () => {
  it('keeps jobs and state across a restart, and deleting removes vectors and state', async () => {
    const before = await fx.kbs.get(fx.admin, 'main.docs.hier');
    await fx.restart();
    const after = await fx.kbs.get(fx.admin, 'main.docs.hier');
    expect(after.chunks).toBe(before.chunks);
    expect(after.latestJob?.status).toBe('COMPLETE');
    expect((await ingest(fx, fx.admin, 'main.docs.hier')).statistics).toMatchObject({ unchanged: 1 });
    expect((await fx.kbs.list(analyst, 'main.docs')).map((k) => k.fullName)).toEqual([
      'main.docs.hier',
      'main.docs.policies',
    ]);
    await fx.kbs.delete(fx.admin, 'main.docs.hier');
    expect((await rejection(fx.kbs.get(fx.admin, 'main.docs.hier'))).code).toBe('NOT_FOUND');
    expect((await rejection(fx.engine.openIndex(after.id))).code).toBe('NOT_FOUND');
  });

  it('refuses a data source changed behind its back, and follows a rename', async () => {
    const kb = await fx.kbs.get(fx.admin, 'main.docs.policies');
    const moved = { ...kb.config, source: `${ROOT}/elsewhere` };
    const details = {
      data_source: { type: 'VOLUME', volume: moved.volume, path: moved.source },
      embedding_model: moved.embeddingModel,
      chunking_configuration: moved.chunking,
    };
    const original = (await fx.catalog.securables.get(fx.admin, 'knowledge_base', 'main.docs.policies'))
      .details;
    await fx.catalog.securables.update(fx.admin, 'knowledge_base', 'main.docs.policies', { details });
    const refused = await rejection(fx.kbs.retrieve(analyst, 'main.docs.policies', { text: 'flood' }));
    expect(refused.code).toBe('VALIDATION_FAILED');
    expect(refused.message).toMatch(/cannot change/);
    expect((await rejection(fx.kbs.startIngestion(fx.admin, 'main.docs.policies'))).code).toBe(
      'VALIDATION_FAILED',
    );
    await fx.catalog.securables.update(fx.admin, 'knowledge_base', 'main.docs.policies', {
      details: original,
    });

    await fx.catalog.securables.update(fx.admin, 'knowledge_base', 'main.docs.policies', {
      newName: 'renamed',
    });
    expect((await fx.kbs.retrieve(analyst, 'main.docs.renamed', { text: 'flood' })).length).toBeGreaterThan(
      0,
    );
    expect((await fx.kbs.retrieve(analyst, kb.id, { text: 'flood' })).length).toBeGreaterThan(0);
    await fx.catalog.securables.update(fx.admin, 'knowledge_base', 'main.docs.renamed', {
      newName: 'policies',
    });
  });

  it('refuses a knowledge base over a volume its creator cannot read, and bad specs', async () => {
    const creator = await fx.user('creator');
    await fx.grant('catalog', 'main', 'creator', 'USE CATALOG');
    await fx.grant('schema', 'main.docs', 'creator', 'USE SCHEMA', 'CREATE TABLE');
    expect((await rejection(fx.kbs.create(creator, 'main.docs.mine', { source: ROOT }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await rejection(fx.kbs.create(fx.admin, 'main.docs.bad', { source: 'files' }))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect(
      (
        await rejection(
          fx.kbs.create(fx.admin, 'main.docs.bad', { source: ROOT, chunking: { chunkingStrategy: 'NOPE' } }),
        )
      ).code,
    ).toBe('VALIDATION_FAILED');
    expect((await rejection(fx.kbs.create(fx.admin, 'main.docs.bad', { source: ROOT, extra: 1 }))).code).toBe(
      'VALIDATION_FAILED',
    );
  });
});
