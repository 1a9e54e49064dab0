// Guardrails as governed, versioned objects: create, update the DRAFT, snapshot numbered versions, read,
// list, delete, and apply. Each guardrail is a catalog securable (see guardrail-identifier.ts), so the
// catalog decides who may do what: creating needs CREATE FUNCTION on the guardrails schema (plus USE
// CATALOG / USE SCHEMA), changing needs ownership or MANAGE, reading needs visibility, and using one
// (ApplyGuardrail, guardrailConfig) needs EXECUTE. The versions live in the store (guardrail-rows.ts).
// Every intervention is audited with its policies and entity types, never the matched text.

import type { Kysely } from 'kysely';
import { type Actor, type Catalog, permissionDeniedError, type Securable } from '../catalog/index.js';
import { LakegateError, nowIso, OldestFirst, safeParseJson, validationError } from '../core/index.js';
import type { Database } from '../store/index.js';
import { applyGuardrail, interventionSummary } from './apply-guardrail.js';
import { type CompiledGuardrail, compileGuardrail } from './compile-guardrail.js';
import { DEFAULT_TOPIC_THRESHOLD } from './denied-topics.js';
import type { EmbedTexts } from './embedding.js';
import {
  guardrailIdOf,
  newGuardrailId,
  parseGuardrailVersion,
  versionLabel,
} from './guardrail-identifier.js';
import {
  type GuardrailInput,
  type ValidGuardrailInput,
  validDescription,
  validInput,
} from './guardrail-input.js';
import type { GuardrailPolicy } from './guardrail-policy.js';
import * as rows from './guardrail-rows.js';
import type { ApplyGuardrailRequest, ApplyGuardrailResult } from './guardrail-types.js';

export const DEFAULT_GUARDRAIL_SCHEMA = 'system.guardrails';

export interface GuardrailServiceOptions {
  db: Kysely<Database>;
  catalog: Pick<Catalog, 'securables' | 'authorizer' | 'audit'>;
  /** Creates the guardrails schema (and its catalog) on first use, and resolves endpoints' guardrails. */
  admin: Actor;
  /** `catalog.schema` that holds guardrails. */
  schema?: string;
  /** For denied topics and embedding relevance; without it, policies with topics are refused at use. */
  embed?: EmbedTexts;
  topicThreshold?: number;
  /** For ARNs: `arn:aws:bedrock:<region>:<account>:guardrail/<id>`. */
  region?: string;
  account?: string;
}

export interface GuardrailRecord {
  guardrailId: string;
  arn: string;
  /** The catalog full name, for GRANT EXECUTE ON GUARDRAIL ... */
  securableName: string;
  name: string;
  description: string | null;
  version: string;
  status: 'READY';
  policy: GuardrailPolicy;
  createdAt: string;
  updatedAt: string;
}

export interface ListOptions {
  guardrailIdentifier?: string;
  maxResults?: number;
  nextToken?: string;
}

/** A guardrail version ready to apply. */
export interface ResolvedGuardrail {
  record: GuardrailRecord;
  compiled: CompiledGuardrail;
}

const CACHE_LIMIT = 512;

/** The stored values of a DRAFT the actor writes now. */
const draftValues = (valid: ValidGuardrailInput, actor: Actor): rows.DraftValues => ({
  name: valid.name,
  description: valid.description,
  policy: JSON.stringify(valid.policy),
  actorId: actor.principalId,
  now: nowIso(),
});

const nameInUse = (name: string) =>
  new LakegateError('ALREADY_EXISTS', `A guardrail named '${name}' already exists.`);

export class GuardrailService {
  private readonly db: Kysely<Database>;
  private readonly catalog: GuardrailServiceOptions['catalog'];
  private readonly admin: Actor;
  readonly schema: string;
  private readonly embed: EmbedTexts | undefined;
  private readonly topicThreshold: number;
  private readonly arnPrefix: string;
  /** Compiled policies by their JSON: numbered versions never change, a DRAFT's JSON changes with it. */
  private readonly compiled = new Map<string, CompiledGuardrail>();
  private readonly oldestCompiled = new OldestFirst(this.compiled);

  constructor(options: GuardrailServiceOptions) {
    this.db = options.db;
    this.catalog = options.catalog;
    this.admin = options.admin;
    this.schema = (options.schema ?? DEFAULT_GUARDRAIL_SCHEMA).toLowerCase();
    this.embed = options.embed;
    this.topicThreshold = options.topicThreshold ?? DEFAULT_TOPIC_THRESHOLD;
    this.arnPrefix = `arn:aws:bedrock:${options.region ?? 'us-east-1'}:${options.account ?? '000000000000'}:guardrail/`;
  }

