// Partitions that heal with one name registered on both sides under notify_all_name: the name is
// dropped on every node and both pids get {global_name_conflict, Name, OtherPid}, whichever side
// resolves (noderl itself, or BEAM asking noderl with rpc:call(N, global, resolve_it, …)), and
// whether the partition came from separate start-ups or from a disconnect in a full mesh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from '../support/epmd.js';
import { erlNodes, eventually, recorder, setup } from './support.js';

let c;
let atom;
let Pid;

const { skip } = setup(async (cl) => {
  c = cl;
  ({ atom, Pid } = await import('../../dist/term/types.js'));
});

// An erl process that keeps the first message it gets and hands it to the shell on request.
const ERL_RECORDER = 'spawn(fun() -> receive M -> receive {get, F} -> F ! {got, M} end end end)';
const erlReceived = (e) => e.eval('get(p) ! {get, self()}, receive {got, M} -> {element(1, M), element(2, M), node(element(3, M))} after 5000 -> timeout end');

/** The conflict message a noderl recorder got: `[name, node of the other pid]`. */
function conflictOf(r) {
  const m = r.got.find((x) => x[0] === atom('global_name_conflict'));
  return m && m.length === 3 && m[2] instanceof Pid ? [m[1], m[2].node.name] : undefined;
}

test('notify_all_name on heal, BEAM resolving through noderl resolve_it: the name goes everywhere, both pids are told', { skip }, async () => {
  // partition 1: erl a + noderl n (n owns the name); partition 2: erl b. a < b, so a resolves
  // and asks the owner of its own pid (noderl) to run the method.
  const a = await c.erl();
  const n = await c.noderl();
  const b = await c.erl([], uniqueName('erlz'));
  assert.ok(a.node < b.node);
  assert.equal(await n.ping(a.node), 'pong');
  await n.global.sync();
  const j = recorder(n);
  assert.equal(await n.global.registerName(atom('dup_all'), j.pid, 'notify_all_name'), 'yes');
  await b.eval(`P = ${ERL_RECORDER}, yes = global:register_name(dup_all, P, fun global:notify_all_name/3), put(p, P)`);
  assert.equal(await a.eval(`net_adm:ping('${b.node}')`), 'pong');
  await eventually('mesh', () => n.nodes().includes(b.node));
  for (const e of [a, b]) assert.equal(await e.eval('global:sync()'), 'ok');
  await n.global.sync();
  for (const e of [a, b]) assert.equal(await e.eval('global:whereis_name(dup_all)'), 'undefined');
  assert.equal(n.global.whereisName(atom('dup_all')), undefined);
  await eventually('noderl pid told', () => conflictOf(j));
  assert.deepEqual(conflictOf(j), [atom('dup_all'), b.node]);
  assert.equal(await erlReceived(b), `{global_name_conflict,dup_all,${n.name}}`);
});

test('notify_all_name after a disconnect split a full mesh: noderl resolves, the name goes everywhere', { skip }, async () => {
  const n = await c.noderl({ sname: uniqueName('aa') }); // the smallest name: noderl resolves what it meets
  const a = await c.erl();
  const b = await c.erl();
  assert.equal(await n.ping(a.node), 'pong');
  assert.equal(await n.ping(b.node), 'pong');
  await eventually('mesh', async () => (await erlNodes(a)).includes(b.node));
  for (const e of [a, b]) assert.equal(await e.eval('global:sync()'), 'ok');
  await n.global.sync();
  // Split: a drops n; prevent_overlapping_partitions then leaves n on its own (a and b may part too).
  assert.equal(await a.eval(`erlang:disconnect_node('${n.name}')`), 'true');
  await eventually('n alone', () => n.nodes().length === 0);
  await eventually('b without n', async () => !(await erlNodes(b)).includes(n.name));
  const j = recorder(n);
  assert.equal(await n.global.registerName(atom('split_all'), j.pid, 'notify_all_name'), 'yes');
  await b.eval(`P = ${ERL_RECORDER}, yes = global:register_name(split_all, P, fun global:notify_all_name/3), put(p, P)`);
  assert.equal(await b.eval('node(global:whereis_name(split_all))'), b.node);
  // Heal.
  assert.equal(await n.ping(a.node), 'pong');
  assert.equal(await n.ping(b.node), 'pong');
  await eventually('healed', async () => n.nodes().length === 2 && (await erlNodes(a)).length === 2 && (await erlNodes(b)).length === 2);
  for (const e of [a, b]) assert.equal(await e.eval('global:sync()'), 'ok');
  await n.global.sync();
  for (const e of [a, b]) assert.equal(await e.eval('global:whereis_name(split_all)'), 'undefined');
  assert.equal(n.global.whereisName(atom('split_all')), undefined);
  assert.ok(!n.global.registeredNames().includes(atom('split_all')));
  await eventually('noderl pid told', () => conflictOf(j));
  assert.deepEqual(conflictOf(j), [atom('split_all'), b.node]);
  assert.equal(await erlReceived(b), `{global_name_conflict,split_all,${n.name}}`);
});
