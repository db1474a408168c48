// `noderl start` and `noderl ping` as processes, against a real erl on a private port mapper.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { resolveCookie } from '../../dist/node/cookie.js';

const skip = erlSkip();
const bin = fileURLToPath(new URL('../../bin/noderl.js', import.meta.url));
let epmd;
let erl;
const children = new Set();

before(async () => {
  if (skip) return;
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port });
});

after(async () => {
  for (const c of children) if (c.exitCode === null) process.kill(c.pid, 'SIGKILL');
  await erl?.stop();
  await epmd?.stop();
});

function noderl(args) {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ERL_EPMD_PORT: String(epmd.port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.out = '';
  child.err = '';
  child.stdout.on('data', (d) => (child.out += d));
  child.stderr.on('data', (d) => (child.err += d));
  child.done = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

test('noderl start prints one line when it accepts connections, answers ping, and exits 0 on SIGTERM', { skip }, async () => {
  const name = uniqueName('cli');
  const child = noderl(['start', '--sname', name, '--cookie', erl.cookie, '--ticktime', '8']);
  await new Promise((resolve, reject) => {
    child.stdout.on('data', () => child.out.includes('\n') && resolve());
    child.done.then(() => reject(new Error(`exited early: ${child.err}`)));
  });
  const node = `${name}@${erl.node.split('@')[1]}`;
  assert.equal(child.out, `node ${node} started\n`);
  assert.equal(await erl.eval(`net_adm:ping('${node}')`), 'pong');
  process.kill(child.pid, 'SIGTERM');
  assert.deepEqual(await child.done, { code: 0, signal: null });
  assert.equal(child.out, `node ${node} started\n`);
  assert.equal(await erl.eval(`net_adm:names()`).then((s) => s.includes(name)), false);
});

test('noderl ping prints pong with the right cookie and pang with a wrong one', { skip }, async () => {
  const good = noderl(['ping', erl.node, '--cookie', erl.cookie]);
  const bad = noderl(['ping', erl.node, '--cookie', 'not-the-cookie']);
  assert.equal((await good.done).code, 0);
  assert.equal(good.out, 'pong\n');
  assert.equal((await bad.done).code, 1);
  assert.equal(bad.out, 'pang\n');
});

test('without a cookie, ~/.erlang.cookie is created as erl does (20 A-Z, mode 0400) and read back', () => {
  const home = mkdtempSync(join(tmpdir(), 'noderl-cookie-'));
  try {
    const env = { HOME: home };
    const cookie = resolveCookie(undefined, env);
    assert.match(cookie, /^[A-Z]{20}$/);
    const path = join(home, '.erlang.cookie');
    assert.equal(statSync(path).mode & 0o777, 0o400);
    assert.equal(readFileSync(path, 'latin1'), cookie);
    assert.equal(resolveCookie(undefined, env), cookie);
    assert.equal(resolveCookie('given', env), 'given');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
