// A governed-retrieval world for the index suites: a real catalog (SQLite), real governed data (DuckDB in
// memory), the embedded vector engine in a temporary folder, and the real local embedding model behind a
// counter that can be told to fail (to prove that a failed sync surfaces and recovers).

import { join } from 'node:path';
import type { Actor } from '../../catalog/index.js';
import { LakegateError } from '../../core/index.js';
import { type GovernedData, openGovernedData } from '../../data/index.js';
import { type DataTestCatalog, openDataTestCatalog } from '../../data/test-support.js';
import type { RetrievalModels } from '../model-calls.js';
import { type GovernedRetrieval, openRetrieval } from '../open-retrieval.js';
import { localRetrievalModels } from '../test-support.js';

export interface CountingModels extends RetrievalModels {
  /** Texts embedded as documents (by syncs). */
  documentTexts: number;
  /** Texts embedded as queries. */
  queryTexts: number;
  /** When set, every embed call fails with this message until it is cleared. */
  failWith: string | undefined;
}

export function countingModels(): CountingModels {
  const local = localRetrievalModels();
  const models: CountingModels = {
    documentTexts: 0,
    queryTexts: 0,
    failWith: undefined,
    async embed(actor, modelId, texts, inputType, options) {
      if (models.failWith) throw new LakegateError('MODEL_UPSTREAM_UNAVAILABLE', models.failWith);
      if (inputType === 'search_query') models.queryTexts += texts.length;
      else models.documentTexts += texts.length;
      return local.embed(actor, modelId, texts, inputType, options);
    },
    rerank: (actor, modelId, query, documents, options) =>
      local.rerank(actor, modelId, query, documents, options),
    converse: (actor, modelId, input, options) => local.converse(actor, modelId, input, options),
  };
  return models;
}

type GrantType = 'catalog' | 'schema' | 'table' | 'vector_index';

export interface IndexWorld {
  base: DataTestCatalog;
  admin: Actor;
  data: GovernedData;
  retrieval: GovernedRetrieval;
  models: CountingModels;
  grant(principal: string, type: GrantType, name: string, ...privileges: string[]): Promise<void>;
  revoke(principal: string, type: GrantType, name: string, ...privileges: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function openIndexWorld(): Promise<IndexWorld> {
  const base = await openDataTestCatalog('vix');
  const data = await openGovernedData({
    catalog: base.catalog,
    home: null,
    scratchDir: join(base.home, 'data'),
  });
  const models = countingModels();
  const retrieval = openRetrieval({
    catalog: base.catalog,
    data,
    models,
    scratchDir: join(base.home, 'data'),
  });
  const change =
    (key: 'add' | 'remove') =>
    async (principal: string, type: GrantType, name: string, ...privileges: string[]) => {
      await base.catalog.securables.updatePermissions(base.admin, type, name, [
        { principal, [key]: privileges },
      ]);
    };
  return {
    base,
    admin: base.admin,
    data,
    retrieval,
    models,
    grant: change('add'),
    revoke: change('remove'),
    async close() {
      await retrieval.close();
      await data.close();
      await base.close();
    },
  };
}