  arnOf(guardrailId: string): string {
    return this.arnPrefix + guardrailId;
  }

  private fullNameOf(guardrailId: string): string {
    return `${this.schema}.${guardrailId}`;
  }

  private audit(actor: Actor, action: string, securable: Securable, params: Record<string, unknown>): void {
    this.catalog.audit.record({
      principalId: actor.principalId,
      action,
      securableType: 'guardrail',
      securableName: securable.fullName,
      params,
      decision: 'none',
      ...(actor.requestId ? { requestId: actor.requestId } : {}),
    });
  }

  /** The schema (and its catalog) as the admin, once; a concurrent creator winning the race is fine. */
  private async ensureSchema(): Promise<void> {
    const [catalogName] = this.schema.split('.');
    const missing = (error: unknown) => {
      if (!(error instanceof LakegateError && error.code === 'NOT_FOUND')) throw error;
      return undefined;
    };
    const ignoreExisting = (error: unknown) => {
      if (!(error instanceof LakegateError && error.code === 'ALREADY_EXISTS')) throw error;
    };
    if (await this.catalog.securables.get(this.admin, 'schema', this.schema).catch(missing)) return;
    if (!(await this.catalog.securables.get(this.admin, 'catalog', catalogName!).catch(missing))) {
      await this.catalog.securables
        .createCatalog(this.admin, catalogName!, { comment: 'System objects of this Lakegate.' })
        .catch(ignoreExisting);
    }
    await this.catalog.securables
      .createSchema(this.admin, this.schema, { comment: 'Guardrails (Bedrock CreateGuardrail).' })
      .catch(ignoreExisting);
  }

  async create(actor: Actor, input: GuardrailInput): Promise<GuardrailRecord> {
    const valid = validInput(input);
    const { name, description } = valid;
    await this.ensureSchema();
    if (await rows.nameTaken(this.db, name)) throw nameInUse(name);
    const guardrailId = newGuardrailId();
    // The catalog checks CREATE FUNCTION on the schema and records the creation in the audit log.
    const securable = await this.catalog.securables.createObject(
      actor,
      'guardrail',
      this.fullNameOf(guardrailId),
      {
        comment: description,
        details: { bedrock_name: name },
      },
    );
    const draft = draftValues(valid, actor);
    try {
      await rows.insertGuardrail(this.db, securable.id, guardrailId, draft);
    } catch (error) {
      // The securable and the rows cannot share a transaction (the catalog commits its own): undo the
      // securable so that nothing is left half-written. A lost race for the name is the usual cause.
      await this.catalog.securables
        .delete(this.admin, 'guardrail', securable.fullName)
        .catch(() => undefined);
      if (await rows.nameTaken(this.db, name)) throw nameInUse(name);
      throw error;
    }
    return this.toRecord(guardrailId, securable, {
      securable_id: securable.id,
      version: 0,
      name,
      description,
      policy: draft.policy,
      created_at: draft.now,
      updated_at: draft.now,
    });
  }

  /** The guardrail's securable if the actor may see it; one NOT_FOUND for missing and invisible. */
  private async visible(
    actor: Actor,
    identifier: string,
  ): Promise<{ guardrailId: string; securable: Securable }> {
    const guardrailId = guardrailIdOf(identifier, this.schema);
    const securable = await this.catalog.securables.get(actor, 'guardrail', this.fullNameOf(guardrailId));
    return { guardrailId, securable };
  }

  private async manageable(actor: Actor, identifier: string) {
    const found = await this.visible(actor, identifier);
    if (!(await this.catalog.authorizer.canManage(actor, found.securable))) {
      throw permissionDeniedError(actor.name, 'MANAGE', 'guardrail', found.securable.fullName);
    }
    return found;
  }

  private async versionRow(securableId: string, version: number, label: string): Promise<rows.VersionRow> {
    const row = await rows.findVersion(this.db, securableId, version);
    if (!row) {
      throw new LakegateError(
        'NOT_FOUND',
        `Guardrail version ${versionLabel(version)} of '${label}' does not exist.`,
      );
    }
    return row;
  }

