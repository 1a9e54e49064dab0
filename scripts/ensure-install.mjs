// Installs dependencies only when package-lock.json changed since the last install, so that
// `npm start` and `npm test` are fast on a warm checkout and still work on a fresh clone.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const lock = readFileSync('package-lock.json');
const digest = createHash('sha256').update(lock).update(process.version).digest('hex');
const stamp = 'node_modules/.lakegate-install-stamp';

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) process.exit(0);

console.error('lakegate: installing dependencies (npm ci)...');
// onnxruntime-node's install script fetches GPU libraries from the network; the CPU binary it needs is
// inside the npm package. allowScripts already says so to npm 11; the variable says it to older npms.
const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
  stdio: 'inherit',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
});
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stamp, digest);
