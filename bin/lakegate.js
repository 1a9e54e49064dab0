#!/usr/bin/env -S node --max-semi-space-size=4
// The flag (also in `npm start`): V8's young generation may otherwise grow to 16 MB per semi-space, which
// bench:gateway measured as about 25 MB more resident memory for the gateway and no CPU saved.
// The compiled CLI lives in dist/ (built by `npm run build`, which `npm start` runs first).
import { main } from '../dist/cli/index.js';

process.exitCode = await main(process.argv.slice(2));