  private recordHead(
    guardrailId: string,
    securable: Securable,
    row: rows.VersionRow,
  ): Omit<GuardrailRecord, 'policy'> {
    return {
      guardrailId,
      arn: this.arnOf(guardrailId),
      securableName: securable.fullName,
      name: row.name,
      description: row.description,
      version: versionLabel(row.version),
      status: 'READY',
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  private toRecord(guardrailId: string, securable: Securable, row: rows.VersionRow): GuardrailRecord {
    const parsed = safeParseJson(row.policy);
    if (!parsed.ok) throw new LakegateError('INTERNAL', `Stored guardrail ${guardrailId} is not valid JSON.`);
    return { ...this.recordHead(guardrailId, securable, row), policy: parsed.value as GuardrailPolicy };
  }

  async get(actor: Actor, identifier: string, version?: string): Promise<GuardrailRecord> {
    const v = parseGuardrailVersion(version);
    const { guardrailId, securable } = await this.visible(actor, identifier);
    return this.toRecord(guardrailId, securable, await this.versionRow(securable.id, v, guardrailId));
  }

  /** Replaces the DRAFT's name, description and policy as a whole (as Bedrock's UpdateGuardrail does). */
  async update(actor: Actor, identifier: string, input: GuardrailInput): Promise<GuardrailRecord> {
    const valid = validInput(input);
    const { name, description } = valid;
    const { guardrailId, securable } = await this.manageable(actor, identifier);
    if (await rows.nameTaken(this.db, name, securable.id)) throw nameInUse(name);
    const draft = draftValues(valid, actor);
    try {
      await rows.updateDraft(this.db, securable.id, draft);
    } catch (error) {
      if (await rows.nameTaken(this.db, name, securable.id)) throw nameInUse(name);
      throw error;
    }
    // Through the catalog, so the change is audited (and the comment shows in catalog listings).
    await this.catalog.securables.update(actor, 'guardrail', securable.fullName, {
      comment: description,
      details: { bedrock_name: name },
    });
    return this.get(actor, guardrailId);
  }

  /** Snapshots the DRAFT as the next numbered version. */
  async createVersion(
    actor: Actor,
    identifier: string,
    description?: string,
  ): Promise<{ guardrailId: string; version: string }> {
    const versionDescription = validDescription(description);
    const { guardrailId, securable } = await this.manageable(actor, identifier);
    const version = await rows.snapshotDraft(this.db, securable.id, {
      description: versionDescription,
      actorId: actor.principalId,
      now: nowIso(),
    });
    this.audit(actor, 'guardrail.createVersion', securable, { version });
    return { guardrailId, version: String(version) };
  }

  /** Without a version, the whole guardrail (securable, grants and versions); with one, that version. */
  async delete(actor: Actor, identifier: string, version?: string): Promise<void> {
    if (version === undefined || version === '') {
      const { securable } = await this.visible(actor, identifier);
      await this.catalog.securables.delete(actor, 'guardrail', securable.fullName);
      return;
    }
    const v = parseGuardrailVersion(version);
    if (v === 0) throw validationError('The DRAFT is deleted with the guardrail: omit guardrailVersion.');
    const { guardrailId, securable } = await this.manageable(actor, identifier);
    if (!(await rows.deleteVersion(this.db, securable.id, v))) {
      throw new LakegateError('NOT_FOUND', `Guardrail version ${v} of '${guardrailId}' does not exist.`);
    }
    this.audit(actor, 'guardrail.deleteVersion', securable, { version: v });
  }

  /** The DRAFT of every guardrail the actor may see, or every version of one. */
  async list(
    actor: Actor,
    options: ListOptions = {},
  ): Promise<{ guardrails: GuardrailRecord[]; nextToken?: string }> {
    const max = options.maxResults ?? 100;
    if (!Number.isInteger(max) || max < 1 || max > 1000) throw validationError('maxResults must be 1..1000.');
    const offset = options.nextToken === undefined ? 0 : Number(options.nextToken);
    if (!Number.isInteger(offset) || offset < 0)
      throw validationError('nextToken is not one this service issued.');
    let all: GuardrailRecord[];
    if (options.guardrailIdentifier) {
      const { guardrailId, securable } = await this.visible(actor, options.guardrailIdentifier);
      all = (await rows.listVersions(this.db, securable.id)).map((row) =>
        this.toRecord(guardrailId, securable, row),
      );
    } else {
      // A schema the actor cannot see (or that does not exist yet) lists as empty.
      const securables = await this.catalog.securables
        .list(actor, 'guardrail', this.schema)
        .catch((error: unknown) => {
          if (error instanceof LakegateError && error.code === 'NOT_FOUND') return [];
          throw error;
        });
      const byId = new Map(securables.map((s) => [s.id, s]));
      const drafts = await rows.listDrafts(this.db, [...byId.keys()]);
      all = drafts.map((row) => {
        const securable = byId.get(row.securable_id)!;
        return this.toRecord(securable.name, securable, row);
      });
    }
    const page = all.slice(offset, offset + max);
    return offset + max < all.length
      ? { guardrails: page, nextToken: String(offset + max) }
      : { guardrails: page };
  }

  /** A guardrail version ready to apply, for a caller with EXECUTE on it. */
  async resolveForUse(
    actor: Actor,
    identifier: string,
    version: string | undefined,
  ): Promise<ResolvedGuardrail> {
    const v = parseGuardrailVersion(version);
    const { guardrailId, securable } = await this.visible(actor, identifier);
    await this.catalog.authorizer.require(actor, 'EXECUTE', securable);
    const row = await this.versionRow(securable.id, v, guardrailId);
    let compiled = this.compiled.get(row.policy);
    const record = compiled
      ? { ...this.recordHead(guardrailId, securable, row), policy: compiled.policy }
      : this.toRecord(guardrailId, securable, row);
    if (record.policy.topicPolicyConfig && !this.embed) {
      throw new LakegateError(
        'CONFIG_INVALID',
        'This guardrail has denied topics, and no embedding model is configured.',
      );
    }
    if (!compiled) {
      compiled = compileGuardrail(record.policy, this.topicThreshold);
      if (this.compiled.size >= CACHE_LIMIT) this.oldestCompiled.evict();
      this.compiled.set(row.policy, compiled);
    }
    return { record, compiled };
  }

  /**
   * A guardrail a serving endpoint has attached in the config: applied to every caller of the endpoint
   * (whose QUERY on it was checked), so the callers need no EXECUTE on the guardrail itself. The config
   * may name the guardrail (stable across environments) rather than give its generated id.
   */
  async resolveForEndpoint(identifierOrName: string, version: string): Promise<ResolvedGuardrail> {
    const identifier = (await rows.guardrailIdByName(this.db, identifierOrName)) ?? identifierOrName;
    return this.resolveForUse(this.admin, identifier, version).catch((error: unknown) => {
      if (
        error instanceof LakegateError &&
        (error.code === 'NOT_FOUND' || error.code === 'VALIDATION_FAILED')
      ) {
        throw new LakegateError('CONFIG_INVALID', `An endpoint's guardrail is unusable: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    });
  }

  /**
   * Applies a resolved guardrail and audits an intervention (policies and types, never the text), as
   * the actor, or with no principal (and the endpoint named) for an endpoint's own guardrail.
   */
  async applyResolved(
    actor: Actor | null,
    resolved: ResolvedGuardrail,
    request: ApplyGuardrailRequest,
    context: { requestId?: string; operation: string; endpoint?: string },
  ): Promise<ApplyGuardrailResult> {
    const options = this.embed ? { embed: this.embed, topicThreshold: this.topicThreshold } : {};
    let result: ApplyGuardrailResult;
    try {
      result = await applyGuardrail(resolved.compiled, request, options);
    } catch (error) {
      if (error instanceof LakegateError) throw error;
      throw new LakegateError('INTERNAL', 'The guardrail could not be applied.', { cause: error });
    }
    if (result.action === 'GUARDRAIL_INTERVENED') {
      this.catalog.audit.record({
        principalId: actor?.principalId ?? null,
        action: 'guardrail.intervened',
        securableType: 'guardrail',
        securableName: resolved.record.securableName,
        params: {
          ...interventionSummary(result),
          source: request.source,
          version: resolved.record.version,
          operation: context.operation,
          ...(context.endpoint ? { endpoint: context.endpoint } : {}),
        },
        decision: 'none',
        ...(context.requestId ? { requestId: context.requestId } : {}),
      });
    }
    return result;
  }

  async apply(
    actor: Actor,
    identifier: string,
    version: string,
    request: ApplyGuardrailRequest,
    context: { requestId?: string; operation?: string } = {},
  ): Promise<ApplyGuardrailResult> {
    const resolved = await this.resolveForUse(actor, identifier, version);
    return this.applyResolved(actor, resolved, request, {
      ...context,
      operation: context.operation ?? 'ApplyGuardrail',
    });
  }
}
