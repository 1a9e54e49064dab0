// A real catalog (SQLite), a managed volume with VolumeFiles, the embedded vector engine and the
// knowledge-base service over them, with the built-in local models: what the knowledge-base suites share.

import { join } from 'node:path';
import type { Actor, Catalog } from '../../catalog/index.js';
import { VolumeFiles } from '../../data/index.js';
import { openDataTestCatalog } from '../../data/test-support.js';
import { createEmbeddedVectorEngine } from '../engine/embedded-vector-engine.js';
import type { VectorEngine } from '../engine/vector-engine.js';
import { localRetrievalModels } from '../test-support.js';
import { KnowledgeBases } from './knowledge-base-service.js';

export const VOLUME = 'main.docs.files';
export const ROOT = '/Volumes/main/docs/files';

export interface KbFixture {
  home: string;
  catalog: Catalog;
  files: VolumeFiles;
  engine: VectorEngine;
  kbs: KnowledgeBases;
  models: ReturnType<typeof localRetrievalModels>;
  admin: Actor;
  user(name: string, ...groups: string[]): Promise<Actor>;
  group(name: string): Promise<void>;
  grant(
    type: 'catalog' | 'schema' | 'volume' | 'knowledge_base',
    name: string,
    principal: string,
    ...privileges: string[]
  ): Promise<void>;
  put(path: string, content: string | Uint8Array): Promise<void>;
  remove(path: string): Promise<void>;
  /** Closes the service and the engine and opens both again over the same folders (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function kbFixture(prefix = 'kb'): Promise<KbFixture> {
  const base = await openDataTestCatalog(prefix);
  const { catalog, admin } = base;
  const files = new VolumeFiles({ catalog, dir: join(base.home, 'volumes') });
  await files.open();
  await catalog.securables.createCatalog(admin, 'main');
  await catalog.securables.createSchema(admin, 'main.docs');
  await catalog.securables.createObject(admin, 'volume', VOLUME, { details: { volume_type: 'MANAGED' } });
  const models = localRetrievalModels();
  const open = () => {
    const engine = createEmbeddedVectorEngine({ root: join(base.home, 'vectors') });
    const kbs = new KnowledgeBases({
      catalog,
      volumes: files,
      engine,
      models,
      stateDir: join(base.home, 'knowledge-bases'),
    });
    return { engine, kbs };
  };
  const fx: KbFixture = {
    home: base.home,
    catalog,
    files,
    ...open(),
    models,
    admin,
    user: base.user,
    group: base.group,
    async grant(type, name, principal, ...privileges) {
      await catalog.securables.updatePermissions(admin, type, name, [{ principal, add: privileges }]);
    },
    async put(path, content) {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      await files.put(
        admin,
        `${ROOT}/${path}`,
        (async function* () {
          yield bytes;
        })(),
        { overwrite: true },
      );
    },
    async remove(path) {
      await files.deleteFile(admin, `${ROOT}/${path}`);
    },
    async restart() {
      await fx.kbs.close();
      await fx.engine.close();
      Object.assign(fx, open());
    },
    async close() {
      await fx.kbs.close();
      await fx.engine.close();
      await base.close();
    },
  };
  return fx;
}

/** A reader of the volume and querier of every knowledge base in main.docs, in the given groups. */
export async function reader(fx: KbFixture, name: string, ...groups: string[]): Promise<Actor> {
  const actor = await fx.user(name, ...groups);
  await fx.grant('catalog', 'main', name, 'USE CATALOG');
  await fx.grant('schema', 'main.docs', name, 'USE SCHEMA', 'QUERY');
  await fx.grant('volume', VOLUME, name, 'READ VOLUME');
  return actor;
}

/** Starts an ingestion job as `actor` and waits for its end. */
export async function ingest(fx: KbFixture, actor: Actor, kb: string) {
  const job = await fx.kbs.startIngestion(actor, kb);
  return fx.kbs.waitForJob(actor, kb, job.jobId);
}
