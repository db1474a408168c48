// Name conflicts when two partitions meet (global's exchange_names and resolve_it): resolved by
// noderl when its name is the smaller, by BEAM (with rpc:call to noderl's global:resolve_it) when
// the conflicting pid lives on noderl, with the built-in resolvers and a JS resolver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from '../support/epmd.js';
import { eventually, recorder, setup } from './support.js';

let c;
let atom;
let tuple;

const { skip } = setup(async (cl) => {
  c = cl;
  ({ atom, tuple } = await import('../../dist/term/types.js'));
});

test('noderl resolves (its name is smaller): random_exit_name keeps its own pid and kills the BEAM one', { skip }, async () => {
  const n = await c.noderl({ sname: uniqueName('aa') }); // 'aa…' < 'erl…': this node runs exchange_names
  const e = await c.erl();
  const j = recorder(n);
  assert.equal(await n.global.registerName(atom('dup_exit'), j.pid), 'yes');
  await e.eval('P = spawn(fun() -> receive _ -> ok end end), yes = global:register_name(dup_exit, P), put(p, P)');
  assert.equal(await n.ping(e.node), 'pong');
  await n.global.sync();
  assert.equal(await e.eval('global:sync()'), 'ok');
  // minmax: the pid on the smaller node (noderl's) stays; the other is killed
  assert.equal(await e.eval('node(global:whereis_name(dup_exit))'), n.name);
  assert.equal(await e.eval('is_process_alive(get(p))'), 'false');
  assert.equal(n.global.whereisName(atom('dup_exit')).id, j.pid.id);
});

test('a JS resolver decides on noderl: none drops the name everywhere', { skip }, async () => {
  const n = await c.noderl({ sname: uniqueName('aa') });
  const e = await c.erl();
  const j = recorder(n);
  const calls = [];
  const resolve = (name, p1, p2) => (calls.push([name, p1, p2]), 'none');
  assert.equal(await n.global.registerName(atom('dup_js'), j.pid, resolve), 'yes');
  await e.eval('P = spawn(fun() -> receive _ -> ok end end), yes = global:register_name(dup_js, P)');
  assert.equal(await n.ping(e.node), 'pong');
  await n.global.sync();
  assert.equal(await e.eval('global:sync()'), 'ok');
  assert.equal(calls.length, 1);
  assert.equal(calls[0][0], atom('dup_js'));
  assert.equal(n.global.whereisName(atom('dup_js')), undefined);
  assert.equal(await e.eval('global:whereis_name(dup_js)'), 'undefined');
});

test('re-registering with a built-in method drops the JS resolver the name had', { skip }, async () => {
  const n = await c.noderl({ sname: uniqueName('aa') });
  const e = await c.erl();
  const j = recorder(n);
  const calls = [];
  assert.equal(await n.global.registerName(atom('dup_rereg'), j.pid, () => (calls.push(1), 'none')), 'yes');
  await n.global.reRegisterName(atom('dup_rereg'), j.pid, 'random_exit_name');
  await e.eval('P = spawn(fun() -> receive _ -> ok end end), yes = global:register_name(dup_rereg, P), put(p, P)');
  assert.equal(await n.ping(e.node), 'pong');
  await n.global.sync();
  assert.equal(await e.eval('global:sync()'), 'ok');
  assert.equal(calls.length, 0, 'the old JS resolver was not asked');
  assert.equal(n.global.whereisName(atom('dup_rereg')).id, j.pid.id, 'random_exit_name kept the pid on the smaller node');
  assert.equal(await e.eval('is_process_alive(get(p))'), 'false');
});

test('BEAM resolves with rpc:call to noderl global:resolve_it: random_notify_name tells the noderl loser', { skip }, async () => {
  // partition 1: erl a + noderl n (n owns the name); partition 2: erl b. a and b meet.
  const a = await c.erl();
  const n = await c.noderl();
  const b = await c.erl([], uniqueName('erlz')); // 'erlz…' > 'erl_…'
  assert.ok(a.node < b.node, 'a (the smaller) runs exchange_names and asks the owner of its pid, noderl');
  assert.equal(await n.ping(a.node), 'pong');
  await n.global.sync();
  const j = recorder(n);
  assert.equal(await n.global.registerName(atom('dup_notify'), j.pid, 'random_notify_name'), 'yes');
  await b.eval('P = spawn(fun() -> receive _ -> ok end end), yes = global:register_name(dup_notify, P, fun global:random_notify_name/3), put(p, P)');
  assert.equal(await a.eval(`net_adm:ping('${b.node}')`), 'pong');
  await eventually('mesh', () => n.nodes().includes(b.node));
  for (const e of [a, b]) assert.equal(await e.eval('global:sync()'), 'ok');
  await n.global.sync();
  // the pid on the smaller node (erl…) keeps the name; noderl's is told
  assert.equal(await a.eval('node(global:whereis_name(dup_notify))'), b.node);
  assert.equal(n.global.whereisName(atom('dup_notify')).node.name, b.node);
  await eventually('conflict message', () => j.got.length > 0);
  assert.deepEqual(j.got[0], tuple(atom('global_name_conflict'), atom('dup_notify')));
});

