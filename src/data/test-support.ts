// What every data suite starts from: a real catalog (SQLite in a temporary folder) with its admin and
// the metastore, a folder for the suite's own files, and users and groups made on demand.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Actor, type Catalog, type CatalogPrincipal, openCatalog } from '../catalog/index.js';
import { openStore } from '../store/index.js';

export interface DataTestCatalog {
  /** A temporary folder of the suite's own, removed by close(). */
  home: string;
  catalog: Catalog;
  admin: Actor;
  /** A new user with no privileges, a member of these (existing) groups. */
  user(name: string, ...groups: string[]): Promise<Actor>;
  group(name: string): Promise<void>;
  /** Closes the catalog and its store and removes the folder. */
  close(): Promise<void>;
}

export function actorOf(principal: CatalogPrincipal): Actor {
  return {
    principalId: principal.id,
    name: principal.name,
    kind: principal.kind === 'service' ? 'service' : 'user',
    isAdmin: principal.isAdmin,
  };
}

export async function openDataTestCatalog(prefix: string): Promise<DataTestCatalog> {
  const home = mkdtempSync(join(tmpdir(), `lakegate-${prefix}-`));
  const store = await openStore({ sqlitePath: join(home, 'control.db') });
  const catalog = openCatalog({ store, masterKey: randomBytes(32) });
  const { admin } = await catalog.identity.bootstrapAdmin({});
  await catalog.securables.ensureMetastore(admin.id);
  return {
    home,
    catalog,
    admin: actorOf(admin),
    async user(name, ...groups) {
      const principal = await catalog.identity.createPrincipal({ name, kind: 'user' }, admin.id);
      for (const group of groups) await catalog.identity.addMember(group, name, admin.id);
      return actorOf(principal);
    },
    async group(name) {
      await catalog.identity.createPrincipal({ name, kind: 'group' }, admin.id);
    },
    async close() {
      await catalog.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
