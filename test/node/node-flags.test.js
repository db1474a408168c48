// The Node.js flags of a noderl node (src/node/node-flags.ts): the `noderl` command, run as npx
// runs it (the file itself, through its #! line), gets V8's young generation from NODEJS_FLAGS.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { NODEJS_FLAGS, SEMI_SPACE_MB } from '../../dist/index.js';
import { NODERL_BIN } from '../support/noderl-cli.js';

/** Runs `file args` with a preload that reports the semi-space the process ran with. */
function semiSpaceOf(file, args) {
  const dir = mkdtempSync(join(tmpdir(), 'noderl-flags-'));
  const preload = join(dir, 'report.cjs');
  writeFileSync(preload, `
    // Before the first scavenge, new space is one semi-space (the other is committed later).
    const s = require('node:v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    process.on('exit', () => process.stderr.write('semi-space MB ' + s.space_size / 1048576 + '\\n'));`);
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...process.env, NODE_OPTIONS: `--require ${preload}` }, timeout: 20000 }, (err, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      const m = /semi-space MB (\d+(?:\.\d+)?)/.exec(stderr);
      if (err || !m) return reject(new Error(`${file} ${args.join(' ')}: ${err?.message ?? 'no report'}\n${stderr}`));
      resolve({ mb: Number(m[1]), stdout });
    });
  });
}

test('the #! line of bin/noderl.js carries NODEJS_FLAGS', () => {
  const first = readFileSync(NODERL_BIN, 'utf8').split('\n', 1)[0];
  assert.equal(first, `#!/usr/bin/env -S node ${NODEJS_FLAGS.join(' ')}`);
  assert.deepEqual([...NODEJS_FLAGS], [`--min-semi-space-size=${SEMI_SPACE_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`]);
});

test('noderl, run as a command, has a young generation of SEMI_SPACE_MB; node bin/noderl.js has Node\'s', async () => {
  const asCommand = await semiSpaceOf(NODERL_BIN, ['version']);
  assert.match(asCommand.stdout, /\d+\.\d+\.\d+/);
  assert.equal(asCommand.mb, SEMI_SPACE_MB);
  const plain = await semiSpaceOf(process.execPath, [NODERL_BIN, 'version']);
  assert.ok(plain.mb < SEMI_SPACE_MB, `Node's default semi-space is ${plain.mb} MB`);
});
