// Funs from a real erl shell arriving at a noderl node: the chapter's spawn(Node, fun() -> ... end)
// and rpc of erlang:apply/2 with a fun; a node started with refuseFuns refuses them with a clear
// reason and a log line, and keeps serving everything else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';

const skip = erlSkip();
let epmd;
let erl;
let refusing; // a node started with refuseFuns
const logs = [];

before(async () => {
  if (skip) return;
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port });
  const { Node } = await import('../../dist/index.js');
  refusing = await Node.start({ sname: uniqueName('jsrefuse'), cookie: erl.cookie, epmdPort: epmd.port, refuseFuns: true, log: (l) => logs.push(l), output: () => {} });
  assert.equal(await erl.eval(`net_adm:ping('${refusing.name}')`), 'pong');
});
after(async () => {
  await refusing?.stop();
  await erl?.stop();
  await epmd?.stop();
});

test('refuseFuns: an erl shell fun is refused with {refused_fun, Fun} and a log line; modules still run', { skip }, async () => {
  const N = `'${refusing.name}'`;
  assert.equal(
    await erl.eval(`begin F = fun() -> node() end, {badrpc, {'EXIT', {{refused_fun, G}, _}}} = rpc:call(${N}, erlang, apply, [F, []]), G =:= F end`),
    'true',
  );
  assert.ok(logs.some((l) => /refused a fun of erl_eval from <[^.]+@[^.]+\.\d+\.\d+> in <0\.\d+\.\d+> \(the node refuses funs\)/.test(l)), logs.join('\n'));
  // spawn(Node, Fun): the process starts (SPAWN_REPLY first, as OTP) and exits with the reason.
  assert.equal(
    await erl.eval(`begin {P, R} = spawn_monitor(${N}, fun() -> node() end), receive {'DOWN', R, process, P, {{refused_fun, _}, _}} -> refused after 5000 -> timeout end end`),
    'refused',
  );
  assert.equal(await erl.eval(`rpc:call(${N}, lists, reverse, [[1, 2, 3]])`), '[3,2,1]');
  assert.equal(await erl.eval(`rpc:call(${N}, erlang, apply, [fun erlang:node/0, []]) =:= ${N}`), 'true'); // fun M:F/A is not a closure
});
