// A peer that stops reading (issue 17): a BEAM peer is frozen with kill -STOP, and two sender
// nodes, one BEAM and one noderl, each send it {seq, Self, I, <<1 KB>>} as fast as they may for
// 30 s. ERTS suspends the BEAM sender once its connection's queue passes dist_buf_busy_limit
// (+zdbbl, 1 MiB by default); the noderl sender awaits `self.send`, which waits past
// distBufBusyLimit (1 MiB by default, as OTP). The resident set size of each sender is sampled
// every second (/proc/PID/status VmRSS), with the messages sent so far and the bytes queued.
// net_ticktime is 60 s everywhere, so the frozen peer is not dropped within the 30 s. After
// kill -CONT every message must reach the peer's sink in order, or the scenario fails.
//
// For contrast, a third sender, noderl again, sends without awaiting (what every noderl sender
// did before the busy limit): it runs for a few seconds only, after the others' window, and is
// stopped early past 1.5 GiB, since its queue has no bound until net_ticktime drops the peer.
// Its messages are not checked: it is killed before kill -CONT.
//
// The bytes queued are each sender's own figure: noderl's `Connection.stats().sendQueueBytes`
// (its outbox and the socket's buffer, everything the kernel has not taken); the BEAM's dist
// port's driver queue (`port_info(Port, queue_size)`), which stops at the port's busy mark, while
// the dist entry's buffer in front of it (up to +zdbbl) has no BIF to read it.

import { Cluster } from '../lib/dist-peers.js';
import { rate, sig3, table } from '../lib/format.js';
import { summarize } from '../lib/measure.js';

export const description = 'a kill -STOPped peer: sender RSS over 30 s of 1 KB sends, BEAM and noderl senders side by side';

