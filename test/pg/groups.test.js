// pg between real erl nodes (started with `-kernel start_pg true`, so BEAM runs the default scope)
// and noderl nodes: members joined on either side are seen on the other, in the order BEAM lists
// them; local members and which_groups; a double join; leave; a member's death; 1,000 members;
// a node joining late gets the groups by sync; a node stopped with init:stop takes its members away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, eventually } from '../global/support.js';
import { uniqueName } from '../support/epmd.js';

let c;
let e;
let n;
let atom;
let Pid;

const PG = ['-kernel', 'start_pg', 'true'];
const { skip } = setup(async (cl) => {
  c = cl;
  ({ atom, Pid } = await import('../../dist/term/types.js'));
  e = await c.erl(PG);
  n = await c.noderl();
  if ((await n.ping(e.node)) !== 'pong') throw new Error('no pong');
  // The eval loop's process dictionary outlives each line: BEAM members are kept there.
  await e.eval(`put(spawn_member, fun() -> spawn(fun() -> receive stop -> ok end end) end)`);
});

const N = () => `'${n.name}'`;
/** A noderl process that waits until it is killed, registered as `name` so erl can name it. */
function member(node, name = uniqueName('m')) {
  const pid = node.spawn((self) => self.receive({ match: () => false }));
  node.register(name, pid);
  return { pid, name, erl: `rpc:call('${node.name}', erlang, whereis, [${name}])` };
}
const ids = (pids) => pids.map((p) => `${p.node.name}/${p.id}`);

test('a noderl process joined by rpc is seen by BEAM pg:get_members, in both orders of a list join', { skip }, async () => {
  const a = member(n);
  const b = member(n);
  assert.equal(await e.eval(`rpc:call(${N()}, pg, join, [by_rpc, ${a.erl}])`), 'ok');
  await eventually('BEAM sees the member', async () => (await e.eval(`pg:get_members(by_rpc) =:= [${a.erl}]`)) === 'true');
  // A list join goes in front as a whole: [B, A] ++ [A] on both nodes.
  await n.pg.join(atom('by_rpc'), [b.pid, a.pid]);
  await eventually('list join on BEAM', async () => (await e.eval(`pg:get_members(by_rpc) =:= [${b.erl}, ${a.erl}, ${a.erl}]`)) === 'true');
  assert.deepEqual(ids(n.pg.getMembers(atom('by_rpc'))), ids([b.pid, a.pid, a.pid]));
  assert.equal(await e.eval(`rpc:call(${N()}, pg, get_members, [by_rpc]) =:= pg:get_members(by_rpc)`), 'true');
  assert.equal(await e.eval(`pg:get_local_members(by_rpc)`), '[]');
  assert.equal(await e.eval(`length(rpc:call(${N()}, pg, get_local_members, [by_rpc]))`), '3');
});

test('a BEAM member is seen by noderl; local members and which_groups on each side', { skip }, async () => {
  assert.equal(await e.eval(`P = (get(spawn_member))(), put(beam_a, P), pg:join(from_beam, P)`), 'ok');
  const seen = await eventually('noderl sees the BEAM member', () => n.pg.getMembers(atom('from_beam'))[0]);
  assert.ok(seen instanceof Pid && seen.node.name === e.node);
  assert.deepEqual(n.pg.getLocalMembers(atom('from_beam')), []);
  const local = member(n);
  await n.pg.join(atom('from_beam'), local.pid);
  await eventually('BEAM sees both', async () => (await e.eval(`pg:get_members(from_beam) =:= [${local.erl}, get(beam_a)]`)) === 'true');
  assert.equal(await e.eval(`pg:get_local_members(from_beam) =:= [get(beam_a)]`), 'true');
  assert.deepEqual(ids(n.pg.getLocalMembers(atom('from_beam'))), ids([local.pid]));
  const groups = n.pg.whichGroups().map((g) => g.name);
  assert.ok(groups.includes('from_beam') && groups.includes('by_rpc'), String(groups));
  assert.ok(n.pg.whichLocalGroups().map((g) => g.name).includes('from_beam'));
  assert.equal(await e.eval(`lists:sort(pg:which_groups()) =:= lists:sort(rpc:call(${N()}, pg, which_groups, []))`), 'true');
  assert.equal(await e.eval(`lists:member(from_beam, rpc:call(${N()}, pg, which_local_groups, []))`), 'true');
  assert.equal(await e.eval(`pg:which_local_groups()`), '[from_beam]');
});

