// `lakegate up`: serve until interrupted. Every setting has a flag and an environment variable; flags win,
// then the environment, then lakegate.yaml, then the defaults.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../api/index.js';
import { LakegateError } from '../core/index.js';
import { loadConfig } from './load-config.js';

export const UP_HELP = `Usage: lakegate up [options]

Starts Lakegate: the Bedrock- and OpenAI-compatible model API on one port.

Options (each also an environment variable):
  --host <host>        LAKEGATE_HOST       address to listen on (default 127.0.0.1)
  --port <port>        LAKEGATE_PORT       port (default 8080; 0 picks a free one)
  --home <dir>         LAKEGATE_HOME       data folder (default ./.lakegate)
  --config <file>      LAKEGATE_CONFIG     config file (default ./lakegate.yaml if present)
  --admin-key <key>    LAKEGATE_ADMIN_KEY  the admin API key (default: generated on first start)
`;

function portOf(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new LakegateError('CONFIG_INVALID', `"${value}" is not a port number (0-65535).`);
  }
  return port;
}

export async function upCommand(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      home: { type: 'string' },
      config: { type: 'string' },
      'admin-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(UP_HELP);
    return;
  }
  const { config, source } = loadConfig(values.config ?? env.LAKEGATE_CONFIG);
  const portText = values.port ?? env.LAKEGATE_PORT;
  const adminKey = values['admin-key'] ?? env.LAKEGATE_ADMIN_KEY;
  const server = await startServer({
    host: values.host ?? env.LAKEGATE_HOST ?? config.server.host ?? '127.0.0.1',
    port: portText !== undefined ? portOf(portText) : (config.server.port ?? 8080),
    home: resolve(values.home ?? env.LAKEGATE_HOME ?? '.lakegate'),
    config,
    env: adminKey ? { ...env, LAKEGATE_ADMIN_KEY: adminKey } : env,
    log: (line) => process.stderr.write(`${line}\n`),
  });

  const out = process.stdout;
  out.write(`Lakegate is serving on ${server.url}${source ? ` (config: ${source})` : ''}\n`);
  out.write(`  Bedrock runtime API:  ${server.url}   (AWS SDK endpoint)\n`);
  out.write(`  OpenAI API:           ${server.url}/v1\n`);
  if (server.newAdminKey) {
    out.write(`\nAdmin API key (shown only this once; keep it safe):\n  ${server.newAdminKey}\n\n`);
  } else if (server.adminKeyId) {
    out.write(`  Admin key id:         ${server.adminKeyId}\n`);
  }

  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      out.write('Lakegate is stopping...\n');
      server.close().then(resolveStop, resolveStop);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
