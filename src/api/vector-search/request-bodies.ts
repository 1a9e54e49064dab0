// Request bodies of the vector-search routes, in Databricks' field names, strict (an unknown field is
// refused, never dropped). `allow_masked_columns` is a Lakegate extension (docs/vector-search.md).

import { z } from 'zod';

const name = z.string().min(1).max(255);
const column = z.string().min(1).max(255);

const embeddingSource = z.strictObject({
  name: column,
  embedding_model_endpoint_name: z.string().min(1).max(512),
  model_endpoint_name_for_query: z.string().min(1).max(512).optional(),
});
const embeddingVector = z.strictObject({
  name: column,
  embedding_dimension: z.number().int().min(1).max(16_384),
});

export const createIndexBody = z.strictObject({
  name,
  endpoint_name: name.optional(),
  primary_key: column,
  index_type: z.enum(['DELTA_SYNC', 'DIRECT_ACCESS']),
  delta_sync_index_spec: z
    .strictObject({
      source_table: name,
      embedding_source_columns: z.array(embeddingSource).max(1).optional(),
      embedding_vector_columns: z.array(embeddingVector).max(1).optional(),
      columns_to_sync: z.array(column).max(4096).optional(),
      // Every write through Lakegate triggers a sync, so both behave alike here.
      pipeline_type: z.enum(['TRIGGERED', 'CONTINUOUS']).optional(),
    })
    .optional(),
  direct_access_index_spec: z
    .strictObject({
      embedding_vector_columns: z.array(embeddingVector).min(1).max(1),
      schema_json: z
        .string()
        .min(2)
        .max(256 * 1024),
    })
    .optional(),
  allow_masked_columns: z.boolean().optional(),
  comment: z.string().max(4096).optional(),
});
export type CreateIndexBody = z.infer<typeof createIndexBody>;

export const queryIndexBody = z.strictObject({
  columns: z.array(column).max(4096).optional(),
  query_text: z.string().min(1).max(10_000).optional(),
  query_vector: z.array(z.number()).min(1).max(16_384).optional(),
  num_results: z.number().int().min(1).max(1000).optional(),
  filters_json: z
    .string()
    .max(64 * 1024)
    .optional(),
  query_type: z
    .string()
    .transform((v) => v.toUpperCase())
    .pipe(z.enum(['ANN', 'HYBRID', 'FULL_TEXT']))
    .optional(),
  score_threshold: z.number().optional(),
  endpoint_name: name.optional(),
  // Databricks' shape: { model, parameters: { columns_to_rerank } }; `model` is a Lakegate model id
  // (a serving endpoint or provider/model, e.g. local/rerank).
  reranker: z
    .strictObject({
      model: z.string().min(1).max(1024),
      parameters: z.strictObject({ columns_to_rerank: z.array(column).min(1).max(64) }),
    })
    .optional(),
});

export const upsertDataBody = z.strictObject({
  inputs_json: z.string().min(2),
});

export const deleteDataBody = z.strictObject({
  primary_keys: z
    .array(z.union([z.string().min(1).max(1024), z.number()]))
    .min(1)
    .max(10_000),
});

export const createEndpointBody = z.strictObject({
  name,
  endpoint_type: z.enum(['STANDARD', 'STORAGE_OPTIMIZED']).optional(),
  budget_policy_id: z.string().optional(),
});