test('double join lists a process twice; leave takes one join at a time, then not_joined', { skip }, async () => {
  const m = member(n);
  const g = atom(uniqueName('twice'));
  await n.pg.join(g, m.pid);
  await n.pg.join(g, m.pid);
  await eventually('twice on BEAM', async () => (await e.eval(`pg:get_members(${g.name}) =:= [${m.erl}, ${m.erl}]`)) === 'true');
  assert.equal(await n.pg.leave(g, m.pid), 'ok');
  await eventually('once on BEAM', async () => (await e.eval(`pg:get_members(${g.name}) =:= [${m.erl}]`)) === 'true');
  assert.equal(await e.eval(`rpc:call(${N()}, pg, leave, [${g.name}, ${m.erl}])`), 'ok');
  await eventually('gone on BEAM', async () => (await e.eval(`lists:member(${g.name}, pg:which_groups())`)) === 'false');
  assert.equal(await n.pg.leave(g, m.pid), 'not_joined');
  assert.equal(await e.eval(`rpc:call(${N()}, pg, leave, [${g.name}, ${m.erl}])`), 'not_joined');
  assert.deepEqual(n.pg.getMembers(g), []);
});

test("a member's death removes it everywhere, on either side", { skip }, async () => {
  const m = member(n);
  const g = atom(uniqueName('mortal'));
  await n.pg.join(g, m.pid);
  await n.pg.join(atom('mortal_too'), m.pid);
  await eventually('on BEAM', async () => (await e.eval(`pg:get_members(${g.name})`)) !== '[]');
  n.spawn((self) => self.exit(m.pid, atom('kill')));
  await eventually('gone on BEAM', async () => (await e.eval(`{pg:get_members(${g.name}), pg:get_members(mortal_too)}`)) === '{[],[]}');
  assert.deepEqual(n.pg.getMembers(g), []);
  assert.equal(await e.eval(`P = (get(spawn_member))(), put(beam_mortal, P), pg:join(${g.name}, P)`), 'ok');
  await eventually('BEAM member on noderl', () => n.pg.getMembers(g).length === 1);
  assert.equal(await e.eval(`get(beam_mortal) ! stop`), 'stop');
  await eventually('BEAM member gone on noderl', () => n.pg.getMembers(g).length === 0);
  assert.ok(!n.pg.whichGroups().some((x) => x === g));
});

