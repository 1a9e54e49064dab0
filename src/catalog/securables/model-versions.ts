// Versions and aliases of registered models. A version is the next integer, created by those with
// CREATE MODEL VERSION on the model (held there or inherited, USE rules applied) or its owner; aliases
// (`champion` -> 3) are set by those who manage the model; `cat.sch.model@alias` resolves to a version.

import type { Selectable } from 'kysely';
import { isRecord, LakegateError, nowIso, safeParseJson, validationError } from '../../core/index.js';
import type { ModelVersionsTable } from '../../store/index.js';
import type { Actor, Securable } from '../model.js';
import { resolveManageable, resolveVisible } from './access.js';
import { changeEvent, commitChange, type ServiceContext } from './service-context.js';
import { validateComment } from './validate-input.js';

export interface ModelVersion {
  modelFullName: string;
  version: number;
  source: string | null;
  status: string;
  comment: string | null;
  details: Record<string, unknown>;
  aliases: string[];
  createdAt: string;
  createdBy: string;
}

export interface CreateModelVersionOptions {
  /** Where the artifacts live, e.g. a volume path or a provider model id. */
  source?: string | null;
  comment?: string | null;
}

const ALIAS = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;
const MAX_SOURCE = 4096;

function toVersion(model: Securable, row: Selectable<ModelVersionsTable>, aliases: string[]): ModelVersion {
  const details = safeParseJson(row.details);
  return {
    modelFullName: model.fullName,
    version: Number(row.version),
    source: row.source,
    status: row.status,
    comment: row.comment,
    details: details.ok && isRecord(details.value) ? details.value : {},
    aliases,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

function versionNotFound(model: Securable, version: number | string): LakegateError {
  return new LakegateError('NOT_FOUND', `Model version '${model.fullName}/${version}' does not exist.`, {
    details: { full_name: model.fullName, version },
  });
}

function validateVersion(version: unknown): number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw validationError(`"${String(version)}" is not a model version: use a positive integer.`);
  }
  return version;
}

function validateAlias(alias: unknown): string {
  if (typeof alias !== 'string' || !ALIAS.test(alias)) {
    throw validationError(
      `"${String(alias)}" is not a valid alias: letters, digits, "_" and "-", starting with a letter or "_".`,
    );
  }
  return alias.toLowerCase();
}

async function aliasesOf(ctx: ServiceContext, modelId: string): Promise<Map<number, string[]>> {
  const rows = await ctx.db
    .selectFrom('model_aliases')
    .select(['alias', 'version'])
    .where('model_id', '=', modelId)
    .orderBy('alias')
    .execute();
  const byVersion = new Map<number, string[]>();
  for (const row of rows) {
    const version = Number(row.version);
    byVersion.set(version, [...(byVersion.get(version) ?? []), row.alias]);
  }
  return byVersion;
}

export async function createModelVersion(
  ctx: ServiceContext,
  actor: Actor,
  modelFullName: string,
  options: CreateModelVersionOptions = {},
): Promise<number> {
  const model = await resolveVisible(ctx, actor, 'model', modelFullName);
  await ctx.authorizer.require(actor, 'CREATE MODEL VERSION', model);
  const comment = validateComment(options.comment);
  const source = options.source ?? null;
  if (source !== null && (typeof source !== 'string' || source.length > MAX_SOURCE)) {
    throw validationError(`source must be a string of at most ${MAX_SOURCE} characters.`);
  }
  return commitChange(
    ctx,
    async (trx) => {
      // Touching the model's row takes its lock on PostgreSQL, so concurrent creations queue here and
      // each reads the number the previous one committed (SQLite runs one writer at a time anyway).
      await trx
        .updateTable('securables')
        .set({ updated_at: nowIso(), updated_by: actor.principalId })
        .where('id', '=', model.id)
        .execute();
      const last = await trx
        .selectFrom('model_versions')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('model_id', '=', model.id)
        .executeTakeFirst();
      const version = Number(last?.version ?? 0) + 1;
      await trx
        .insertInto('model_versions')
        .values({
          model_id: model.id,
          version,
          source,
          status: 'READY',
          comment,
          details: '{}',
          created_at: nowIso(),
          created_by: actor.principalId,
        })
        .execute();
      return version;
    },
    (version) => changeEvent('createModelVersion', actor, model, { version, source }),
  );
}

export async function listModelVersions(
  ctx: ServiceContext,
  actor: Actor,
  modelFullName: string,
): Promise<ModelVersion[]> {
  const model = await resolveVisible(ctx, actor, 'model', modelFullName);
  const [rows, aliases] = await Promise.all([
    ctx.db
      .selectFrom('model_versions')
      .selectAll()
      .where('model_id', '=', model.id)
      .orderBy('version')
      .execute(),
    aliasesOf(ctx, model.id),
  ]);
  return rows.map((row) => toVersion(model, row, aliases.get(Number(row.version)) ?? []));
}

