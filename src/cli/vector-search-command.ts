// `lakegate vs create|list|get|sync|query|delete`: vector indexes through the Databricks Vector Search
// API. `create` builds a delta-sync index from a table (it then follows every write to it); `query` runs
// as your principal, so it prints only rows you may read, with masked columns masked.

import { usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  parseCommand,
  positionalsOf,
  runSubcommand,
  splitName,
} from './command-context.js';
import { escapeText, renderDetails, renderTable } from './format-table.js';

export const VS_USAGE = `Usage: lakegate vs <subcommand> [options]

  create <catalog.schema.index> --source <catalog.schema.table> --primary-key <column>
         (--text-column <column> [--embedding-model <model>] | --vector-column <column> --dimension <n>)
         [--columns <a,b,c>] [--endpoint <name>] [--allow-masked-columns] [--comment <text>]
                                          an index synced from a table: every write to the table
                                          updates it (default embedding model local/embed; --columns
                                          are carried for filters and results, default all)
  list [--endpoint <name>]                the indexes you can see
  get <index>                             its spec and sync status (rows, version, last error)
  sync <index>                            sync now (owner or MANAGE), then show the status
  query <index> "<text>" [-n <1..1000>] [--columns <a,b>] [--type ANN|HYBRID|FULL_TEXT]
        [--filter '<filters_json>'] [--threshold <score>] [--rerank <model> --rerank-columns <a,b>]
                                          the best-matching rows you may read, score last
  delete <index>                          delete it and its vectors

  <index> is the full name (catalog.schema.index) or its engine name (index_id in "get").
  Filters use Databricks' filters_json: '{"region": "north", "amount >=": 100, "id": [1, 2]}'.

${COMMON_OPTIONS_HELP}`;

const API = '/api/2.0/vector-search/indexes';

type Json = Record<string, unknown>;

interface WireIndex {
  name: string;
  index_id?: string;
  endpoint_name: string;
  primary_key: string;
  index_type: string;
  creator?: string;
  delta_sync_index_spec?: Json;
  status?: { ready: boolean; detailed_state: string; indexed_row_count: number; message: string };
  sync_status?: {
    state: string;
    last_synced_version: number | null;
    last_synced_at: string | null;
    last_error: string | null;
  };
}

interface WireQuery {
  manifest: { columns: Array<{ name: string }> };
  result: { row_count: number; data_array: unknown[][] };
}

const indexPath = (name: string) => `${API}/${encodeURIComponent(name)}`;

function listOption(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw usageError('--columns takes a comma-separated list of columns', VS_USAGE);
  return items;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  return typeof value === 'string' ? value.replace(/\s+/g, ' ') : JSON.stringify(value);
}

function renderIndex(index: WireIndex): string {
  const spec = index.delta_sync_index_spec;
  const sync = index.sync_status;
  return renderDetails([
    ['name', index.name],
    ['engine name', index.index_id ?? ''],
    ['type', index.index_type],
    ['endpoint', index.endpoint_name],
    ['primary key', index.primary_key],
    ['creator', index.creator ?? ''],
    ...(spec ? ([['source table', String(spec.source_table)]] as Array<[string, string]>) : []),
    ['state', sync?.state ?? index.status?.detailed_state ?? ''],
    ['rows indexed', String(index.status?.indexed_row_count ?? 0)],
    [
      'last synced version',
      sync?.last_synced_version === null ? 'never' : String(sync?.last_synced_version ?? ''),
    ],
    ['last synced at', sync?.last_synced_at ?? ''],
    ...(sync?.last_error ? ([['last error', escapeText(sync.last_error)]] as Array<[string, string]>) : []),
  ]);
}

