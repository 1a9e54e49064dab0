// A real catalog (SQLite in a temporary folder) with an admin, a volume and VolumeFiles over a temporary
// folder, for the volume-file suites.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Actor, type Catalog, type CatalogPrincipal, openCatalog } from '../../catalog/index.js';
import { openStore, type Store } from '../../store/index.js';
import { VolumeFiles } from './volume-files.js';

export interface VolumeFixture {
  catalog: Catalog;
  files: VolumeFiles;
  /** The folder holding every volume's folder. */
  dir: string;
  admin: Actor;
  /** A user with no privileges yet. */
  user(name: string): Promise<Actor>;
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

export async function volumeFixture(options: { maxFileBytes?: number } = {}): Promise<VolumeFixture> {
  const home = mkdtempSync(join(tmpdir(), 'lakegate-volumes-'));
  const store: Store = await openStore({ sqlitePath: join(home, 'control.db') });
  const catalog = openCatalog({ store, masterKey: randomBytes(32) });
  const { admin } = await catalog.identity.bootstrapAdmin({});
  await catalog.securables.ensureMetastore(admin.id);
  const dir = join(home, 'volumes');
  const files = new VolumeFiles({ catalog, dir, ...options });
  await files.open();
  return {
    catalog,
    files,
    dir,
    admin: actorOf(admin),
    user: async (name) => actorOf(await catalog.identity.createPrincipal({ name, kind: 'user' }, admin.id)),
    close: async () => {
      await catalog.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** An async iterable of the given chunks, as an upload body. */
export async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

/** Everything a readable stream yields, as one buffer. */
export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}
