// The `lakegate` command.

import { isLakegateError } from '../core/index.js';
import { UP_HELP, upCommand } from './up-command.js';

const HELP = `Usage: lakegate <command> [options]

Commands:
  up        start the service (lakegate up --help for its options)
  help      show this help
  version   print the version
`;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'up':
        await upCommand(rest, env);
        return 0;
      case 'version':
      case '--version': {
        const { createRequire } = await import('node:module');
        const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
        process.stdout.write(`${pkg.version}\n`);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(command === undefined ? HELP : `${HELP}\n${UP_HELP}`);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`lakegate: unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    const message = isLakegateError(error) || error instanceof TypeError ? error.message : String(error);
    process.stderr.write(`lakegate: ${message}\n`);
    return 1;
  }
}
