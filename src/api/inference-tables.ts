// Inference tables: the payloads of an endpoint's calls (`endpoints.<name>.inferenceTable`) written to a
// governed table, so who may read the logs is decided by ordinary grants, row filters and column masks.
// The table is created at start when missing, owned by the admin; batches are appended as the admin.
//
// When the endpoint has a guardrail attached, every text in the logged payloads goes through its
// sensitive-information policy with every configured entity type and regex ANONYMIZED, whatever the
// action the guardrail takes on live traffic: a log is a second copy of the data, and a BLOCKed
// entity (a request the guardrail refused) must not land in it verbatim either. If the guardrail cannot
// be resolved when a batch is written, the payloads of that endpoint are written as NULL, never unmasked.
// The canonical request holds no headers, so API keys and authorisation never reach the table.

import type { Actor, Catalog } from '../catalog/index.js';
import { type EndpointConfig, isLakegateError, LakegateError } from '../core/index.js';
import type { GovernedData } from '../data/index.js';
import {
  PayloadLog,
  type PayloadRow,
  type PayloadSink,
  requestJson,
  responseJson,
} from '../gateway/index.js';
import {
  applyGuardrail,
  type CompiledGuardrail,
  compileGuardrail,
  type GuardrailPolicy,
  type GuardrailService,
} from '../guardrails/index.js';

export const INFERENCE_TABLE_COLUMNS = [
  { name: 'request_id', type: 'STRING', nullable: false },
  { name: 'time', type: 'TIMESTAMP', nullable: false },
  { name: 'principal', type: 'STRING', nullable: false },
  { name: 'endpoint', type: 'STRING', nullable: false },
  { name: 'served_model', type: 'STRING' },
  { name: 'status', type: 'STRING', nullable: false },
  { name: 'cache_hit', type: 'BOOLEAN', nullable: false },
  { name: 'request', type: 'STRING', comment: 'The canonical (Converse) request, JSON.' },
  { name: 'response', type: 'STRING', comment: 'The answer, a stream as its text, or the error, JSON.' },
  { name: 'input_tokens', type: 'LONG', nullable: false },
  { name: 'output_tokens', type: 'LONG', nullable: false },
  { name: 'latency_ms', type: 'LONG', nullable: false },
];

/** A text masker for one endpoint's payloads; identity when the endpoint has no masking to apply. */
type Mask = (texts: string[]) => Promise<string[]>;

/**
 * The masker of an endpoint without masking: payloads are logged as they are. Recognised by identity, so
 * their JSON is not parsed and written again only to change nothing (that cost ~35 µs a row, and the
 * whole batch runs at once on the event loop).
 */
const UNMASKED: Mask = async (texts) => texts;

export interface InferenceTablesOptions {
  data: Pick<GovernedData, 'tables'>;
  catalog: Pick<Catalog, 'securables'>;
  /** Owns the tables and writes the batches. */
  admin: Actor;
  endpoints: Record<string, Pick<EndpointConfig, 'inferenceTable' | 'guardrail'>>;
  guardrails: GuardrailService | undefined;
  /** Operational messages (a table that cannot be written); never payloads. */
  log?: (line: string) => void;
}

export class InferenceTables implements PayloadSink {
  /** Endpoint name → its table's full name. */
  readonly tableOf = new Map<string, string>();
  /** Log policies derived from guardrail policies, compiled once per policy object. */
  private readonly logPolicies = new WeakMap<GuardrailPolicy, CompiledGuardrail | null>();

  constructor(private readonly options: InferenceTablesOptions) {
    for (const [name, endpoint] of Object.entries(options.endpoints)) {
      if (endpoint.inferenceTable) this.tableOf.set(name, endpoint.inferenceTable.table.toLowerCase());
    }
  }

  /** Creates every configured table (and its catalog and schema) that does not exist yet. */
  async ensureTables(): Promise<void> {
    const { securables } = this.options.catalog;
    const admin = this.options.admin;
    for (const fullName of new Set(this.tableOf.values())) {
      const [catalogName, schemaName] = fullName.split('.') as [string, string, string];
      const schemaFullName = `${catalogName}.${schemaName}`;
      if (!(await exists(securables.get(admin, 'catalog', catalogName)))) {
        await securables.createCatalog(admin, catalogName).catch(ignoreExisting);
      }
      if (!(await exists(securables.get(admin, 'schema', schemaFullName)))) {
        await securables.createSchema(admin, schemaFullName).catch(ignoreExisting);
      }
      if (await exists(securables.get(admin, 'table', fullName))) continue;
      await this.options.data.tables
        .create(admin, fullName, {
          columns: INFERENCE_TABLE_COLUMNS,
          comment: 'Inference table: request and response payloads of serving endpoints (lakegate.yaml).',
        })
        .catch(ignoreExisting);
    }
  }

