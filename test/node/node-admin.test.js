// Node management against real erl: monitor_node, nodes(known), per-node cookies, net ticktime,
// and what a disconnect fires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { useErlAndNode, startErlNode, uniqueName } from '../support/epmd.js';
import { TIMEOUT } from '../../dist/process/mailbox.js';
import { atom, tuple } from '../../dist/term/types.js';
import { format } from '../../dist/term/format.js';
import { runInProcess, isTag } from '../support/processes.js';

let erl;
let node;
const state = useErlAndNode({ ping: true, ready: (s) => ({ erl, node } = s) });
const { skip } = state;

const run = (fn) => runInProcess(node, fn);

const E = () => atom(erl.node);
const host = () => erl.node.split('@')[1];

/** An extra erl node on the same port mapper, stopped by pid at the end of the test. */
async function extraErl(t, options = {}) {
  const extra = await startErlNode({ epmdPort: state.epmd.port, ...options });
  t.after(() => extra.stop());
  return extra;
}

test('disconnect: monitorNode gives {nodedown, Node} once per monitor, links and monitors fire noconnection, erl sees nodedown too', { skip }, async () => {
  const reg = uniqueName('far');
  await erl.eval(`begin register(${reg}, spawn(fun L() -> receive {P} -> P ! {me, self()}, L() end end)), ok end`);
  assert.equal(await erl.eval(`monitor_node('${node.name}', true)`), 'true');
  const got = await run(async (self) => {
    self.trapExit(true);
    self.monitorNode(erl.node);
    self.monitorNode(E());
    self.send(tuple(atom(reg), E()), tuple(self.pid));
    const [, far] = await self.receive({ match: isTag('me'), timeout: 5000 });
    self.link(far);
    const ref = self.monitor(far);
    assert.equal(node.disconnect(erl.node), true);
    const downs = [await self.receive({ match: isTag('nodedown'), timeout: 5000 }), await self.receive({ match: isTag('nodedown'), timeout: 5000 })];
    const exit = await self.receive({ match: isTag('EXIT'), timeout: 5000 });
    const down = await self.receive({ match: (m) => isTag('DOWN')(m) && m[1] === ref, timeout: 5000 });
    const more = await self.receive({ match: isTag('nodedown'), timeout: 0 });
    return { downs, exit, down, more };
  });
  assert.deepEqual(got.downs.map(format), [`{nodedown,${erl.node}}`, `{nodedown,${erl.node}}`]);
  assert.equal(got.exit[2], atom('noconnection'));
  assert.equal(got.down[4], atom('noconnection'));
  assert.equal(got.more, TIMEOUT);
  assert.equal(await erl.eval(`receive {nodedown, N} -> N after 5000 -> timeout end`), node.name);
  assert.deepEqual(node.nodes(), []);
  assert.deepEqual(node.nodes('known'), [node.name, erl.node], 'nodes(known) remembers a node after it went');
});

test('monitorNode connects when needed; an unreachable node gives nodedown at once; false takes a monitor back; erl disconnect_node fires it', { skip }, async () => {
  const nobody = `nobody_${process.pid}@${host()}`;
  const got = await run(async (self) => {
    self.monitorNode(nobody);
    const unreachable = await self.receive({ timeout: 5000 });
    self.monitorNode(erl.node); // not connected since the last test: this connects
    while (!node.nodes().includes(erl.node)) await self.receive({ match: () => false, timeout: 20 });
    self.monitorNode(erl.node);
    self.monitorNode(erl.node, false);
    return { unreachable };
  });
  assert.equal(format(got.unreachable), `{nodedown,${nobody}}`);
  assert.ok(!node.nodes('known').includes(nobody), 'a node never connected is not known');

  const gone = node.monitorNode(erl.node);
  const inProcess = run(async (self) => {
    self.monitorNode(erl.node);
    self.monitorNode(erl.node);
    self.monitorNode(erl.node, false);
    const first = await self.receive({ timeout: 10_000 });
    const second = await self.receive({ timeout: 200 });
    return [first, second];
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(await erl.eval(`erlang:disconnect_node('${node.name}')`), 'true');
  await gone;
  const [first, second] = await inProcess;
  assert.equal(format(first), `{nodedown,${erl.node}}`);
  assert.equal(second, TIMEOUT, 'monitorNode(node, false) took one of the two back');
  assert.equal(await node.ping(erl.node), 'pong');
});

test('cookies: per-node cookies are used dialling and accepting; setCookie(cookie) changes the default', { skip }, async (t) => {
  const other = await extraErl(t, { cookie: `other_${randomBytes(8).toString('hex')}` });
  assert.equal(node.getCookie(), erl.cookie);
  assert.equal(await node.ping(other.node), 'pang');
  node.setCookie(other.node, other.cookie);
  assert.equal(node.getCookie(other.node), other.cookie);
  assert.equal(node.getCookie(erl.node), erl.cookie);
  assert.equal(await node.ping(other.node), 'pong');
  assert.ok(node.disconnect(other.node));
  await new Promise((r) => setTimeout(r, 100)); // let erl see the socket close before it dials back
  assert.equal(await other.eval(`net_adm:ping('${node.name}')`), 'pong');
  assert.ok(node.nodes().includes(other.node));

  // The default cookie: a wrong one fails with erl, setting it back (setCookie(ownNode, C)) works.
  node.disconnect(erl.node);
  node.setCookie(`wrong_${randomBytes(4).toString('hex')}`);
  assert.equal(await node.ping(erl.node), 'pang');
  node.setCookie(node.name, erl.cookie);
  assert.equal(node.getCookie(), erl.cookie);
  assert.equal(await node.ping(erl.node), 'pong');
  assert.equal(await node.ping(other.node), 'pong', 'the per-node cookie is unaffected');
});

test('net ticktime: a new value applies at once to open connections and to new ones', { skip }, async (t) => {
  assert.equal(node.getNetTicktime(), 60);
  assert.throws(() => node.setNetTicktime(0), RangeError);
  assert.throws(() => node.setNetTicktime(1.5), RangeError);
  assert.equal(node.setNetTicktime(60), 'unchanged');
  const before = await extraErl(t, { cookie: erl.cookie });
  assert.equal(await node.ping(before.node), 'pong');
  assert.equal(node.setNetTicktime(2), 'change_initiated');
  t.after(() => node.setNetTicktime(60));
  assert.equal(node.getNetTicktime(), 2);
  const after = await extraErl(t, { cookie: erl.cookie });
  assert.equal(await node.ping(after.node), 'pong');
  const downs = new Map();
  const bothDown = new Promise((resolve) =>
    node.on('nodedown', (peer, reason) => {
      if (peer === before.node || peer === after.node) downs.set(peer, reason);
      if (downs.size === 2) resolve();
    }),
  );
  process.kill(before.pid, 'SIGSTOP');
  process.kill(after.pid, 'SIGSTOP');
  // With the default 60 s this would outlast the test; with 2 s both silent peers are dropped.
  await bothDown;
  assert.deepEqual([...downs.values()], ['net_tick_timeout', 'net_tick_timeout']);
});
