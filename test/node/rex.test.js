// rpc and erpc from real erl onto noderl (erpc:execute_call/execute_cast over SPAWN_REQUEST), the
// legacy rex server, and `noderl start --code-path` stopped by init:stop() from erl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';

const skip = erlSkip();
const bin = fileURLToPath(new URL('../../bin/noderl.js', import.meta.url));
const TYPES = pathToFileURL(fileURLToPath(new URL('../../dist/term/types.js', import.meta.url))).href;
let epmd;
let erl;
let node;
let dir;
const output = [];
const children = new Set();

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'noderl-rex-'));
  writeFileSync(
    join(dir, 'calc.js'),
    `import { atom, tuple } from '${TYPES}';
export function add(self, a, b) { return a + b; }
export async function slow(self, ms) { await self.receive({ match: () => false, timeout: ms }); return atom('done'); }
export function fail(self) { throw new Error('no luck'); }
export function toss(self) { throw tuple(atom('thrown'), 1); }
export async function say(self, x) { await self.format('said ~p~n', [x]); return atom('said'); }
`,
  );
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port });
  const { Node } = await import('../../dist/node/node.js');
  node = await Node.start({ sname: uniqueName('jsrex'), cookie: erl.cookie, epmdPort: epmd.port, codePath: dir, log: () => {}, output: (t) => output.push(t) });
  assert.equal(await node.ping(erl.node), 'pong');
});
after(async () => {
  for (const c of children) if (c.exitCode === null) process.kill(c.pid, 'SIGKILL');
  await node?.stop();
  await erl?.stop();
  await epmd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const N = () => `'${node.name}'`;

test('rpc:call and erpc:call onto noderl: built-ins, code path, errors, throws, undef', { skip }, async () => {
  assert.equal(await erl.eval(`rpc:call(${N()}, lists, sort, [[3, b, 1, {x}, "s"]])`), '[1,3,b,{x},"s"]');
  assert.equal(await erl.eval(`rpc:call(${N()}, erlang, node, []) =:= ${N()}`), 'true');
  assert.equal(await erl.eval(`rpc:call(${N()}, calc, add, [2, 40])`), '42');
  assert.equal(await erl.eval(`rpc:call(${N()}, calc, slow, [20])`), 'done');
  assert.equal(await erl.eval(`rpc:call(${N()}, nomod, f, [1])`), '{badrpc,{\'EXIT\',{undef,[{nomod,f,[1],[]}]}}}');
  assert.equal(await erl.eval(`rpc:call(${N()}, calc, fail, [])`), '{badrpc,{\'EXIT\',{{js_error,<<"Error: no luck">>},[]}}}');
  assert.equal(await erl.eval(`rpc:call(${N()}, calc, toss, [])`), '{thrown,1}');
  assert.equal(await erl.eval(`try erpc:call(${N()}, calc, toss, []) catch C:R -> {C, R} end`), '{throw,{thrown,1}}');
  assert.equal(await erl.eval(`try erpc:call(${N()}, erlang, exit, [bye]) catch C:R -> {C, R} end`), '{exit,{exception,bye}}');
  assert.equal(await erl.eval(`erpc:call(${N()}, fun() -> ok end)`), 'ok'); // a shell closure runs on the evaluator (issue 12)
  assert.equal(await erl.eval(`try erpc:call(${N()}, erlang, error, [oops]) catch C:R -> {C, R} end`), '{error,{exception,oops,[{erlang,error,[oops],[]}]}}');
  assert.equal(await erl.eval(`rpc:call(${N()}, timer, sleep, [5000], 100)`), '{badrpc,timeout}');
  // rpc:cast is erpc:execute_cast
  const name = uniqueName('box');
  await erl.eval(`begin Self = self(), register(${name}, spawn(fun() -> receive M -> Self ! {boxed, M} end end)), ok end`);
  assert.equal(await erl.eval(`rpc:cast(${N()}, erlang, send, [{${name}, node()}, hi])`), 'true');
  assert.equal(await erl.eval(`receive {boxed, M} -> M after 5000 -> timeout end`), 'hi');
  // output of an rpc goes to the caller's group leader (erl's user: its stdout)
  assert.equal(await erl.eval(`rpc:call(${N()}, calc, say, [over_rpc])`), 'said');
  for (let i = 0; i < 50 && !erl.output().includes('said over_rpc'); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(erl.output(), /said over_rpc/);
});

test('the legacy rex server: block_call, plain call, send_stdout_to_caller, cast, sbcast, features', { skip }, async () => {
  assert.equal(await erl.eval(`rpc:block_call(${N()}, lists, sort, [[b, a]])`), '[a,b]');
  assert.equal(await erl.eval(`rpc:block_call(${N()}, nomod, f, [])`), '{badrpc,{\'EXIT\',{undef,[{nomod,f,[],[]}]}}}');
  assert.equal(await erl.eval(`begin {rex, ${N()}} ! {self(), {call, calc, add, [1, 2], user}}, receive {rex, R} -> R after 5000 -> timeout end end`), '3');
  assert.equal(
    await erl.eval(`begin {rex, ${N()}} ! {self(), {call, calc, say, [back], send_stdout_to_caller}}, A = receive {rex_stdout, B} -> B after 5000 -> t1 end, C = receive {rex, R} -> R after 5000 -> t2 end, {A, C} end`),
    '{<<"said back\\n">>,said}',
  );
  output.length = 0;
  assert.equal(await erl.eval(`begin {rex, ${N()}} ! {self(), {call, io, format, ["to user~n"], user}}, receive {rex, R} -> R after 5000 -> timeout end end`), 'ok');
  assert.equal(output.join(''), 'to user\n');
  const name = uniqueName('cast');
  await erl.eval(`begin Self = self(), register(${name}, spawn(fun() -> receive M -> Self ! {casted, M} end end)), ok end`);
  assert.equal(await erl.eval(`gen_server:cast({rex, ${N()}}, {cast, erlang, send, [{${name}, node()}, via_rex], user})`), 'ok');
  assert.equal(await erl.eval(`receive {casted, M} -> M after 5000 -> timeout end`), 'via_rex');
  assert.equal(await erl.eval(`begin {rex, ${N()}} ! {self(), features_request}, receive {features_reply, Nd, F} -> {Nd =:= ${N()}, F} after 5000 -> timeout end end`), '{true,[erpc]}');
  // sbcast: to a name we have (rex itself ignores the message) and one we do not
  assert.equal(await erl.eval(`rpc:sbcast([${N()}], nonesuch_name, hi)`).then((s) => s.replace(/'/g, '')), `{[],[${node.name}]}`);
  assert.equal(await erl.eval(`rpc:sbcast([${N()}], user, hi)`).then((s) => s.replace(/'/g, '')), `{[${node.name}],[]}`);
});

test('noderl start --code-path serves rpc, and init:stop() from erl stops it with exit code 0', { skip }, async () => {
  const name = uniqueName('cli');
  const child = spawn(process.execPath, [bin, 'start', '--sname', name, '--cookie', erl.cookie, '--code-path', dir], {
    env: { ...process.env, ERL_EPMD_PORT: String(epmd.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const done = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 100 && !out.includes('started'); i++) await new Promise((r) => setTimeout(r, 50));
  const full = /node (\S+) started/.exec(out)[1];
  assert.equal(await erl.eval(`rpc:call('${full}', calc, add, [20, 22])`), '42');
  assert.equal(await erl.eval(`rpc:call('${full}', init, stop, [])`), 'ok');
  assert.equal(await done, 0);
});
