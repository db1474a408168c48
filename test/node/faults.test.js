// Faults and node lifetime against real erl: kill -STOP at ticktime 4 both ways, kill -9 of a
// noderl node, restart under the same name, simultaneous connects, the listen port range, and a
// name already registered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { erlSkip, freePort, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { atom, tuple } from '../../dist/term/types.js';
import { format } from '../../dist/term/format.js';
import { TIMEOUT } from '../../dist/process/mailbox.js';

const skip = erlSkip();
const bin = fileURLToPath(new URL('../../bin/noderl.js', import.meta.url));
const TICK_ARGS = ['-kernel', 'net_ticktime', '4'];
let Node;
let epmd;
let erl;
const nodes = new Set();
const children = new Set();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  if (skip) return;
  ({ Node } = await import('../../dist/node/node.js'));
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port, args: TICK_ARGS });
});

after(async () => {
  for (const n of nodes) await n.stop();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(c.pid, 'SIGKILL');
  if (erl) process.kill(erl.pid, 'SIGCONT');
  await erl?.stop();
  await epmd?.stop();
});

async function startNode(options = {}) {
  const node = await Node.start({ sname: uniqueName('js'), cookie: erl.cookie, epmdPort: epmd.port, log: () => {}, ...options });
  nodes.add(node);
  return node;
}

async function stopNode(node) {
  await node.stop();
  nodes.delete(node);
}

