// The Erlang evaluator (issue 12): shell funs made by erl_eval on a BEAM node, run there by
// erl_eval and run on a noderl node by noderl's evaluator (`rpc:call(N, erlang, apply, [F, []])`),
// both timed by the BEAM caller with timer:tc, in the same run. The rpc round trip is a few tens
// of µs, nothing beside the hundreds of ms each case takes. A result that differs between the two
// fails the scenario.

import { Cluster } from '../lib/dist-peers.js';
import { spawnErl, kill } from '../lib/erl.js';
import { sig3, spread, table, times } from '../lib/format.js';
import { summarize } from '../lib/measure.js';

export const description = 'erl_eval shell funs: erl_eval on BEAM vs noderl\'s evaluator, 1,000,000-step loops';

const FULL = { n: 1_000_000, passes: 5 };
const QUICK = { n: 100_000, passes: 1 };

/** Each case is a fun of arity 0 written in the erl shell's language; N is bound by the script. */
const CASES = [
  ['tail-recursive named fun', 'fun() -> L = fun Loop(0) -> ok; Loop(K) -> Loop(K - 1) end, L(N) end'],
  ['sum with a guard', 'fun() -> S = fun Sum(0, A) -> A; Sum(K, A) when K > 0 -> Sum(K - 1, A + K) end, S(N, 0) end'],
  ['list comprehension', 'fun() -> length([X * 2 || X <- lists:seq(1, N), X rem 3 =:= 0]) end'],
  ['map fold', 'fun() -> M = maps:from_list([{K, K} || K <- lists:seq(1, N div 10)]), maps:fold(fun(_, V, Acc) -> V + Acc end, 0, M) end'],
  // Recursion over a list of N div 10 elements with [H | T] patterns: each step takes the tail of
  // the list and (reverse, map) builds a list on the front of another.
  ['sum a list by [H | T]', 'fun() -> S = fun Sum([], A) -> A; Sum([H | T], A) -> Sum(T, A + H) end, S(lists:seq(1, N div 10), 0) end'],
  ['reverse a list by [H | T]', 'fun() -> R = fun Rev([], A) -> A; Rev([H | T], A) -> Rev(T, [H | A]) end, hd(R(lists:seq(1, N div 10), [])) end'],
  ['body-recursive map', 'fun() -> M = fun Map([]) -> []; Map([H | T]) -> [H + 1 | Map(T)] end, lists:sum(M(lists:seq(1, N div 10))) end'],
];

export async function run({ quick }) {
  const settings = quick ? QUICK : FULL;
  const cluster = await Cluster.start();
  try {
    const noderl = await cluster.noderl();
    const rows = await timeCases(cluster, noderl.node, settings);
    return {
      table: table(
        [
          { key: 'name', title: 'case' },
          { key: 'beam', title: 'erl_eval ms', align: 'right' },
          { key: 'beamRange', title: '[min-max]', align: 'right' },
          { key: 'noderl', title: 'noderl ms', align: 'right' },
          { key: 'noderlRange', title: '[min-max]', align: 'right' },
          { key: 'ratio', title: 'noderl ÷ erl_eval', align: 'right' },
        ],
        rows.map((r) => ({
          name: r.name,
          beam: sig3(r.beam.median),
          beamRange: spread(r.beam),
          noderl: sig3(r.noderl.median),
          noderlRange: spread(r.noderl),
          ratio: times(r.noderl.median / r.beam.median),
        })),
      ),
      notes: [
        `N = ${settings.n}; median of ${settings.passes} pass(es) [min-max], ms, timed on the BEAM caller with timer:tc`,
        'the same fun value (made by erl_eval on the BEAM node) runs there and, through rpc, on the noderl node',
      ],
      json: { settings, rows },
    };
  } finally {
    await cluster.stop();
  }
}

async function timeCases(cluster, target, { n, passes }) {
  const funs = CASES.map(([, src], i) => `{${i}, ${src}}`).join(', ');
  const script = `N = ${n}, T = '${target}', pong = net_adm:ping(T),
    Time = fun(F) -> {Us, V} = timer:tc(F), {Us / 1000, V} end,
    Res = [begin
        Here = [Time(F) || _ <- lists:seq(1, ${passes})],
        There = [Time(fun() -> rpc:call(T, erlang, apply, [F, []], infinity) end) || _ <- lists:seq(1, ${passes})],
        {I, [Ms || {Ms, _} <- Here], [Ms || {Ms, _} <- There], length(lists:usort([V || {_, V} <- Here ++ There])) =:= 1}
      end || {I, F} <- [${funs}]],
    io:format("~w~n", [Res]), halt().`;
  const erl = spawnErl(['-sname', `bench_eval_${process.pid}`, '-setcookie', cluster.cookie, '-noshell', '-eval', script.replace(/\s*\n\s*/g, ' ')], {
    env: { ERL_EPMD_PORT: String(cluster.epmdPort) },
  });
  let out = '';
  erl.stdout.on('data', (d) => (out += d));
  erl.stderr.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => erl.once('exit', resolve));
  kill(erl);
  if (code !== 0) throw new Error(`the BEAM caller failed: ${out}`);
  return parseResults(out, n);
}

/** `[{I, [Ms...], [Ms...], Same}, ...]` as printed by ~w; Same is false when the two disagreed. */
function parseResults(out, n) {
  const rows = [];
  for (const m of out.matchAll(/\{(\d+),\[([^\]]*)\],\[([^\]]*)\],(true|false)\}/g)) {
    const [, i, here, there, same] = m;
    const name = CASES[Number(i)][0];
    if (same !== 'true') throw new Error(`${name}: BEAM and noderl gave different results (N=${n})`);
    rows.push({ name, beam: summarize(here.split(',').map(Number)), noderl: summarize(there.split(',').map(Number)) });
  }
  if (rows.length !== CASES.length) throw new Error(`unexpected output from the BEAM caller: ${out}`);
  return rows;
}