export function vectorSearchCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  return runSubcommand(runtime, args, VS_USAGE, {
    create: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        {
          source: { type: 'string' },
          'primary-key': { type: 'string' },
          'text-column': { type: 'string' },
          'embedding-model': { type: 'string' },
          'vector-column': { type: 'string' },
          dimension: { type: 'string' },
          columns: { type: 'string' },
          endpoint: { type: 'string' },
          'allow-masked-columns': { type: 'boolean' },
          comment: { type: 'string' },
        },
        VS_USAGE,
      );
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<catalog.schema.index>'], VS_USAGE);
      splitName(name!, 'catalog.schema.index', VS_USAGE);
      if (!values.source) throw usageError('--source <catalog.schema.table> is required', VS_USAGE);
      splitName(values.source, 'catalog.schema.table', VS_USAGE);
      if (!values['primary-key']) throw usageError('--primary-key <column> is required', VS_USAGE);
      const text = values['text-column'];
      const vector = values['vector-column'];
      if ((text === undefined) === (vector === undefined)) {
        throw usageError('give one of --text-column or --vector-column', VS_USAGE);
      }
      let embedding: Json;
      if (vector !== undefined) {
        const dimension = Number(values.dimension);
        if (!Number.isInteger(dimension) || dimension < 1) {
          throw usageError('--vector-column needs --dimension <n> (a whole number)', VS_USAGE);
        }
        embedding = { embedding_vector_columns: [{ name: vector, embedding_dimension: dimension }] };
      } else {
        embedding = {
          embedding_source_columns: [
            { name: text, embedding_model_endpoint_name: values['embedding-model'] ?? 'local/embed' },
          ],
        };
      }
      const columns = listOption(values.columns);
      const created = await ctx.client.post<WireIndex>(API, {
        name,
        endpoint_name: values.endpoint ?? 'lakegate-embedded',
        primary_key: values['primary-key'],
        index_type: 'DELTA_SYNC',
        delta_sync_index_spec: {
          source_table: values.source,
          pipeline_type: 'TRIGGERED',
          ...embedding,
          ...(columns ? { columns_to_sync: columns } : {}),
        },
        ...(values['allow-masked-columns'] ? { allow_masked_columns: true } : {}),
        ...(values.comment !== undefined ? { comment: values.comment } : {}),
      });
      ctx.emit(
        created,
        () =>
          `Created vector index ${created.name}; its first sync is running. Follow it with: lakegate vs get ${created.name}`,
      );
      return 0;
    },
    list: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { endpoint: { type: 'string' } },
        VS_USAGE,
      );
      if (!ctx) return 0;
      positionalsOf(positionals, [], VS_USAGE);
      const body = await ctx.client.get<{ vector_indexes: WireIndex[] }>(
        API,
        values.endpoint ? { endpoint_name: values.endpoint } : undefined,
      );
      ctx.emit(body, () =>
        renderTable(
          ['NAME', 'TYPE', 'PRIMARY KEY', 'ENDPOINT', 'CREATOR'],
          body.vector_indexes.map((i) => [
            i.name,
            i.index_type,
            i.primary_key,
            i.endpoint_name,
            i.creator ?? '',
          ]),
        ),
      );
      return 0;
    },
    get: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, VS_USAGE);
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<index>'], VS_USAGE);
      const index = await ctx.client.get<WireIndex>(indexPath(name!));
      ctx.emit(index, () => renderIndex(index));
      return 0;
    },
    sync: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, VS_USAGE);
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<index>'], VS_USAGE);
      await ctx.client.post(`${indexPath(name!)}/sync`, {});
      const index = await ctx.client.get<WireIndex>(indexPath(name!));
      ctx.emit(index, () => renderIndex(index));
      return index.sync_status?.state === 'FAILED' ? 1 : 0;
    },
    query: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        {
          n: { type: 'string', short: 'n' },
          columns: { type: 'string' },
          type: { type: 'string' },
          filter: { type: 'string' },
          threshold: { type: 'string' },
          rerank: { type: 'string' },
          'rerank-columns': { type: 'string' },
        },
        VS_USAGE,
      );
      if (!ctx) return 0;
      const [name, text] = positionalsOf(positionals, ['<index>', '"<text>"'], VS_USAGE);
      const n = values.n === undefined ? undefined : Number(values.n);
      if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 1000)) {
        throw usageError('-n must be a whole number from 1 to 1000', VS_USAGE);
      }
      const type = values.type?.toUpperCase();
      if (type !== undefined && !['ANN', 'HYBRID', 'FULL_TEXT'].includes(type)) {
        throw usageError('--type must be ANN, HYBRID or FULL_TEXT', VS_USAGE);
      }
      const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
      if (threshold !== undefined && !Number.isFinite(threshold))
        throw usageError('--threshold must be a number', VS_USAGE);
      if (values.filter !== undefined) {
        try {
          JSON.parse(values.filter);
        } catch {
          throw usageError('--filter must be JSON (filters_json)', VS_USAGE);
        }
      }
      const columns = listOption(values.columns);
      const rerankColumns = listOption(values['rerank-columns']);
      if ((values.rerank === undefined) !== (rerankColumns === undefined))
        throw usageError('--rerank and --rerank-columns go together', VS_USAGE);
      const body = await ctx.client.post<WireQuery>(`${indexPath(name!)}/query`, {
        query_text: text,
        ...(n !== undefined ? { num_results: n } : {}),
        ...(columns ? { columns } : {}),
        ...(type ? { query_type: type } : {}),
        ...(values.filter !== undefined ? { filters_json: values.filter } : {}),
        ...(threshold !== undefined ? { score_threshold: threshold } : {}),
        ...(values.rerank !== undefined && rerankColumns
          ? { reranker: { model: values.rerank, parameters: { columns_to_rerank: rerankColumns } } }
          : {}),
      });
      ctx.emit(body, () =>
        renderTable(
          body.manifest.columns.map((c) => c.name.toUpperCase()),
          body.result.data_array.map((row) => row.map(cell)),
          { maxCell: 80 },
        ),
      );
      return 0;
    },
    delete: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, VS_USAGE);
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<index>'], VS_USAGE);
      await ctx.client.delete(indexPath(name!));
      ctx.emit({}, () => `Deleted vector index ${name}.`);
      return 0;
    },
  });
}
