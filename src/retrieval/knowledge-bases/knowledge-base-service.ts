// Knowledge bases: catalog securables (`catalog.schema.kb`, created with CREATE TABLE on the schema) over
// one governed volume folder, their ingestion jobs, and retrieval that never returns a document the caller
// may not read. Querying needs QUERY on the knowledge base AND READ VOLUME on its source volume (whoever
// may not read the files may not read them through search either); documents that carry
// `allowed_groups` reach only members of those groups (document-access.ts). Every retrieval is audited
// with the ids of what it returned, never the text.
//
// State per knowledge base lives in `<stateDir>/<securable id>/`: the file ledger, the job history and a
// note of its name (so the Bedrock API can address it by id). Its vectors are the engine index named by
// the securable id.

import {
  type Actor,
  type AuditEvent,
  accessEvent,
  type Catalog,
  type Securable,
} from '../../catalog/index.js';
import {
  type InferenceConfig,
  isLakegateError,
  LakegateError,
  nowIso,
  validationError,
} from '../../core/index.js';
import type { VolumeFiles } from '../../data/index.js';
import type { VectorEngine, VectorIndex } from '../engine/vector-engine.js';
import type { ModelCallOptions, RetrievalModels } from '../model-calls.js';
import { rerankCandidates } from '../rerank-candidates.js';
import { type CitedAnswer, citeAnswer, generationInput } from './cited-answer.js';
import { bothFilters, documentAccessFilter } from './document-access.js';
import { emptyStatistics, type IngestionProgress, runIngestion } from './ingestion-job.js';
import { type IngestionJob, newJobId } from './ingestion-jobs.js';
import { configOf, type KnowledgeBaseConfig, parseKnowledgeBaseSpec } from './knowledge-base-spec.js';
import { KB_ID, KnowledgeBaseStates } from './knowledge-base-state.js';
import {
  type CheckedRequest,
  checkRetrieveRequest,
  type RetrieveRequest,
  requireQuery,
  requireReadVolume,
} from './query-rules.js';
import { type RetrievedChunk, searchChunks } from './search-chunks.js';

export interface KnowledgeBasesOptions {
  catalog: Catalog;
  volumes: VolumeFiles;
  engine: VectorEngine;
  models: RetrievalModels;
  /** The folder of the knowledge bases' own state (`<home>/data/knowledge-bases`). */
  stateDir: string;
}

export interface KnowledgeBaseInfo {
  id: string;
  fullName: string;
  ownerId: string;
  comment: string | null;
  config: KnowledgeBaseConfig;
  documents: number;
  chunks: number;
  latestJob?: IngestionJob;
  createdAt: string;
  updatedAt: string;
}

export interface RetrieveAndGenerateRequest extends RetrieveRequest {
  modelId: string;
  promptTemplate?: string;
  inferenceConfig?: InferenceConfig;
  sessionId?: string;
}

export interface GeneratedAnswer extends CitedAnswer {
  /** Echoed, or new: generation is stateless (no conversation memory between calls). */
  sessionId: string;
  guardrailIntervened: boolean;
}

export class KnowledgeBases {
  private readonly catalog: Catalog;
  private readonly volumes: VolumeFiles;
  private readonly engine: VectorEngine;
  private readonly models: RetrievalModels;
  private readonly states: KnowledgeBaseStates;
  private closed = false;

  constructor(options: KnowledgeBasesOptions) {
    this.catalog = options.catalog;
    this.volumes = options.volumes;
    this.engine = options.engine;
    this.models = options.models;
    this.states = new KnowledgeBaseStates(options.stateDir);
  }

  // --- lifecycle -----------------------------------------------------------------------------------

  /** Needs CREATE TABLE on the schema (the catalog checks) and READ VOLUME on the source volume. */
  async create(actor: Actor, fullName: string, spec: unknown): Promise<KnowledgeBaseInfo> {
    const { config, details, comment } = parseKnowledgeBaseSpec(spec);
    await requireReadVolume(this.catalog, actor, config.volume);
    const created = await this.catalog.securables.createObject(actor, 'knowledge_base', fullName, {
      details,
      ...(comment !== undefined ? { comment } : {}),
    });
    await this.states.writeNote(created.id, { fullName: created.fullName, source: config.source });
    return this.info(created);
  }

  async get(actor: Actor, nameOrId: string): Promise<KnowledgeBaseInfo> {
    return this.info(await this.resolve(actor, nameOrId));
  }