/** `noderl start` as its own OS process, so it can be stopped and killed by signals. */
async function startCliNode(args) {
  const name = uniqueName('cli');
  const child = spawn(process.execPath, [bin, 'start', '--sname', name, '--cookie', erl.cookie, ...args], {
    env: { ...process.env, ERL_EPMD_PORT: String(epmd.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', () => out.includes('started\n') && resolve());
    child.once('exit', () => reject(new Error(`noderl start exited early: ${out}`)));
  });
  return { child, node: `${name}@${erl.node.split('@')[1]}` };
}

test('kill -STOP of an erl peer with ticktime 4 on both sides: noderl sees nodedown in 3-5 s', { skip }, async () => {
  const stopped = await startErlNode({ epmdPort: epmd.port, args: TICK_ARGS, cookie: erl.cookie });
  try {
    const node = await startNode({ ticktime: 4 });
    assert.equal(await node.ping(stopped.node), 'pong');
    await sleep(1500); // idle: only ticks flow
    const down = new Promise((resolve) => node.on('nodedown', (peer, reason) => peer === stopped.node && resolve(reason)));
    const t0 = performance.now();
    process.kill(stopped.pid, 'SIGSTOP');
    const reason = await down;
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(reason, 'net_tick_timeout');
    // OTP's window for T = 4, I = 4 is T-T/I .. T+T/I (3-5 s); a noisy machine gets half a second more.
    assert.ok(seconds > 2.5 && seconds < 5.5, `nodedown after ${seconds.toFixed(2)} s`);
    await stopNode(node);
  } finally {
    process.kill(stopped.pid, 'SIGCONT');
    await stopped.stop();
  }
});

test('kill -STOP of a noderl node with ticktime 4 on both sides: erl sees nodedown in 3-5 s', { skip }, async () => {
  const { child, node } = await startCliNode(['--ticktime', '4']);
  assert.equal(await erl.eval(`begin net_kernel:monitor_nodes(true), net_adm:ping('${node}') end`), 'pong');
  await sleep(1500);
  const t0 = performance.now();
  process.kill(child.pid, 'SIGSTOP');
  const got = await erl.eval(`receive {nodedown, '${node}'} -> nodedown after 10000 -> timeout end`);
  const seconds = (performance.now() - t0) / 1000;
  await erl.eval('net_kernel:monitor_nodes(false)');
  process.kill(child.pid, 'SIGKILL');
  assert.equal(got, 'nodedown');
  assert.ok(seconds > 2.5 && seconds < 5.5, `nodedown after ${seconds.toFixed(2)} s`);
});

test('kill -9 of a noderl node: erl gets nodedown and its monitors fire with noconnection', { skip }, async () => {
  const { child, node } = await startCliNode([]);
  assert.equal(await erl.eval(`net_adm:ping('${node}')`), 'pong');
  // MONITOR_P of net_kernel on a noderl node stays unanswered until the node goes (as ping needs).
  await erl.eval(`begin monitor_node('${node}', true), put(mref, erlang:monitor(process, {net_kernel, '${node}'})) end`);
  process.kill(child.pid, 'SIGKILL');
  assert.equal(await erl.eval(`receive {nodedown, '${node}'} -> nodedown after 10000 -> timeout end`), 'nodedown');
  assert.equal(await erl.eval(`begin R = get(mref), receive {'DOWN', R, process, _, Why} -> Why after 2000 -> timeout end end`), 'noconnection');
});

test('restart under the same name: a new creation, and the old pids are dead on erl', { skip }, async () => {
  const sname = uniqueName('again');
  const collector = `collect_${sname}`;
  await erl.eval(`begin register(${collector}, spawn(fun L() -> receive {put, P} -> put(p, P), L(); {get, F} -> F ! {got, get(p)}, L() end end)), ok end`);
  const first = await startNode({ sname });
  first.spawn(async (self) => {
    self.send(tuple(atom(collector), atom(erl.node)), tuple(atom('put'), self.pid));
    await self.receive({ match: () => false });
  });
  const stored = () => erl.eval(`begin ${collector} ! {get, self()}, receive {got, P} -> is_pid(P) end end`);
  for (let i = 0; i < 50 && (await stored()) !== 'true'; i++) await sleep(100);
  assert.equal(await stored(), 'true');
  const oldCreation = first.creation;
  await stopNode(first);

  const second = await startNode({ sname });
  assert.equal(second.name, first.name);
  assert.notEqual(second.creation, oldCreation);
  // The same spawn order gives the same id and serial: only the creation tells the two apart.
  const got = [];
  const reused = second.spawn(async (self) => {
    const m = await self.receive({ timeout: 1500 });
    got.push(m);
  });
  assert.equal(await erl.eval(`net_adm:ping('${second.name}')`), 'pong');
  const old = await erl.eval(`begin ${collector} ! {get, self()}, receive {got, P} -> P end end`);
  assert.equal(old.replace(/\d+\./, 'N.'), format(reused).replace(/\d+\./, 'N.'), 'the new process reuses the old id');
  const verdict = await erl.eval(
    `begin ${collector} ! {get, self()}, P = receive {got, X} -> X end, P ! stale, M = erlang:monitor(process, P), ` +
      `receive {'DOWN', M, process, P, Why} -> Why after 3000 -> timeout end end`,
  );
  assert.equal(verdict, 'noproc');
  await sleep(1600);
  assert.deepEqual(got, [TIMEOUT], 'a message to the old pid never reaches the new process');
  await stopNode(second);
});

test('simultaneous connects resolve to one connection, noderl with noderl and noderl with erl', { skip }, async () => {
  const a = await startNode();
  const b = await startNode();
  for (let round = 0; round < 5; round++) {
    assert.deepEqual(await Promise.all([a.connect(b.name), b.connect(a.name)]), [true, true], `round ${round}`);
    assert.deepEqual(a.nodes(), [b.name]);
    assert.deepEqual(b.nodes(), [a.name]);
    assert.equal(await a.ping(b.name), 'pong');
    const down = new Promise((resolve) => b.once('nodedown', resolve));
    a.disconnect(b.name);
    await down;
  }
  for (let round = 0; round < 5; round++) {
    const [fromErl, fromJs] = await Promise.all([erl.eval(`net_kernel:connect_node('${a.name}')`), a.connect(erl.node)]);
    assert.equal(fromErl, 'true');
    assert.equal(fromJs, true);
    // The mesh (global) may connect a to erl's other visible nodes too: only erl's connection is counted.
    assert.deepEqual(a.nodes().filter((n) => n === erl.node), [erl.node]);
    assert.equal(await erl.eval(`length([N || N <- nodes(), N =:= '${a.name}'])`), '1');
    assert.equal(await erl.eval(`net_adm:ping('${a.name}')`), 'pong');
    const down = new Promise((resolve) => a.on('nodedown', function erlDown(peer) {
      if (peer === erl.node) resolve(a.off('nodedown', erlDown));
    }));
    assert.equal(await erl.eval(`erlang:disconnect_node('${a.name}')`), 'true');
    await down;
  }
  await stopNode(a);
  await stopNode(b);
});

test('listen range: the first free port of min..max, and a clear error when none is free', { skip }, async () => {
  const blocker = createServer();
  let min;
  for (;;) {
    min = await freePort();
    if (min > 65530) continue;
    const ok = await new Promise((resolve) => {
      blocker.once('error', () => resolve(false));
      blocker.listen(min, () => resolve(true));
    });
    if (ok) break;
  }
  try {
    const node = await startNode({ listen: { min, max: min + 3 } });
    assert.ok(node.port > min && node.port <= min + 3, `port ${node.port} in ${min + 1}..${min + 3}`);
    assert.equal(await erl.eval(`net_adm:ping('${node.name}')`), 'pong');
    await assert.rejects(startNode({ listen: { min, max: min } }), /no free port to listen on in \d+\.\.\d+/);
    await assert.rejects(startNode({ listen: { min: 10, max: 5 } }), RangeError);
    await stopNode(node);
  } finally {
    blocker.close();
  }
});

test('a name already registered fails with a clear error, in the API and in noderl start', { skip }, async () => {
  await assert.rejects(startNode({ sname: erl.name }), (err) => err.code === 'ERR_NODERL_NAME_IN_USE' && /the name .* seems to be in use/.test(err.message));
  const child = spawn(process.execPath, [bin, 'start', '--sname', erl.name, '--cookie', erl.cookie], {
    env: { ...process.env, ERL_EPMD_PORT: String(epmd.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 1);
  assert.match(err, /^noderl start: the name .* seems to be in use/);
  assert.equal(await erl.eval('ok'), 'ok', 'the erl node that owns the name still runs');
});
