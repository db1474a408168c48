// Scenario 3, "latency" (shared/bench/README.md): sequential round trips from a process on node A
// to node B, each timed inside A: ping-pong with a registered echo process, `gen_server:call` to
// an echo gen_server, and `rpc:call(B, erlang, node, [])`. 5 passes of 20,000 round trips, each
// after 2,000 of warm-up that are not timed: p50, p99, p99.9 and max of each pass, and the median
// pass [min-max]. Pairs as in throughput.js. A lost or wrong reply fails the scenario.
//
// Passes are interleaved: pass 1 of every kind and pair, then pass 2, and so on. The machine is
// shared, and a burst of another process's work lands on whatever runs at that moment; spread
// over the pairs, it moves every pair's figures alike instead of one pair's.
//
// Where the tail goes (the second table): for each pass, the 0.1% slowest round trips (those at
// or above p99.9), with the instant each started, are laid over the GC pauses that the noderl
// nodes of the pair recorded meanwhile (perf_hooks 'gc' entries); also each node's GC pauses per
// 1,000 round trips, its event-loop delay (monitorEventLoopDelay, sampled every 10 ms), and from
// Linux's schedstat its CPU time and its run-queue wait per round trip: time it was ready to run
// while another process had the core, which is the machine's noise as that node felt it.

import { Cluster } from '../lib/dist-peers.js';
import { sig3, spread, table, times } from '../lib/format.js';
import { summarize } from '../lib/measure.js';
import { PAIRS } from './throughput.js';

export const description = 'sequential round trips (ping-pong, gen_server call, rpc): p50, p99, p99.9, max, and where the tail goes';

const FULL = { warmup: 2_000, count: 20_000, passes: 5, jitWarmup: true };
const QUICK = { warmup: 200, count: 2_000, passes: 1, jitWarmup: false };
const KINDS = ['ping', 'call', 'rpc'];
const ECHO = 'bench_echo';
const ECHO_SERVER = 'bench_echo_server';
const STATS = ['p50', 'p99', 'p999', 'max'];
/** Clocks of two OS processes (Node's timeOrigin, the BEAM's os:system_time) agree to about this. */
const CLOCK_SLACK_US = 100;
/** monitorEventLoopDelay's sampling interval in the noderl peers (noderl-peer.js), µs. */
const ELD_RESOLUTION_US = 10_000;

