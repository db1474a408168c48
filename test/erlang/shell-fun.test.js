// Shell funs from a real BEAM node run on noderl: a distributed erl node makes funs with erl_eval
// (as its shell does), sends them to a noderl process, and that process runs each in a new process
// through the module registry's applyFun, with the evaluator's closure runner installed (as
// node.ts will install it). What erl computes by calling the same fun locally is the oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useErlAndNode } from '../support/epmd.js';
import { raised, testRegistry } from '../support/erl-eval.js';
import { atom, isTuple, tuple } from '../../dist/term/types.js';
import { adoptShellFun } from '../../dist/erlang/shell-fun.js';
import { compiler } from '../../dist/erlang/compile.js';

let lastFun;

/** Registers `runner` on the noderl node: {From, Fun, Args} runs Fun(Args...) in a new process and replies {value, V} | {raised, C, R}. */
function serveRunner(node) {
  const registry = testRegistry(node);
  const runner = node.spawn(async (self) => {
    for (;;) {
      const [from, fun, args] = await self.receive({ match: (m) => isTuple(m) && m.length === 3 });
      lastFun = fun;
      self.spawn(async (worker) => {
        let reply;
        try {
          reply = tuple(atom('value'), await registry.applyFun(worker, fun, args));
        } catch (err) {
          reply = raised(err);
        }
        worker.send(from, reply);
      });
    }
  });
  node.register('runner', runner);
}

const state = useErlAndNode({ ready: (s) => serveRunner(s.node) });
const skip = state.skip;

/** Makes the fun on erl (`Setup` binds F), runs it there and on noderl with `args`; erl prints both outcomes. */
async function both(setup, args) {
  const run = `fun(G, A) -> try {value, apply(G, A)} catch C:R -> {raised, C, R} end end`;
  const line =
    `${setup}, erl_eval = element(2, erlang:fun_info(F, module)), Run = ${run}, ` +
    `{runner, '${state.node.name}'} ! {self(), F, ${args}}, ` +
    `Remote = receive Reply -> Reply after 10000 -> no_reply end, Local = Run(F, ${args}), {Local =:= Remote, Local, Remote}`;
  return state.erl.eval(line);
}

const cases = [
  ['F = fun() -> ok end', '[]'],
  ['X = 21, F = fun(Y) -> X * Y end', '[2]'],
  ['F = fun(L) -> #{sum => lists:foldl(fun(A, B) -> A + B end, 0, L), bin => << <<X>> || X <- L >>, sq => [X * X || X <- L]} end', '[[1, 2, 3]]'],
  ['F = fun(X) -> try X + a catch error:R -> {caught, R} end end', '[1]'],
  ['F = fun(X) -> X + a end', '[1]'],
  ['F = fun(0) -> zero end', '[1]'],
  ['F = fun() -> L = fun Loop(0, Acc) -> Acc; Loop(N, Acc) -> Loop(N - 1, Acc + 1) end, L(100000, 0) end', '[]'],
  ['F = fun() -> self() ! {msg, 1}, receive {msg, N} -> N + 1 after 1000 -> timeout end end', '[]'],
  ['F = fun(B) -> <<Len, Data:Len/binary, Rest/binary>> = B, {Data, Rest} end', '[<<2, 1, 2, 3>>]'],
  ['F = fun Fact(0) -> 1; Fact(N) -> N * Fact(N - 1) end', '[25]'],
  ['F = fun(X) -> case X of {ok, V} when is_integer(V) -> V; _ -> error(bad) end end', '[{ok, 5}]'],
];

test('erl_eval funs from a BEAM node give on noderl what they give on BEAM', { skip }, async () => {
  for (const [setup, args] of cases) {
    const out = await both(setup, args);
    assert.match(out, /^\{true,/, `${setup} with ${args}:\n${out}`);
    if (process.env.SHOW) console.log(out);
  }
});

test('a shell fun sees the node it runs on', { skip }, async () => {
  const out = await state.erl.eval(`F = fun() -> node() end, {runner, '${state.node.name}'} ! {self(), F, []}, receive R -> R =:= {value, '${state.node.name}'} after 10000 -> no_reply end`);
  assert.equal(out, 'true');
});

test('an incoming fun is read once: the evaluator fun is cached per fun value', { skip }, async () => {
  await state.erl.eval(`X = 1, F = fun(Y) -> X + Y end, {runner, '${state.node.name}'} ! {self(), F, [1]}, receive R -> R after 10000 -> no_reply end`);
  const a = adoptShellFun(lastFun, compiler);
  assert.ok(a);
  assert.equal(adoptShellFun(lastFun, compiler), a);
  assert.equal(a.env.get('X'), 1);
});
