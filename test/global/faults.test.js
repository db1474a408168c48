// A node that dies in the middle of a name registration. OTP's registrar takes the lock
// {global, Registrar} on every known node (trans_all_known), then multi_calls {register, Name,
// Pid, Method}; each server keeps the name only while that lock is still held by the caller
// (lock_still_set). Here the registering node is frozen exactly there, with the lock set
// everywhere and the register delivered to some nodes only, and then killed (kill -9 of a real
// erl) or stopped (a noderl node). Every survivor must end with the same names and no lock of
// the dead node, and registrations must work again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erlNodes, eventually, meshAll, setup } from './support.js';

let c;
let atom;
let tuple;
let ExportFun;
let multiCallGns;

const { skip } = setup(async (cl) => {
  c = cl;
  ({ atom, tuple, ExportFun } = await import('../../dist/term/types.js'));
  ({ multiCallNameServer: multiCallGns } = await import('../../dist/global/multi-call.js'));
});

/** True when nobody holds a lock on the resource `global` (the registrar's and the lockers'). */
async function globalLockFree(e) {
  const free = await e.eval('global:set_lock({global, probe}, [node() | nodes()], 0)');
  if (free === 'true') await e.eval('global:del_lock({global, probe})');
  return free === 'true';
}

const sortedNames = async (e) => (await e.eval('lists:sort(global:registered_names())')).replace(/[[\]]/g, '').split(',').filter(Boolean);
const jsNames = (n) => n.global.registeredNames().map((t) => t.name).sort();

test('kill -9 of a BEAM node holding {global, Registrar} after its register reached noderl only', { skip }, async () => {
  const n = await c.noderl();
  const a = await c.erl();
  const x = await c.erl();
  await meshAll([n], [a, x]);
  // x's "registrar": lock on every node, register on x and noderl only, then stall.
  const stalled = await x.eval(
    `Sh = self(), spawn(fun() -> true = global:set_lock({global, self()}, [node() | nodes()]), P = spawn(fun() -> receive _ -> ok end end), {_, []} = gen_server:multi_call([node(), '${n.name}'], global_name_server, {register, mid_reg, P, fun global:random_exit_name/3}), Sh ! {done, P}, receive never -> ok end end), receive {done, _} -> ok after 10000 -> timeout end`,
  );
  assert.equal(stalled, 'ok');
  // The mid-registration state: the name on noderl (and x), not on a; the lock held everywhere.
  assert.equal(n.global.whereisName(atom('mid_reg'))?.node.name, x.node);
  assert.equal(await a.eval('global:whereis_name(mid_reg)'), 'undefined');
  assert.equal(await globalLockFree(a), false);
  await x.stop(); // SIGKILL
  await eventually('noderl dropped x', () => !n.nodes().includes(x.node));
  await eventually('name gone on noderl', () => n.global.whereisName(atom('mid_reg')) === undefined);
  await eventually('lock gone everywhere', () => globalLockFree(a));
  assert.deepEqual(jsNames(n), await sortedNames(a));
  // Registering works again, from both sides, and both see it.
  const p = n.spawn((self) => self.receive());
  assert.equal(await n.global.registerName(atom('after_kill'), p), 'yes');
  assert.equal(await a.eval('node(global:whereis_name(after_kill))'), n.name);
  assert.equal(await a.eval('P = spawn(fun() -> receive _ -> ok end end), global:register_name(after_kill_beam, P)'), 'yes');
  assert.equal(n.global.whereisName(atom('after_kill_beam'))?.node.name, a.node);
  n.send(p, atom('stop'));
});

test('a noderl node stopped while holding {global, Registrar} after its register reached one BEAM node', { skip }, async () => {
  const m = await c.noderl();
  const n = await c.noderl();
  const a = await c.erl();
  const b = await c.erl();
  await meshAll([m, n], [a, b]);
  // The process only reports; the test body asserts (a failed assert in a process would hang the test).
  const { locked, mid } = await new Promise((resolve, reject) => {
    m.spawn(async (self) => {
      try {
        const nodes = [m.name, ...m.nodes()];
        const locked = await m.global.setLock(self, [atom('global'), self.pid], nodes, 5);
        if (!locked) return resolve({ locked, mid: [] });
        const p = m.spawn((s) => s.receive());
        const method = new ExportFun(atom('global'), atom('random_exit_name'), 3);
        const replies = await multiCallGns(self, [m.name, a.node], tuple(atom('register'), atom('mid_js'), p, method));
        resolve({ locked, mid: replies.map(([, r]) => r) });
      } catch (err) {
        return reject(err);
      }
      await self.receive(); // holds the lock until the node stops
    });
  });
  assert.equal(locked, true);
  assert.deepEqual(mid, [atom('yes'), atom('yes')]);
  assert.equal(await a.eval('node(global:whereis_name(mid_js))'), m.name);
  assert.equal(await b.eval('global:whereis_name(mid_js)'), 'undefined');
  assert.equal(n.global.whereisName(atom('mid_js')), undefined);
  assert.equal(await globalLockFree(b), false);
  await m.stop();
  await eventually('a dropped m', async () => !(await erlNodes(a)).includes(m.name));
  await eventually('name gone on a', async () => (await a.eval('global:whereis_name(mid_js)')) === 'undefined');
  await eventually('lock gone everywhere', () => globalLockFree(b));
  const names = await sortedNames(a);
  assert.deepEqual(await sortedNames(b), names);
  assert.deepEqual(jsNames(n), names);
  const p = n.spawn((self) => self.receive());
  assert.equal(await n.global.registerName(atom('after_stop'), p), 'yes');
  for (const e of [a, b]) assert.equal(await e.eval('node(global:whereis_name(after_stop))'), n.name);
  n.send(p, atom('stop'));
});
