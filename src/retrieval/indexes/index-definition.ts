// What a vector index is: the request that creates one (Databricks Vector Search's two kinds, in our own
// camelCase), the securable `details` it is kept as (Databricks' snake_case, so the catalog shows what the
// REST API shows), and the checked, flattened definition the sync and query code work from.

import { isRecord, validationError } from '../../core/index.js';

export type VectorIndexType = 'DELTA_SYNC' | 'DIRECT_ACCESS';

export interface EmbeddingSourceColumn {
  /** A STRING column whose text is embedded (and indexed for full-text search). */
  name: string;
  /** The model that embeds it: a serving endpoint or `provider/model` of the model API. */
  embeddingModelEndpointName: string;
}

export interface EmbeddingVectorColumn {
  /** An ARRAY<FLOAT|DOUBLE> column (delta sync) or the vector field of upserted rows (direct access). */
  name: string;
  embeddingDimension: number;
}

export interface CreateVectorIndex {
  /** `catalog.schema.index`. */
  name: string;
  /** Accepted for compatibility; Lakegate serves every index from its one embedded endpoint. */
  endpointName?: string;
  primaryKey: string;
  indexType: VectorIndexType;
  deltaSync?: {
    /** `catalog.schema.table`, a managed table. */
    sourceTable: string;
    embeddingSourceColumns?: EmbeddingSourceColumn[];
    embeddingVectorColumns?: EmbeddingVectorColumn[];
    /** Columns carried into the index for filters and results; all of the table's when absent. */
    columnsToSync?: string[];
  };
  directAccess?: {
    embeddingVectorColumns: EmbeddingVectorColumn[];
    /** Column name → type (string, int, long, float, double, boolean, array<string>), the vector included. */
    schema: Record<string, string>;
  };
  /**
   * Lakegate extension: embedding a column that carries a column mask is refused, because similarity
   * search over the unmasked text would leak it; `true` accepts that on purpose.
   */
  allowMaskedColumns?: boolean;
  comment?: string;
}

/** A column the index carries, with its Unity Catalog type (canonical text, e.g. `BIGINT`, `ARRAY<STRING>`). */
export interface IndexColumn {
  name: string;
  type: string;
}

/** The checked definition, the same for both kinds where it can be. */
export interface IndexDefinition {
  indexType: VectorIndexType;
  endpointName: string;
  primaryKey: string;
  /** Every column a query may return or filter on, the primary key first (the code relies on it). */
  columns: IndexColumn[];
  /** The text column that is embedded and full-text indexed (delta sync with an embedding source). */
  textColumn?: string;
  embeddingModel?: string;
  /** The column holding ready vectors (delta sync with vectors, direct access). */
  vectorColumn?: string;
  /** Known up front for vector columns; for embedded text it is the model's, found at the first sync. */
  dimension?: number;
  source?: { fullName: string; id: string };
  allowMaskedColumns: boolean;
}

export const DEFAULT_ENDPOINT = 'lakegate-embedded';
export const MAX_DIMENSION = 16_384;

const DIRECT_TYPES: Record<string, string> = {
  string: 'STRING',
  int: 'INT',
  integer: 'INT',
  long: 'BIGINT',
  bigint: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  'array<string>': 'ARRAY<STRING>',
  'array<float>': 'ARRAY<FLOAT>',
  'array<double>': 'ARRAY<DOUBLE>',
};

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw validationError(`${what} must be a non-empty string.`);
  return value;
}

function dimensionOf(value: unknown, column: string): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_DIMENSION) {
    throw validationError(
      `embedding_dimension of "${column}" must be a whole number from 1 to ${MAX_DIMENSION}.`,
    );
  }
  return value as number;
}

/** Types DuckDB reads as numbers, so that filters compare them as numbers. */
export function isNumericType(ucType: string): boolean {
  return /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|LONG|SHORT|BYTE|FLOAT|DOUBLE|REAL|DECIMAL(\(.*\))?)$/i.test(
    ucType.trim(),
  );
}

export function isVectorType(ucType: string): boolean {
  return /^ARRAY<\s*(FLOAT|DOUBLE)\s*>$/i.test(ucType.trim());
}