/** `tls`: every node on TLS distribution; `kinds`: which round trips (bench/scenarios/tls.js times ping). */
export async function run({ quick, tls = false, kinds = KINDS }) {
  const settings = quick ? QUICK : FULL;
  const cluster = await Cluster.start({ tls });
  try {
    const nodes = {
      BEAM: [await cluster.beam(), await cluster.beam()],
      noderl: [await cluster.noderl(), await cluster.noderl()],
    };
    const missing = {}; // B kind -> round-trip kind -> why B cannot serve it
    for (const kind of ['BEAM', 'noderl']) {
      const b = nodes[kind][1];
      await b.echo(ECHO);
      const server = await b.echoServer(ECHO_SERVER);
      missing[kind] = { call: server.unsupported };
      if (!(await nodes.BEAM[0].answersRpc(b.node))) missing[kind].rpc = `${kind} rex does not answer rpc:call`;
    }
    const pairs = PAIRS.map(([ka, kb]) => ({ label: `${ka} → ${kb}`, a: nodes[ka][0], b: nodes[kb][1], missing: missing[kb] }));

    const rows = kinds.flatMap((kind) => pairs.map((pair) => ({ kind, pair: pair.label, of: pair, passes: [], tails: [] })));
    // One untimed pass of every row first: a Node.js process keeps compiling hot functions for the
    // first ~20,000 round trips (V8 logged ~240 optimizations in a fresh noderl node's first pass,
    // under 10 in each later one), and that is start-up, as a BEAM node's loading of modules is.
    if (settings.jitWarmup) {
      for (const row of rows) {
        const reason = row.of.missing[row.kind];
        if (!reason) await row.of.a.roundtrips({ kind: row.kind, peer: row.of.b.node, name: row.kind === 'call' ? ECHO_SERVER : ECHO, ...settings, passes: 1 });
      }
    }
    for (let p = 0; p < settings.passes; p++) {
      for (const row of rows) {
        if (row.status === 'n/a') continue;
        const pass = await onePass(row.of, row.kind, settings);
        if (pass.unsupported) Object.assign(row, { status: 'n/a', reason: pass.unsupported });
        else {
          row.passes.push(pass.stats);
          row.tails.push(pass.tail);
        }
      }
    }
    const results = rows.map(summarizeRow);
    for (const kind of kinds) {
      const group = results.filter((r) => r.kind === kind);
      const [p50, p999] = [group[0].p50?.median, group[0].p999?.median];
      for (const r of group) {
        if (r.status !== 'ok') continue;
        r.p50VsBeamPair = r.p50.median / p50;
        r.p999VsBeamPair = r.p999.median / p999;
      }
    }
    return {
      table: `${renderTable(results)}\n\nwhere the tail goes (medians of the passes; A | B)\n${renderTail(results)}`,
      notes: [
        `each pass: ${settings.count} sequential round trips after ${settings.warmup} of warm-up; figures: median of ${settings.passes} pass(es) [min-max], µs; passes interleaved over kinds and pairs${settings.jitWarmup ? ', after one untimed pass of each' : ''}`,
        'ping: A sends {ping, Self, I} to a registered echo on B and waits for {pong, I}',
        'call: gen_server:call({Name, B}, I) to an echo gen_server; rpc: rpc:call(B, erlang, node, [])',
        'p50 vs BEAM pair: this pair’s p50 over BEAM → BEAM’s (target for noderl ping-pong: at most 1.3x); p99.9 vs BEAM pair likewise (target: at most 2x)',
        `in GC: of the slowest 0.1% of all passes, how many overlapped a GC pause of a noderl node of the pair (±${CLOCK_SLACK_US} µs); GC /1k: pauses per 1,000 round trips (warm-up included); pause: median and max, µs`,
        `loop delay: the longest event-loop delay monitorEventLoopDelay saw, µs; CPU and run-queue wait: µs per round trip from /proc/PID/task/*/schedstat (all threads of the node)`,
      ],
      json: { settings, results: results.map(({ tails, ...r }) => ({ ...r, tails })) },
    };
  } finally {
    await cluster.stop();
  }
}

/** One pass of `kind` for `pair`: its percentiles (µs) and what the tail overlapped. */
async function onePass(pair, kind, settings) {
  const reason = pair.missing[kind];
  if (reason) return { unsupported: reason };
  const traced = [pair.a, pair.b].filter((n) => n.kind === 'noderl');
  for (const n of traced) await n.traceStart();
  const before = [pair.a.schedstat(), pair.b.schedstat()];
  const slowest = Math.max(1, Math.round(settings.count / 1000));
  const name = kind === 'call' ? ECHO_SERVER : ECHO;
  const result = await pair.a.roundtrips({ kind, peer: pair.b.node, name, ...settings, passes: 1, slowest });
  const after = [pair.a.schedstat(), pair.b.schedstat()];
  const traces = [];
  for (const n of [pair.a, pair.b]) traces.push(n.kind === 'noderl' ? await n.traceStop() : undefined);
  if (result.unsupported) return { unsupported: result.unsupported };
  const stats = Object.fromEntries(STATS.map((s, i) => [s, result.passes[0][i] / 1000]));
  return { stats, tail: tailOf(result.slowest[0], traces, before, after, settings.warmup + settings.count) };
}

