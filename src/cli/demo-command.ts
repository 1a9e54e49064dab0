// `lakegate demo`: builds the demo insurer on a running Lakegate through its public APIs, as an admin —
// catalog `demo`, schema `demo.insurance`, managed tables customers / policies / claims loaded with
// generated rows, policy documents in the volume `demo.insurance.documents`, groups and users with API
// keys (printed once), grants, a row filter by region and masks on PII. It refuses when the demo (or
// one of its principals) exists already; --reset deletes all of that first.

import {
  DEMO_DOCUMENTS,
  DEMO_GROUPS,
  DEMO_TABLES,
  DEMO_USERS,
  demoMask,
  demoRowFilter,
  generateInsuranceData,
  sidecarOf,
} from '../data/index.js';
import { CliError, usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  type CommandContext,
  parseCommand,
  positionalsOf,
  type Writer,
} from './command-context.js';
import { LAKEGATE_API, segment, UC_API } from './http-client.js';
import { ProgressLine, showsProgress } from './transfer-progress.js';
import { type VolumeFilesClient, volumeFilesClientFor } from './volume-files-client.js';

export const DEMO_USAGE = `Usage: lakegate demo [--scale <n>] [--seed <n>] [--reset] [--progress]

Creates a realistic insurance catalog on the running Lakegate (as an admin): catalog "demo" with
schema demo.insurance, tables customers, policies and claims (with free-text adjuster notes), policy
documents in the volume demo.insurance.documents, groups adjusters_north/south/east/west, auditors and
analysts, users alice, bob, carol and dave with API keys (printed once), a row filter by region and
masks on personal data. Then it prints a few things to try.

  --scale <n>         size of the data (1 = about 1,000 customers and 4,000 rows; default 1)
  --seed <n>          another seed gives other (but again reproducible) data
  --reset             delete an existing demo (catalog, its files and tables, its users and groups) first
  --batch-size <n>    rows per request when loading (default 2000)
  --progress          show loading progress on stderr even when it is not a terminal

${COMMON_OPTIONS_HELP}`;

const CATALOG = 'demo';
const SCHEMA = 'demo.insurance';
const VOLUME = 'demo.insurance.documents';
const TABLES_API = '/api/2.0/lakegate/tables';

interface DemoKey {
  name: string;
  groups: string[];
  key: string;
}

function positiveNumber(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    throw usageError(`${flag} must be a number above 0 and at most ${max}, not "${value}"`, DEMO_USAGE);
  }
  return n;
}

function isNotFound(error: unknown): boolean {
  return error instanceof CliError && /\(NOT_FOUND\)|does not exist/.test(error.message);
}

