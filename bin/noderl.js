#!/usr/bin/env node
// The `noderl` command. The CLI lives in src/cli/ and is built into dist/ by `npm install`.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
