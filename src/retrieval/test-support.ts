// Retrieval's model calls answered by the built-in local provider directly (no gateway): for tests of
// the retrieval services themselves. `local/embed` is a real hashed n-gram embedding and
// `local/extractive` a real extractive answerer; the surface tests go through the governed model API.

import { relevanceByDocument } from '../core/index.js';
import { createProvider } from '../models/index.js';
import type { RetrievalModels } from './model-calls.js';

export function localRetrievalModels(): RetrievalModels & { embedCalls: number } {
  const provider = createProvider('local', { type: 'local' }, {});
  const modelOf = (modelId: string) => modelId.replace(/^local\//, '');
  const models = {
    embedCalls: 0,
    async embed(
      _actor: unknown,
      modelId: string,
      texts: readonly string[],
      inputType: 'search_document' | 'search_query' | 'classification' | 'clustering',
    ) {
      models.embedCalls += 1;
      if (!provider.embed) throw new Error('the local provider cannot embed');
      const response = await provider.embed({ modelId: modelOf(modelId), inputs: [...texts], inputType });
      return response.embeddings;
    },
    async rerank(_actor: unknown, modelId: string, query: string, documents: readonly string[]) {
      if (!provider.rerank) throw new Error('the local provider cannot rerank');
      const response = await provider.rerank({ modelId: modelOf(modelId), query, documents: [...documents] });
      return relevanceByDocument(response, documents.length);
    },
    async converse(_actor: unknown, modelId: string, input: Parameters<RetrievalModels['converse']>[2]) {
      return provider.converse({ ...input, modelId: modelOf(modelId) });
    },
  };
  return models;
}
