// Identity in the control-plane store: users, service principals, groups with nested membership, and the
// API keys that bind a request to one user or service principal (verified in key-verifier.ts). Every
// change bumps the catalog generation in its transaction (commit-change.ts), which is what makes a revoke
// or a removed membership bite on the very next request, here and on every replica.

import type { Kysely } from 'kysely';
import { LakegateError, newId, nowIso, validationError } from '../../core/index.js';
import type { Database } from '../../store/index.js';
import type { GenerationClock } from '../generation.js';
import type { Actor, CatalogPrincipal, PrincipalKind } from '../model.js';
import { type BootstrapOptions, type BootstrapResult, bootstrapAdmin } from './admin-bootstrap.js';
import { generateApiKey, hashSecret } from './api-key.js';
import { type ChangeContext, commitChange, type IdentityChangeListener } from './commit-change.js';
import { GenerationCache } from './generation-cache.js';
import { ancestorGroupIds } from './group-closure.js';
import { CachedKeyVerifier } from './key-verifier.js';
import {
  lookupName,
  normalizePrincipalName,
  PRINCIPAL_ID_PREFIX,
  parsePrincipalKind,
} from './principal-name.js';
import { findPrincipal, type PrincipalRow, requirePrincipal, toCatalogPrincipal } from './principal-rows.js';
import { seal } from './sealed-secret.js';
import { isUniqueViolation } from './store-errors.js';

export interface IdentityServiceOptions {
  db: Kysely<Database>;
  clock: GenerationClock;
  /** Seals the secrets of keys that may sign with SigV4. */
  masterKey: Buffer;
  /** Hears every committed change, for the audit log; must not throw (it is not allowed to undo a change). */
  onChange?: IdentityChangeListener;
}

export interface CreatePrincipalInput {
  name: string;
  kind: PrincipalKind;
  displayName?: string | null;
}

export interface CreateKeyOptions {
  description?: string;
  expiresAt?: Date | string;
  /** Whether the key may also sign requests with AWS SigV4 (its secret is then kept sealed). Default true. */
  sigv4?: boolean;
}

export interface CreatedKey {
  keyId: string;
  /** `<key id>.<secret>`: shown once, never stored. */
  token: string;
  expiresAt: string | null;
}

/** A key as it may be listed: never its secret, its hash or its sealed secret. */
export interface ApiKeyInfo {
  keyId: string;
  principalId: string;
  description: string | null;
  sigv4: boolean;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

const MAX_DISPLAY_NAME = 255;
const MAX_DESCRIPTION = 1000;

function optionalText(value: unknown, max: number, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max) {
    throw validationError(`The ${what} must be text of at most ${max} characters.`);
  }
  return value;
}

async function requireGroup(db: Kysely<Database>, idOrName: string): Promise<PrincipalRow> {
  const group = await requirePrincipal(db, idOrName);
  if (group.kind !== 'group') throw validationError(`"${group.name}" is a ${group.kind}, not a group.`);
  return group;
}

function parseExpiry(value: Date | string | undefined, now: number): string | null {
  if (value === undefined) return null;
  const time = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(time)) throw validationError('The key expiry must be an ISO-8601 date and time.');
  if (time <= now) throw validationError('The key expiry must be in the future.');
  return new Date(time).toISOString();
}

export class IdentityService {
  private readonly db: Kysely<Database>;
  private readonly clock: GenerationClock;
  private readonly masterKey: Buffer;
  private readonly changes: ChangeContext;
  private readonly verifier: CachedKeyVerifier;
  private readonly groups = new GenerationCache<string, readonly string[]>();

  constructor(options: IdentityServiceOptions) {
    this.db = options.db;
    this.clock = options.clock;
    this.masterKey = options.masterKey;
    this.changes = { db: options.db, clock: options.clock, onChange: options.onChange };
    this.verifier = new CachedKeyVerifier(options.db, options.clock, options.masterKey);
  }

  // --- principals ---------------------------------------------------------------------------------

  async createPrincipal(input: CreatePrincipalInput, actorId: string | null): Promise<CatalogPrincipal> {
    const kind = parsePrincipalKind(input.kind);
    const name = normalizePrincipalName(input.name, kind);
    const displayName = optionalText(input.displayName, MAX_DISPLAY_NAME, 'display name');
    const row: PrincipalRow = {
      id: newId(PRINCIPAL_ID_PREFIX),
      name,
      kind,
      display_name: displayName,
      is_admin: 0,
      created_at: nowIso(),
      created_by: actorId,
    };
    return commitChange(this.changes, async (trx) => {
      const taken = () => new LakegateError('ALREADY_EXISTS', `A principal named "${name}" already exists.`);
      if (await findPrincipal(trx, name)) throw taken();
      try {
        await trx.insertInto('principals').values(row).execute();
      } catch (error) {
        throw isUniqueViolation(error) ? taken() : error;
      }
      return {
        value: toCatalogPrincipal(row),
        event: {
          action: 'identity.createPrincipal',
          principalId: actorId,
          params: { principal: name, kind, principalId: row.id },
        },
      };
    });
  }

