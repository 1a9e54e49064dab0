// `lakegate guardrails`: guardrails through the Bedrock-shaped control plane (`/guardrails`) and
// ApplyGuardrail (`/guardrail/{id}/version/{v}/apply`), the same routes the AWS SDK calls. `apply` exits
// with 3 when the guardrail intervened, so a script can gate on it without parsing the output.

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { CliError, usageError } from './cli-error.js';
import {
  type CliRuntime,
  COMMON_OPTIONS_HELP,
  type CommandContext,
  parseCommand,
  positionalsOf,
  runSubcommand,
} from './command-context.js';
import { escapeText, formatTime, renderTable } from './format-table.js';
import {
  type ApplyWire,
  type GuardrailWire,
  renderApply,
  renderGuardrail,
  type SummaryWire,
} from './guardrail-views.js';
import { segment } from './http-client.js';
import type { Json } from './securable-views.js';

export const GUARDRAILS_USAGE = `Usage: lakegate guardrails <subcommand> [options]

  list [<guardrail>]                     the guardrails you can see (their DRAFT), or every
                                         version of one
  get <guardrail> [--version DRAFT|N]    its policies, readably (--output json: GetGuardrail's answer)
  create --file <policy.json|.yaml> [--name <name>]
                                         a guardrail from the body of Bedrock's CreateGuardrail
  update <guardrail> --file <policy.json|.yaml> [--name <name>]
                                         replace its DRAFT (the name is kept when the file has none)
  version <guardrail> [--description <text>]
                                         snapshot the DRAFT as the next numbered version
  delete <guardrail> [--version N]       delete it with every version, or only version N
  apply <guardrail> [--version DRAFT|N] [--source input|output]
        (--text <text> | --file <doc.txt> | text on stdin)
        [--grounding <source.txt>]... [--query <text>]
                                         check a text; the action, the masked or blocked output
                                         and what was found, where

<guardrail> is the id, the ARN, the catalog name (system.guardrails.<id>) or the guardrail's name.
A policy file is JSON, or YAML when it ends in .yaml or .yml.

Exit codes of apply: 0 the guardrail let the text through (NONE), 3 it intervened
(GUARDRAIL_INTERVENED: blocked or masked), 1 an error, 2 bad usage.

${COMMON_OPTIONS_HELP}`;

/** `apply`'s exit code when the guardrail blocked or masked something. */
export const EXIT_INTERVENED = 3;

// A guardrail id's shape (src/guardrails/guardrail-identifier.ts), restated rather than imported: the
// CLI runs none of the guardrails layer's code, only its types.
const ID = /^[a-z][a-z0-9]{11}$/;
/** A list stops after this many pages, so a server that keeps returning a token cannot loop us forever. */
const MAX_PAGES = 1000;

// ---- arguments -------------------------------------------------------------------------------------

function versionOption(value: string | undefined, usage: string, numberedOnly = false): string | undefined {
  if (value === undefined) return undefined;
  if (!numberedOnly && value.toUpperCase() === 'DRAFT') return 'DRAFT';
  if (/^[1-9]\d{0,7}$/.test(value)) return value;
  throw usageError(
    `--version must be ${numberedOnly ? 'a version number' : 'DRAFT or a version number'}, not "${value}"`,
    usage,
  );
}

function sourceOption(value: string | undefined, usage: string): 'INPUT' | 'OUTPUT' {
  const source = (value ?? 'input').toUpperCase();
  if (source !== 'INPUT' && source !== 'OUTPUT') {
    throw usageError(`--source must be input or output, not "${value}"`, usage);
  }
  return source;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new CliError(`Cannot read ${path} (${typeof code === 'string' ? code : String(error)}).`);
  }
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

// ---- policy files ----------------------------------------------------------------------------------

/** CreateGuardrail's body; the server refuses the Bedrock settings it does not implement itself. */
const BODY_KEYS = new Set([
  'name',
  'description',
  'clientRequestToken',
  'blockedInputMessaging',
  'blockedOutputsMessaging',
  'automatedReasoningPolicyConfig',
  'crossRegionConfig',
  'kmsKeyId',
  'tags',
]);

/**
 * Each policy config and the keys inside it. Checked here because the server drops keys it does not
 * know: a misspelt `piiEntities` would otherwise replace the DRAFT with a guardrail that finds nothing.
 */
const POLICY_KEYS: Record<string, readonly string[]> = {
  topicPolicyConfig: ['topicsConfig', 'tierConfig'],
  contentPolicyConfig: ['filtersConfig', 'tierConfig'],
  wordPolicyConfig: ['wordsConfig', 'managedWordListsConfig'],
  sensitiveInformationPolicyConfig: ['piiEntitiesConfig', 'regexesConfig'],
  contextualGroundingPolicyConfig: ['filtersConfig', 'tierConfig'],
};

