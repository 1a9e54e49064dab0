// A catalog to test the securable service against: an admin, the metastore, an authorizer with the
// recursive groupsOf of the authorisation tests, and the change events the service reported.

import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import { Authorizer } from '../authorization/index.js';
import {
  addMember,
  addPrincipal,
  groupsOfFromStore,
  markChanged,
  type TestPrincipal,
} from '../authorization/test-support.js';
import { GenerationClock } from '../generation.js';
import { SecurableService } from './securable-service.js';
import type { ChangeEvent } from './service-context.js';

export interface CatalogFixture {
  db: Kysely<Database>;
  clock: GenerationClock;
  authorizer: Authorizer;
  service: SecurableService;
  events: ChangeEvent[];
  admin: TestPrincipal;
  /** New users with names unique in this store (`alice_3`), keyed by the name asked for. */
  users(...names: string[]): Promise<Record<string, TestPrincipal>>;
  /** A new group (unique name) with these members. */
  group(name: string, ...members: Array<{ id: string }>): Promise<TestPrincipal>;
}

/** Another process's service on the same store (a replica): its own clock, authorizer and caches. */
export function replicaService(db: Kysely<Database>, shared: boolean): SecurableService {
  const clock = new GenerationClock(db, shared);
  return new SecurableService({
    db,
    clock,
    authorizer: new Authorizer({ db, clock, groupsOf: groupsOfFromStore(db) }),
  });
}

export async function catalogFixture(db: Kysely<Database>, shared: boolean): Promise<CatalogFixture> {
  const clock = new GenerationClock(db, shared);
  const authorizer = new Authorizer({ db, clock, groupsOf: groupsOfFromStore(db) });
  const events: ChangeEvent[] = [];
  const service = new SecurableService({ db, clock, authorizer, onChange: (e) => events.push(e) });
  const admin = await addPrincipal(db, 'admin', { isAdmin: true });
  await service.ensureMetastore(admin.id);
  let counter = 0;
  return {
    db,
    clock,
    authorizer,
    service,
    events,
    admin,
    async users(...names) {
      const n = ++counter;
      const out: Record<string, TestPrincipal> = {};
      for (const name of names) out[name] = await addPrincipal(db, `${name}_${n}`);
      return out;
    },
    async group(name, ...members) {
      const group = await addPrincipal(db, `${name}_${++counter}`, { kind: 'group' });
      for (const member of members) await addMember(db, group.id, member.id);
      await markChanged(db, clock);
      return group;
    },
  };
}
