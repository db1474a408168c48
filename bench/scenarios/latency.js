// Scenario 3, "latency" (shared/bench/README.md): sequential round trips from a process on node A
// to node B, each timed inside A: ping-pong with a registered echo process, and — for the BEAM
// pair today — `gen_server:call` to an echo gen_server and `rpc:call(B, erlang, node, [])`.
// 100,000 round trips after 2,000 of warm-up, as 5 passes of 20,000: p50, p99, p99.9 and max of
// each pass, and the median pass [min-max]. Pairs as in throughput.js. A lost or wrong reply
// fails the scenario.
//
// `call` and `rpc` involving noderl are timed when the build has them (self.call and
// node.startGenServer, issue 5; rex and an rpc client, issue 6) and say "not built yet" otherwise:
// see the SLOT in bench/lib/noderl-peer.js.

import { Cluster } from '../lib/dist-peers.js';
import { sig3, spread, table, times } from '../lib/format.js';
import { summarize } from '../lib/measure.js';
import { PAIRS } from './throughput.js';

export const description = 'sequential round trips (ping-pong, gen_server call, rpc): p50, p99, p99.9, max';

const FULL = { warmup: 2_000, count: 20_000, passes: 5 };
const QUICK = { warmup: 200, count: 2_000, passes: 1 };
const KINDS = ['ping', 'call', 'rpc'];
const ECHO = 'bench_echo';
const ECHO_SERVER = 'bench_echo_server';
const STATS = ['p50', 'p99', 'p999', 'max'];

/** `tls`: every node on TLS distribution; `kinds`: which round trips (bench/scenarios/tls.js times ping). */
export async function run({ quick, tls = false, kinds = KINDS }) {
  const settings = quick ? QUICK : FULL;
  const cluster = await Cluster.start({ tls });
  try {
    const nodes = {
      BEAM: [await cluster.beam(), await cluster.beam()],
      noderl: [await cluster.noderl(), await cluster.noderl()],
    };
    const missing = {}; // B kind -> round-trip kind -> why B cannot serve it yet
    for (const kind of ['BEAM', 'noderl']) {
      const b = nodes[kind][1];
      await b.echo(ECHO);
      const server = await b.echoServer(ECHO_SERVER);
      missing[kind] = { call: server.unsupported };
      // rex is served by noderl once issue 6 lands; a BEAM asks the B node itself.
      if (!(await nodes.BEAM[0].answersRpc(b.node))) missing[kind].rpc = `${kind} rex does not answer rpc:call yet`;
    }
    const pairs = PAIRS.map(([ka, kb]) => ({ label: `${ka} → ${kb}`, a: nodes[ka][0], b: nodes[kb][1], missing: missing[kb] }));

    const results = [];
    for (const kind of kinds) {
      const group = [];
      for (const pair of pairs) group.push(await measurePair(pair, kind, settings));
      const reference = group[0].p50?.median;
      for (const row of group) if (row.p50) row.p50VsBeamPair = row.p50.median / reference;
      results.push(...group);
    }
    return {
      table: renderTable(results),
      notes: [
        `each pass: ${settings.count} sequential round trips after ${settings.warmup} of warm-up; figures: median of ${settings.passes} pass(es) [min-max], µs`,
        'ping: A sends {ping, Self, I} to a registered echo on B and waits for {pong, I}',
        'call: gen_server:call({Name, B}, I) to an echo gen_server; rpc: rpc:call(B, erlang, node, [])',
        'p50 vs BEAM pair: this pair’s p50 over BEAM → BEAM’s (target for noderl ping-pong: at most 1.3x)',
      ],
      json: { settings, results },
    };
  } finally {
    await cluster.stop();
  }
}

async function measurePair(pair, kind, settings) {
  const row = { kind, pair: pair.label };
  // A noderl client without the kind answers { unsupported } itself (the SLOT in noderl-peer.js).
  const reason = pair.missing[kind];
  if (reason) return { ...row, status: 'n/a', reason };
  const name = kind === 'call' ? ECHO_SERVER : ECHO;
  const result = await pair.a.roundtrips({ kind, peer: pair.b.node, name, ...settings });
  if (result.unsupported) return { ...row, status: 'n/a', reason: result.unsupported };
  const perPass = result.passes.map((stats) => Object.fromEntries(STATS.map((s, i) => [s, stats[i] / 1000])));
  return {
    ...row,
    status: 'ok',
    ...Object.fromEntries(STATS.map((s) => [s, summarize(perPass.map((p) => p[s]))])),
    passes: perPass,
  };
}

const COLUMNS = [
  { key: 'kind', title: 'round trip' },
  { key: 'pair', title: 'A → B' },
  ...STATS.flatMap((s) => [
    { key: s, title: `${s === 'p999' ? 'p99.9' : s} µs`, align: 'right' },
    { key: `${s}Range`, title: '[min-max]', align: 'right' },
  ]),
  { key: 'ratio', title: 'p50 vs BEAM pair', align: 'right' },
  { key: 'note', title: 'note' },
];

function renderTable(results) {
  const lines = [];
  let group = '';
  for (const r of results) {
    const first = r.kind !== group;
    if (first && group) lines.push(null);
    group = r.kind;
    const line = { kind: first ? r.kind : '', pair: r.pair };
    if (r.status !== 'ok') lines.push({ ...line, p50: 'n/a', note: r.reason });
    else {
      for (const s of STATS) {
        line[s] = sig3(r[s].median);
        line[`${s}Range`] = spread(r[s]);
      }
      line.ratio = times(r.p50VsBeamPair);
      lines.push(line);
    }
  }
  return table(COLUMNS, lines);
}
