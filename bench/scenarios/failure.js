// Scenario 7, "failure detection" (shared/bench/README.md): how long an observer node takes to
// see nodedown when its peer fails.
//
//   kill -9:   the peer's OS process is killed; its kernel closes the socket, so the observer
//              should know within milliseconds
//   kill -STOP: the peer is frozen, its socket stays open; only ticks can tell. net_ticktime is 4 s
//              on both sides, so nodedown must come 3–5 s later (OTP: a peer silent for 4 tick
//              intervals of ticktime/4 is dropped)
//
// Observers of both kinds watch victims of both kinds: BEAM (monitor_node/2) and noderl (the
// node's 'nodedown' event). Each sample has a fresh victim. The instant of the signal (taken here)
// and the instant of nodedown (taken in the observer) are both wall-clock µs, the only clock the
// three processes share. A nodedown that never comes fails the scenario; one outside 3–5 s is
// reported, not failed (benchmarks never fail on speed).

import { Cluster } from '../lib/dist-peers.js';
import { sig3, spread, table } from '../lib/format.js';
import { summarize } from '../lib/measure.js';

export const description = 'kill -9 and kill -STOP (net_ticktime 4) of a peer → nodedown, BEAM and noderl observers';

const FULL = { kills: 5, stops: 5 };
const QUICK = { kills: 1, stops: 1 };
const TICKTIME = 4;
const KINDS = ['BEAM', 'noderl'];
/** [observer kind, victim kind]; the first is the reference. */
const PAIRS = KINDS.flatMap((o) => KINDS.map((v) => [o, v]));

export async function run({ quick }) {
  const settings = quick ? QUICK : FULL;
  const cluster = await Cluster.start();
  try {
    const observers = { BEAM: await cluster.beam({ ticktime: TICKTIME }), noderl: await cluster.noderl({ ticktime: TICKTIME }) };
    const kill9 = new Map(PAIRS.map((p) => [p, []]));
    const stop = new Map(PAIRS.map((p) => [p, []]));
    // kill -9 is a millisecond figure: one victim at a time, so nothing else runs meanwhile.
    for (let i = 0; i < settings.kills; i++) {
      for (const pair of PAIRS) kill9.get(pair).push((await detect(cluster, observers, [pair], 'SIGKILL'))[0] / 1000);
    }
    // kill -STOP is a figure in seconds, set by the tick timers: the four pairs run together.
    for (let i = 0; i < settings.stops; i++) {
      const us = await detect(cluster, observers, PAIRS, 'SIGSTOP');
      PAIRS.forEach((pair, k) => stop.get(pair).push(us[k] / 1e6));
    }
    const results = PAIRS.map((pair) => ({
      observer: pair[0],
      victim: pair[1],
      kill9Ms: summarize(kill9.get(pair)),
      stopS: summarize(stop.get(pair)),
      samples: { kill9Ms: kill9.get(pair), stopS: stop.get(pair) },
    }));
    const outside = results.flatMap((r) => r.samples.stopS.filter((s) => s < 3 || s > 5).map((s) => `${r.observer} observing ${r.victim}: ${sig3(s)} s`));
    return {
      table: renderTable(results),
      notes: [
        `kill -9: ${settings.kills} sample(s) per pair, one at a time; kill -STOP: ${settings.stops} sample(s) per pair, the four pairs at once; median [min-max]`,
        `net_ticktime ${TICKTIME} s on observers and victims (erl -kernel net_ticktime ${TICKTIME}; Node.start({ ticktime: ${TICKTIME} }))`,
        'from the signal (sent by the bench) to nodedown in the observer, both in wall-clock µs',
        outside.length ? `kill -STOP outside 3-5 s: ${outside.join('; ')}` : 'every kill -STOP sample fell within 3-5 s',
      ],
      json: { settings: { ...settings, ticktime: TICKTIME }, results },
    };
  } finally {
    await cluster.stop();
  }
}

/**
 * For each [observer, victim kind] pair: a fresh victim, connected to and watched by the
 * observer; then `signal` to every victim at once; resolves with the µs from the signal to each
 * observer's nodedown. Victims are killed afterwards.
 */
async function detect(cluster, observers, pairs, signal) {
  const victims = [];
  try {
    for (const [o, v] of pairs) {
      const victim = await cluster.start(v, { ticktime: TICKTIME });
      victims.push(victim);
      await observers[o].connect(victim.node);
      await observers[o].watch(victim.node);
    }
    const t0 = wallMicros();
    for (const victim of victims) victim.signal(signal);
    return await Promise.all(pairs.map(([o], k) => observers[o].nodedownAt(victims[k].node, 30_000).then((us) => us - t0)));
  } finally {
    for (const victim of victims) {
      if (signal === 'SIGSTOP') victim.signal('SIGKILL');
      await cluster.stopPeer(victim);
    }
  }
}

/** Wall-clock µs, as noderl-peer.js and os:system_time(microsecond) take it. */
function wallMicros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

const COLUMNS = [
  { key: 'observer', title: 'observer' },
  { key: 'victim', title: 'peer killed' },
  { key: 'kill9', title: 'kill -9 → nodedown ms', align: 'right' },
  { key: 'kill9Range', title: '[min-max]', align: 'right' },
  { key: 'stop', title: 'kill -STOP → nodedown s', align: 'right' },
  { key: 'stopRange', title: '[min-max]', align: 'right' },
];

function renderTable(results) {
  return table(
    COLUMNS,
    results.map((r) => ({
      observer: r.observer,
      victim: r.victim,
      kill9: sig3(r.kill9Ms.median),
      kill9Range: spread(r.kill9Ms),
      stop: sig3(r.stopS.median),
      stopRange: spread(r.stopS),
    })),
  );
}