/** GetGuardrail's read names, which people copy from `get --output json`, and what to write instead. */
const READ_NAMES: Record<string, string> = {
  topicPolicy: 'topicPolicyConfig.topicsConfig',
  contentPolicy: 'contentPolicyConfig.filtersConfig',
  wordPolicy: 'wordPolicyConfig.wordsConfig / managedWordListsConfig',
  sensitiveInformationPolicy: 'sensitiveInformationPolicyConfig.piiEntitiesConfig / regexesConfig',
  contextualGroundingPolicy: 'contextualGroundingPolicyConfig.filtersConfig',
};

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkPolicyKeys(body: Json, path: string): void {
  for (const [key, value] of Object.entries(body)) {
    const inner = POLICY_KEYS[key];
    if (inner) {
      if (!isObject(value)) continue; // the server says what is wrong with its type
      const unknown = Object.keys(value).find((k) => !inner.includes(k));
      if (unknown !== undefined) {
        throw new CliError(`${path}: ${key} has no key "${unknown}" (it takes ${inner.join(', ')}).`);
      }
    } else if (!BODY_KEYS.has(key)) {
      const instead = READ_NAMES[key];
      throw new CliError(
        instead
          ? `${path}: "${key}" is how GetGuardrail answers; a create or update body writes it as ${instead}.`
          : `${path}: unknown key "${key}" (CreateGuardrail takes name, description, blockedInputMessaging, blockedOutputsMessaging and ${Object.keys(POLICY_KEYS).join(', ')}).`,
      );
    }
  }
}

async function readPolicyFile(path: string, usage: string): Promise<Json> {
  const extension = extname(path).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(extension)) {
    throw usageError(`--file must end in .json, .yaml or .yml, not "${path}"`, usage);
  }
  const source = await readText(path);
  let body: unknown;
  try {
    body = extension === '.json' ? JSON.parse(source) : parseYaml(source);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliError(`${path} is not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${why}`);
  }
  if (!isObject(body)) throw new CliError(`${path} must hold an object (the body of CreateGuardrail).`);
  checkPolicyKeys(body, path);
  return body;
}

// ---- talking to the server -------------------------------------------------------------------------

async function listAll(ctx: CommandContext, identifier?: string): Promise<SummaryWire[]> {
  const items: SummaryWire[] = [];
  const seen = new Set<string>();
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await ctx.client.get<{ guardrails?: SummaryWire[]; nextToken?: string }>('/guardrails', {
      maxResults: 1000,
      guardrailIdentifier: identifier,
      nextToken,
    });
    items.push(...(body.guardrails ?? []));
    if (!body.nextToken || seen.has(body.nextToken)) break;
    seen.add(body.nextToken);
    nextToken = body.nextToken;
  }
  return items;
}

/**
 * What the server takes as guardrailIdentifier: ids, ARNs and catalog names as given; anything else is a
 * guardrail's name, looked up among those the caller can see (Bedrock names hold no dots or colons).
 */
async function resolveIdentifier(ctx: CommandContext, given: string): Promise<string> {
  if (ID.test(given) || given.startsWith('arn:') || given.includes('.')) return given;
  const found = (await listAll(ctx)).find((g) => g.name === given);
  if (!found)
    throw new CliError(`Guardrail '${escapeText(given)}' does not exist or you do not have permission.`);
  return found.id;
}

const guardrailPath = (id: string) => `/guardrails/${segment(id)}`;

// ---- the command -----------------------------------------------------------------------------------

