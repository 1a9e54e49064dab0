// `lakegate kb create|list|status|sync|retrieve|ask|delete`: knowledge bases over volume folders. `sync`
// starts an ingestion job and follows it with a progress line on stderr, then prints its statistics;
// `retrieve` and `ask` call the Bedrock-Agent-Runtime-compatible API as your principal, so they return
// only what you may read.

import { CliError, usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  type CommandContext,
  parseCommand,
  positionalsOf,
  runSubcommand,
  splitName,
} from './command-context.js';
import { escapeText, renderDetails, renderTable } from './format-table.js';
import { ProgressLine, showsProgress } from './transfer-progress.js';

export const KB_USAGE = `Usage: lakegate kb <subcommand> [options]

  create <catalog.schema.kb> --source /Volumes/<c>/<s>/<v>[/folder] [--embedding-model <model>]
         [--chunking '<Bedrock ChunkingConfiguration JSON>'] [--comment <text>]
                                          a knowledge base over a volume folder (default embedding
                                          local/embed, chunks of about 300 tokens)
  list <catalog.schema>                   the knowledge bases of a schema you can see
  status <kb>                             its source, size and latest ingestion job
  sync <kb> [--no-wait] [--progress]      ingest new, changed and deleted files (a progress line on
                                          stderr; --progress shows it outside a terminal too)
  retrieve <kb> "<query>" [-n <1..100>] [--search-type HYBRID|SEMANTIC] [--filter '<RetrievalFilter JSON>']
                                          the best-matching chunks you may read
  ask <kb> "<question>" [--model <model>] [-n <1..100>] [--filter '<json>']
                                          an answer from those chunks, with numbered sources
                                          (default model local/extractive)
  delete <kb>                             delete it and its index

  <kb> is the full name (catalog.schema.kb) or the knowledge base's id.

${COMMON_OPTIONS_HELP}`;

const API = '/api/2.0/lakegate/knowledge-bases';
const POLL_MS = 250;

type Json = Record<string, unknown>;

interface WireJob {
  job_id: string;
  status: string;
  progress: { files_done: number; files_total: number; chunks_indexed: number };
  statistics: {
    scanned: number;
    new: number;
    modified: number;
    deleted: number;
    unchanged: number;
    failed: number;
    chunks_indexed: number;
    failures: Array<{ path: string; reason: string }>;
  };
  failure_reasons: string[];
}

interface WireKb {
  id: string;
  full_name: string;
  owner: string;
  source: string;
  embedding_model: string;
  chunking_configuration: { chunkingStrategy: string };
  documents: number;
  chunks: number;
  latest_job?: WireJob;
  comment: string | null;
}

interface WireResult {
  content: { text: string };
  location: { customDocumentLocation?: { id: string } };
  score: number;
}

const kbPath = (name: string) => `${API}/${encodeURIComponent(name)}`;

function jsonOption(text: string | undefined, option: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw usageError(`${option} must be JSON`, KB_USAGE);
  }
}

function resultsOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw usageError('-n must be a whole number from 1 to 100', KB_USAGE);
  return n;
}

function statisticsTable(job: WireJob): string {
  const s = job.statistics;
  const table = renderTable(
    ['SCANNED', 'NEW', 'MODIFIED', 'UNCHANGED', 'DELETED', 'FAILED', 'CHUNKS'],
    [[s.scanned, s.new, s.modified, s.unchanged, s.deleted, s.failed, s.chunks_indexed].map(String)],
  );
  const failures =
    s.failures.length > 0
      ? `\n\nFailed files:\n${renderTable(
          ['PATH', 'REASON'],
          s.failures.map((f) => [f.path, f.reason]),
          { maxCell: 100 },
        )}`
      : '';
  const reasons =
    job.failure_reasons.length > 0
      ? `\n\nJob ${job.status}: ${job.failure_reasons.map(escapeText).join('; ')}`
      : '';
  return `${table}${failures}${reasons}`;
}