  /** The knowledge bases of a schema the actor may see. */
  async list(actor: Actor, schemaFullName: string): Promise<KnowledgeBaseInfo[]> {
    const found = await this.catalog.securables.list(actor, 'knowledge_base', schemaFullName);
    return Promise.all(found.map((kb) => this.info(kb)));
  }

  /** Deletes the securable (the catalog checks MANAGE), then its vectors and state. */
  async delete(actor: Actor, nameOrId: string): Promise<void> {
    const kb = await this.resolve(actor, nameOrId);
    await this.catalog.securables.delete(actor, 'knowledge_base', kb.fullName);
    await this.states.remove(kb.id);
    await this.engine.dropIndex(kb.id).catch((error: unknown) => {
      if (!(isLakegateError(error) && error.code === 'NOT_FOUND')) throw error;
    });
  }

  // --- ingestion -----------------------------------------------------------------------------------

  /**
   * Starts an ingestion job (MANAGE on the knowledge base: owner, MANAGE grant or admin) and returns it
   * at once; the job runs as the owner. One job at a time per knowledge base (ALREADY_EXISTS otherwise).
   */
  async startIngestion(
    actor: Actor,
    nameOrId: string,
    options: { onProgress?: (progress: IngestionProgress) => void } = {},
  ): Promise<IngestionJob> {
    if (this.closed)
      throw new LakegateError('UNSUPPORTED_OPERATION', 'The knowledge base service is closed.');
    const kb = await this.resolve(actor, nameOrId);
    await this.catalog.authorizer.require(actor, 'MANAGE', kb);
    const config = await this.configFor(kb);
    const owner = await this.ownerOf(kb);
    const state = await this.states.of(kb.id);
    if (state.running) {
      throw new LakegateError(
        'ALREADY_EXISTS',
        `An ingestion job is already running for '${kb.fullName}': ${state.running.job.jobId}.`,
        { details: { jobId: state.running.job.jobId } },
      );
    }
    const now = nowIso();
    const job: IngestionJob = {
      jobId: newJobId(),
      knowledgeBaseId: kb.id,
      status: 'IN_PROGRESS',
      startedAt: now,
      updatedAt: now,
      startedBy: actor.name,
      statistics: emptyStatistics(),
      progress: { filesDone: 0, filesTotal: 0, chunksIndexed: 0 },
      failureReasons: [],
    };
    await state.jobs.add(job);
    const controller = new AbortController();
    this.audit(actor, 'knowledgeBases.startIngestion', kb, 'allow', { jobId: job.jobId });
    const done = runIngestion(
      {
        kbId: kb.id,
        config,
        owner,
        volumes: this.volumes,
        engine: this.engine,
        models: this.models,
        ledger: state.ledger,
        signal: controller.signal,
        onProgress: (progress) => {
          job.progress = progress;
          job.updatedAt = nowIso();
          options.onProgress?.(progress);
        },
      },
      job.statistics,
    ).then(
      () => {
        job.status = 'COMPLETE';
      },
      (error: unknown) => {
        job.status = controller.signal.aborted ? 'STOPPED' : 'FAILED';
        job.failureReasons.push(error instanceof Error ? error.message : String(error));
      },
    );
    const finished = done.then(async () => {
      job.updatedAt = nowIso();
      state.running = undefined;
      await state.jobs.save().catch(() => undefined);
    });
    state.running = { job, controller, done: finished };
    return { ...job };
  }

  /** A job of a knowledge base the actor can see. */
  async job(actor: Actor, nameOrId: string, jobId: string): Promise<IngestionJob> {
    const kb = await this.resolve(actor, nameOrId);
    const found = (await this.states.of(kb.id)).jobs.get(jobId);
    if (!found) throw new LakegateError('NOT_FOUND', `Ingestion job '${jobId}' does not exist.`);
    return structuredClone(found);
  }

  async jobs(actor: Actor, nameOrId: string): Promise<IngestionJob[]> {
    const kb = await this.resolve(actor, nameOrId);
    return structuredClone((await this.states.of(kb.id)).jobs.list());
  }

  /** Resolves when the job has ended (for the CLI's local use and for tests). */
  async waitForJob(actor: Actor, nameOrId: string, jobId: string): Promise<IngestionJob> {
    const kb = await this.resolve(actor, nameOrId);
    const state = await this.states.of(kb.id);
    if (state.running?.job.jobId === jobId) await state.running.done;
    return this.job(actor, nameOrId, jobId);
  }

