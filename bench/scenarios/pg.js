// pg process groups (issue 16): 10,000 processes join one group of the default scope on node A,
// one pg:join/2 (noderl: node.pg.join) at a time, and node B, connected to A and running the
// scope too, watches the group with pg:monitor/1 (noderl: node.pg.monitor). Timed: from just
// before A's first join until B has seen the 10,000th member (unix µs from each node's clock, the
// same machine's, as failure.js and mesh.js); and A's own joins, first to last. Pairs: BEAM→BEAM
// (the reference), noderl→BEAM, BEAM→noderl, noderl→noderl; a fresh pair for every pass.

import { Cluster } from '../lib/dist-peers.js';
import { sig3, spread, table, times } from '../lib/format.js';
import { summarize } from '../lib/measure.js';

export const description = '10,000 pg joins on one node until seen on the other, ms';

const FULL = { count: 10_000, passes: 5 };
const QUICK = { count: 1_000, passes: 1 };
const TIMEOUT_MS = 120_000;

const PAIRS = [
  ['BEAM', 'BEAM'],
  ['noderl', 'BEAM'],
  ['BEAM', 'noderl'],
  ['noderl', 'noderl'],
];

export async function run({ quick }) {
  const settings = quick ? QUICK : FULL;
  const samples = new Map(PAIRS.map((p) => [p.join('→'), { seen: [], joins: [] }]));
  for (let pass = 0; pass < settings.passes; pass++) {
    for (const [joiner, watcher] of PAIRS) {
      const r = await onePass(joiner, watcher, settings.count);
      samples.get(`${joiner}→${watcher}`).seen.push(r.seen);
      samples.get(`${joiner}→${watcher}`).joins.push(r.joins);
    }
  }
  const rows = PAIRS.map((p) => {
    const s = samples.get(p.join('→'));
    return { pair: p.join(' → '), seen: summarize(s.seen), joins: summarize(s.joins), samples: s };
  });
  for (const r of rows) r.vsBeam = r.seen.median / rows[0].seen.median;
  return {
    table: table(
      [
        { key: 'pair', title: 'joins on → seen on' },
        { key: 'seen', title: 'all seen p50 ms', align: 'right' },
        { key: 'seenRange', title: '[min-max]', align: 'right' },
        { key: 'ratio', title: 'vs BEAM → BEAM', align: 'right' },
        { key: 'joins', title: 'joins done p50 ms', align: 'right' },
        { key: 'joinsRange', title: '[min-max]', align: 'right' },
      ],
      rows.map((r) => ({
        pair: r.pair,
        seen: sig3(r.seen.median),
        seenRange: spread(r.seen),
        ratio: times(r.vsBeam),
        joins: sig3(r.joins.median),
        joinsRange: spread(r.joins),
      })),
    ),
    notes: [
      `${settings.count} joins of ${settings.count} new processes, one call each; ${settings.passes} pass(es), a fresh pair of nodes each`,
      'all seen: from before the first join until the watcher on the other node counted the last member; joins done: the joiner alone',
    ],
    json: { settings, rows },
  };
}

/** One fresh pair: ms until the watcher saw every member, and the joiner's own ms. */
async function onePass(joinerKind, watcherKind, count) {
  const cluster = await Cluster.start();
  try {
    const [a, b] = await Promise.all([cluster.start(joinerKind, { pg: true }), cluster.start(watcherKind, { pg: true })]);
    if ((await a.connect(b.node)) === undefined) throw new Error(`${a.node} could not connect to ${b.node}`);
    const group = `bench_group_${Date.now()}`;
    await b.pgWatch(group, count);
    // The scopes discover each other on nodeup; give the sync its moment before the clock starts.
    await new Promise((r) => setTimeout(r, 300));
    const [t0, joined] = await a.pgJoin(group, count);
    const seenAt = await b.pgSeen(TIMEOUT_MS);
    return { seen: (seenAt - t0) / 1000, joins: (joined - t0) / 1000 };
  } finally {
    await cluster.stop();
  }
}
