// A real catalog (SQLite in a temporary folder) with an admin, a volume and VolumeFiles over a temporary
// folder, for the volume-file suites.

import { join } from 'node:path';
import type { Actor, Catalog } from '../../catalog/index.js';
import { openDataTestCatalog } from '../test-support.js';
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

export { actorOf } from '../test-support.js';

export async function volumeFixture(options: { maxFileBytes?: number } = {}): Promise<VolumeFixture> {
  const base = await openDataTestCatalog('volumes');
  const { catalog } = base;
  const dir = join(base.home, 'volumes');
  const files = new VolumeFiles({ catalog, dir, ...options });
  await files.open();
  return {
    catalog,
    files,
    dir,
    admin: base.admin,
    user: (name) => base.user(name),
    close: () => base.close(),
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
