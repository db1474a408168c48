// rpc and erpc from real erl onto noderl, each call also made to a second real erl node (the
// oracle) in the same test: results, errors, timeouts and what they leave behind, async calls,
// casts, multicall over a noderl node, a BEAM node and a dead node, a 10 MB result, the node
// dying mid-call, and output reaching the caller's group leader.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { startNoderlChild, stopNoderlChild } from './child-node.js';

const skip = erlSkip();
const TYPES = pathToFileURL(fileURLToPath(new URL('../../dist/term/types.js', import.meta.url))).href;
const INDEX = pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href;
let epmd;
let erl; // the caller
let beam; // the oracle: the same calls made to a BEAM node
let node; // the noderl node called
let dir;
const children = new Set();
const ran = { started: 0, finished: 0 };

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'noderl-rpc-serve-'));
  writeFileSync(
    join(dir, 'work.js'),
    `import { atom, tuple } from '${TYPES}';
import { ErlangError } from '${INDEX}';
export async function slow(self, ms) {
  globalThis.__rpcServeRan.started++;
  await self.receive({ match: () => false, timeout: ms });
  globalThis.__rpcServeRan.finished++;
  return atom('done');
}
export function big(self, n) { return Buffer.alloc(n, 7); }
export function fail(self, x) { throw new ErlangError(tuple(atom('bad'), x), [tuple(atom('work'), atom('fail'), 1, [tuple(atom('line'), 3)])]); }
export function die(self) { setTimeout(() => process.kill(process.pid, 'SIGKILL'), 100); return self.receive(); }
`,
  );
  globalThis.__rpcServeRan = ran;
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port });
  beam = await startErlNode({ epmdPort: epmd.port, cookie: erl.cookie });
  const { Node } = await import('../../dist/node/node.js');
  node = await Node.start({ sname: uniqueName('jsserve'), cookie: erl.cookie, epmdPort: epmd.port, codePath: dir, log: () => {}, output: () => {} });
  assert.equal(await erl.eval(`net_adm:ping('${beam.node}')`), 'pong');
  assert.equal(await erl.eval(`net_adm:ping('${node.name}')`), 'pong');
});
after(async () => {
  for (const c of children) stopNoderlChild(c);
  await node?.stop();
  await beam?.stop();
  await erl?.stop();
  await epmd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  delete globalThis.__rpcServeRan;
});

/** Evaluates `expr` (with T standing for the target node) against noderl and against BEAM; node names are replaced by T. */
async function both(expr) {
  const at = async (target) => (await erl.eval(expr.replace(/\bT\b/g, `'${target}'`))).replaceAll(`'${target}'`, 'T').replaceAll(target, 'T');
  return { noderl: await at(node.name), beam: await at(beam.node) };
}

async function same(expr, expected) {
  const r = await both(expr);
  assert.equal(r.noderl, r.beam, `${expr}: noderl and BEAM differ`);
  if (expected !== undefined) assert.equal(r.noderl, expected, expr);
}