/** Runs a call whose "not found" answer is fine (deleting what may not be there). */
async function ignoringNotFound(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

async function exists(ctx: CommandContext, path: string): Promise<boolean> {
  try {
    await ctx.client.get(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

const principalNames = [...DEMO_GROUPS, ...DEMO_USERS.map((u) => u.name)];

async function existingParts(ctx: CommandContext): Promise<string[]> {
  const found: string[] = [];
  if (await exists(ctx, `${UC_API}/catalogs/${CATALOG}`)) found.push(`catalog "${CATALOG}"`);
  for (const name of principalNames) {
    if (await exists(ctx, `${LAKEGATE_API}/principals/${segment(name)}`)) found.push(`principal "${name}"`);
  }
  return found;
}

async function resetDemo(ctx: CommandContext): Promise<void> {
  // The index, knowledge base, volume and tables first, one by one: their vectors, files and storage go
  // with them, which a forced delete of the catalog (securables only) would leave behind.
  await ignoringNotFound(() => ctx.client.delete(`${VECTOR_SEARCH_API}/indexes/${NOTES_INDEX}`));
  await ignoringNotFound(() => ctx.client.delete(`${KNOWLEDGE_BASES_API}/${DOCUMENTS_KB}`));
  await ignoringNotFound(() => ctx.client.delete(`${UC_API}/volumes/${VOLUME}`));
  for (const table of DEMO_TABLES) {
    await ignoringNotFound(() => ctx.client.delete(`${UC_API}/tables/${SCHEMA}.${table.name}`));
  }
  await ignoringNotFound(() => ctx.client.delete(`${UC_API}/catalogs/${CATALOG}`, { force: true }));
  for (const name of principalNames) {
    await ignoringNotFound(() => ctx.client.delete(`${LAKEGATE_API}/principals/${segment(name)}`));
  }
}

class LoadProgress {
  private readonly line: ProgressLine | undefined;

  constructor(stderr: Writer, show: boolean) {
    this.line = show ? new ProgressLine(stderr) : undefined;
  }

  update(table: string, done: number, total: number, final = false): void {
    this.line?.draw(
      () => `Loading ${table}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} rows`,
      final,
    );
  }
}

async function createTables(ctx: CommandContext): Promise<void> {
  for (const table of DEMO_TABLES) {
    await ctx.client.post(`${UC_API}/tables`, {
      name: table.name,
      catalog_name: CATALOG,
      schema_name: 'insurance',
      table_type: 'MANAGED',
      comment: table.comment,
      columns: table.columns.map((column, position) => ({ ...column, position })),
    });
  }
}

async function loadRows(
  ctx: CommandContext,
  progress: LoadProgress,
  tables: Record<string, readonly object[]>,
  batchSize: number,
): Promise<void> {
  for (const table of DEMO_TABLES) {
    const rows = tables[table.name] ?? [];
    const fullName = `${SCHEMA}.${table.name}`;
    for (let start = 0; start < rows.length; start += batchSize) {
      await ctx.client.post(`${TABLES_API}/${fullName}/rows`, {
        mode: 'append',
        rows: rows.slice(start, start + batchSize),
      });
      if (start + batchSize < rows.length) progress.update(fullName, start + batchSize, rows.length);
    }
    progress.update(fullName, rows.length, rows.length, true);
  }
}

async function writeDocuments(ctx: CommandContext, files: VolumeFilesClient): Promise<number> {
  await ctx.client.post(`${UC_API}/volumes`, {
    name: 'documents',
    catalog_name: CATALOG,
    schema_name: 'insurance',
    volume_type: 'MANAGED',
    comment: 'Policy wording and claims guidelines (for knowledge bases).',
  });
  let written = 0;
  for (const document of DEMO_DOCUMENTS) {
    for (const file of [{ path: document.path, content: document.content }, sidecarOf(document)]) {
      const body = new Blob([file.content]).stream();
      await files.upload(`/Volumes/demo/insurance/documents/${file.path}`, body, true);
      written++;
    }
  }
  return written;
}

async function createPeople(ctx: CommandContext): Promise<DemoKey[]> {
  for (const group of DEMO_GROUPS) {
    await ctx.client.post(`${LAKEGATE_API}/principals`, { name: group, kind: 'group' });
  }
  const keys: DemoKey[] = [];
  for (const user of DEMO_USERS) {
    await ctx.client.post(`${LAKEGATE_API}/principals`, {
      name: user.name,
      kind: 'user',
      display_name: user.displayName,
    });
    for (const group of user.groups) {
      await ctx.client.put(`${LAKEGATE_API}/groups/${segment(group)}/members/${segment(user.name)}`);
    }
    const created = await ctx.client.post<{ token: string }>(
      `${LAKEGATE_API}/principals/${segment(user.name)}/keys`,
      { description: 'lakegate demo' },
    );
    keys.push({ name: user.name, groups: user.groups, key: created.token });
  }
  return keys;
}

async function grantAndProtect(ctx: CommandContext): Promise<void> {
  const everyone = (privileges: string[]) => DEMO_GROUPS.map((principal) => ({ principal, add: privileges }));
  await ctx.client.patch(`${UC_API}/permissions/catalog/${CATALOG}`, { changes: everyone(['USE_CATALOG']) });
  // SELECT on the schema reaches every table in it; the row filter and masks then decide what shows.
  await ctx.client.patch(`${UC_API}/permissions/schema/${SCHEMA}`, {
    changes: everyone(['USE_SCHEMA', 'SELECT']),
  });
  await ctx.client.patch(`${UC_API}/permissions/volume/${VOLUME}`, { changes: everyone(['READ_VOLUME']) });
  for (const table of DEMO_TABLES) {
    const fullName = `${SCHEMA}.${table.name}`;
    await ctx.client.put(`${LAKEGATE_API}/tables/${fullName}/row-filter`, { expression: demoRowFilter() });
    for (const column of table.pii) {
      const type = table.columns.find((c) => c.name === column)!.type_name;
      await ctx.client.put(`${LAKEGATE_API}/tables/${fullName}/column-masks/${segment(column)}`, {
        expression: demoMask(column, type),
      });
    }
  }
}

const VECTOR_SEARCH_API = '/api/2.0/vector-search';
const KNOWLEDGE_BASES_API = '/api/2.0/lakegate/knowledge-bases';
const NOTES_INDEX = `${SCHEMA}.claim_notes`;
const DOCUMENTS_KB = `${SCHEMA}.documents_kb`;
const INGESTION_POLL_MS = 200;

/**
 * The retrieval half of the demo. Everyone may call the built-in local models (embedding and the
 * extractive answerer). Analysts, who read every claim, may build indexes: the claim-notes index is built
 * by dave, since an index is synced as its owner and the row filter bounds what it holds (the admin is in
 * no group, so the filter shows it no claim). Queries are then re-read as each caller: alice gets north
 * only. The knowledge base over the documents volume is the admin's, and is ingested now.
 */
async function buildRetrieval(ctx: CommandContext, keys: DemoKey[]): Promise<number> {
  const everyone = DEMO_GROUPS.map((principal) => ({ principal, add: ['QUERY'] }));
  await ctx.client.patch(`${UC_API}/permissions/serving_endpoint/local`, { changes: everyone });
  await ctx.client.patch(`${UC_API}/permissions/schema/${SCHEMA}`, {
    changes: [{ principal: 'analysts', add: ['CREATE_TABLE'] }],
  });
  const dave = keys.find((k) => k.name === 'dave');
  if (!dave) throw new CliError('The demo has no analyst to build its index.');
  await ctx.clientWithKey(dave.key).post(`${VECTOR_SEARCH_API}/indexes`, {
    name: NOTES_INDEX,
    endpoint_name: 'lakegate-embedded',
    primary_key: 'claim_id',
    index_type: 'DELTA_SYNC',
    delta_sync_index_spec: {
      source_table: `${SCHEMA}.claims`,
      pipeline_type: 'TRIGGERED',
      embedding_source_columns: [{ name: 'adjuster_notes', embedding_model_endpoint_name: 'local/embed' }],
    },
    comment: "Adjusters' notes of every claim, by meaning and by words",
  });
  await ctx.client.post(KNOWLEDGE_BASES_API, {
    name: DOCUMENTS_KB,
    source: `/Volumes/${VOLUME.replaceAll('.', '/')}`,
    comment: 'Policy wording and claims guidelines',
  });
  await ctx.client.patch(`${UC_API}/permissions/knowledge_base/${DOCUMENTS_KB}`, { changes: everyone });
  const kbPath = `${KNOWLEDGE_BASES_API}/${DOCUMENTS_KB}/ingestion-jobs`;
  let job = await ctx.client.post<{
    job_id: string;
    status: string;
    statistics?: { chunks_indexed?: number };
  }>(kbPath);
  while (job.status === 'IN_PROGRESS') {
    await new Promise((resolve) => setTimeout(resolve, INGESTION_POLL_MS));
    job = await ctx.client.get(`${kbPath}/${encodeURIComponent(job.job_id)}`);
  }
  if (job.status !== 'COMPLETE') throw new CliError(`Ingesting the demo documents ended ${job.status}.`);
  return job.statistics?.chunks_indexed ?? 0;
}

function guide(
  url: string,
  keys: DemoKey[],
  counts: Record<string, number>,
  documents: number,
  chunks: number,
): string {
  const keyOf = (name: string) => keys.find((k) => k.name === name)?.key ?? '<key>';
  const users = keys.map((k) => `  ${k.name.padEnd(6)} ${k.groups.join(', ').padEnd(16)} ${k.key}`);
  const q = 'SELECT region, status, count(*) AS claims FROM demo.insurance.claims GROUP BY ALL ORDER BY ALL';
  return [
    `The demo is ready on ${url}:`,
    `  demo.insurance.customers  ${counts['customers']} rows (name, email, phone, address, date_of_birth masked except for auditors)`,
    `  demo.insurance.policies   ${counts['policies']} rows`,
    `  demo.insurance.claims     ${counts['claims']} rows, with adjuster notes`,
    `  /Volumes/demo/insurance/documents  ${documents} files (policy wording and guidelines, with .metadata.json sidecars)`,
    `  ${NOTES_INDEX}        a vector index of the claims' adjuster notes, synced on every write`,
    `  ${DOCUMENTS_KB}       a knowledge base over the documents (${chunks} chunks)`,
    '',
    'Users and their API keys (shown only now; lakegate keys create makes new ones):',
    ...users,
    '',
    'Try this — the same query as different people:',
    `  LAKEGATE_KEY=${keyOf('alice')} lakegate sql "${q}"   # alice: north only`,
    `  LAKEGATE_KEY=${keyOf('bob')} lakegate sql "${q}"   # bob: south only`,
    `  LAKEGATE_KEY=${keyOf('carol')} lakegate sql "SELECT name, email, phone FROM demo.insurance.customers LIMIT 5"   # carol (auditor): unmasked`,
    `  LAKEGATE_KEY=${keyOf('dave')} lakegate sql "SELECT name, email, phone FROM demo.insurance.customers LIMIT 5"   # dave (analyst): masked`,
    `  LAKEGATE_KEY=${keyOf('alice')} lakegate fs ls /Volumes/demo/insurance/documents/guidelines`,
    `  LAKEGATE_KEY=${keyOf('alice')} lakegate vs query ${NOTES_INDEX} "water in the basement after a storm" -n 3 --columns claim_id,region,adjuster_notes   # north only`,
    `  LAKEGATE_KEY=${keyOf('alice')} lakegate kb ask ${DOCUMENTS_KB} "How is hail damage to an old roof settled?"`,
    `  LAKEGATE_KEY=${keyOf('dave')} lakegate kb retrieve ${DOCUMENTS_KB} "fraud indicators"   # the fraud guide is for adjusters and auditors`,
    '  lakegate audit list --limit 20    # every query and file read above, as the admin',
    '',
  ].join('\n');
}

export async function demoCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const flags = {
    scale: { type: 'string' },
    seed: { type: 'string' },
    reset: { type: 'boolean' },
    progress: { type: 'boolean' },
    'batch-size': { type: 'string' },
  } as const;
  const { values, positionals, ctx } = parseCommand(runtime, args, flags, DEMO_USAGE);
  if (!ctx) return 0;
  positionalsOf(positionals, [], DEMO_USAGE);
  const scale = positiveNumber(values.scale, '--scale', 1, 1000);
  const seed =
    values.seed === undefined ? undefined : Math.floor(positiveNumber(values.seed, '--seed', 1, 2 ** 32));
  const batchSize = Math.floor(positiveNumber(values['batch-size'], '--batch-size', 2000, 100_000));

  const present = await existingParts(ctx);
  if (present.length > 0 && !values.reset) {
    throw new CliError(
      `The demo is already there (${present.join(', ')}). Run lakegate demo --reset to delete it and create it again.`,
    );
  }
  if (present.length > 0) {
    ctx.note('Deleting the existing demo...');
    await resetDemo(ctx);
  }

  const data = generateInsuranceData({ scale, ...(seed !== undefined ? { seed } : {}) });
  const counts = {
    customers: data.customers.length,
    policies: data.policies.length,
    claims: data.claims.length,
  };
  const files = volumeFilesClientFor(runtime, ctx, values.key);
  const { stderr } = runtime.io;
  const progress = new LoadProgress(stderr, showsProgress(stderr, values.progress));
  try {
    await ctx.client.post(`${UC_API}/catalogs`, { name: CATALOG, comment: 'Lakegate demo: an insurer' });
    await ctx.client.post(`${UC_API}/schemas`, {
      name: 'insurance',
      catalog_name: CATALOG,
      comment: 'Customers, policies and claims of the demo insurer',
    });
    await createTables(ctx);
    await loadRows(ctx, progress, { ...data }, batchSize);
    const documents = await writeDocuments(ctx, files);
    const keys = await createPeople(ctx);
    await grantAndProtect(ctx);
    const chunks = await buildRetrieval(ctx, keys);
    ctx.emit(
      {
        catalog: CATALOG,
        rows: counts,
        documents,
        users: keys,
        vectorIndex: NOTES_INDEX,
        knowledgeBase: { name: DOCUMENTS_KB, chunks },
      },
      () => guide(ctx.client.baseUrl, keys, counts, documents, chunks),
    );
  } catch (error) {
    if (error instanceof CliError) {
      throw new CliError(
        `${error.message}\nThe demo is incomplete: run lakegate demo --reset to start over.`,
      );
    }
    throw error;
  }
  return 0;
}