  // --- retrieval -----------------------------------------------------------------------------------

  async retrieve(
    actor: Actor,
    nameOrId: string,
    request: RetrieveRequest,
    options: ModelCallOptions = {},
  ): Promise<RetrievedChunk[]> {
    const checked = checkRetrieveRequest(request);
    const { kb, config } = await this.authorizeQuery(actor, nameOrId, 'knowledgeBases.retrieve');
    const chunks = await this.search(actor, kb, config, checked, options);
    this.audit(actor, 'knowledgeBases.retrieve', kb, 'allow', {
      searchType: checked.searchType,
      numberOfResults: checked.numberOfResults,
      ...(checked.reranking ? { rerankingModel: checked.reranking.modelId } : {}),
      returned: chunks.map((c) => ({ document: c.documentPath, chunk: c.chunkId })),
    });
    return chunks;
  }

  /** Retrieval, then one Converse call through the caller's governed model API, with citations. */
  async retrieveAndGenerate(
    actor: Actor,
    nameOrId: string,
    request: RetrieveAndGenerateRequest,
    options: ModelCallOptions = {},
  ): Promise<GeneratedAnswer & { retrieved: RetrievedChunk[] }> {
    const checked = checkRetrieveRequest(request);
    if (typeof request.modelId !== 'string' || request.modelId === '') {
      throw validationError('A model id is required.');
    }
    const { kb, config } = await this.authorizeQuery(actor, nameOrId, 'knowledgeBases.retrieveAndGenerate');
    const chunks = await this.search(actor, kb, config, checked, options);
    this.audit(actor, 'knowledgeBases.retrieveAndGenerate', kb, 'allow', {
      searchType: checked.searchType,
      numberOfResults: checked.numberOfResults,
      ...(checked.reranking ? { rerankingModel: checked.reranking.modelId } : {}),
      modelId: request.modelId,
      returned: chunks.map((c) => ({ document: c.documentPath, chunk: c.chunkId })),
    });
    const input = generationInput(request.text, chunks, {
      instruct: !request.modelId.startsWith('local/'),
      ...(request.promptTemplate !== undefined ? { promptTemplate: request.promptTemplate } : {}),
      ...(request.inferenceConfig ? { inferenceConfig: request.inferenceConfig } : {}),
    });
    const response = await this.models.converse(actor, request.modelId, input, options);
    const answer = response.output.message.content
      .flatMap((block) => (block.type === 'text' ? [block.text] : []))
      .join('');
    const cited = citeAnswer(answer, chunks);
    return {
      ...cited,
      sessionId: request.sessionId ?? crypto.randomUUID(),
      guardrailIntervened: response.stopReason === 'guardrail_intervened',
      retrieved: chunks,
    };
  }

  /** Stops running jobs (they resume from the ledger next time) and closes the ledgers. */
  async close(): Promise<void> {
    this.closed = true;
    await this.states.close();
  }

  // --- internals -----------------------------------------------------------------------------------

  /** By full name, or by securable id (what Bedrock clients call the knowledge base id). */
  private async resolve(actor: Actor, nameOrId: string): Promise<Securable> {
    if (KB_ID.test(nameOrId)) {
      const fullName = (await this.states.note(nameOrId))?.fullName;
      const kb = fullName
        ? await this.catalog.securables.get(actor, 'knowledge_base', fullName).catch((error: unknown) => {
            if (isLakegateError(error) && error.code === 'NOT_FOUND') return undefined;
            throw error;
          })
        : undefined;
      if (!kb || kb.id !== nameOrId) {
        throw new LakegateError(
          'NOT_FOUND',
          `Knowledge base '${nameOrId}' does not exist or you cannot access it.`,
        );
      }
      return kb;
    }
    return this.catalog.securables.get(actor, 'knowledge_base', nameOrId);
  }