/** Processes of the noderl node (its table is private to TypeScript, not at run time). */
const processCount = () => node.processes.processes.size;
const until = async (cond, what) => {
  for (let i = 0; i < 600 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(await cond(), typeof what === 'function' ? what() : what);
};

test('rpc:call onto noderl gives what it gives onto BEAM: values, throw, exit, undef, bad arity, args not a list', { skip }, async () => {
  await same(`rpc:call(T, erlang, node, [])`, 'T');
  await same(`rpc:call(T, lists, reverse, [[1, {a, "b"}, <<"c">>, 2.5]])`, '[2.5,<<"c">>,{a,"b"},1]');
  await same(`rpc:call(T, erlang, throw, [{ball, 1}])`, '{ball,1}');
  await same(`rpc:call(T, erlang, exit, [bye])`, "{badrpc,{'EXIT',bye}}");
  await same(`rpc:call(T, nosuch_module, f, [1])`, "{badrpc,{'EXIT',{undef,[{nosuch_module,f,[1],[]}]}}}");
  await same(`rpc:call(T, lists, nosuch_function, [])`, "{badrpc,{'EXIT',{undef,[{lists,nosuch_function,[],[]}]}}}");
  await same(`rpc:call(T, erlang, is_alive, [too, many])`, "{badrpc,{'EXIT',{undef,[{erlang,is_alive,[too,many],[]}]}}}"); // bad arity
  // Args not a list: erpc refuses it in the caller, and rpc raises badarg there
  await same(`try rpc:call(T, erlang, node, notalist) catch C:R -> {C, R} end`, '{error,badarg}');
  await same(`try erpc:call(T, erlang, node, notalist) catch C:R -> {C, R} end`, '{error,{erpc,badarg}}');
  // erlang:apply with args not a list: badarg in both; BEAM adds error_info to the stack entry
  const r = await both(`rpc:call(T, erlang, apply, [erlang, node, notalist])`);
  for (const s of [r.noderl, r.beam]) assert.match(s, /^\{badrpc,\{'EXIT',\{badarg,\[\{erlang,apply,\[erlang,node,notalist\],/);
});

test('erpc:call raises the same classes and reasons; an error carries its stack', { skip }, async () => {
  await same(`try erpc:call(T, erlang, throw, [x]) catch C:R -> {C, R} end`, '{throw,x}');
  await same(`try erpc:call(T, erlang, exit, [bye]) catch C:R -> {C, R} end`, '{exit,{exception,bye}}');
  await same(`try erpc:call(T, nomod, f, []) catch C:R -> {C, R} end`, '{error,{exception,undef,[{nomod,f,[],[]}]}}');
  // error(R): {exception, R, Stack} with Stack a list of {M, F, ArityOrArgs, Location}
  const r = await both(`try erpc:call(T, erlang, error, [oops]) catch C:{exception, R, S} -> {C, R, is_list(S), [ok || {_, _, _, L} <- S, is_list(L)] =:= [ok || _ <- S]} end`);
  assert.equal(r.noderl, '{error,oops,true,true}');
  assert.equal(r.beam, r.noderl);
  await same(`case rpc:call(T, erlang, error, [oops]) of {badrpc, {'EXIT', {oops, S}}} when is_list(S) -> ok; X -> X end`, 'ok');
  await same(`erpc:multicall([T], erlang, throw, [t])`, '[{throw,t}]');
  // a code-path function raising an Erlang error: its stack reaches the caller as given
  const N = `'${node.name}'`;
  assert.equal(await erl.eval(`try erpc:call(${N}, work, fail, [1]) catch C:R -> {C, R} end`), '{error,{exception,{bad,1},[{work,fail,1,[{line,3}]}]}}');
  assert.equal(await erl.eval(`rpc:call(${N}, work, fail, [2])`), "{badrpc,{'EXIT',{{bad,2},[{work,fail,1,[{line,3}]}]}}}");
});

test('a timeout shorter than the work gives {badrpc, timeout}; the caller keeps no monitor, the work finishes as on BEAM', { skip }, async () => {
  const baseline = processCount();
  const before = ran.finished;
  assert.equal(await erl.eval(`rpc:call('${node.name}', work, slow, [400], 50)`), '{badrpc,timeout}');
  assert.equal(await erl.eval(`rpc:call('${beam.node}', timer, sleep, [400], 50)`), '{badrpc,timeout}');
  assert.equal(await erl.eval(`try erpc:call('${node.name}', work, slow, [400], 50) catch C:R -> {C, R} end`), '{error,{erpc,timeout}}');
  // The caller demonitored (DEMONITOR_P) and no late DOWN or reply reaches it
  assert.equal(await erl.eval(`process_info(self(), monitors)`), '{monitors,[]}');
  // OTP does not kill the remote process on a timeout: it runs to its end, then nothing of it is left
  assert.ok(ran.started >= before + 2);
  // At most the count of before (a process of an earlier test may have ended meanwhile); on a loaded machine this can take seconds.
  await until(() => ran.finished >= before + 2 && processCount() <= baseline, () => `the timed-out calls ran to their end and left no process (${processCount()} processes, ${baseline} before)`);
  assert.equal(await erl.eval(`receive M -> {stray, M} after 200 -> none end`), 'none');
});

test('async_call with yield and nb_yield polling, as onto BEAM', { skip }, async () => {
  await same(`begin K = rpc:async_call(T, timer, sleep, [300]), A = rpc:nb_yield(K), B = rpc:nb_yield(K, 5000), {A, B} end`, '{timeout,{value,ok}}');
  await same(`begin K = rpc:async_call(T, lists, reverse, [[1, 2]]), rpc:yield(K) end`, '[2,1]');
  await same(`begin K = rpc:async_call(T, nomod, f, []), rpc:nb_yield(K, 5000) end`, "{value,{badrpc,{'EXIT',{undef,[{nomod,f,[],[]}]}}}}");
  await same(`begin K = erpc:send_request(T, erlang, node, []), erpc:receive_response(K, 5000) end`, 'T');
});

test('rpc:cast, eval_everywhere and erpc:cast run the function there', { skip }, async () => {
  const box = uniqueName('box');
  await erl.eval(`begin Self = self(), register(${box}, spawn(fun Loop() -> receive M -> Self ! {boxed, M}, Loop() end end)), ok end`);
  const got = async () => erl.eval(`receive {boxed, M} -> M after 5000 -> timeout end`);
  await same(`rpc:cast(T, erlang, send, [{${box}, node()}, cast])`, 'true');
  assert.equal(await got(), 'cast');
  assert.equal(await got(), 'cast');
  await same(`rpc:eval_everywhere([T], erlang, send, [{${box}, node()}, everywhere])`, 'abcast');
  assert.equal(await got(), 'everywhere');
  assert.equal(await got(), 'everywhere');
  await same(`erpc:cast(T, erlang, send, [{${box}, node()}, ecast])`, 'ok');
  assert.equal(await got(), 'ecast');
  assert.equal(await got(), 'ecast');
});

test('multicall over a noderl node, a BEAM node and a dead node splits good and bad nodes', { skip }, async () => {
  const N = `'${node.name}'`;
  const B = `'${beam.node}'`;
  const dead = `'${uniqueName('dead')}@${beam.node.split('@')[1]}'`;
  const flat = (s) => s.replaceAll("'", '');
  assert.equal(flat(await erl.eval(`rpc:multicall([${N}, ${B}, ${dead}], erlang, node, [])`)), flat(`{[${N},${B}],[${dead}]}`));
  assert.equal(flat(await erl.eval(`rpc:multicall([${N}, ${B}], nomod, f, [])`)), flat(`{[{badrpc,{'EXIT',{undef,[{nomod,f,[],[]}]}}},{badrpc,{'EXIT',{undef,[{nomod,f,[],[]}]}}}],[]}`));
  // a node that does not answer in time is a bad node too
  assert.equal(flat(await erl.eval(`rpc:multicall([${N}, ${B}], timer, sleep, [300], 50)`)), flat(`{[],[${N},${B}]}`));
  assert.equal(flat(await erl.eval(`erpc:multicall([${N}, ${B}, ${dead}], erlang, node, [])`)), flat(`[{ok,${N}},{ok,${B}},{error,{erpc,noconnection}}]`));
  assert.equal(await erl.eval(`process_info(self(), monitors)`), '{monitors,[]}');
});

test('rpc:block_call goes to rex and gives what the rex of BEAM gives', { skip }, async () => {
  await same(`rpc:block_call(T, lists, reverse, [[1, 2]])`, '[2,1]');
  await same(`rpc:block_call(T, nomod, f, [])`, "{badrpc,{'EXIT',{undef,[{nomod,f,[],[]}]}}}");
  await same(`rpc:block_call(T, erlang, throw, [x])`, 'x');
  await same(`rpc:block_call(T, erlang, exit, [bye])`, "{badrpc,{'EXIT',bye}}");
  await same(`rpc:block_call(T, timer, sleep, [300], 20)`, '{badrpc,timeout}');
});

test('a 10 MB result crosses intact', { skip }, async () => {
  assert.equal(await erl.eval(`begin R = rpc:call('${node.name}', work, big, [10000000]), {byte_size(R), binary:copy(<<7>>, 10000000) =:= R} end`), '{10000000,true}');
});

test('output of the called function reaches the caller\'s group leader', { skip }, async () => {
  await same(`rpc:call(T, io, format, ["from ~s ~p~n", ["rpc", 42]])`, 'ok');
  await until(() => (erl.output().match(/from rpc 42/g) ?? []).length >= 2, 'both calls printed on the caller');
});

test('the node dying mid-call gives {badrpc, nodedown}', { skip }, async () => {
  const doomed = await startNoderlChild({ epmdPort: epmd.port, cookie: erl.cookie, codePath: dir, prefix: 'jsdie' });
  children.add(doomed);
  assert.equal(await erl.eval(`rpc:call('${doomed.name}', work, die, [])`), '{badrpc,nodedown}');
  assert.equal(await doomed.exited, 'SIGKILL');
  assert.equal(await erl.eval(`try erpc:call('${doomed.name}', erlang, node, []) catch C:R -> {C, R} end`), '{error,{erpc,noconnection}}');
  assert.equal(await erl.eval(`process_info(self(), monitors)`), '{monitors,[]}');
});