async function follow(
  ctx: CommandContext,
  runtime: CliRuntime,
  name: string,
  job: WireJob,
  progress: boolean,
): Promise<WireJob> {
  const line = progress ? new ProgressLine(runtime.io.stderr) : undefined;
  const describe = (j: WireJob) => {
    const { files_done: done, files_total: total, chunks_indexed: chunks } = j.progress;
    const width = 24;
    const filled = total > 0 ? Math.round((width * done) / total) : 0;
    const percent = total > 0 ? Math.floor((100 * done) / total) : 0;
    return `Ingesting ${name}: [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files (${percent}%)  ${chunks} chunks`;
  };
  let current = job;
  while (current.status === 'IN_PROGRESS') {
    line?.draw(() => describe(current));
    await new Promise((r) => setTimeout(r, POLL_MS));
    current = await ctx.client.get<WireJob>(
      `${kbPath(name)}/ingestion-jobs/${encodeURIComponent(job.job_id)}`,
    );
  }
  line?.draw(() => describe(current), true);
  return current;
}

/** The answer with `[n]` after each cited part, and the numbered sources. */
function renderAnswer(body: Json): string {
  const text = String((body.output as Json | undefined)?.text ?? '');
  const citations = (body.citations as Json[] | undefined) ?? [];
  const sources: string[] = [];
  const inserts: Array<{ at: number; mark: string }> = [];
  for (const citation of citations) {
    const span = ((citation.generatedResponsePart as Json)?.textResponsePart as Json)?.span as
      | { end: number }
      | undefined;
    const numbers: number[] = [];
    for (const reference of (citation.retrievedReferences as Json[] | undefined) ?? []) {
      const id = String(((reference.location as Json)?.customDocumentLocation as Json)?.id ?? '?');
      let n = sources.indexOf(id) + 1;
      if (n === 0) n = sources.push(id);
      if (!numbers.includes(n)) numbers.push(n);
    }
    if (span && numbers.length > 0) inserts.push({ at: span.end, mark: ` [${numbers.join(', ')}]` });
  }
  let out = text;
  for (const { at, mark } of inserts.sort((a, b) => b.at - a.at))
    out = out.slice(0, at) + mark + out.slice(at);
  const list = sources.map((s, i) => `[${i + 1}] ${s}`).join('\n');
  return (
    escapeText(out).replaceAll('\\u000a', '\n') +
    (list ? `\n\nSources:\n${escapeText(list).replaceAll('\\u000a', '\n')}` : '')
  );
}

