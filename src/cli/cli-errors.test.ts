// How the CLI fails: a clear one-line message on stderr and exit code 1 for errors (bad key, server
// down, refused), the usage and exit code 2 for mistakes in the command line, nothing on stdout.

import { describe, expect, it } from 'vitest';
import { TEST_KEY, TEST_KEY_ID } from '../../test/support/lakegate-harness.js';
import type { CliIo } from './command-context.js';
import { main } from './main.js';
import { cliAt, cliFor, unusedPort, useLakegate } from './test-support.js';

const suite = useLakegate();

describe('authentication errors', () => {
  it('a bad key: exit 1, one line naming LAKEGATE_KEY, no secret echoed', async () => {
    const badSecret = 'not-the-right-secret-0123456789';
    const run = await cliAt(suite.harness.url, `${TEST_KEY_ID}.${badSecret}`)('catalog', 'list');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^lakegate: Not authenticated: the key was not accepted .*LAKEGATE_KEY.*--key\.\n$/,
    );
    expect(run.stderr).not.toContain(badSecret);
  });

  it('no key at all says so', async () => {
    const run = await cliAt(suite.harness.url)('whoami');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no API key was given');
    expect(run.stderr).toContain('export LAKEGATE_KEY=');
  });

  it('--key and --url win over the environment', async () => {
    const lakegate = cliFor({ LAKEGATE_URL: 'http://127.0.0.1:1', LAKEGATE_KEY: 'lgWRONG.wrong' });
    const run = await lakegate('whoami', '--url', suite.harness.url, '--key', TEST_KEY);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^name:\s+admin$/m);
  });
});

describe('a server that cannot be reached', () => {
  it('says where it looked and how to fix it', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    const run = await cliAt(url, TEST_KEY)('catalog', 'list');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `lakegate: Cannot reach Lakegate at ${url} (ECONNREFUSED). Is it running? ` +
        'Start it with `lakegate up`, or point the CLI at it with --url or LAKEGATE_URL.\n',
    );
  });

  it('a URL that is not one is a usage error', async () => {
    const run = await cliAt('not a url', TEST_KEY)('catalog', 'list');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"not a url" is not a URL');
  });
});

describe('usage', () => {
  const lakegate = cliAt('http://127.0.0.1:1', TEST_KEY);

  it('an unknown command: usage on stderr, exit 2', async () => {
    const run = await lakegate('frobnicate');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('unknown command "frobnicate"');
    expect(run.stderr).toContain('Usage: lakegate <command>');
    // Not fooled by names on Object.prototype.
    expect((await lakegate('constructor')).code).toBe(2);
    expect((await lakegate()).code).toBe(2);
  });

  it('an unknown subcommand, option or missing argument: the command usage, exit 2, no request', async () => {
    for (const argv of [
      ['catalog', 'frobnicate'],
      ['catalog'],
      ['catalog', 'get'],
      ['catalog', 'get', 'a', 'b'],
      ['catalog', 'list', '--colour'],
      ['catalog', 'list', '--output', 'yaml'],
      ['schema', 'create', 'nodot'],
      ['table', 'get', 'main.claims'],
      ['model', 'alias', 'main.claims.m', 'champion', 'two'],
      ['keys', 'create'],
      ['permissions'],
    ]) {
      const run = await lakegate(...argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^lakegate: .+\n\nUsage: lakegate /);
    }
  });

  it('--help prints the usage on stdout with exit 0, without calling the server', async () => {
    for (const argv of [
      ['catalog', '--help'],
      ['catalog', 'create', '--help'],
      ['table', 'create', '-h'],
      ['grant', '--help'],
      ['keys', 'help'],
      ['lineage', '--help'],
      ['whoami', '--help'],
      ['help', 'audit'],
    ]) {
      const run = await lakegate(...argv);
      expect(run, argv.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^Usage: lakegate /);
      expect(run.stdout).toContain('--output table|json');
    }
    const help = await lakegate('help');
    expect(help.code).toBe(0);
    for (const command of ['catalog', 'grant', 'permissions', 'keys', 'audit', 'lineage', 'whoami']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\s`, 'm'));
    }
  });
});

describe('answers the server should not give', () => {
  function withFetch(respond: (url: string) => Response): (...argv: string[]) => Promise<{
    code: number;
    stdout: string;
    stderr: string;
    urls: string[];
  }> {
    return async (...argv) => {
      let stdout = '';
      let stderr = '';
      const urls: string[] = [];
      const io: CliIo = {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        fetch: async (input) => {
          urls.push(String(input));
          return respond(String(input));
        },
      };
      const code = await main(argv, { LAKEGATE_URL: 'http://lakegate.test', LAKEGATE_KEY: TEST_KEY }, io);
      return { code, stdout, stderr, urls };
    };
  }

  it('an error body that is not JSON, and one in the OpenAI shape', async () => {
    const html = await withFetch(() => new Response('<html>bad gateway</html>', { status: 502 }))('whoami');
    expect(html).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'lakegate: Lakegate at http://lakegate.test answered HTTP 502\n',
    });
    const openai = await withFetch(
      () =>
        new Response(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit' } }), {
          status: 429,
        }),
    )('whoami');
    expect(openai.stderr).toBe('lakegate: slow down (rate_limit)\n');
  });

  it('a multi-line message stays on one line', async () => {
    const run = await withFetch(
      () =>
        new Response(JSON.stringify({ error_code: 'INVALID_ARGUMENT', message: 'bad\nfake: line' }), {
          status: 400,
        }),
    )('whoami');
    expect(run.stderr).toBe('lakegate: bad fake: line (INVALID_ARGUMENT)\n');
  });

  it('a success that is not JSON', async () => {
    const run = await withFetch(() => new Response('ok', { status: 200 }))('whoami');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not JSON');
  });

  it('follows list pages, and stops when a token repeats', async () => {
    const pages: Record<string, object> = {
      '': { catalogs: [{ name: 'a' }], next_page_token: 't1' },
      t1: { catalogs: [{ name: 'b' }], next_page_token: 't2' },
      t2: { catalogs: [{ name: 'c' }], next_page_token: 't1' },
    };
    const run = await withFetch(
      (url) => new Response(JSON.stringify(pages[new URL(url).searchParams.get('page_token') ?? ''])),
    )('catalog', 'list', '-o', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).catalogs.map((c: { name: string }) => c.name)).toEqual(['a', 'b', 'c']);
    expect(run.urls).toHaveLength(3);
  });

  it('escapes names in the path, so a name cannot reach another route', async () => {
    const run = await withFetch(() => new Response('{}'))('catalog', 'get', '../../lakegate/audit?x=1#');
    expect(run.urls).toEqual([
      'http://lakegate.test/api/2.1/unity-catalog/catalogs/..%2F..%2Flakegate%2Faudit%3Fx%3D1%23',
    ]);
  });

  it('names from the server cannot rewrite the terminal', async () => {
    const run = await withFetch(
      () => new Response(JSON.stringify({ catalogs: [{ name: 'x\u001b[2J\nadmin  fake', owner: 'o' }] })),
    )('catalog', 'list');
    expect(run.stdout.split('\n')).toHaveLength(3);
    expect(run.stdout).toContain('x\\u001b[2J\\u000aadmin  fake');
  });
});