/** The declared columns of a table securable (`details.columns`, kept by the tables service). */
export function tableColumns(details: Record<string, unknown>): IndexColumn[] {
  const columns = Array.isArray(details.columns) ? details.columns : [];
  return columns.filter(isRecord).map((c) => ({ name: String(c.name), type: String(c.type ?? 'STRING') }));
}

function findColumn(columns: readonly IndexColumn[], name: string, where: string): IndexColumn {
  const found = columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!found) throw validationError(`"${name}" is not a column of ${where}.`);
  return found;
}

/**
 * Checks a delta-sync request against its source table's declared columns and returns the definition.
 * Exactly one of embedding source or embedding vector column, as in Databricks.
 */
export function defineDeltaSync(
  request: CreateVectorIndex,
  source: { fullName: string; id: string; columns: IndexColumn[] },
): IndexDefinition {
  const spec = request.deltaSync;
  if (!spec) throw validationError('A DELTA_SYNC index needs delta_sync_index_spec.');
  const where = `the source table '${source.fullName}'`;
  const embedText = spec.embeddingSourceColumns ?? [];
  const embedVectors = spec.embeddingVectorColumns ?? [];
  if (embedText.length + embedVectors.length !== 1) {
    throw validationError(
      'Give exactly one column to index: one of embedding_source_columns or embedding_vector_columns.',
    );
  }
  const primary = findColumn(source.columns, text(request.primaryKey, 'primary_key'), where);
  if (primary.type.toUpperCase().startsWith('ARRAY') || /^(MAP|STRUCT)/i.test(primary.type)) {
    throw validationError(`The primary key "${primary.name}" must be a scalar column.`);
  }
  const synced = spec.columnsToSync?.length
    ? spec.columnsToSync.map((name) => findColumn(source.columns, text(name, 'columns_to_sync[]'), where))
    : source.columns;
  const definition: IndexDefinition = {
    indexType: 'DELTA_SYNC',
    endpointName: request.endpointName ?? DEFAULT_ENDPOINT,
    primaryKey: primary.name,
    columns: [],
    source: { fullName: source.fullName, id: source.id },
    allowMaskedColumns: request.allowMaskedColumns === true,
  };
  let indexed: IndexColumn;
  if (embedText[0]) {
    indexed = findColumn(source.columns, text(embedText[0].name, 'embedding_source_columns[].name'), where);
    if (indexed.type.toUpperCase() !== 'STRING') {
      throw validationError(`The embedding source column "${indexed.name}" must be a STRING column.`);
    }
    definition.textColumn = indexed.name;
    definition.embeddingModel = text(
      embedText[0].embeddingModelEndpointName,
      'embedding_source_columns[].embedding_model_endpoint_name',
    );
  } else {
    const vector = embedVectors[0]!;
    indexed = findColumn(source.columns, text(vector.name, 'embedding_vector_columns[].name'), where);
    if (!isVectorType(indexed.type)) {
      throw validationError(
        `The embedding vector column "${indexed.name}" must be ARRAY<FLOAT> or ARRAY<DOUBLE>.`,
      );
    }
    definition.vectorColumn = indexed.name;
    definition.dimension = dimensionOf(vector.embeddingDimension, indexed.name);
  }
  const columns = [primary, indexed, ...synced];
  definition.columns = columns.filter(
    (c, i) => columns.findIndex((d) => d.name.toLowerCase() === c.name.toLowerCase()) === i,
  );
  return definition;
}

