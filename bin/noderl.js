#!/usr/bin/env -S node --min-semi-space-size=64 --max-semi-space-size=64
// The `noderl` command. The CLI lives in src/cli/ and is built into dist/ by `npm install`.
// The #! line gives V8 a 64 MiB young generation (src/node/node-flags.ts says why; a test holds
// the two to the same flags); `node bin/noderl.js` runs with Node's defaults instead.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