export function kbCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  return runSubcommand(runtime, args, KB_USAGE, {
    create: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        {
          source: { type: 'string' },
          'embedding-model': { type: 'string' },
          chunking: { type: 'string' },
          comment: { type: 'string' },
        },
        KB_USAGE,
      );
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<catalog.schema.kb>'], KB_USAGE);
      splitName(name!, 'catalog.schema.kb', KB_USAGE);
      if (!values.source)
        throw usageError('--source /Volumes/<catalog>/<schema>/<volume>[/folder] is required', KB_USAGE);
      const chunking = jsonOption(values.chunking, '--chunking');
      const created = await ctx.client.post<WireKb>(API, {
        name,
        source: values.source,
        ...(values['embedding-model'] ? { embedding_model: values['embedding-model'] } : {}),
        ...(chunking !== undefined ? { chunking_configuration: chunking } : {}),
        ...(values.comment !== undefined ? { comment: values.comment } : {}),
      });
      ctx.emit(
        created,
        () =>
          `Created knowledge base ${created.full_name} (${created.id}). Run: lakegate kb sync ${created.full_name}`,
      );
      return 0;
    },
    list: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, KB_USAGE);
      if (!ctx) return 0;
      const [schema] = positionalsOf(positionals, ['<catalog.schema>'], KB_USAGE);
      const [catalog_name, schema_name] = splitName(schema!, 'catalog.schema', KB_USAGE);
      const body = await ctx.client.get<{ knowledge_bases: WireKb[] }>(API, { catalog_name, schema_name });
      ctx.emit(body, () =>
        renderTable(
          ['NAME', 'DOCUMENTS', 'CHUNKS', 'LAST SYNC', 'SOURCE'],
          body.knowledge_bases.map((kb) => [
            kb.full_name,
            String(kb.documents),
            String(kb.chunks),
            kb.latest_job?.status ?? 'never',
            kb.source,
          ]),
        ),
      );
      return 0;
    },
    status: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, KB_USAGE);
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<kb>'], KB_USAGE);
      const kb = await ctx.client.get<WireKb>(kbPath(name!));
      ctx.emit(kb, () => {
        const details = renderDetails([
          ['name', kb.full_name],
          ['id', kb.id],
          ['owner', kb.owner],
          ['source', kb.source],
          ['embedding model', kb.embedding_model],
          ['chunking', kb.chunking_configuration.chunkingStrategy],
          ['documents', String(kb.documents)],
          ['chunks', String(kb.chunks)],
          ['last sync', kb.latest_job ? `${kb.latest_job.status} (${kb.latest_job.job_id})` : 'never'],
        ]);
        return kb.latest_job ? `${details}\n\n${statisticsTable(kb.latest_job)}` : details;
      });
      return 0;
    },
    sync: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { 'no-wait': { type: 'boolean' }, progress: { type: 'boolean' } },
        KB_USAGE,
      );
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<kb>'], KB_USAGE);
      const started = await ctx.client.post<WireJob>(`${kbPath(name!)}/ingestion-jobs`);
      if (values['no-wait']) {
        ctx.emit(
          started,
          () => `Started ingestion job ${started.job_id}. Follow it with: lakegate kb status ${name}`,
        );
        return 0;
      }
      const ended = await follow(
        ctx,
        runtime,
        name!,
        started,
        showsProgress(runtime.io.stderr, values.progress),
      );
      ctx.emit(ended, () => statisticsTable(ended));
      if (ended.status !== 'COMPLETE') throw new CliError(`Ingestion job ${ended.job_id} ${ended.status}.`);
      return 0;
    },
    retrieve: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { n: { type: 'string', short: 'n' }, 'search-type': { type: 'string' }, filter: { type: 'string' } },
        KB_USAGE,
      );
      if (!ctx) return 0;
      const [name, query] = positionalsOf(positionals, ['<kb>', '"<query>"'], KB_USAGE);
      const searchType = values['search-type']?.toUpperCase();
      if (searchType !== undefined && searchType !== 'HYBRID' && searchType !== 'SEMANTIC') {
        throw usageError('--search-type must be HYBRID or SEMANTIC', KB_USAGE);
      }
      const numberOfResults = resultsOption(values.n);
      const filter = jsonOption(values.filter, '--filter');
      const body = await ctx.client.post<{ retrievalResults: WireResult[] }>(
        `/knowledgebases/${encodeURIComponent(name!)}/retrieve`,
        {
          retrievalQuery: { text: query },
          retrievalConfiguration: {
            vectorSearchConfiguration: {
              ...(numberOfResults !== undefined ? { numberOfResults } : {}),
              ...(searchType ? { overrideSearchType: searchType } : {}),
              ...(filter !== undefined ? { filter } : {}),
            },
          },
        },
      );
      ctx.emit(body, () =>
        renderTable(
          ['SCORE', 'SOURCE', 'TEXT'],
          body.retrievalResults.map((r) => [
            r.score.toFixed(4),
            r.location.customDocumentLocation?.id ?? '',
            r.content.text.replace(/\s+/g, ' '),
          ]),
          { maxCell: 80 },
        ),
      );
      return 0;
    },
    ask: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { model: { type: 'string' }, n: { type: 'string', short: 'n' }, filter: { type: 'string' } },
        KB_USAGE,
      );
      if (!ctx) return 0;
      const [name, question] = positionalsOf(positionals, ['<kb>', '"<question>"'], KB_USAGE);
      const numberOfResults = resultsOption(values.n);
      const filter = jsonOption(values.filter, '--filter');
      const search = {
        ...(numberOfResults !== undefined ? { numberOfResults } : {}),
        ...(filter !== undefined ? { filter } : {}),
      };
      const body = await ctx.client.post<Json>('/retrieveAndGenerate', {
        input: { text: question },
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE',
          knowledgeBaseConfiguration: {
            knowledgeBaseId: name,
            modelArn: values.model ?? 'local/extractive',
            ...(Object.keys(search).length > 0
              ? { retrievalConfiguration: { vectorSearchConfiguration: search } }
              : {}),
          },
        },
      });
      ctx.emit(body, () => renderAnswer(body));
      return 0;
    },
    delete: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, KB_USAGE);
      if (!ctx) return 0;
      const [name] = positionalsOf(positionals, ['<kb>'], KB_USAGE);
      await ctx.client.delete(kbPath(name!));
      ctx.emit({}, () => `Deleted knowledge base ${name}.`);
      return 0;
    },
  });
}