export function defineDirectAccess(request: CreateVectorIndex): IndexDefinition {
  const spec = request.directAccess;
  if (!spec) throw validationError('A DIRECT_ACCESS index needs direct_access_index_spec.');
  if (!isRecord(spec.schema) || Object.keys(spec.schema).length === 0) {
    throw validationError('direct_access_index_spec.schema_json must name the columns and their types.');
  }
  const columns: IndexColumn[] = Object.entries(spec.schema).map(([name, type]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(name))
      throw validationError(`"${name}" is not a valid column name.`);
    const mapped = typeof type === 'string' ? DIRECT_TYPES[type.trim().toLowerCase()] : undefined;
    if (!mapped) {
      throw validationError(
        `Column "${name}" has type ${JSON.stringify(type)}; use one of ${Object.keys(DIRECT_TYPES).join(', ')}.`,
      );
    }
    return { name, type: mapped };
  });
  const vectors = spec.embeddingVectorColumns ?? [];
  if (vectors.length !== 1)
    throw validationError('A DIRECT_ACCESS index needs exactly one embedding vector column.');
  const where = 'the index schema';
  const primary = findColumn(columns, text(request.primaryKey, 'primary_key'), where);
  if (!['STRING', 'INT', 'BIGINT'].includes(primary.type)) {
    throw validationError(`The primary key "${primary.name}" must be a string, int or long column.`);
  }
  const vector = findColumn(columns, text(vectors[0]!.name, 'embedding_vector_columns[].name'), where);
  if (!isVectorType(vector.type)) {
    throw validationError(
      `The embedding vector column "${vector.name}" must be array<float> or array<double>.`,
    );
  }
  return {
    indexType: 'DIRECT_ACCESS',
    endpointName: request.endpointName ?? DEFAULT_ENDPOINT,
    primaryKey: primary.name,
    columns: [primary, ...columns.filter((c) => c !== primary)],
    vectorColumn: vector.name,
    dimension: dimensionOf(vectors[0]!.embeddingDimension, vector.name),
    allowMaskedColumns: false,
  };
}

/** The securable's details: Databricks' field names, plus the checked definition for this service. */
export function detailsOf(definition: IndexDefinition): Record<string, unknown> {
  const vectorColumns = definition.vectorColumn
    ? [{ name: definition.vectorColumn, embedding_dimension: definition.dimension }]
    : [];
  const details: Record<string, unknown> = {
    index_type: definition.indexType,
    primary_key: definition.primaryKey,
    endpoint_name: definition.endpointName,
    // Named apart from `columns`: the catalog would accept masks on an index's declared columns, and
    // this service enforces the source table's masks instead (an index column mask would be a false promise).
    index_columns: definition.columns,
    ...(definition.allowMaskedColumns ? { allow_masked_columns: true } : {}),
  };
  if (definition.indexType === 'DELTA_SYNC') {
    details.delta_sync_index_spec = {
      source_table: definition.source?.fullName,
      source_table_id: definition.source?.id,
      pipeline_type: 'TRIGGERED',
      columns_to_sync: definition.columns.map((c) => c.name),
      ...(definition.textColumn
        ? {
            embedding_source_columns: [
              { name: definition.textColumn, embedding_model_endpoint_name: definition.embeddingModel },
            ],
          }
        : { embedding_vector_columns: vectorColumns }),
    };
  } else {
    details.direct_access_index_spec = {
      embedding_vector_columns: vectorColumns,
      schema_json: JSON.stringify(
        Object.fromEntries(definition.columns.map((c) => [c.name, c.type.toLowerCase()])),
      ),
    };
  }
  return details;
}

/** Reads the definition back from a securable's details (written by detailsOf). */
export function definitionOf(details: Record<string, unknown>): IndexDefinition {
  const indexType = details.index_type === 'DIRECT_ACCESS' ? 'DIRECT_ACCESS' : 'DELTA_SYNC';
  const columns = Array.isArray(details.index_columns)
    ? details.index_columns.filter(isRecord).map((c) => ({ name: String(c.name), type: String(c.type) }))
    : [];
  const definition: IndexDefinition = {
    indexType,
    endpointName: typeof details.endpoint_name === 'string' ? details.endpoint_name : DEFAULT_ENDPOINT,
    primaryKey: String(details.primary_key),
    columns,
    allowMaskedColumns: details.allow_masked_columns === true,
  };
  const spec = isRecord(details.delta_sync_index_spec)
    ? details.delta_sync_index_spec
    : isRecord(details.direct_access_index_spec)
      ? details.direct_access_index_spec
      : {};
  if (indexType === 'DELTA_SYNC') {
    definition.source = { fullName: String(spec.source_table), id: String(spec.source_table_id) };
  }
  const source = Array.isArray(spec.embedding_source_columns) ? spec.embedding_source_columns[0] : undefined;
  if (isRecord(source)) {
    definition.textColumn = String(source.name);
    definition.embeddingModel = String(source.embedding_model_endpoint_name);
  }
  const vector = Array.isArray(spec.embedding_vector_columns) ? spec.embedding_vector_columns[0] : undefined;
  if (isRecord(vector)) {
    definition.vectorColumn = String(vector.name);
    definition.dimension = Number(vector.embedding_dimension);
  }
  return definition;
}
