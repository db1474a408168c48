// The embedded default port mapper: ensureEpmd() and `noderl epmd --daemon` start a detached
// daemon that outlives the process that started it and serves real erl nodes; two starters
// racing for one port leave exactly one daemon; a port mapper already there is left alone.
// Every daemon is killed by pid at the end (the pid ensureEpmd reports, or, for the CLI, the one
// process whose command line names this test's random port).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';

import { isEpmdRunning, listNames } from '../../dist/epmd/client.js';
import { ensureEpmd } from '../../dist/epmd/daemon.js';
import { epmdCommand, erlSkip, freePort, startEpmd, startErlNode } from '../support/epmd.js';
import { alive, killAtExit, killPid, noderl, startNoderlEpmd, waitFor } from '../support/noderl-epmd.js';

const skip = erlSkip();
const DAEMON_JS = new URL('../../dist/epmd/daemon.js', import.meta.url).href;

/** Runs ensureEpmd({ port }) in a child process that then exits; resolves with its result. */
function ensureInChild(port) {
  return new Promise((resolve, reject) => {
    const script = `const { ensureEpmd } = await import(${JSON.stringify(DAEMON_JS)});
      process.stdout.write(JSON.stringify(await ensureEpmd({ port: ${port} })));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`ensureEpmd child exited ${code}: ${err}`));
      const result = JSON.parse(out);
      if (result.pid) killAtExit(result.pid);
      resolve({ ...result, parentPid: child.pid });
    });
  });
}

/** Pids of noderl daemons serving this port (their command line carries it). */
function daemonPids(port) {
  try {
    const out = execFileSync('pgrep', ['-f', `noderl.js epmd --daemon-child --port ${port}( |$)`], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

const started = [];
after(() => {
  for (const pid of started) killPid(pid);
});

describe('ensureEpmd', { skip }, () => {
  test('starts a detached daemon that outlives its parent and serves a real erl node', async () => {
    const port = await freePort();
    const result = await ensureInChild(port);
    assert.equal(result.started, true);
    assert.equal(typeof result.pid, 'number');
    started.push(result.pid);
    assert.equal(alive(result.parentPid), false, 'the parent has exited');
    assert.equal(alive(result.pid), true, 'the daemon lives on');
    assert.equal(await isEpmdRunning({ port }), true);
    const node = await startErlNode({ epmdPort: port });
    try {
      const real = await epmdCommand(port, ['-names']);
      assert.match(real.stdout, new RegExp(`^name ${node.name} at port \\d+$`, 'm'));
      assert.match(await node.eval('net_adm:names()'), new RegExp(`\\{"${node.name}",\\d+\\}`));
      // A later ensureEpmd finds it and starts nothing.
      assert.deepEqual(await ensureEpmd({ port }), { started: false });
    } finally {
      await node.stop();
      killPid(result.pid);
    }
    assert.equal(await waitFor(() => !alive(result.pid), 3000), true);
  });

  test('two processes racing to start one: exactly one daemon', async () => {
    const port = await freePort();
    const results = await Promise.all([ensureInChild(port), ensureInChild(port), ensureInChild(port)]);
    const winners = results.filter((r) => r.started);
    for (const w of winners) started.push(w.pid);
    assert.equal(winners.length, 1, JSON.stringify(results));
    assert.deepEqual(daemonPids(port), [winners[0].pid]);
    assert.equal((await listNames({ port })).epmdPort, port);
    killPid(winners[0].pid);
  });

  test('a real epmd already on the port is left alone', async () => {
    const epmd = await startEpmd();
    try {
      assert.deepEqual(await ensureEpmd({ port: epmd.port }), { started: false });
      assert.deepEqual(daemonPids(epmd.port), []);
    } finally {
      await epmd.stop();
    }
  });
});

describe('noderl epmd as a command', { skip }, () => {
  test('--daemon prints nothing, exits 0 once listening; a second --daemon exits 0 and starts none', async () => {
    const port = await freePort();
    const first = await noderl(['epmd', '--daemon', '--port', String(port)]);
    const pids = daemonPids(port);
    started.push(...pids);
    assert.deepEqual([first.code, first.stdout, first.stderr], [0, '', '']);
    assert.equal(pids.length, 1);
    assert.equal(await isEpmdRunning({ port }), true);
    const second = await noderl(['epmd', '--daemon'], { ERL_EPMD_PORT: String(port) });
    assert.deepEqual([second.code, second.stdout, second.stderr], [0, '', '']);
    assert.deepEqual(daemonPids(port), pids);
    // With no node registered, --kill stops it, as `epmd -kill` does.
    const killed = await noderl(['epmd', '--kill', '--port', String(port)]);
    assert.deepEqual([killed.code, killed.stdout], [0, 'Killed\n']);
    assert.equal(await waitFor(() => !alive(pids[0]), 3000), true);
  });

  test('on a port another port mapper holds: exits 0 quietly, as epmd does', async () => {
    const epmd = await startEpmd();
    try {
      const fg = await noderl(['epmd', '--port', String(epmd.port)]);
      assert.deepEqual([fg.code, fg.stdout, fg.stderr], [0, '', '']);
      const bg = await noderl(['epmd', '--daemon', '--port', String(epmd.port)]);
      assert.deepEqual([bg.code, bg.stdout, bg.stderr], [0, '', '']);
      assert.deepEqual(daemonPids(epmd.port), []);
    } finally {
      await epmd.stop();
    }
  });

  test('the foreground daemon stops cleanly on SIGTERM and on SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT']) {
      const epmd = await startNoderlEpmd();
      process.kill(epmd.pid, signal);
      assert.deepEqual(await epmd.exited, { code: 0, signal: null });
    }
  });

  test('--names, --dump, --kill when nothing listens: epmd’s message, status 1', async () => {
    const port = await freePort();
    for (const flag of ['--names', '--dump', '--kill']) {
      const r = await noderl(['epmd', flag, '--port', String(port)]);
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', 'epmd: Cannot connect to local epmd\n']);
    }
  });

  test('--relaxed-command-check: --stop answers as epmd -stop, --kill stops it with a live registration', async () => {
    const epmd = await startNoderlEpmd(['--relaxed-command-check']);
    const node = await startErlNode({ epmdPort: epmd.port });
    try {
      const unknown = await noderl(['epmd', '--port', String(epmd.port), '--stop', 'nosuch']);
      const real = await epmdCommand(epmd.port, ['-stop', 'nosuch']);
      assert.deepEqual([unknown.code, unknown.stdout], [real.code, real.stdout]);
      assert.equal(unknown.stdout, 'NOEXIST\n');
      const dump = await noderl(['epmd', '--port', String(epmd.port), '--dump']);
      assert.match(dump.stdout, new RegExp(`^active name     <${node.name}> at port \\d+, fd = \\d+\\n$`, 'm'));
      const killed = await noderl(['epmd', '--port', String(epmd.port), '--kill']);
      assert.equal(killed.stdout, 'Killed\n');
      assert.deepEqual(await epmd.exited, { code: 0, signal: null });
    } finally {
      await node.stop();
      await epmd.stop();
    }
  });
});