  async getPrincipal(idOrName: string): Promise<CatalogPrincipal | undefined> {
    const row = await findPrincipal(this.db, idOrName);
    return row && toCatalogPrincipal(row);
  }

  async listPrincipals(filter: { kind?: PrincipalKind } = {}): Promise<CatalogPrincipal[]> {
    let query = this.db.selectFrom('principals').selectAll().orderBy('name');
    if (filter.kind !== undefined) query = query.where('kind', '=', parsePrincipalKind(filter.kind));
    return (await query.execute()).map(toCatalogPrincipal);
  }

  /** Memberships, keys and grants go with it (foreign keys cascade); what it owns must be handed over first. */
  async deletePrincipal(idOrName: string, actorId: string | null = null): Promise<void> {
    await commitChange(this.changes, async (trx) => {
      const row = await requirePrincipal(trx, idOrName);
      if (Number(row.is_admin) === 1) {
        const admins = await trx
          .selectFrom('principals')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('is_admin', '=', 1)
          .executeTakeFirstOrThrow();
        if (Number(admins.n) <= 1) throw validationError('The last metastore admin cannot be deleted.');
      }
      const owned = await trx
        .selectFrom('securables')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('owner_id', '=', row.id)
        .executeTakeFirstOrThrow();
      if (Number(owned.n) > 0) {
        throw validationError(
          `"${row.name}" owns ${Number(owned.n)} securable(s); transfer their ownership before deleting it.`,
        );
      }
      await trx.deleteFrom('principals').where('id', '=', row.id).execute();
      return {
        value: undefined,
        event: {
          action: 'identity.deletePrincipal',
          principalId: actorId,
          params: { principal: row.name, kind: row.kind, principalId: row.id },
        },
      };
    });
  }

  // --- groups -------------------------------------------------------------------------------------

  /** Adds a user, service or group to a group; true if it was not a member yet. Refuses cycles. */
  async addMember(groupName: string, memberName: string, actorId: string | null = null): Promise<boolean> {
    return commitChange(this.changes, async (trx) => {
      const group = await requireGroup(trx, groupName);
      const member = await requirePrincipal(trx, memberName);
      // The group's own ancestors are read after the generation lock, so a concurrent add cannot slip in.
      if (member.id === group.id || (await ancestorGroupIds(trx, group.id)).includes(member.id)) {
        throw validationError(
          `Adding "${member.name}" to "${group.name}" would make a group a member of itself.`,
        );
      }
      const existing = await trx
        .selectFrom('group_members')
        .select('member_id')
        .where('group_id', '=', group.id)
        .where('member_id', '=', member.id)
        .executeTakeFirst();
      if (existing) return { value: false };
      await trx
        .insertInto('group_members')
        .values({ group_id: group.id, member_id: member.id, created_at: nowIso(), created_by: actorId })
        .execute();
      return {
        value: true,
        event: {
          action: 'identity.addMember',
          principalId: actorId,
          params: { group: group.name, member: member.name },
        },
      };
    });
  }

