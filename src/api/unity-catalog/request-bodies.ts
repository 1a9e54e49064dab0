// Request bodies of the Unity Catalog routes, strict: a field we do not know is refused, never dropped.
// Names are only checked to be one dotless part here; the catalog validates them fully.

import { z } from 'zod';

/** One part of a dotted name: a dot inside would let `a.b` + `c` pose as `a` + `b.c`. */
export const namePart = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => !s.includes('.'), 'must be one name part, without "."');

const comment = z.string().max(4096).nullable();
const properties = z.record(z.string(), z.string());

export const createCatalogBody = z.strictObject({
  name: namePart,
  comment: comment.optional(),
  properties: properties.optional(),
});

export const createSchemaBody = z.strictObject({
  name: namePart,
  catalog_name: namePart,
  comment: comment.optional(),
  properties: properties.optional(),
});

/** PATCH of a catalog or schema. */
export const updateContainerBody = z.strictObject({
  new_name: namePart.optional(),
  comment: comment.optional(),
  properties: properties.optional(),
  owner: z.string().min(1).optional(),
});

const COLUMN_TYPE_NAMES = [
  'BOOLEAN',
  'BYTE',
  'SHORT',
  'INT',
  'LONG',
  'FLOAT',
  'DOUBLE',
  'DATE',
  'TIMESTAMP',
  'TIMESTAMP_NTZ',
  'STRING',
  'BINARY',
  'DECIMAL',
  'INTERVAL',
  'ARRAY',
  'STRUCT',
  'MAP',
  'CHAR',
  'NULL',
  'USER_DEFINED_TYPE',
  'TABLE_TYPE',
] as const;

export const columnBody = z.strictObject({
  name: z.string().min(1).max(255),
  type_text: z.string().min(1).max(4096),
  type_name: z.enum(COLUMN_TYPE_NAMES),
  position: z.number().int().min(0),
  nullable: z.boolean().optional(),
  comment: z.string().max(4096).optional(),
  type_json: z.string().max(65536).optional(),
  type_precision: z.number().int().min(0).optional(),
  type_scale: z.number().int().min(0).optional(),
  type_interval_type: z.string().max(255).optional(),
  partition_index: z.number().int().min(0).optional(),
});

const DATA_SOURCE_FORMATS = ['DELTA', 'CSV', 'JSON', 'AVRO', 'PARQUET', 'ORC', 'TEXT'] as const;

export const createTableBody = z
  .strictObject({
    name: namePart,
    catalog_name: namePart,
    schema_name: namePart,
    table_type: z.enum(['MANAGED', 'EXTERNAL', 'VIEW']),
    data_source_format: z.enum(DATA_SOURCE_FORMATS).optional(),
    columns: z.array(columnBody).max(4096).optional(),
    storage_location: z.string().min(1).max(4096).optional(),
    comment: comment.optional(),
    properties: properties.optional(),
  })
  .refine((t) => t.table_type !== 'EXTERNAL' || t.storage_location !== undefined, {
    message: 'an EXTERNAL table needs a storage_location',
    path: ['storage_location'],
  });

export const createVolumeBody = z
  .strictObject({
    name: namePart,
    catalog_name: namePart,
    schema_name: namePart,
    volume_type: z.enum(['MANAGED', 'EXTERNAL']),
    storage_location: z.string().min(1).max(4096).optional(),
    comment: comment.optional(),
  })
  .refine((v) => v.volume_type !== 'EXTERNAL' || v.storage_location !== undefined, {
    message: 'an EXTERNAL volume needs a storage_location',
    path: ['storage_location'],
  });

/** PATCH of a volume or a registered model. */
export const updateObjectBody = z.strictObject({
  new_name: namePart.optional(),
  comment: comment.optional(),
  owner: z.string().min(1).optional(),
});

const functionParameters = z.strictObject({
  parameters: z.array(z.record(z.string(), z.unknown())).max(1024),
});

/** Unity Catalog's CreateFunction fields; what is not a name or comment is kept as the function's details. */
export const createFunctionBody = z.strictObject({
  function_info: z.strictObject({
    name: namePart,
    catalog_name: namePart,
    schema_name: namePart,
    input_params: functionParameters.optional(),
    return_params: functionParameters.optional(),
    data_type: z.string().max(255).optional(),
    full_data_type: z.string().max(4096).optional(),
    routine_body: z.enum(['SQL', 'EXTERNAL']).optional(),
    routine_definition: z.string().max(65536).optional(),
    routine_dependencies: z.record(z.string(), z.unknown()).optional(),
    parameter_style: z.enum(['S']).optional(),
    is_deterministic: z.boolean().optional(),
    sql_data_access: z.enum(['CONTAINS_SQL', 'READS_SQL_DATA', 'NO_SQL']).optional(),
    is_null_call: z.boolean().optional(),
    security_type: z.enum(['DEFINER']).optional(),
    specific_name: z.string().max(255).optional(),
    external_language: z.string().max(255).optional(),
    comment: comment.optional(),
    properties: z.union([z.string().max(65536), properties]).optional(),
  }),
});

export const createModelBody = z.strictObject({
  name: namePart,
  catalog_name: namePart,
  schema_name: namePart,
  comment: comment.optional(),
  storage_location: z.string().min(1).max(4096).optional(),
});

export const createModelVersionBody = z.strictObject({
  catalog_name: namePart,
  schema_name: namePart,
  model_name: namePart,
  source: z.string().max(4096).optional(),
  comment: comment.optional(),
});

export const setAliasBody = z.strictObject({ version_num: z.number().int().min(1) });

export const updatePermissionsBody = z.strictObject({
  changes: z
    .array(
      z.strictObject({
        principal: z.string().min(1).max(255),
        add: z.array(z.string()).max(32).optional(),
        remove: z.array(z.string()).max(32).optional(),
      }),
    )
    .max(100),
});
