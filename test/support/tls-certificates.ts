// A throwaway certificate authority and server certificates for TLS tests, made with the openssl command
// line (Debian's openssl package; .ci/run installs it) in a temporary folder: nothing secret is committed.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServerCertificate {
  key: string;
  cert: string;
}

export interface TestCertificates {
  /** The authority's certificate, to trust. */
  ca: string;
  /** Issue a certificate for these subject alternative names, e.g. `IP:127.0.0.1` or `DNS:example.test`. */
  issue(altNames: string[]): ServerCertificate;
  dispose(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'lakegate-tls-'));
  openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=Lakegate test CA',
    ],
    dir,
  );
  let issued = 0;
  return {
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    issue(altNames) {
      const name = `server-${++issued}`;
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${altNames.join(',')}\n`);
      openssl(
        [
          'req',
          ...EC_KEY,
          '-keyout',
          `${name}.key`,
          '-out',
          `${name}.csr`,
          '-subj',
          '/CN=lakegate test server',
        ],
        dir,
      );
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${name}.csr`,
          '-CA',
          'ca.crt',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          '-days',
          '2',
          '-extfile',
          `${name}.ext`,
          '-out',
          `${name}.crt`,
        ],
        dir,
      );
      return {
        key: readFileSync(join(dir, `${name}.key`), 'utf8'),
        cert: readFileSync(join(dir, `${name}.crt`), 'utf8'),
      };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
