// Group leaders and the I/O protocol between noderl and real erl, both directions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { atom, tuple, isTuple } from '../../dist/term/types.js';
import { format } from '../../dist/term/format.js';
import { runInProcess } from '../support/processes.js';

let erl;
let epmd;
let node;
const output = [];
const skip = erlSkip();

before(async () => {
  if (skip) return;
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port });
  const { Node } = await import('../../dist/node/node.js');
  node = await Node.start({ sname: uniqueName('jsio'), cookie: erl.cookie, epmdPort: epmd.port, log: () => {}, output: (t) => output.push(t) });
  assert.equal(await node.ping(erl.node), 'pong');
});
after(async () => {
  await node?.stop();
  await erl?.stop();
  await epmd?.stop();
});

const N = () => `'${node.name}'`;

const run = (fn) => runInProcess(node, fn);

/** Erlang: a process that is its own group leader runs `Spawn` and reports the first io_request it gets. */
const collect = (spawnExpr) =>
  `begin Parent = self(), spawn(fun() -> group_leader(self(), self()), ${spawnExpr}, receive {io_request, From, RA, Req} -> From ! {io_reply, RA, ok}, Parent ! {got, Req, node(From)} after 5000 -> Parent ! timeout end end), receive R -> R after 6000 -> t end end`;