/** What the slowest round trips of a pass overlapped, and each node's GC, loop delay and scheduling per round trip. */
function tailOf(slow, traces, before, after, trips) {
  const inGc = slow.filter(([start, ns]) =>
    traces.some((t) => t?.gc.some(([at, us]) => at < start + ns / 1000 + CLOCK_SLACK_US && at + us > start - CLOCK_SLACK_US)),
  ).length;
  const side = (i) => {
    const t = traces[i];
    const s = before[i] && after[i] ? { cpuNs: after[i].cpuNs - before[i].cpuNs, waitNs: after[i].waitNs - before[i].waitNs } : undefined;
    const pauses = t ? t.gc.map(([, us]) => us).sort((x, y) => x - y) : [];
    return {
      gcPer1k: t ? (1000 * t.gc.length) / trips : undefined,
      gcMedianUs: pauses.length ? pauses[pauses.length >> 1] : undefined,
      gcMaxUs: pauses.length ? pauses[pauses.length - 1] : undefined,
      loopDelayMaxUs: t ? Math.max(0, t.eld.max - ELD_RESOLUTION_US) : undefined,
      cpuUs: s && s.cpuNs / trips / 1000,
      waitUs: s && s.waitNs / trips / 1000,
    };
  };
  return { slow: slow.length, inGc, a: side(0), b: side(1) };
}

function summarizeRow({ of, passes, tails, ...row }) {
  if (row.status === 'n/a') return row;
  return {
    ...row,
    status: 'ok',
    ...Object.fromEntries(STATS.map((s) => [s, summarize(passes.map((p) => p[s]))])),
    passes,
    tails,
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
  { key: 'tailRatio', title: 'p99.9 vs BEAM pair', align: 'right' },
  { key: 'note', title: 'note' },
];

function renderTable(results) {
  return table(COLUMNS, grouped(results, (r, line) => {
    if (r.status !== 'ok') return { ...line, p50: 'n/a', note: r.reason };
    for (const s of STATS) {
      line[s] = sig3(r[s].median);
      line[`${s}Range`] = spread(r[s]);
    }
    return { ...line, ratio: times(r.p50VsBeamPair), tailRatio: times(r.p999VsBeamPair) };
  }));
}

const TAIL_COLUMNS = [
  { key: 'kind', title: 'round trip' },
  { key: 'pair', title: 'A → B' },
  { key: 'inGc', title: 'in GC', align: 'right' },
  { key: 'gc', title: 'GC /1k', align: 'right' },
  { key: 'pause', title: 'pause µs', align: 'right' },
  { key: 'loop', title: 'loop delay µs', align: 'right' },
  { key: 'cpu', title: 'CPU µs', align: 'right' },
  { key: 'wait', title: 'run-queue wait µs', align: 'right' },
];

function renderTail(results) {
  const both = (tails, f) => ['a', 'b'].map((s) => f(tails.map((t) => t[s]))).join(' | ');
  const median = (xs) => (xs.some((x) => x === undefined) ? undefined : summarize(xs).median);
  const fmt = (x) => (x === undefined ? '-' : sig3(x));
  return table(TAIL_COLUMNS, grouped(results, (r, line) => {
    if (r.status !== 'ok') return line;
    const t = r.tails;
    return {
      ...line,
      inGc: `${t.reduce((n, x) => n + x.inGc, 0)}/${t.reduce((n, x) => n + x.slow, 0)}`,
      gc: both(t, (s) => fmt(median(s.map((x) => x.gcPer1k)))),
      pause: both(t, (s) => (median(s.map((x) => x.gcMedianUs)) === undefined ? '-' : `${fmt(median(s.map((x) => x.gcMedianUs)))}/${fmt(Math.max(...s.map((x) => x.gcMaxUs)))}`)),
      loop: both(t, (s) => fmt(median(s.map((x) => x.loopDelayMaxUs)))),
      cpu: both(t, (s) => fmt(median(s.map((x) => x.cpuUs)))),
      wait: both(t, (s) => fmt(median(s.map((x) => x.waitUs)))),
    };
  }));
}

/** Table lines of `results`, a blank line between kinds, the kind named on its first line. */
function grouped(results, render) {
  const lines = [];
  let group = '';
  for (const r of results) {
    const first = r.kind !== group;
    if (first && group) lines.push(null);
    group = r.kind;
    lines.push(render(r, { kind: first ? r.kind : '', pair: r.pair }));
  }
  return lines;
}
