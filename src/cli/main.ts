// The `lakegate` command. Exit codes: 0 done, 1 an error (one line on stderr), 2 bad usage (the
// message, then the command's usage, on stderr). Every catalog command talks to a running server over
// HTTP; only `up` opens the store.

import { isLakegateError } from '../core/index.js';
import { AUDIT_USAGE, auditCommand } from './audit-command.js';
import { CATALOG_USAGE, catalogCommand } from './catalog-command.js';
import { CliError } from './cli-error.js';
import type { CliIo, CliRuntime } from './command-context.js';
import { DEMO_USAGE, demoCommand } from './demo-command.js';
import { FS_USAGE, fsCommand } from './fs-command.js';
import { FUNCTION_USAGE, functionCommand } from './function-command.js';
import { GRANT_USAGE, grantCommand, permissionsCommand } from './grant-command.js';
import { GROUPS_USAGE, groupsCommand } from './groups-command.js';
import { GUARDRAILS_USAGE, guardrailsCommand } from './guardrails-command.js';
import { KB_USAGE, kbCommand } from './kb-command.js';
import { KEYS_USAGE, keysCommand } from './keys-command.js';
import { LINEAGE_USAGE, lineageCommand } from './lineage-command.js';
import { MODEL_USAGE, modelCommand } from './model-command.js';
import { PRINCIPALS_USAGE, principalsCommand } from './principals-command.js';
import { SCHEMA_USAGE, schemaCommand } from './schema-command.js';
import { SQL_USAGE, sqlCommand } from './sql-command.js';
import { TABLE_USAGE, tableCommand } from './table-command.js';
import { UP_HELP, upCommand } from './up-command.js';
import { USAGE_USAGE, usageCommand } from './usage-command.js';
import { VS_USAGE, vectorSearchCommand } from './vector-search-command.js';
import { VOLUME_USAGE, volumeCommand } from './volume-command.js';
import { WHOAMI_USAGE, whoamiCommand } from './whoami-command.js';

const HELP = `Usage: lakegate <command> [options]

Commands:
  up            start the service (lakegate up --help for its options)

  catalog       list, create, get, delete catalogs
  schema        list, create, get, delete schemas
  table         list, create, get, delete tables (metadata)
  volume        list, create, get, delete volumes
  fs            files in volumes: ls, cp, cat, rm, mkdir (like the Databricks CLI's fs)
  kb            knowledge bases over volume folders: create, sync (ingest), retrieve, ask
  vs            vector indexes synced from tables: create, list, get, sync, query, delete
  demo          create the demo insurer: tables, documents, users, row filters and masks
  function      list, create, get, delete functions
  model         registered models, their versions and aliases
  grant         grant privileges:  lakegate grant SELECT on table main.claims.raw to analysts
  revoke        revoke privileges: lakegate revoke SELECT on table main.claims.raw from analysts
  permissions   who holds which privileges on a securable
  principals    users, service principals and groups
  groups        group membership
  keys          API keys: create (shown once), list, revoke
  audit         the audit log: list, verify
  lineage       upstream and downstream lineage, drawn as a tree
  sql           run SQL as your principal:  lakegate sql "SELECT ..."  (no statement: interactive)
  usage         model usage and cost:  lakegate usage --by principal --since 7d
  guardrails    guardrails: list, get, create, update, version, delete, apply (exit 3 when it intervened)
  whoami        the principal your key acts as

  help          show this help (lakegate <command> --help for a command's)
  version       print the version

The catalog commands talk to a running Lakegate: --url or LAKEGATE_URL (default http://127.0.0.1:8080),
with the API key in --key or LAKEGATE_KEY. Add --output json for the server's raw JSON.
`;

type Command = (runtime: CliRuntime, args: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  catalog: { run: catalogCommand, usage: CATALOG_USAGE },
  schema: { run: schemaCommand, usage: SCHEMA_USAGE },
  table: { run: tableCommand, usage: TABLE_USAGE },
  volume: { run: volumeCommand, usage: VOLUME_USAGE },
  fs: { run: fsCommand, usage: FS_USAGE },
  kb: { run: kbCommand, usage: KB_USAGE },
  vs: { run: vectorSearchCommand, usage: VS_USAGE },
  demo: { run: demoCommand, usage: DEMO_USAGE },
  function: { run: functionCommand, usage: FUNCTION_USAGE },
  model: { run: modelCommand, usage: MODEL_USAGE },
  grant: { run: (runtime, args) => grantCommand(runtime, args, 'grant'), usage: GRANT_USAGE },
  revoke: { run: (runtime, args) => grantCommand(runtime, args, 'revoke'), usage: GRANT_USAGE },
  permissions: { run: permissionsCommand, usage: GRANT_USAGE },
  principals: { run: principalsCommand, usage: PRINCIPALS_USAGE },
  groups: { run: groupsCommand, usage: GROUPS_USAGE },
  keys: { run: keysCommand, usage: KEYS_USAGE },
  audit: { run: auditCommand, usage: AUDIT_USAGE },
  lineage: { run: lineageCommand, usage: LINEAGE_USAGE },
  sql: { run: sqlCommand, usage: SQL_USAGE },
  usage: { run: usageCommand, usage: USAGE_USAGE },
  guardrails: { run: guardrailsCommand, usage: GUARDRAILS_USAGE },
  whoami: { run: whoamiCommand, usage: WHOAMI_USAGE },
};

const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: CliIo = processIo,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const known = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (known) return await known.run({ env, io }, rest);
    switch (command) {
      case 'up':
        await upCommand(rest, env);
        return 0;
      case 'version':
      case '--version': {
        const { createRequire } = await import('node:module');
        const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
        io.stdout.write(`${pkg.version}\n`);
        return 0;
      }
      case 'help':
      case '--help':
      case '-h': {
        const [topic] = rest;
        const usage =
          topic === 'up'
            ? UP_HELP
            : topic && Object.hasOwn(COMMANDS, topic)
              ? COMMANDS[topic]?.usage
              : undefined;
        io.stdout.write(usage ?? HELP);
        return 0;
      }
      case undefined:
        io.stderr.write(HELP);
        return 2;
      default:
        io.stderr.write(`lakegate: unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`lakegate: ${error.message}\n${error.usage ? `\n${error.usage}` : ''}`);
      return error.exitCode;
    }
    const message = isLakegateError(error) || error instanceof TypeError ? error.message : String(error);
    io.stderr.write(`lakegate: ${message}\n`);
    return 1;
  }
}
