// global:register_name_external (the register_ext call): a name for a pid of a node that takes no
// part in global, registered on that pid's behalf. Every node records the registering node
// (get_names_ext), the registering node's server links the pid, so when that node goes the pid
// gets an exit signal and the name goes everywhere, as OTP 25 does (checked erl to erl).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erlNodes, eventually, meshAll, setup } from './support.js';

let c;
let atom;
let tuple;
let Pid;

const { skip } = setup(async (cl) => {
  c = cl;
  ({ atom, tuple, Pid } = await import('../../dist/term/types.js'));
});

// get_names_ext with the pid shown as its node: {Name, node(Pid), RegNode}.
const NAMES_EXT = '[{Nm, node(P), R} || {Nm, P, R} <- gen_server:call(global_name_server, get_names_ext)]';

test('noderl registers a BEAM pid externally: BEAM records noderl as its registrar, late joiners get it, and it goes with noderl', { skip }, async () => {
  const n = await c.noderl();
  const a = await c.erl();
  const b = await c.erl();
  await meshAll([n], [a, b]);
  await b.eval('P = spawn(fun() -> receive _ -> ok end end), register(ext_target, P), put(p, P)');
  const pid = await n.rpc.call(b.node, 'erlang', 'whereis', [atom('ext_target')]);
  assert.ok(pid instanceof Pid && pid.node.name === b.node);
  assert.equal(await n.global.registerNameExternal(atom('ext1'), pid), 'yes');
  assert.equal(await n.global.registerNameExternal(atom('ext1'), pid), 'no');
  assert.equal(await a.eval('node(global:whereis_name(ext1))'), b.node);
  assert.equal(await a.eval(NAMES_EXT), `[{ext1,${b.node},${n.name}}]`);
  assert.equal(await a.eval('[P || {ext1, P, _} <- gen_server:call(global_name_server, get_names_ext)] =:= [global:whereis_name(ext1)]'), 'true');
  // noderl's server links the pid, as dolink_ext does on the registering node
  assert.match(await b.eval('{links, L} = process_info(get(p), links), [node(X) || X <- L]'), new RegExp(n.name));
  // a BEAM node joining through noderl gets the external name in the sync (resolved's names_ext)
  const d = await c.erl();
  assert.equal(await n.ping(d.node), 'pong');
  await eventually('d meshed', async () => (await erlNodes(d)).length === 3);
  assert.equal(await d.eval('global:sync()'), 'ok');
  assert.equal(await d.eval(NAMES_EXT), `[{ext1,${b.node},${n.name}}]`);
  await n.stop();
  await eventually('pid ended by the link', async () => (await b.eval('is_process_alive(get(p))')) === 'false');
  for (const e of [a, b, d]) await eventually(`ext1 gone on ${e.node}`, async () => (await e.eval('{global:whereis_name(ext1), gen_server:call(global_name_server, get_names_ext)}')) === '{undefined,[]}');
});

test('BEAM registers a noderl pid externally: noderl records the BEAM registrar, and the pid goes when that node is killed', { skip }, async () => {
  const n = await c.noderl();
  const a = await c.erl();
  const b = await c.erl();
  await meshAll([n], [a, b]);
  await a.eval('register(shell, self())');
  let ended;
  const pid = n.spawn(async (self) => {
    try {
      await self.receive({ match: () => false });
    } finally {
      ended = self.reason;
    }
  });
  n.send(tuple(atom('shell'), atom(a.node)), tuple(atom('pid'), pid));
  assert.equal(await a.eval('receive {pid, P} -> put(p, P), global:register_name_external(ext2, P) after 5000 -> timeout end'), 'yes');
  await eventually('ext2 on noderl', () => n.global.whereisName(atom('ext2')));
  assert.equal(n.global.whereisName(atom('ext2')).id, pid.id);
  assert.equal(await b.eval(NAMES_EXT.replace('global_name_server', `{global_name_server, '${n.name}'}`)), `[{ext2,${n.name},${a.node}}]`);
  // a noderl node joining through BEAM gets it from the sync (do_ops with names_ext)
  const n2 = await c.noderl();
  assert.equal(await n2.ping(b.node), 'pong');
  await eventually('n2 meshed', () => n2.nodes().length === 3);
  await n2.global.sync();
  assert.equal(await b.eval(NAMES_EXT.replace('global_name_server', `{global_name_server, '${n2.name}'}`)), `[{ext2,${n.name},${a.node}}]`);
  // the pid already has a name: register_name refuses a second one
  assert.equal(await n.global.registerName(atom('ext2_again'), pid), 'no');
  await a.stop(); // SIGKILL: the link from a's server breaks with noconnection
  await eventually('noderl pid ended', () => ended !== undefined);
  assert.equal(ended, atom('noconnection'));
  await eventually('ext2 gone on noderl', () => n.global.whereisName(atom('ext2')) === undefined && n2.global.whereisName(atom('ext2')) === undefined);
  await eventually('ext2 gone on b', async () => (await b.eval('global:whereis_name(ext2)')) === 'undefined');
});

