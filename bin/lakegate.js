#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50
// The flags (also in `npm start`), both measured with bench:gateway: V8's young generation may otherwise grow
// to 16 MB per semi-space (about 25 MB more resident memory, no CPU saved); and after each full collection
// V8 lets the old generation grow up to 4× what survived before collecting again, which under sustained
// h2c load (the AWS SDK's path: node:http2 promotes ~1 KB a request) took the gateway to 157–216 MB
// in 20 s. Growing by half instead: 128–151 MB, CPU per request unchanged.
// The compiled CLI lives in dist/ (built by `npm run build`, which `npm start` runs first).
import { main } from '../dist/cli/index.js';

process.exitCode = await main(process.argv.slice(2));
