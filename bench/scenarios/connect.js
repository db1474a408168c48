// Scenario 6, "connect" (shared/bench/README.md): how long node A takes to connect to node B —
// port-mapper lookup, TCP connect and the whole handshake, until A counts B as connected
// (`net_kernel:connect_node/1` returning true; noderl's `node.connect` resolving true).
//
//   fresh:     A has never seen B (a B node started for that one sample, warmed up by a connection
//              to a third node first: see warmUp)
//   reconnect: A disconnects from B (erlang:disconnect_node / node.disconnect), lets both sides
//              see it, and connects again
//
// Timed inside A. Pairs as in throughput.js; A stays up for all of a pair's samples. A connect
// that fails fails the scenario.

import { Cluster } from '../lib/dist-peers.js';
import { sig3, spread, table, times } from '../lib/format.js';
import { summarize } from '../lib/measure.js';
import { PAIRS } from './throughput.js';

export const description = 'fresh connect (port mapper + TCP + handshake) and reconnect after a disconnect, p50 in ms';

const FULL = { fresh: 7, reconnects: 25 };
const QUICK = { fresh: 1, reconnects: 3 };
/** Time for both sides to take a disconnected connection down before the next connect (not timed). */
const SETTLE_MS = 100;

export async function run({ quick }) {
  const settings = quick ? QUICK : FULL;
  const cluster = await Cluster.start();
  try {
    // Hidden dialers: otherwise global meshes A and B again through the warmer as soon as they
    // disconnect (BEAM and noderl alike), and a reconnect could not be timed. The handshake is the
    // same but for the PUBLISHED flag.
    const dialers = { BEAM: await cluster.beam({ hidden: true }), noderl: await cluster.noderl({ hidden: true }) };
    const warmer = await cluster.beam();
    const results = [];
    for (const [ka, kb] of PAIRS) {
      const a = dialers[ka];
      const fresh = [];
      let b;
      for (let i = 0; i < settings.fresh; i++) {
        if (b) await cluster.stopPeer(b);
        b = await cluster.start(kb);
        await warmUp(b, warmer);
        fresh.push(await timedConnect(a, b));
      }
      const reconnect = [];
      for (let i = 0; i < settings.reconnects; i++) reconnect.push(await reconnectOnce(a, b));
      await cluster.stopPeer(b);
      results.push({ pair: `${ka} → ${kb}`, fresh: summarize(fresh), reconnect: summarize(reconnect), samples: { fresh, reconnect } });
    }
    for (const r of results) {
      r.freshVsBeamPair = r.fresh.median / results[0].fresh.median;
      r.reconnectVsBeamPair = r.reconnect.median / results[0].reconnect.median;
    }
    return {
      table: renderTable(results),
      notes: [
        `fresh: ${settings.fresh} samples, each against a B node started for it; reconnect: ${settings.reconnects} samples against the last B, ${SETTLE_MS} ms after each disconnect`,
        'timed inside A: net_kernel:connect_node/1 (BEAM) or node.connect (noderl), port mapper lookup included',
        'A is a hidden node (erl -hidden / hidden: true), so that global does not re-mesh A and B after a disconnect',
        'vs BEAM pair: this pair’s p50 over BEAM → BEAM’s (target for noderl: at most 2x)',
      ],
      json: { settings, results },
    };
  } finally {
    await cluster.stop();
  }
}

/** ms for A to connect to B; fails when they were connected already (nothing would be timed). */
async function timedConnect(a, b) {
  const ns = await a.connect(b.node);
  if (ns < 0) throw new Error(`${a.node} was already connected to the fresh node ${b.node}`);
  return ns / 1e6;
}

/**
 * Disconnects A from B and times the next connect. Something may connect the pair again before
 * A does (a BEAM's `global` does, now and then); then the sample is taken again.
 */
async function reconnectOnce(a, b) {
  for (let attempt = 0; attempt < 5; attempt++) {
    await a.disconnect(b.node);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const ns = await a.connect(b.node);
    if (ns >= 0) return ns / 1e6;
  }
  throw new Error(`${a.node} and ${b.node} stay connected after 5 disconnects`);
}

/**
 * A node just started has not run its distribution code yet (a BEAM in interactive mode loads
 * dist_util and friends on the first connection, a noderl node's JIT is cold): B connects to a
 * third node and disconnects first, so a fresh sample times a new pair, not a cold node.
 */
async function warmUp(b, warmer) {
  await b.connect(warmer.node);
  await b.disconnect(warmer.node);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  await warmer.connect(b.node);
  await warmer.disconnect(b.node);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
}

const COLUMNS = [
  { key: 'pair', title: 'A → B' },
  { key: 'fresh', title: 'fresh p50 ms', align: 'right' },
  { key: 'freshRange', title: '[min-max]', align: 'right' },
  { key: 'freshRatio', title: 'vs BEAM pair', align: 'right' },
  { key: 'reconnect', title: 'reconnect p50 ms', align: 'right' },
  { key: 'reconnectRange', title: '[min-max]', align: 'right' },
  { key: 'reconnectRatio', title: 'vs BEAM pair', align: 'right' },
];

function renderTable(results) {
  return table(
    COLUMNS,
    results.map((r) => ({
      pair: r.pair,
      fresh: sig3(r.fresh.median),
      freshRange: spread(r.fresh),
      freshRatio: times(r.freshVsBeamPair),
      reconnect: sig3(r.reconnect.median),
      reconnectRange: spread(r.reconnect),
      reconnectRatio: times(r.reconnectVsBeamPair),
    })),
  );
}
