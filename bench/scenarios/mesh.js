// Scenario 8, "mesh" (shared/bench/README.md): N fresh nodes, each connecting to the next one
// only (a chain), become a full mesh through global's transitive connections. Timed: from just
// before the chain's connects are issued until the last node has seen N−1 others in nodes() and
// its global:sync() (noderl: node.global.sync()) has then returned.
//
// Each node reports the unix µs it got there (mesh_wait in dist_bench.erl and noderl-peer.js);
// the coordinator takes its own unix µs before the connects. All clocks are the same machine's
// wall clock, as failure.js's nodedown instants. Configurations, in the same run: all BEAM, mixed
// (BEAM and noderl alternating along the chain), all noderl. Fresh nodes for every pass.

import { Cluster } from '../lib/dist-peers.js';
import { sig3, spread, table, times } from '../lib/format.js';
import { summarize } from '../lib/measure.js';

export const description = 'chain of 10 (and 20) nodes to full mesh (nodes() and global:sync() on every node), ms';

// Five passes: one sync that loses the lock race waits out another locker back-off (1–3 s), so a
// pass varies by seconds on either side.
const FULL = { sizes: [10, 20], passes: 5 };
const QUICK = { sizes: [10], passes: 1 };
/** Nodes started at once: starting BEAMs one by one would take most of the run on 2 cores. */
const START_BATCH = 4;
/** After the starts, before the clock: the last nodes started are still loading code. */
const SETTLE_MS = 500;
const TIMEOUT_MS = 60_000;

const CONFIGS = [
  { name: 'all BEAM', kind: () => 'BEAM' },
  { name: 'mixed (BEAM, noderl alternating)', kind: (k) => (k % 2 === 0 ? 'BEAM' : 'noderl') },
  { name: 'all noderl', kind: () => 'noderl' },
];

export async function run({ quick }) {
  const settings = quick ? QUICK : FULL;
  const results = [];
  for (const size of settings.sizes) {
    const samples = new Map(CONFIGS.map((c) => [c.name, { all: [], median: [] }]));
    for (let pass = 0; pass < settings.passes; pass++) {
      for (const config of CONFIGS) {
        const { all, median } = await onePass(config, size);
        samples.get(config.name).all.push(all);
        samples.get(config.name).median.push(median);
      }
    }
    const rows = CONFIGS.map((c) => ({ size, config: c.name, all: summarize(samples.get(c.name).all), perNode: summarize(samples.get(c.name).median), samples: samples.get(c.name) }));
    for (const r of rows) r.vsBeam = r.all.median / rows[0].all.median;
    results.push(...rows);
  }
  return {
    table: renderTable(results),
    notes: [
      `${settings.sizes.join(' and ')} fresh nodes per pass, ${settings.passes} pass(es) per configuration; node k connects to node k+1 only, all at once`,
      'all: until every node has N−1 others in nodes() and its global:sync() returned; node p50: the median node of a pass',
      'vs all BEAM: p50 over the all-BEAM p50 (reference: 10-node mesh ≈ 1.5 s)',
    ],
    json: { settings, results },
  };
}

/** One chain of fresh nodes of `config`: ms until all of them were meshed and synced, and the median node's. */
async function onePass(config, size) {
  const cluster = await Cluster.start();
  try {
    const nodes = [];
    for (let k = 0; k < size; k += START_BATCH) {
      const batch = Array.from({ length: Math.min(START_BATCH, size - k) }, (_, i) => cluster.start(config.kind(k + i)));
      nodes.push(...(await Promise.all(batch)));
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const t0 = Math.round((performance.timeOrigin + performance.now()) * 1000);
    const done = await Promise.all(
      nodes.map(async (n, k) => {
        if (k + 1 < size) {
          const ns = await n.connect(nodes[k + 1].node);
          if (ns === undefined || Number.isNaN(ns)) throw new Error(`${n.node} could not connect to ${nodes[k + 1].node}`);
        }
        return n.meshWait(size - 1, TIMEOUT_MS);
      }),
    );
    const ms = done.map((us) => (us - t0) / 1000).sort((a, b) => a - b);
    return { all: ms[ms.length - 1], median: summarize(ms).median };
  } finally {
    await cluster.stop();
  }
}

const COLUMNS = [
  { key: 'size', title: 'N', align: 'right' },
  { key: 'config', title: 'chain of N fresh nodes' },
  { key: 'all', title: 'all meshed p50 ms', align: 'right' },
  { key: 'range', title: '[min-max]', align: 'right' },
  { key: 'ratio', title: 'vs all BEAM', align: 'right' },
  { key: 'perNode', title: 'node p50 ms', align: 'right' },
];

function renderTable(results) {
  return table(
    COLUMNS,
    results.map((r) => ({
      size: String(r.size),
      config: r.config,
      all: sig3(r.all.median),
      range: spread(r.all),
      ratio: times(r.vsBeam),
      perNode: sig3(r.perNode.median),
    })),
  );
}