  /** True if it was a member. */
  async removeMember(groupName: string, memberName: string, actorId: string | null = null): Promise<boolean> {
    return commitChange(this.changes, async (trx) => {
      const group = await requireGroup(trx, groupName);
      const member = await requirePrincipal(trx, memberName);
      const removed = await trx
        .deleteFrom('group_members')
        .where('group_id', '=', group.id)
        .where('member_id', '=', member.id)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) return { value: false };
      return {
        value: true,
        event: {
          action: 'identity.removeMember',
          principalId: actorId,
          params: { group: group.name, member: member.name },
        },
      };
    });
  }

  /** Direct members, by name. */
  async listMembers(groupName: string): Promise<CatalogPrincipal[]> {
    const group = await requireGroup(this.db, groupName);
    const rows = await this.db
      .selectFrom('group_members')
      .innerJoin('principals', 'principals.id', 'group_members.member_id')
      .selectAll('principals')
      .where('group_members.group_id', '=', group.id)
      .orderBy('principals.name')
      .execute();
    return rows.map(toCatalogPrincipal);
  }

  /** Ids of every group the principal belongs to, directly or through nested groups; cached per generation. */
  async groupsOf(principalId: string): Promise<readonly string[]> {
    const generation = await this.clock.current();
    this.groups.sync(generation);
    const cached = this.groups.get(principalId);
    if (cached) return cached;
    const ids = Object.freeze(await ancestorGroupIds(this.db, principalId));
    this.groups.set(generation, principalId, ids);
    return ids;
  }

  async isMember(principalId: string, groupName: string): Promise<boolean> {
    const group = await this.db
      .selectFrom('principals')
      .select('id')
      .where('name', '=', lookupName(groupName))
      .where('kind', '=', 'group')
      .executeTakeFirst();
    return group !== undefined && (await this.groupsOf(principalId)).includes(group.id);
  }

  // --- API keys -----------------------------------------------------------------------------------

  async createKey(
    principalIdOrName: string,
    options: CreateKeyOptions = {},
    actorId: string | null = null,
  ): Promise<CreatedKey> {
    const expiresAt = parseExpiry(options.expiresAt, Date.now());
    const description = optionalText(options.description, MAX_DESCRIPTION, 'key description');
    const sigv4 = options.sigv4 ?? true;
    const key = generateApiKey();
    return commitChange(this.changes, async (trx) => {
      const principal = await requirePrincipal(trx, principalIdOrName);
      if (principal.kind === 'group') {
        throw validationError(
          `"${principal.name}" is a group; API keys belong to a user or a service principal.`,
        );
      }
      await trx
        .insertInto('api_keys')
        .values({
          key_id: key.keyId,
          principal_id: principal.id,
          secret_hash: hashSecret(key.secret),
          sealed_secret: sigv4 ? seal(this.masterKey, key.secret) : null,
          description,
          created_at: nowIso(),
          created_by: actorId,
          expires_at: expiresAt,
          revoked_at: null,
        })
        .execute();
      return {
        value: { keyId: key.keyId, token: key.token, expiresAt },
        event: {
          action: 'identity.createKey',
          principalId: actorId,
          params: { keyId: key.keyId, principal: principal.name, expiresAt, sigv4, description },
        },
      };
    });
  }

  async getKey(keyId: string): Promise<ApiKeyInfo | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return row && keyInfo(row);
  }

  async listKeys(principalIdOrName: string): Promise<ApiKeyInfo[]> {
    const principal = await requirePrincipal(this.db, principalIdOrName);
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('principal_id', '=', principal.id)
      .orderBy('created_at')
      .orderBy('key_id')
      .execute();
    return rows.map(keyInfo);
  }

  /** True if the key was live until now; revoking it again changes nothing. */
  async revokeKey(keyId: string, actorId: string | null = null): Promise<boolean> {
    return commitChange(this.changes, async (trx) => {
      const row = await trx
        .selectFrom('api_keys')
        .select(['key_id', 'revoked_at'])
        .where('key_id', '=', keyId)
        .executeTakeFirst();
      if (!row)
        throw new LakegateError(
          'NOT_FOUND',
          `API key ${JSON.stringify(keyId.slice(0, 100))} does not exist.`,
        );
      if (row.revoked_at !== null) return { value: false };
      await trx.updateTable('api_keys').set({ revoked_at: nowIso() }).where('key_id', '=', keyId).execute();
      return {
        value: true,
        event: { action: 'identity.revokeKey', principalId: actorId, params: { keyId } },
      };
    });
  }

  /** The actor of a whole `<key id>.<secret>` token, or undefined for anything not live and exact. */
  verifyBearer(token: string, now: number = Date.now()): Promise<Actor | undefined> {
    return this.verifier.verifyBearer(token, now);
  }

  /** The secret of a live key that may sign with SigV4, with its actor; the caller verifies the signature. */
  sigV4Secret(
    keyId: string,
    now: number = Date.now(),
  ): Promise<{ secret: string; actor: Actor } | undefined> {
    return this.verifier.sigV4Secret(keyId, now);
  }

  // --- first start --------------------------------------------------------------------------------

  /** See admin-bootstrap.ts: the admin principal and its key on an empty store; the env key later. */
  bootstrapAdmin(options: BootstrapOptions = {}): Promise<BootstrapResult> {
    return bootstrapAdmin({ ...this.changes, masterKey: this.masterKey }, options);
  }
}

function keyInfo(row: {
  key_id: string;
  principal_id: string;
  description: string | null;
  sealed_secret: string | null;
  created_at: string;
  created_by: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}): ApiKeyInfo {
  return {
    keyId: row.key_id,
    principalId: row.principal_id,
    description: row.description,
    sigv4: row.sealed_secret !== null,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