export function guardrailsCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const usage = GUARDRAILS_USAGE;
  const policyOptions = { file: { type: 'string' }, name: { type: 'string' } } as const;

  return runSubcommand(runtime, args, usage, {
    list: async (rest) => {
      const { positionals, ctx } = parseCommand(runtime, rest, {}, usage);
      if (!ctx) return 0;
      if (positionals.length > 1) throw usageError(`unexpected argument "${positionals[1]}"`, usage);
      const [given] = positionals;
      const identifier = given === undefined ? undefined : await resolveIdentifier(ctx, given);
      const guardrails = await listAll(ctx, identifier);
      const headers = ['ID', 'NAME', 'STATUS', 'VERSION', 'UPDATED'];
      ctx.emit({ guardrails }, () =>
        guardrails.length === 0
          ? 'No guardrails.'
          : identifier === undefined
            ? renderTable(
                headers,
                guardrails.map((g) => [g.id, g.name, g.status, g.version, formatTime(g.updatedAt)]),
                { color: ctx.color },
              )
            : renderTable(
                [...headers, 'DESCRIPTION'],
                guardrails.map((g) => [
                  g.id,
                  g.name,
                  g.status,
                  g.version,
                  formatTime(g.updatedAt),
                  g.description ?? '-',
                ]),
                { color: ctx.color },
              ),
      );
      return 0;
    },
    get: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { version: { type: 'string' } },
        usage,
      );
      if (!ctx) return 0;
      const [given] = positionalsOf(positionals, ['<guardrail>'], usage);
      const version = versionOption(values.version, usage);
      const id = await resolveIdentifier(ctx, given!);
      const guardrail = await ctx.client.get<GuardrailWire>(guardrailPath(id), { guardrailVersion: version });
      ctx.emit(guardrail, () => renderGuardrail(guardrail, ctx.color));
      return 0;
    },
    create: async (rest) => {
      const { values, positionals, ctx } = parseCommand(runtime, rest, policyOptions, usage);
      if (!ctx) return 0;
      positionalsOf(positionals, [], usage);
      if (values.file === undefined) throw usageError('missing --file <policy.json|.yaml>', usage);
      const body = await readPolicyFile(values.file, usage);
      if (values.name !== undefined) body['name'] = values.name;
      if (body['name'] === undefined)
        throw usageError(`${values.file} has no name: add one, or pass --name`, usage);
      const created = await ctx.client.post<Json>('/guardrails', body);
      ctx.emit(
        created,
        () =>
          `Created guardrail ${escapeText(String(body['name']))} (id ${escapeText(String(created['guardrailId']))}, version DRAFT).`,
      );
      return 0;
    },
    update: async (rest) => {
      const { values, positionals, ctx } = parseCommand(runtime, rest, policyOptions, usage);
      if (!ctx) return 0;
      const [given] = positionalsOf(positionals, ['<guardrail>'], usage);
      if (values.file === undefined) throw usageError('missing --file <policy.json|.yaml>', usage);
      const body = await readPolicyFile(values.file, usage);
      const id = await resolveIdentifier(ctx, given!);
      if (values.name !== undefined) body['name'] = values.name;
      // UpdateGuardrail needs the name; a policy file without one keeps the current name.
      body['name'] ??= (await ctx.client.get<GuardrailWire>(guardrailPath(id))).name;
      const updated = await ctx.client.put<Json>(guardrailPath(id), body);
      ctx.emit(
        updated,
        () =>
          `Updated the DRAFT of guardrail ${escapeText(String(body['name']))} (id ${escapeText(String(updated['guardrailId']))}).`,
      );
      return 0;
    },
    version: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { description: { type: 'string' } },
        usage,
      );
      if (!ctx) return 0;
      const [given] = positionalsOf(positionals, ['<guardrail>'], usage);
      const id = await resolveIdentifier(ctx, given!);
      const body = values.description === undefined ? {} : { description: values.description };
      const created = await ctx.client.post<Json>(guardrailPath(id), body);
      ctx.emit(
        created,
        () => `Created version ${escapeText(String(created['version']))} of guardrail ${escapeText(given!)}.`,
      );
      return 0;
    },
    delete: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        { version: { type: 'string' } },
        usage,
      );
      if (!ctx) return 0;
      const [given] = positionalsOf(positionals, ['<guardrail>'], usage);
      const version = versionOption(values.version, usage, true);
      const id = await resolveIdentifier(ctx, given!);
      const answer = await ctx.client.delete<Json>(guardrailPath(id), { guardrailVersion: version });
      ctx.emit(answer, () =>
        version === undefined
          ? `Deleted guardrail ${escapeText(given!)} with all its versions.`
          : `Deleted version ${version} of guardrail ${escapeText(given!)}.`,
      );
      return 0;
    },
    apply: async (rest) => {
      const { values, positionals, ctx } = parseCommand(
        runtime,
        rest,
        {
          version: { type: 'string' },
          source: { type: 'string' },
          text: { type: 'string' },
          file: { type: 'string' },
          grounding: { type: 'string', multiple: true },
          query: { type: 'string' },
        },
        usage,
      );
      if (!ctx) return 0;
      const [given] = positionalsOf(positionals, ['<guardrail>'], usage);
      const version = versionOption(values.version, usage) ?? 'DRAFT';
      const source = sourceOption(values.source, usage);
      if (values.text !== undefined && values.file !== undefined) {
        throw usageError('give the text with --text or --file, not both', usage);
      }
      const stdin = (runtime.io as { stdin?: Readable & { isTTY?: boolean } }).stdin ?? process.stdin;
      let checked: string;
      if (values.text !== undefined) checked = values.text;
      else if (values.file !== undefined) checked = await readText(values.file);
      else if (stdin.isTTY) throw usageError('give the text with --text, --file, or on stdin', usage);
      else checked = await readAll(stdin);
      if (checked.trim() === '') throw usageError('the text to check is empty', usage);

      const content: Json[] = [{ text: { text: checked } }];
      for (const path of values.grounding ?? []) {
        content.push({ text: { text: await readText(path), qualifiers: ['grounding_source'] } });
      }
      if (values.query !== undefined) content.push({ text: { text: values.query, qualifiers: ['query'] } });

      const id = await resolveIdentifier(ctx, given!);
      const result = await ctx.client.post<ApplyWire>(
        `/guardrail/${segment(id)}/version/${segment(version)}/apply`,
        { source, content },
      );
      ctx.emit(result, () => renderApply(result, checked, ctx.color));
      return result.action === 'GUARDRAIL_INTERVENED' ? EXIT_INTERVENED : 0;
    },
  });
}
