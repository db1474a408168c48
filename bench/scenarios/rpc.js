// Scenario 3's rpc latency (shared/bench/README.md) on its own: sequential
// `rpc:call(B, erlang, node, [])` round trips, each timed inside A, for BEAM → BEAM, BEAM → noderl,
// noderl → BEAM and noderl → noderl in the same run. The BEAM callers time it in dist_bench.erl
// (as latency.js does); the noderl caller is a node in this process, timing `node.rpc.call` (the
// runner is idle meanwhile). p50, p99, p99.9 and max per pass, the median pass [min-max], and each
// p50 over BEAM → BEAM's (target: at most 1.3x). A wrong answer fails the scenario.

import { Cluster } from '../lib/dist-peers.js';
import { sig3, spread, table, times } from '../lib/format.js';
import { summarize } from '../lib/measure.js';

export const description = 'rpc:call(B, erlang, node, []) latency: BEAM and noderl as caller and callee';

const FULL = { warmup: 1_000, count: 5_000, passes: 5 };
const QUICK = { warmup: 100, count: 500, passes: 1 };
const STATS = ['p50', 'p99', 'p999', 'max'];

export async function run({ quick }) {
  const settings = quick ? QUICK : FULL;
  const { Node } = await import('../../dist/node/node.js');
  const { atom } = await import('../../dist/term/types.js');
  const cluster = await Cluster.start();
  let caller;
  try {
    const beamA = await cluster.beam();
    const beamB = await cluster.beam();
    const noderlB = await cluster.noderl();
    caller = await Node.start({ sname: `bench_rpc_${process.pid}`, cookie: cluster.cookie, epmdPort: cluster.epmdPort, log: () => {}, output: () => {} });
    const fromBeam = (b) => beamA.roundtrips({ kind: 'rpc', peer: b.node, name: 'unused', ...settings });
    const fromNoderl = (b) => noderlRoundtrips(caller, atom, b.node, settings);
    const rows = [
      { pair: 'BEAM → BEAM', ...(await timed(() => fromBeam(beamB))) },
      { pair: 'BEAM → noderl', ...(await timed(() => fromBeam(noderlB))) },
      { pair: 'noderl → BEAM', ...(await timed(() => fromNoderl(beamB))) },
      { pair: 'noderl → noderl', ...(await timed(() => fromNoderl(noderlB))) },
    ];
    for (const r of rows) r.p50VsBeam = r.p50.median / rows[0].p50.median;
    return {
      table: renderTable(rows),
      notes: [
        `each pass: ${settings.count} sequential calls after ${settings.warmup} of warm-up; figures: median of ${settings.passes} pass(es) [min-max], µs`,
        'BEAM callers time rpc:call/5 in dist_bench.erl; the noderl caller runs in the bench process and times node.rpc.call',
        'p50 vs BEAM: this pair’s p50 over BEAM → BEAM’s (target for noderl: at most 1.3x)',
      ],
      json: { settings, results: rows },
    };
  } finally {
    await caller?.stop();
    await cluster.stop();
  }
}

/** Sequential rpc calls from a noderl node in this process, timed one by one: per pass [p50, p99, p99.9, max] in ns. */
async function noderlRoundtrips(node, atom, peer, { warmup, count, passes }) {
  const expected = atom(peer);
  const call = async () => {
    const r = await node.rpc.call(peer, 'erlang', 'node', [], { timeout: 10_000 });
    if (r !== expected) throw new Error(`rpc:call(${peer}, erlang, node, []) gave ${String(r)}`);
  };
  for (let i = 0; i < warmup; i++) await call();
  const out = [];
  const samples = new Float64Array(count);
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < count; i++) {
      const t0 = process.hrtime.bigint();
      await call();
      samples[i] = Number(process.hrtime.bigint() - t0);
    }
    const sorted = Float64Array.from(samples).sort();
    const rank = (q) => sorted[Math.min(count - 1, Math.floor(q * count))];
    out.push([rank(0.5), rank(0.99), rank(0.999), sorted[count - 1]]);
  }
  return { passes: out };
}

async function timed(measure) {
  const { passes } = await measure();
  const perPass = passes.map((stats) => Object.fromEntries(STATS.map((s, i) => [s, stats[i] / 1000])));
  return { ...Object.fromEntries(STATS.map((s) => [s, summarize(perPass.map((p) => p[s]))])), passes: perPass };
}

const COLUMNS = [
  { key: 'pair', title: 'A → B' },
  ...STATS.flatMap((s) => [
    { key: s, title: `${s === 'p999' ? 'p99.9' : s} µs`, align: 'right' },
    { key: `${s}Range`, title: '[min-max]', align: 'right' },
  ]),
  { key: 'ratio', title: 'p50 vs BEAM', align: 'right' },
];

function renderTable(rows) {
  return table(
    COLUMNS,
    rows.map((r) => {
      const line = { pair: r.pair, ratio: times(r.p50VsBeam) };
      for (const s of STATS) {
        line[s] = sig3(r[s].median);
        line[`${s}Range`] = spread(r[s]);
      }
      return line;
    }),
  );
}