async function versionOf(ctx: ServiceContext, model: Securable, version: number): Promise<ModelVersion> {
  const [row, aliases] = await Promise.all([
    ctx.db
      .selectFrom('model_versions')
      .selectAll()
      .where('model_id', '=', model.id)
      .where('version', '=', version)
      .executeTakeFirst(),
    aliasesOf(ctx, model.id),
  ]);
  if (!row) throw versionNotFound(model, version);
  return toVersion(model, row, aliases.get(version) ?? []);
}

export async function getModelVersion(
  ctx: ServiceContext,
  actor: Actor,
  modelFullName: string,
  version: number,
): Promise<ModelVersion> {
  const model = await resolveVisible(ctx, actor, 'model', modelFullName);
  return versionOf(ctx, model, validateVersion(version));
}

export async function setAlias(
  ctx: ServiceContext,
  actor: Actor,
  modelFullName: string,
  alias: string,
  version: number,
): Promise<void> {
  const model = await resolveManageable(ctx, actor, 'model', modelFullName);
  const name = validateAlias(alias);
  const number = validateVersion(version);
  await commitChange(
    ctx,
    async (trx) => {
      const exists = await trx
        .selectFrom('model_versions')
        .select('version')
        .where('model_id', '=', model.id)
        .where('version', '=', number)
        .executeTakeFirst();
      if (!exists) throw versionNotFound(model, number);
      await trx
        .insertInto('model_aliases')
        .values({ model_id: model.id, alias: name, version: number })
        .onConflict((oc) => oc.columns(['model_id', 'alias']).doUpdateSet({ version: number }))
        .execute();
    },
    () => changeEvent('setModelAlias', actor, model, { alias: name, version: number }),
  );
}

export async function deleteAlias(
  ctx: ServiceContext,
  actor: Actor,
  modelFullName: string,
  alias: string,
): Promise<void> {
  const model = await resolveManageable(ctx, actor, 'model', modelFullName);
  const name = validateAlias(alias);
  await commitChange(
    ctx,
    (trx) =>
      trx.deleteFrom('model_aliases').where('model_id', '=', model.id).where('alias', '=', name).execute(),
    () => changeEvent('deleteModelAlias', actor, model, { alias: name }),
  );
}

/**
 * `cat.sch.model@alias`, `cat.sch.model@3`, or `cat.sch.model` for the latest version. Resolving needs
 * only sight of the model; using the version (EXECUTE) is checked by whoever runs it.
 */
/** Deletes a version and the aliases that point at it (as MLflow does); later versions keep their numbers. */
export async function deleteModelVersion(
  ctx: ServiceContext,
  actor: Actor,
  modelFullName: string,
  version: number,
): Promise<void> {
  const model = await resolveManageable(ctx, actor, 'model', modelFullName);
  const number = validateVersion(version);
  await versionOf(ctx, model, number);
  await commitChange(
    ctx,
    async (trx) => {
      await trx
        .deleteFrom('model_aliases')
        .where('model_id', '=', model.id)
        .where('version', '=', number)
        .execute();
      await trx
        .deleteFrom('model_versions')
        .where('model_id', '=', model.id)
        .where('version', '=', number)
        .execute();
    },
    () => changeEvent('deleteModelVersion', actor, model, { version: number }),
  );
}

export async function resolveModelVersion(
  ctx: ServiceContext,
  actor: Actor,
  reference: string,
): Promise<ModelVersion> {
  if (typeof reference !== 'string') throw validationError('A model reference must be a string.');
  const at = reference.indexOf('@');
  const name = at === -1 ? reference : reference.slice(0, at);
  const selector = at === -1 ? undefined : reference.slice(at + 1);
  const model = await resolveVisible(ctx, actor, 'model', name);
  if (selector === undefined) {
    const last = await ctx.db
      .selectFrom('model_versions')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('model_id', '=', model.id)
      .executeTakeFirst();
    if (last?.version === null || last?.version === undefined) throw versionNotFound(model, 'latest');
    return versionOf(ctx, model, Number(last.version));
  }
  if (/^\d+$/.test(selector)) return versionOf(ctx, model, validateVersion(Number(selector)));
  const alias = validateAlias(selector);
  const row = await ctx.db
    .selectFrom('model_aliases')
    .select('version')
    .where('model_id', '=', model.id)
    .where('alias', '=', alias)
    .executeTakeFirst();
  if (!row) throw versionNotFound(model, `@${alias}`);
  return versionOf(ctx, model, Number(row.version));
}