  /** One append per table; resolves with the rows of the tables that could not be written. */
  async write(rows: PayloadRow[]): Promise<PayloadRow[]> {
    const byTable = new Map<string, { rows: PayloadRow[]; values: Record<string, unknown>[] }>();
    const masks = new Map<string, Mask | null>();
    for (const row of rows) {
      const endpoint = row.record.requestedModel;
      const table = this.tableOf.get(endpoint);
      if (!table) continue;
      if (!masks.has(endpoint)) masks.set(endpoint, await this.maskFor(endpoint));
      const mask = masks.get(endpoint) ?? null;
      const batch = byTable.get(table) ?? { rows: [], values: [] };
      batch.rows.push(row);
      batch.values.push(await tableRow(row, mask));
      byTable.set(table, batch);
    }
    const failed: PayloadRow[] = [];
    for (const [table, batch] of byTable) {
      try {
        await this.options.data.tables.write(this.options.admin, table, {
          mode: 'append',
          source: { kind: 'rows', rows: batch.values },
        });
      } catch (error) {
        failed.push(...batch.rows);
        this.options.log?.(
          `inference table ${table}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return failed;
  }

  /** The masker of an endpoint's payloads: identity without a guardrail; null when it cannot be had. */
  private async maskFor(endpoint: string): Promise<Mask | null> {
    const attached = this.options.endpoints[endpoint]?.guardrail;
    if (!attached) return UNMASKED;
    const guardrails = this.options.guardrails;
    if (!guardrails) return null;
    try {
      const resolved = await guardrails.resolveForEndpoint(attached.id, attached.version);
      const compiled = this.logPolicy(resolved.record.policy);
      if (!compiled) return UNMASKED;
      return async (texts) => {
        if (texts.length === 0) return texts;
        const result = await applyGuardrail(compiled, {
          source: 'INPUT',
          content: texts.map((text) => ({ text })),
        });
        return result.outputs.length === texts.length ? result.outputs.map((o) => o.text) : texts;
      };
    } catch {
      return null;
    }
  }

  /** The guardrail's entity types and regexes, every one anonymised in the INPUT direction. */
  private logPolicy(policy: GuardrailPolicy): CompiledGuardrail | null {
    const known = this.logPolicies.get(policy);
    if (known !== undefined) return known;
    const sensitive = policy.sensitiveInformationPolicyConfig;
    const types = [...new Set((sensitive?.piiEntitiesConfig ?? []).map((e) => e.type))];
    const regexes = (sensitive?.regexesConfig ?? []).map((r) => ({
      name: r.name,
      pattern: r.pattern,
      action: 'ANONYMIZE' as const,
    }));
    const compiled =
      types.length === 0 && regexes.length === 0
        ? null
        : compileGuardrail({
            sensitiveInformationPolicyConfig: {
              piiEntitiesConfig: types.map((type) => ({ type, action: 'ANONYMIZE' as const })),
              regexesConfig: regexes,
            },
          } as GuardrailPolicy);
    this.logPolicies.set(policy, compiled);
    return compiled;
  }
}

/** Fields of the canonical shapes that hold names of the format, never the caller's text. */
const STRUCTURAL_KEYS = new Set(['type', 'role', 'stopReason', 'format', 'toolUseId', 'status']);

const maskable = (key: string, v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && !STRUCTURAL_KEYS.has(key);

/** Every text in a JSON document, masked; the structure (and so the JSON's validity) is kept. */
async function maskJson(json: string, mask: Mask): Promise<string> {
  const texts: string[] = [];
  const value: unknown = JSON.parse(json, (key, v: unknown) => {
    if (maskable(key, v)) texts.push(v);
    return v;
  });
  if (texts.length === 0) return json;
  const masked = await mask(texts);
  let i = 0;
  // JSON.parse's reviver meets the strings in document order, as JSON.stringify's replacer does.
  return JSON.stringify(value, (key, v: unknown) => (maskable(key, v) ? (masked[i++] ?? v) : v));
}

async function tableRow(row: PayloadRow, mask: Mask | null): Promise<Record<string, unknown>> {
  const { record } = row;
  let request: string | null = null;
  let response: string | null = null;
  if (mask === UNMASKED) {
    request = requestJson(row.request);
    response = responseJson(row.response);
  } else if (mask) {
    request = await maskJson(requestJson(row.request), mask);
    response = await maskJson(responseJson(row.response), mask);
  }
  return {
    request_id: record.requestId,
    time: new Date(record.time).toISOString(),
    principal: record.principalName,
    endpoint: record.endpoint,
    served_model: record.servedModel ? `${record.provider}/${record.servedModel}` : null,
    status: record.status,
    cache_hit: record.cacheHit,
    request,
    response,
    input_tokens: record.inputTokens,
    output_tokens: record.outputTokens,
    latency_ms: record.latencyMs,
  };
}

async function exists(lookup: Promise<unknown>): Promise<boolean> {
  try {
    await lookup;
    return true;
  } catch (error) {
    if (isLakegateError(error) && error.code === 'NOT_FOUND') return false;
    throw error;
  }
}

function ignoreExisting(error: unknown): void {
  if (!(isLakegateError(error) && error.code === 'ALREADY_EXISTS')) throw error;
}

/**
 * The payload log of a server: undefined when no endpoint has an inference table. Creates the missing
 * tables first, so a table that cannot be made stops the start with a clear error.
 */
export async function openPayloadLog(options: InferenceTablesOptions): Promise<PayloadLog | undefined> {
  const sink = new InferenceTables(options);
  if (sink.tableOf.size === 0) return undefined;
  try {
    await sink.ensureTables();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new LakegateError('CONFIG_INVALID', `An endpoint's inference table cannot be created: ${message}`, {
      cause: error,
    });
  }
  const sampleRates = new Map<string, number>();
  for (const [name, endpoint] of Object.entries(options.endpoints)) {
    if (endpoint.inferenceTable) sampleRates.set(name, endpoint.inferenceTable.sampleRate);
  }
  return new PayloadLog({
    sampleRates,
    sink,
    onError: (message, error) =>
      options.log?.(`${message}${error instanceof Error ? `: ${error.message}` : ''}`),
  });
}