  /**
   * The configuration in the securable's details, held to the source recorded at creation: the index
   * holds that folder's documents and queries are authorised against that volume, so details changed
   * afterwards (the catalog lets MANAGE replace them) are refused rather than followed.
   */
  private async configFor(kb: Securable): Promise<KnowledgeBaseConfig> {
    const config = configOf(kb.details, kb.fullName);
    const note = await this.states.note(kb.id);
    if (!note)
      throw new LakegateError('INTERNAL', `Knowledge base '${kb.fullName}' has lost its state folder.`);
    if (note.source !== config.source) {
      throw validationError(
        `The data source of knowledge base '${kb.fullName}' was changed in its details (${note.source} at creation): a knowledge base's source cannot change; create a new one.`,
      );
    }
    // A renamed knowledge base stays addressable by id.
    if (note.fullName !== kb.fullName) await this.states.writeNote(kb.id, { ...note, fullName: kb.fullName });
    return config;
  }

  private async info(kb: Securable): Promise<KnowledgeBaseInfo> {
    const state = await this.states.of(kb.id);
    const latest = state.jobs.latest();
    return {
      id: kb.id,
      fullName: kb.fullName,
      ownerId: kb.ownerId,
      comment: kb.comment,
      config: await this.configFor(kb),
      documents: state.ledger.documentCount(),
      chunks: state.ledger.chunkCount(),
      ...(latest ? { latestJob: structuredClone(latest) } : {}),
      createdAt: kb.createdAt,
      updatedAt: kb.updatedAt,
    };
  }

  private async ownerOf(kb: Securable): Promise<Actor> {
    const owner = await this.catalog.identity.getPrincipal(kb.ownerId);
    if (!owner || owner.kind === 'group') {
      throw validationError(
        `Knowledge base '${kb.fullName}' is owned by a group; ingestion runs as the owner, so transfer its ownership to a user or service principal.`,
      );
    }
    return { principalId: owner.id, name: owner.name, kind: owner.kind, isAdmin: owner.isAdmin };
  }

  /**
   * QUERY on the knowledge base and READ VOLUME on its volume. A caller who can see the knowledge base
   * but not read its volume is refused without the volume being named; one who cannot see it gets the
   * same NOT_FOUND as for a knowledge base that does not exist. Denials are audited.
   */
  private async authorizeQuery(
    actor: Actor,
    nameOrId: string,
    action: string,
  ): Promise<{ kb: Securable; config: KnowledgeBaseConfig }> {
    let kb: Securable | undefined;
    try {
      kb = await this.resolve(actor, nameOrId);
      const config = await this.configFor(kb);
      await requireQuery(this.catalog, actor, kb, config.volume);
      return { kb, config };
    } catch (error) {
      if (isLakegateError(error) && (error.code === 'NOT_FOUND' || error.code === 'AUTH_PERMISSION_DENIED')) {
        this.audit(actor, action, kb ?? nameOrId.slice(0, 300), 'deny', { code: error.code });
      }
      throw error;
    }
  }

  private async search(
    actor: Actor,
    kb: Securable,
    config: KnowledgeBaseConfig,
    request: CheckedRequest,
    options: ModelCallOptions,
  ): Promise<RetrievedChunk[]> {
    const filter = bothFilters(await documentAccessFilter(this.catalog, actor), request.filter);
    const index = await this.indexOf(kb);
    if (!index) return [];
    const [vector] = await this.models.embed(
      actor,
      config.embeddingModel,
      [request.text],
      'search_query',
      options,
    );
    if (!vector) {
      throw new LakegateError('MODEL_UPSTREAM_BAD_RESPONSE', 'The embedding model returned no vector.');
    }
    const chunks = await searchChunks(index, {
      vector,
      text: request.text,
      numberOfResults: request.numberOfResults,
      searchType: request.searchType,
      ...(filter ? { filter } : {}),
    });
    if (request.reranking === undefined || chunks.length === 0) return chunks;
    // Only chunks the caller may read were found; the reranker sees those, as the caller.
    const reranked = await rerankCandidates(
      this.models,
      actor,
      request.reranking.modelId,
      request.text,
      chunks,
      (chunk) => chunk.text,
      request.reranking.numberOfRerankedResults,
      options,
    );
    return reranked.map(({ candidate, score }) => ({ ...candidate, score }));
  }

  private async indexOf(kb: Securable): Promise<VectorIndex | undefined> {
    try {
      return await this.engine.openIndex(kb.id);
    } catch (error) {
      if (isLakegateError(error) && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  private audit(
    actor: Actor,
    action: string,
    kb: Securable | string,
    decision: AuditEvent['decision'],
    params: Record<string, unknown>,
  ): void {
    this.catalog.audit.record(
      accessEvent({ actor, action, securableType: 'knowledge_base', securable: kb, decision, params }),
    );
  }
}
