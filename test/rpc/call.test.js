// node.rpc and node.erpc from noderl onto real erl and onto another noderl node; where it helps,
// the same call made by a second real erl node (the oracle) shows what rpc returns on BEAM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { atom, isTuple, tuple } from '../../dist/term/types.js';
import { format } from '../../dist/term/format.js';

const skip = erlSkip();
const TYPES = pathToFileURL(fileURLToPath(new URL('../../dist/term/types.js', import.meta.url))).href;
let epmd;
let erl; // the BEAM node called
let oracle; // a BEAM node making the same calls
let node; // the noderl caller
let peer; // a noderl node called
let dir;
const output = [];

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'noderl-rpc-call-'));
  writeFileSync(
    join(dir, 'peerwork.js'),
    `import { atom } from '${TYPES}';
export async function slow(self, ms) { await self.receive({ match: () => false, timeout: ms }); return atom('done'); }
export async function shout(self, x) { await self.format('peer says ~p~n', [x]); return atom('shouted'); }
`,
  );
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port });
  oracle = await startErlNode({ epmdPort: epmd.port, cookie: erl.cookie });
  const { Node } = await import('../../dist/node/node.js');
  node = await Node.start({ sname: uniqueName('jscall'), cookie: erl.cookie, epmdPort: epmd.port, log: () => {}, output: (t) => output.push(t) });
  peer = await Node.start({ sname: uniqueName('jspeer'), cookie: erl.cookie, epmdPort: epmd.port, codePath: dir, log: () => {}, output: () => {} });
  assert.equal(await oracle.eval(`net_adm:ping('${erl.node}')`), 'pong');
});
after(async () => {
  await node?.stop();
  await peer?.stop();
  await oracle?.stop();
  await erl?.stop();
  await epmd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What `rpc:call(erl, M, F, A)` gives on BEAM, `A` in Erlang syntax; the oracle's and erl's names made neutral. */
const onBeam = async (m, f, args) => (await oracle.eval(`rpc:call('${erl.node}', ${m}, ${f}, ${args})`)).replaceAll(oracle.node, 'CALLER');
const fmt = (t) => format(t).replaceAll(node.name, 'CALLER');
/** Monitors the caller node's processes hold (private to TypeScript, not at run time); idle caller processes hold none. */
const monitorsHeld = () => [...node.processes.processes.values()].reduce((n, p) => n + p.monitorsOut.size + p.spawning.size, 0);
/**
 * The monitors the node holds once `global` is in sync and quiet (its name server and locker
 * monitor lock holders and names for a moment after a sync); a call must leave no more than these.
 */
const settledMonitors = async () => {
  await node.global.sync();
  await new Promise((r) => setTimeout(r, 300));
  return monitorsHeld();
};
const until = async (cond, what) => {
  for (let i = 0; i < 200 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(await cond(), what);
};

test('rpc.call onto BEAM returns what rpc:call returns there: values, throw, exit, error with stack, undef, bad arity', { skip }, async () => {
  const cases = [
    ['erlang', 'node', [], '[]'],
    ['lists', 'seq', [1, 3], '[1, 3]'],
    ['erlang', 'throw', [tuple(atom('ball'), 1)], '[{ball, 1}]'],
    ['erlang', 'exit', [atom('bye')], '[bye]'],
    ['erlang', 'error', [atom('oops')], '[oops]'],
    ['lists', 'nth', [5, []], '[5, []]'], // function_clause with a stack of file and line
    ['nosuch_module', 'f', [1], '[1]'],
    ['lists', 'reverse', [1, 2, 3], '[1, 2, 3]'], // bad arity: undef
    ['erlang', 'apply', [atom('erlang'), atom('node'), atom('notalist')], '[erlang, node, notalist]'],
  ];
  for (const [m, f, args, text] of cases) {
    assert.equal(fmt(await node.rpc.call(erl.node, m, f, args)), await onBeam(m, f, text), `${m}:${f}(${text})`);
  }
  const err = await node.rpc.call(erl.node, 'lists', 'nth', [5, []]);
  assert.ok(isTuple(err) && err[0] === atom('badrpc'));
  assert.ok(err[1][1][1].length > 0, 'the remote stack is there');
  // args that are not a list: rpc:call raises badarg in the caller
  await assert.rejects(node.rpc.call(erl.node, 'erlang', 'node', atom('notalist')), (e) => e.name === 'ErpcError' && e.class === 'error' && e.reason === atom('badarg'));
  assert.equal(await oracle.eval(`try rpc:call('${erl.node}', erlang, node, notalist) catch C:R -> {C, R} end`), '{error,badarg}');
});

test('rpc.call onto another noderl node, and onto itself', { skip }, async () => {
  assert.equal(await node.rpc.call(peer.name, 'erlang', 'node', []), atom(peer.name));
  assert.equal(await node.rpc.call(peer.name, 'peerwork', 'slow', [10]), atom('done'));
  assert.equal(fmt(await node.rpc.call(peer.name, 'nomod', 'f', [])), "{badrpc,{'EXIT',{undef,[{nomod,f,[],[]}]}}}");
  assert.equal(fmt(await node.rpc.call(peer.name, 'erlang', 'throw', [atom('t')])), 't');
  assert.equal(await node.rpc.call(node.name, 'erlang', 'node', []), atom(node.name));
  assert.equal(fmt(await node.rpc.call(node.name, 'erlang', 'exit', [atom('x')])), "{badrpc,{'EXIT',x}}");
});

test('erpc.call throws ErpcError with the class, the reason and the remote stack', { skip }, async () => {
  assert.equal(await node.erpc.call(erl.node, 'erlang', 'node', []), atom(erl.node));
  const raised = async (target, m, f, args) => {
    try {
      await node.erpc.call(target, m, f, args);
    } catch (e) {
      assert.equal(e.name, 'ErpcError');
      assert.equal(e.code, 'ERR_NODERL_ERPC');
      return e;
    }
    assert.fail(`${m}:${f} returned`);
  };
  let e = await raised(erl.node, 'lists', 'nth', [5, []]);
  assert.equal(e.class, 'error');
  assert.equal(e.reason, atom('function_clause'));
  assert.ok(e.remoteStack.length > 0 && isTuple(e.remoteStack[0]) && e.remoteStack[0][0] === atom('lists'));
  assert.equal(format(e.raised).replace(/\[\{lists.*$/, ''), '{exception,function_clause,');
  const beamRaised = await oracle.eval(`try erpc:call('${erl.node}', lists, nth, [5, []]) catch C:R -> {C, R} end`);
  assert.equal(`{${e.class},${format(e.raised)}}`, beamRaised);
  e = await raised(erl.node, 'erlang', 'exit', [atom('bye')]);
  assert.deepEqual([e.class, format(e.raised)], ['exit', '{exception,bye}']);
  e = await raised(peer.name, 'erlang', 'throw', [atom('ball')]);
  assert.deepEqual([e.class, format(e.reason)], ['throw', 'ball']);
  e = await raised(peer.name, 'nomod', 'f', []);
  assert.deepEqual([e.class, format(e.raised)], ['error', '{exception,undef,[{nomod,f,[],[]}]}']);
  await assert.rejects(node.erpc.call(erl.node, 'timer', 'sleep', [1000], { timeout: 30 }), (x) => x.class === 'error' && format(x.reason) === '{erpc,timeout}');
  const dead = `${uniqueName('dead')}@${erl.node.split('@')[1]}`;
  await assert.rejects(node.erpc.call(dead, 'erlang', 'node', []), (x) => format(x.raised) === '{erpc,noconnection}');
  assert.deepEqual(
    (await node.erpc.multicall([erl.node, peer.name, dead], 'erlang', 'node', [])).map(format),
    [`{ok,'${erl.node}'}`, `{ok,'${peer.name}'}`, '{error,{erpc,noconnection}}'].map((s) => s.replaceAll("'", '')),
  );
});

test('a timeout shorter than the work: {badrpc, timeout}, the caller demonitors, the remote work runs on as in OTP', { skip }, async () => {
  assert.equal(await node.rpc.call(erl.node, 'erlang', 'node', []), atom(erl.node)); // connected, so the spawn beats the timeout
  const held = await settledMonitors();
  assert.equal(fmt(await node.rpc.call(erl.node, 'timer', 'sleep', [1500], { timeout: 50 })), '{badrpc,timeout}');
  // On erl: the sleeping process still runs (OTP does not kill it) and nobody monitors it any more
  const sleepers = `[P || P <- processes(), process_info(P, current_function) =:= {current_function, {timer, sleep, 1}}]`;
  const unmonitored = `case [process_info(P, monitored_by) || P <- ${sleepers}] of [] -> none; L -> lists:all(fun(X) -> X =:= {monitored_by, []} end, L) end`;
  await until(async () => (await erl.eval(unmonitored)) === 'true', 'the sleeper runs on, demonitored');
  await until(() => monitorsHeld() <= held, 'the caller holds no monitor');
  await until(async () => (await erl.eval(`length(${sleepers})`)) === '0', 'the remote work ended by itself');
  // a timeout before the SPAWN_REPLY came: the late reply's monitor is taken down at once
  assert.equal(fmt(await node.rpc.call(erl.node, 'timer', 'sleep', [400], { timeout: 0 })), '{badrpc,timeout}');
  await until(async () => (await erl.eval(unmonitored)) === 'true', 'the late spawn runs on, demonitored');
  await until(async () => (await erl.eval(`length(${sleepers})`)) === '0', 'the remote work ended by itself');
  // onto noderl: the same
  assert.equal(fmt(await node.rpc.call(peer.name, 'peerwork', 'slow', [300], { timeout: 20 })), '{badrpc,timeout}');
  await until(() => monitorsHeld() <= held, 'the caller holds no monitor');
});

test('asyncCall with nbYield polling and yield', { skip }, async () => {
  for (const target of [erl.node, peer.name]) {
    const key = node.rpc.asyncCall(target, 'timer', 'sleep', [300]);
    assert.equal(await node.rpc.nbYield(key), atom('timeout'));
    assert.equal(await node.rpc.nbYield(key, 20), atom('timeout'));
    assert.equal(fmt(await node.rpc.nbYield(key, 5000)), '{value,ok}');
    const k2 = node.rpc.asyncCall(target, 'nomod', 'f', []);
    assert.equal(fmt(await node.rpc.yield(k2)), "{badrpc,{'EXIT',{undef,[{nomod,f,[],[]}]}}}");
    assert.equal(fmt(await node.rpc.nbYield(k2)), "{value,{badrpc,{'EXIT',{undef,[{nomod,f,[],[]}]}}}}");
  }
});

test('cast, evalEverywhere and erpc.cast run the function on every node', { skip }, async () => {
  const box = uniqueName('box');
  await erl.eval(`begin Self = self(), register(${box}, spawn(fun Loop() -> receive M -> Self ! {boxed, M}, Loop() end end)), ok end`);
  const got = () => erl.eval(`receive {boxed, M} -> M after 5000 -> timeout end`);
  const to = tuple(atom(box), atom(erl.node));
  assert.equal(node.rpc.cast(erl.node, 'erlang', 'send', [to, atom('cast')]), true);
  assert.equal(await got(), 'cast');
  assert.equal(node.rpc.evalEverywhere([erl.node, peer.name], 'erlang', 'send', [to, atom('everywhere')]), atom('abcast'));
  assert.equal(await got(), 'everywhere');
  assert.equal(await got(), 'everywhere');
  node.erpc.cast(peer.name, 'erlang', 'send', [to, atom('ecast')]);
  assert.equal(await got(), 'ecast');
});

test('multicall over BEAM, noderl and a dead node splits good and bad nodes', { skip }, async () => {
  const dead = `${uniqueName('dead')}@${erl.node.split('@')[1]}`;
  const [results, bad] = await node.rpc.multicall([erl.node, peer.name, dead], 'erlang', 'node', []);
  assert.deepEqual(results, [atom(erl.node), atom(peer.name)]);
  assert.deepEqual(bad, [atom(dead)]);
  const [r2, bad2] = await node.rpc.multicall([erl.node, peer.name], 'timer', 'sleep', [300], { timeout: 30 });
  assert.deepEqual([r2, bad2], [[], [atom(erl.node), atom(peer.name)]]);
  const [r3] = await node.rpc.multicall([erl.node, peer.name], 'nomod', 'f', []);
  assert.equal(fmt(r3), "[{badrpc,{'EXIT',{undef,[{nomod,f,[],[]}]}}},{badrpc,{'EXIT',{undef,[{nomod,f,[],[]}]}}}]");
});

test('output of the remote function reaches the caller\'s group leader', { skip }, async () => {
  output.length = 0;
  assert.equal(await node.rpc.call(erl.node, 'io', 'format', ['beam says ~p~n', [tuple(atom('hi'), 1)]]), atom('ok'));
  assert.equal(await node.rpc.call(peer.name, 'peerwork', 'shout', [7]), atom('shouted'));
  assert.equal(output.join(''), 'beam says {hi,1}\npeer says 7\n');
});

test('a 10 MB result, and the node dying mid-call: {badrpc, nodedown}', { skip }, async () => {
  const big = await node.rpc.call(erl.node, 'binary', 'copy', [Buffer.from([7]), 10_000_000]);
  assert.ok(Buffer.isBuffer(big) && big.length === 10_000_000 && big.every((b) => b === 7));
  const doomed = await startErlNode({ epmdPort: epmd.port, cookie: erl.cookie });
  try {
    const pending = node.rpc.call(doomed.node, 'timer', 'sleep', [30_000]);
    const pendingErpc = node.erpc.call(doomed.node, 'timer', 'sleep', [30_000]).catch((e) => e);
    await until(() => node.nodes().includes(doomed.node), 'connected');
    await node.rpc.call(doomed.node, 'erlang', 'node', []); // both calls are running there now
    process.kill(doomed.pid, 'SIGKILL');
    assert.equal(fmt(await pending), '{badrpc,nodedown}');
    assert.equal(format((await pendingErpc).raised), '{erpc,noconnection}');
  } finally {
    await doomed.stop();
  }
});
