// The catalog's services for one process, wired together once: one generation clock, identity for the
// authorizer's groups, and every committed change of identity or securables written to the audit log.

import type { Store } from '../store/index.js';
import { AuditLog, type AuditLogOptions } from './audit/index.js';
import { Authorizer } from './authorization/index.js';
import { GenerationClock } from './generation.js';
import { IdentityService } from './identity/index.js';
import { LineageStore } from './lineage/index.js';
import { SecurableService } from './securables/index.js';

export interface Catalog {
  clock: GenerationClock;
  identity: IdentityService;
  authorizer: Authorizer;
  securables: SecurableService;
  audit: AuditLog;
  lineage: LineageStore;
  /** Flushes the audit log; the store itself belongs to the caller. */
  close(): Promise<void>;
}

export interface CatalogOptions {
  store: Store;
  masterKey: Buffer;
  audit?: Omit<AuditLogOptions, 'db'>;
}

export function openCatalog(options: CatalogOptions): Catalog {
  const { db, engine } = options.store;
  // On PostgreSQL other replicas change the catalog too, so the generation is read from the database.
  const clock = new GenerationClock(db, engine === 'postgres');
  const audit = new AuditLog({ db, ...options.audit });
  // A listener runs after its change has committed: a failure here must not turn a done change into an
  // error the client would retry, and the audit log reports its own write failures.
  const safely =
    <E>(record: (event: E) => void) =>
    (event: E) => {
      try {
        record(event);
      } catch {
        // record() only queues; nothing it throws could be acted on here.
      }
    };
  const identity = new IdentityService({
    db,
    clock,
    masterKey: options.masterKey,
    onChange: safely((event) =>
      audit.record({
        principalId: event.principalId,
        action: event.action,
        params: event.params,
        decision: 'none',
      }),
    ),
  });
  const authorizer = new Authorizer({ db, clock, groupsOf: (id) => identity.groupsOf(id) });
  const securables = new SecurableService({
    db,
    clock,
    authorizer,
    onChange: safely((event) =>
      audit.record({
        principalId: event.principalId,
        action: `catalog.${event.action}`,
        securableType: event.securableType,
        securableName: event.securableName,
        params: event.params,
        decision: 'none',
        ...(event.requestId ? { requestId: event.requestId } : {}),
      }),
    ),
  });
  const lineage = new LineageStore({ db });
  return { clock, identity, authorizer, securables, audit, lineage, close: () => audit.close() };
}
