#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm run build`, which `npm start` runs first).
import { main } from '../dist/cli/index.js';

process.exitCode = await main(process.argv.slice(2));