test('io:format spawned on noderl by erl reaches the caller\'s group leader', { skip }, async () => {
  const out = await erl.eval(collect(`spawn(${N()}, io, format, ["hello ~p~n", [x]])`));
  assert.equal(out.replace(/'/g, ''), `{got,{put_chars,unicode,<<"hello x\\n">>},${node.name}}`);
  const one = await erl.eval(collect(`spawn(${N()}, io, format, ["just text~n"])`));
  assert.match(one, /^\{got,\{put_chars,unicode,<<"just text\\n">>\}/);
  // and with erl's own `user` as group leader: the text appears on erl's stdout
  await erl.eval(`begin spawn(${N()}, io, format, ["from noderl ~w~n", [[1,2]]]), ok end`);
  for (let i = 0; i < 50 && !erl.output().includes('from noderl [1,2]'); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(erl.output(), /from noderl \[1,2\]/);
});

test('noderl\'s default group leader (user) serves the I/O protocol', { skip }, async () => {
  const ask = (req) => erl.eval(`begin R = make_ref(), {user, ${N()}} ! {io_request, self(), R, ${req}}, receive {io_reply, R, X} -> X after 5000 -> timeout end end`);
  output.length = 0;
  assert.equal(await ask('{put_chars, unicode, <<"bin\\n">>}'), 'ok');
  assert.equal(await ask('{put_chars, unicode, io_lib, format, ["~w ~s~n", [[1,2], "ab"]]}'), 'ok');
  assert.equal(await ask('{requests, [{put_chars, unicode, "a"}, {put_chars, unicode, "b\\n"}]}'), 'ok');
  assert.equal(await ask('{put_chars, io_lib, format, ["old ~p~n", [form]]}'), 'ok');
  assert.equal(await ask('{get_geometry, columns}'), '{error,enotsup}');
  assert.equal(await ask('{bogus_request, 1}'), '{error,request}');
  assert.equal(await ask('getopts'), '[{binary,false},{encoding,unicode}]');
  assert.equal(await ask('{put_chars, unicode, io_lib, format, ["~p", []]}'), '{error,put_chars}');
  assert.equal(output.join(''), 'bin\n[1,2] ab\nab\nold form\n');
});

test('output of io:format run on BEAM via spawnRemote reaches noderl\'s group leader', { skip }, async () => {
  output.length = 0;
  await node.spawnRemote(erl.node, 'io', 'format', [[...Buffer.from('on beam ~p~n')], [atom('y')]]);
  const got = await run(async (self) => {
    // a noderl process that is its own group leader, as the erl test above
    self.setGroupLeader(self.pid);
    await self.spawnRemote(erl.node, 'io', 'format', [[...Buffer.from('to me ~w~n')], [tuple(1, 2)]]);
    const req = await self.receive({ match: (m) => isTuple(m) && m[0] === atom('io_request'), timeout: 5000 });
    self.send(req[1], tuple(atom('io_reply'), req[2], atom('ok')));
    return req[3];
  });
  assert.equal(format(got), '{put_chars,unicode,io_lib,format,["to me ~w~n",[{1,2}]]}');
  for (let i = 0; i < 50 && !output.join('').includes('on beam'); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(output.join(''), 'on beam y\n');
});

test('a noderl process writes through a BEAM group leader; GROUP_LEADER from erl sets it', { skip }, async () => {
  const name = uniqueName('gl');
  // an erl I/O server that forwards what it gets to a registered collector
  await erl.eval(
    `begin register(${name}, spawn(fun L() -> receive {io_request, From, RA, Req} -> From ! {io_reply, RA, ok}, put(reqs, [Req | case get(reqs) of undefined -> []; X -> X end]), L(); {dump, P} -> P ! {reqs, lists:reverse(get(reqs))}, L() end end)), ok end`,
  );
  await erl.eval(`begin register(${name}_set, spawn(fun() -> receive {set, P} -> group_leader(whereis(${name}), P), P ! go end end)), ok end`);
  const before = await run((self) => self.groupLeader);
  assert.equal(format(before), format(node.whereis('user')), 'a process spawned from outside has the node\'s user as group leader');
  const child = await run(async (self) => {
    self.send(tuple(atom(`${name}_set`), atom(erl.node)), tuple(atom('set'), self.pid));
    await self.receive({ match: (m) => m === atom('go'), timeout: 5000 });
    await self.format('via ~s ~p~n', [[...Buffer.from('erl gl')], atom('ok')]);
    await self.print('plain\n');
    // a process spawned locally inherits the group leader
    return new Promise((resolve) => self.spawn(async (c) => resolve(c.groupLeader)));
  });
  assert.equal(child.node, atom(erl.node));
  const dumped = await erl.eval(`begin ${name} ! {dump, self()}, receive {reqs, R} -> R after 5000 -> timeout end end`);
  assert.equal(dumped, '[{put_chars,unicode,<<"via erl gl ok\\n">>},{put_chars,unicode,<<"plain\\n">>}]');
  // node.groupLeader sends op 7 to a remote pid: an erl process's group leader becomes ours
  await erl.eval(`begin Self = self(), register(${name}_p, spawn(fun() -> receive {who, From} -> From ! {me, self()} end, receive go -> Self ! {gl, group_leader()} end end)), ok end`);
  const ours = await run(async (self) => {
    self.send(tuple(atom(`${name}_p`), atom(erl.node)), tuple(atom('who'), self.pid));
    const me = await self.receive({ timeout: 5000 });
    node.groupLeader(me[1], self.pid);
    self.send(me[1], atom('go'));
    return self.pid;
  });
  const seen = await erl.eval(`receive {gl, G} -> {node(G), pid_to_list(G)} after 5000 -> timeout end`);
  assert.equal(seen.replace(/'/g, '').replace(/<\d+\./, '<N.'), `{${node.name},"<N.${ours.id}.${ours.serial}>"}`, 'op 7 made our process its group leader');
});


test('a dead group leader: the I/O request fails with terminated (local and on erl), the node keeps serving', { skip }, async () => {
  const gone = node.spawn(async () => {});
  await new Promise((r) => setTimeout(r, 20));
  const erlGone = await run(async (self) => {
    const [pid] = await self.spawnMonitorRemote(erl.node, 'erlang', 'node', []);
    await self.receive({ match: (m) => isTuple(m) && m[0] === atom('DOWN'), timeout: 5000 });
    return pid;
  });
  for (const gl of [gone, erlGone]) {
    await assert.rejects(
      run(async (self) => {
        self.setGroupLeader(gl);
        await self.format('lost~n');
      }),
      (e) => e.name === 'ProcessExit' && e.reason === atom('terminated'),
    );
  }
  assert.equal(await erl.eval(`rpc:call(${N()}, erlang, is_alive, [])`), 'true');
});
