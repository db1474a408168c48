// Scenario 2, "throughput" (shared/bench/README.md): node A sends 1,000,000 messages to a
// registered sink on node B, which acknowledges the last one; `{seq, I}` and the 10-tuple order,
// from 1 and from 4 sender processes. Pairs: BEAM → BEAM (the reference), noderl → BEAM,
// BEAM → noderl, noderl → noderl, every node its own OS process on loopback, all in one run.
//
// Timed inside A, from the first send to the last acknowledgement. Passes rotate over the pairs so
// that the machine's noise falls on all of them. Wire bytes per message: what A's OS process wrote
// during the pass (/proc/PID/io wchar) over the messages sent. A message lost or mangled (the
// sink's count differs from the messages sent) fails the scenario.

import { Cluster } from '../lib/dist-peers.js';
import { rate, sig3, spread, table, times } from '../lib/format.js';
import { summarize } from '../lib/measure.js';

export const description = '1,000,000 messages to a registered process, 1 and 4 senders: BEAM pair, both mixed directions, noderl pair';

// The README's 1,000,000 messages per figure, as 5 passes of 200,000 (a median needs passes, and
// 5 passes of a million would take a quarter of an hour on this machine).
const FULL = { total: 200_000, passes: 5, warmup: 50_000 };
const QUICK = { total: 20_000, passes: 1, warmup: 2_000 };
const SHAPES = ['seq', 'order'];
const SENDERS = [1, 4];
/** [sender kind, sink kind]; the first is the reference every ratio is taken against. */
export const PAIRS = [
  ['BEAM', 'BEAM'],
  ['noderl', 'BEAM'],
  ['BEAM', 'noderl'],
  ['noderl', 'noderl'],
];
const SINK = 'bench_sink';

/** `tls`: every node on TLS distribution (bench/scenarios/tls.js). */
export async function run({ quick, tls = false }) {
  const settings = quick ? QUICK : FULL;
  const cluster = await Cluster.start({ tls });
  try {
    const pairs = await startPairs(cluster);
    for (const { b } of pairs) if (!b.hasSink) (await b.sink(SINK), (b.hasSink = true));
    // Warm-up: connections set up, JITs warm; not timed.
    for (const pair of pairs) for (const shape of SHAPES) await onePass(pair, shape, 4, settings.warmup);

    const results = [];
    for (const shape of SHAPES) {
      for (const senders of SENDERS) {
        const passes = new Map(pairs.map((p) => [p, []]));
        for (let i = 0; i < settings.passes; i++) {
          // Rotate the order of the pairs from pass to pass.
          for (let k = 0; k < pairs.length; k++) {
            const pair = pairs[(i + k) % pairs.length];
            passes.get(pair).push(await onePass(pair, shape, senders, settings.total));
          }
        }
        for (const pair of pairs) results.push(summarizePair(pair, shape, senders, passes.get(pair)));
        addRatios(results.slice(-pairs.length));
      }
    }
    return {
      table: renderTable(results),
      notes: [
        `each pass: ${settings.total} messages from A to a registered sink on B, acknowledged at the end; median of ${settings.passes} pass(es) [min-max]`,
        'A and B are separate OS processes on loopback (a noderl node runs alone in its Node process)',
        'bytes/msg: bytes A wrote to its sockets during the pass (/proc/PID/io wchar) / messages',
        'vs BEAM pair: this pair’s msgs/s over BEAM → BEAM’s in the same run (target for noderl: at least 2x)',
        'a noderl sender yields to the event loop every 100 sends (noderl has no backpressure signal; see SENDS_PER_TURN in lib/noderl-peer.js)',
      ],
      json: { settings, results },
    };
  } finally {
    await cluster.stop();
  }
}

/** Two BEAM and two noderl nodes make the four pairs; each node is A in one pair and B in another. */
async function startPairs(cluster) {
  const nodes = {
    BEAM: [await cluster.beam(), await cluster.beam()],
    noderl: [await cluster.noderl(), await cluster.noderl()],
  };
  return PAIRS.map(([ka, kb]) => ({ label: `${ka} → ${kb}`, a: nodes[ka][0], b: nodes[kb][1] }));
}

async function onePass({ label, a, b }, shape, senders, total) {
  const before = a.wchar();
  const { ns, received, bad } = await a.send({ peer: b.node, name: SINK, shape, total, senders });
  const written = a.wchar() - before;
  if (received !== total || bad !== 0) {
    throw new Error(`${label}, ${shape}, ${senders} sender(s): sent ${total}, the sink received ${received} (${bad} not as sent)`);
  }
  return { msgsPerSec: (total * 1e9) / ns, bytesPerMsg: written / total };
}

function summarizePair(pair, shape, senders, passes) {
  return {
    pair: pair.label,
    shape,
    senders,
    msgsPerSec: summarize(passes.map((p) => p.msgsPerSec)),
    bytesPerMsg: summarize(passes.map((p) => p.bytesPerMsg)).median,
    passes,
  };
}

function addRatios(group) {
  const reference = group[0].msgsPerSec.median;
  for (const row of group) row.vsBeamPair = row.msgsPerSec.median / reference;
}

const COLUMNS = [
  { key: 'message', title: 'message' },
  { key: 'senders', title: 'senders', align: 'right' },
  { key: 'pair', title: 'A → B' },
  { key: 'rate', title: 'msgs/s', align: 'right' },
  { key: 'range', title: '[min-max]', align: 'right' },
  { key: 'bytes', title: 'bytes/msg', align: 'right' },
  { key: 'ratio', title: 'vs BEAM pair', align: 'right' },
];

function renderTable(results) {
  const lines = [];
  let group = '';
  for (const r of results) {
    const key = `${r.shape}/${r.senders}`;
    const first = key !== group;
    if (first && group) lines.push(null);
    group = key;
    lines.push({
      message: first ? (r.shape === 'seq' ? '{seq, I}' : 'order 10-tuple') : '',
      senders: first ? String(r.senders) : '',
      pair: r.pair,
      rate: rate(r.msgsPerSec.median),
      range: spread(r.msgsPerSec, rate),
      bytes: sig3(r.bytesPerMsg),
      ratio: times(r.vsBeamPair),
    });
  }
  return table(COLUMNS, lines);
}