test('errors as pg.erl raises them: nolocal, function_clause, a scope that does not run', { skip }, async () => {
  assert.match(await e.eval(`catch rpc:call(${N()}, pg, join, [g, self()])`), /^\{badrpc,\{'EXIT',\{\{nolocal,<[\d.]+>\},/);
  assert.match(await e.eval(`catch rpc:call(${N()}, pg, join, [g, foo])`), /^\{badrpc,\{'EXIT',\{function_clause,\[\{pg,join,\[pg,g,foo\]/);
  assert.match(await e.eval(`catch rpc:call(${N()}, pg, join, [no_scope, g, []])`), /^\{badrpc,\{'EXIT',\{noproc,\{gen_server,call,/);
  assert.equal(await e.eval(`rpc:call(${N()}, pg, get_members, [no_scope, g])`), '[]');
  assert.match(await e.eval(`rpc:call(${N()}, pg, which_groups, [no_scope])`), /^\{badrpc,\{'EXIT',\{badarg,\[\{ets,match,/);
  const beamPid = n.pg.getMembers(atom('from_beam')).find((p) => p.node.name === e.node);
  await assert.rejects(n.pg.join(atom('g'), [beamPid]), (err) => /nolocal/.test(String(err.reason?.[0]?.[0]?.name)));
});

test('1,000 noderl members replicate to BEAM and go away with their processes', { skip }, async () => {
  const pids = Array.from({ length: 1000 }, () => n.spawn((self) => self.receive({ match: () => false })));
  // Half joined one by one, half in one list join.
  await Promise.all(pids.slice(0, 500).map((p) => n.pg.join(atom('thousand'), p)));
  await n.pg.join(atom('thousand'), pids.slice(500));
  assert.equal(n.pg.getMembers(atom('thousand')).length, 1000);
  await eventually('1,000 on BEAM', async () => (await e.eval(`length(pg:get_members(thousand))`)) === '1000');
  n.spawn((self) => {
    for (const p of pids) self.exit(p, atom('kill'));
  });
  await eventually('none on BEAM', async () => (await e.eval(`lists:member(thousand, pg:which_groups())`)) === 'false');
  assert.deepEqual(n.pg.getMembers(atom('thousand')), []);
});

test('a node that connects late gets the groups by sync, and its members go when init:stop stops it', { skip }, async () => {
  const late = await c.noderl();
  const m = member(late);
  await late.pg.join(atom('late_group'), m.pid); // joined before any connection: sent in the sync
  assert.equal(await late.ping(e.node), 'pong');
  await eventually('late node sees the BEAM groups', () => late.pg.getMembers(atom('from_beam')).length === 2);
  await eventually('BEAM sees the late member', async () => (await e.eval(`pg:get_members(late_group) =:= [${m.erl}]`)) === 'true');
  // The first noderl node is meshed with the late one through global, and discovers its scope.
  await eventually('noderl to noderl', () => n.pg.getMembers(atom('late_group')).length === 1);
  assert.equal(await e.eval(`rpc:call('${late.name}', init, stop, [])`), 'ok');
  await eventually('BEAM drops the stopped node\u2019s members', async () => (await e.eval(`pg:get_members(late_group)`)) === '[]');
  await eventually('noderl drops them too', () => n.pg.getMembers(atom('late_group')).length === 0);
});

test('another scope, started by rpc or by node.pg.start, is separate from the default one', { skip }, async () => {
  assert.match(await e.eval(`pg:start(chat)`), /^\{ok,<.*>\}$/);
  assert.match(await e.eval(`rpc:call(${N()}, pg, start, [chat])`), /^\{ok,<.*>\}$/);
  assert.match(await e.eval(`rpc:call(${N()}, pg, start, [chat])`), /^\{error,\{already_started,<.*>\}\}$/);
  const chat = n.pg.scope('chat');
  const m = member(n);
  await chat.join(atom('room'), m.pid);
  await eventually('BEAM chat scope', async () => (await e.eval(`pg:get_members(chat, room) =:= [${m.erl}]`)) === 'true');
  assert.equal(await e.eval(`pg:get_members(room)`), '[]');
  assert.deepEqual(n.pg.getMembers(atom('room')), []);
  await assert.rejects(n.pg.start('chat'), (err) => err.name === 'GenServerStartError');
});

test('monitor_scope and monitor deliver joins and leaves from BEAM to a noderl process', { skip }, async () => {
  const got = [];
  let ready;
  const started = new Promise((r) => (ready = r));
  const watcher = n.spawn(async (self) => {
    const scope = await n.pg.monitorScope(self);
    const group = await n.pg.monitor(self, atom('watched'));
    ready({ scope, group });
    for (;;) got.push(await self.receive());
  });
  const { scope, group } = await started;
  assert.ok(scope.groups instanceof Map && [...scope.groups.keys()].some((k) => k === atom('from_beam')));
  assert.deepEqual(group.members, []);
  assert.equal(await e.eval(`P = (get(spawn_member))(), put(watched, P), pg:join(watched, P)`), 'ok');
  assert.equal(await e.eval(`get(watched) ! stop`), 'stop');
  await eventually('four notifications', () => got.length === 4);
  const tags = got.map((m) => `${m[0].equals(scope.ref) ? 'scope' : m[0].equals(group.ref) ? 'group' : '?'}:${m[1].name}:${m[2].name}`).sort();
  assert.deepEqual(tags, ['group:join:watched', 'group:leave:watched', 'scope:join:watched', 'scope:leave:watched']);
  assert.equal(got[0][3][0].node.name, e.node);
  n.spawn((self) => self.exit(watcher, atom('kill')));
});

test('Node.start({ pg: false }) runs no default scope', { skip }, async () => {
  const off = await c.noderl({ pg: false });
  assert.equal(off.whereis('pg'), undefined);
  assert.equal(await off.ping(e.node), 'pong');
  assert.deepEqual(off.pg.getMembers(atom('from_beam')), []);
  assert.deepEqual(off.pg.whichGroups(), []);
});