test('noderl resolves a conflict over a BEAM-owned pid with rpc:call(Owner, global, resolve_it, …)', { skip }, async () => {
  const n = await c.noderl({ sname: uniqueName('aa') });
  const a = await c.erl();
  const b = await c.erl([], uniqueName('erlz'));
  assert.equal(await n.ping(a.node), 'pong');
  await n.global.sync();
  await a.eval('Pa = spawn(fun() -> receive _ -> ok end end), yes = global:register_name(dup_rpc, Pa), put(p, Pa)');
  await b.eval('Pb = spawn(fun() -> receive _ -> ok end end), yes = global:register_name(dup_rpc, Pb), put(p, Pb)');
  assert.equal(await n.ping(b.node), 'pong'); // n (the smallest) meets b first and resolves
  await eventually('mesh', async () => n.nodes().length === 2 && (await a.eval('nodes()')).includes(b.node));
  for (const e of [a, b]) assert.equal(await e.eval('global:sync()'), 'ok');
  await n.global.sync();
  // random_exit_name ran on a: a's pid (the smaller node) stays, b's is killed
  assert.equal(await b.eval('node(global:whereis_name(dup_rpc))'), a.node);
  assert.equal(n.global.whereisName(atom('dup_rpc')).node.name, a.node);
  assert.equal(await b.eval('is_process_alive(get(p))'), 'false');
});

test('BEAM resolves through rpc:call to noderl global:resolve_it, which runs the JS resolver kept with the name', { skip }, async () => {
  const a = await c.erl();
  const n = await c.noderl();
  const b = await c.erl([], uniqueName('erlz'));
  assert.equal(await n.ping(a.node), 'pong');
  await n.global.sync();
  const j = recorder(n);
  const calls = [];
  const keepTheirs = (name, theirs, ours) => (calls.push([name, theirs, ours]), theirs);
  assert.equal(await n.global.registerName(atom('dup_js_rpc'), j.pid, keepTheirs), 'yes');
  await b.eval('P = spawn(fun() -> receive _ -> ok end end), yes = global:register_name(dup_js_rpc, P), put(p, P)');
  assert.equal(await a.eval(`net_adm:ping('${b.node}')`), 'pong'); // a (smaller) resolves: its pid for the name is noderl's
  await eventually('mesh', () => n.nodes().includes(b.node));
  for (const e of [a, b]) assert.equal(await e.eval('global:sync()'), 'ok');
  await n.global.sync();
  assert.equal(calls.length, 1);
  assert.equal(calls[0][1].node.name, b.node);
  assert.equal(calls[0][2].id, j.pid.id);
  assert.equal(n.global.whereisName(atom('dup_js_rpc')).node.name, b.node);
  assert.equal(await a.eval('node(global:whereis_name(dup_js_rpc))'), b.node);
  assert.equal(await b.eval('global:whereis_name(dup_js_rpc) =:= get(p)'), 'true');
  assert.equal(j.got.length, 0, 'the JS resolver neither killed nor told the noderl pid');
});

test("a sync cancelled while the resolver runs kills the resolver, as OTP's cancel_locker does", { skip }, async () => {
  const n = await c.noderl({ sname: uniqueName('aa') }); // the smaller name: n resolves
  const e = await c.erl();
  const j = recorder(n);
  let resolverPid;
  // A JS resolver runs in the resolver process; this one never decides.
  const resolve = async (_name, _p1, _p2, self) => {
    resolverPid = self.pid;
    await self.receive();
    return 'none';
  };
  assert.equal(await n.global.registerName(atom('dup_stuck'), j.pid, resolve), 'yes');
  await e.eval('P = spawn(fun() -> receive _ -> ok end end), yes = global:register_name(dup_stuck, P)');
  assert.equal(await n.ping(e.node), 'pong');
  await eventually('the resolver is deciding', () => resolverPid !== undefined);
  const stuck = resolverPid;
  assert.equal(n.isAlive(stuck), true);
  // nodedown cancels the session. (erl's global reaches us again soon after and a new session,
  // with a resolver of its own, starts: only the first one is watched.)
  assert.equal(n.disconnect(e.node), true);
  await eventually('the resolver is gone', () => !n.isAlive(stuck));
  // The name stays with its owner on each side: the sync never got to apply anything.
  assert.equal(n.global.whereisName(atom('dup_stuck'))?.id, j.pid.id);
});