const FULL = { runs: 3, seconds: 30, unboundedSeconds: 3 };
const QUICK = { runs: 1, seconds: 5, unboundedSeconds: 1 };
/** The sender that does not await is stopped once its RSS passes this (KiB). */
const UNBOUNDED_CAP_KIB = 1.5 * 1024 * 1024;
const UNBOUNDED = 'noderl, not awaiting';
const TICKTIME = 60;
const BYTES = 1024;
/** Seconds into the window after which a bounded sender has long been stalled: its sends from then on are counted apart. */
const SETTLE_S = 10;
const KINDS = ['BEAM', 'noderl'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function run({ quick }) {
  const settings = quick ? QUICK : FULL;
  const cluster = await Cluster.start();
  try {
    const runs = [];
    for (let i = 0; i < settings.runs; i++) runs.push(await oneRun(cluster, settings));
    const results = [...KINDS, UNBOUNDED].map((kind) => ({ kind, ...summarizeRuns(runs.map((r) => r[kind]), settings.seconds) }));
    return {
      table: renderTable(results),
      notes: [
        `${settings.runs} run(s), fresh nodes each; median [min-max] over runs; RSS in MiB from /proc/PID/status, sampled every second`,
        `each sender sends {seq, Self, I, <<${BYTES} bytes>>} in one process, as fast as it may, to a BEAM peer frozen with kill -STOP; net_ticktime ${TICKTIME} s on all three nodes`,
        'default limits on both: erl +zdbbl 1024 (1 MiB), Node.start distBufBusyLimit 1 MiB; the noderl sender awaits self.send',
        `"${UNBOUNDED}": a third sender that does not await self.send (yields every 100 sends), for ${settings.unboundedSeconds} s only after the others' window (stopped past ${UNBOUNDED_CAP_KIB / 1024 / 1024} GiB); its growth is per second of that window`,
        `"sent after ${SETTLE_S} s": messages sent between second ${SETTLE_S} and the end, when the kernel's buffers toward the frozen peer are long full`,
        'queued: noderl, its outbox and socket buffer (sendQueueBytes); BEAM, the dist port\'s driver queue only (the dist entry buffer before it is not readable)',
        'after kill -CONT every message reached the peer in order (checked per sender; a loss fails the scenario)',
      ],
      json: { settings: { ...settings, ticktime: TICKTIME, bytes: BYTES }, results, runs },
    };
  } finally {
    await cluster.stop();
  }
}

/** One run: a fresh frozen peer and fresh senders; per kind, the samples of each second. */
async function oneRun(cluster, { seconds, unboundedSeconds }) {
  const victim = await cluster.beam({ ticktime: TICKTIME });
  const senders = {};
  let frozen = false;
  try {
    await victim.orderedSink('sink');
    for (const kind of [...KINDS, UNBOUNDED]) {
      senders[kind] = await cluster.start(kind === UNBOUNDED ? 'noderl' : kind, { ticktime: TICKTIME });
      await senders[kind].connect(victim.node);
    }
    await sleep(1000);
    const before = Object.fromEntries(KINDS.map((k) => [k, senders[k].rssKiB()]));
    victim.signal('SIGSTOP');
    frozen = true;
    await Promise.all(KINDS.map((k) => senders[k].flood({ peer: victim.node, name: 'sink', bytes: BYTES })));
    const samples = Object.fromEntries(KINDS.map((k) => [k, []]));
    const t0 = performance.now();
    for (let s = 1; s <= seconds; s++) {
      await sleep(Math.max(0, t0 + s * 1000 - performance.now()));
      for (const k of KINDS) samples[k].push({ s, rssKiB: senders[k].rssKiB(), ...(await senders[k].floodStats()) });
    }
    const unbounded = await floodUnbounded(senders[UNBOUNDED], victim, unboundedSeconds);
    await cluster.stopPeer(senders[UNBOUNDED]); // before kill -CONT: its queue is not for the peer to read
    victim.signal('SIGCONT');
    frozen = false;
    const out = { [UNBOUNDED]: unbounded };
    for (const k of KINDS) {
      const { sent, acked } = await senders[k].floodFinish();
      if (acked !== sent) throw new Error(`${k} sender: ${sent} sent, the frozen peer's sink counted ${acked} in order`);
      out[k] = { beforeKiB: before[k], samples: samples[k], sent };
    }
    return out;
  } finally {
    if (frozen) victim.signal('SIGCONT');
    for (const p of [victim, ...Object.values(senders)]) await cluster.stopPeer(p);
  }
}

/** The noderl `sender` (connected, idle) floods without awaiting for `seconds` at most; the caller kills it afterwards. */
async function floodUnbounded(sender, victim, seconds) {
  const beforeKiB = sender.rssKiB();
  await sender.flood({ peer: victim.node, name: 'sink', bytes: BYTES, awaitSends: false });
  const samples = [];
  const t0 = performance.now();
  for (let s = 1; s <= seconds; s++) {
    await sleep(Math.max(0, t0 + s * 1000 - performance.now()));
    samples.push({ s, rssKiB: sender.rssKiB(), ...(await sender.floodStats()) });
    if (samples[samples.length - 1].rssKiB > UNBOUNDED_CAP_KIB) break;
  }
  return { beforeKiB, samples, sent: samples[samples.length - 1].sent, perSecond: true };
}

function summarizeRuns(runs, seconds) {
  const mib = (kib) => kib / 1024;
  const last = (r) => r.samples[r.samples.length - 1];
  const at = (r, s) => r.samples.find((x) => x.s === s) ?? r.samples[0];
  return {
    beforeMiB: summarize(runs.map((r) => mib(r.beforeKiB))),
    peakMiB: summarize(runs.map((r) => mib(Math.max(...r.samples.map((x) => x.rssKiB))))),
    endMiB: summarize(runs.map((r) => mib(last(r).rssKiB))),
    growthMiB: summarize(runs.map((r) => mib(Math.max(...r.samples.map((x) => x.rssKiB)) - r.beforeKiB) / (r.perSecond ? last(r).s : 1))),
    perSecond: runs.some((r) => r.perSecond),
    sent: summarize(runs.map((r) => last(r).sent)),
    sentLate: summarize(runs.map((r) => last(r).sent - at(r, Math.min(SETTLE_S, seconds)).sent)),
    queuedEnd: summarize(runs.map((r) => last(r).queued)),
    busyEnd: runs.map((r) => last(r).busy),
  };
}

const COLUMNS = [
  { key: 'kind', title: 'sender' },
  { key: 'before', title: 'RSS before MiB', align: 'right' },
  { key: 'peak', title: 'peak MiB', align: 'right' },
  { key: 'end', title: 'at end MiB', align: 'right' },
  { key: 'growth', title: 'growth MiB', align: 'right' },
  { key: 'growthRange', title: '[min-max]', align: 'right' },
  { key: 'sent', title: 'messages sent', align: 'right' },
  { key: 'late', title: `sent after ${SETTLE_S} s`, align: 'right' },
  { key: 'queued', title: 'queued at end', align: 'right' },
  { key: 'waiting', title: 'sender waits at end', align: 'right' },
];

function renderTable(results) {
  return table(
    COLUMNS,
    results.map((r) => ({
      kind: r.kind,
      before: sig3(r.beforeMiB.median),
      peak: sig3(r.peakMiB.median),
      end: sig3(r.endMiB.median),
      growth: sig3(r.growthMiB.median) + (r.perSecond ? '/s' : ''),
      growthRange: `[${sig3(r.growthMiB.min)} to ${sig3(r.growthMiB.max)}]`,
      sent: rate(r.sent.median),
      late: r.perSecond ? '-' : String(r.sentLate.median),
      queued: kib(r.queuedEnd.median),
      waiting: r.perSecond ? 'no (busy)' : r.busyEnd.every((b) => b === 1) ? 'yes' : r.busyEnd.join('/'),
    })),
  );
}

function kib(n) {
  if (n < 0) return '-';
  return n >= 1024 * 1024 ? `${sig3(n / 1024 / 1024)} MiB` : `${sig3(n / 1024)} KiB`;
}
