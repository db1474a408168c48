// Child process: one noderl node that plays A or B of a distribution scenario, driven over the
// fork IPC channel by bench/lib/dist-peers.js. It answers the commands bench/erl/dist_bench.erl
// answers, with the same meaning, through noderl's public API only (Node, self.send/receive,
// node.connect, 'nodedown'), so the BEAM and noderl figures come from the same work.
//
// Each request is { id, cmd, ...args }; each reply { id, ok: true, ...result } or
// { id, ok: false, error }. A noderl node gets a process of its own so that noderl↔noderl pairs
// do not share one event loop, as two BEAM nodes do not share schedulers.

import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { NODERL_MODULE } from './noderl-module.js';
import { ECHO_SERVER, echo, roundTrip } from './round-trip.js';

const lib = await import(NODERL_MODULE);
const { Node, atom, tuple, isTuple, Pid } = lib;

const SEQ = atom('seq');
const ORDER = atom('order');
const RESET = atom('reset');
const RESET_OK = atom('reset_ok');
const DONE = atom('done');
const ACK = atom('ack');
const EURUSD = atom('EURUSD');
const BUY = atom('buy');
const LIMIT = atom('limit');
const CLIENT = Buffer.from('client-7f3a');

// A sender yields to the event loop after this many sends, so the connection's per-turn flush
// writes them out; without it, a million sends would queue a million frames before one write.
// Measured on this machine (noderl → BEAM, {seq, I}): 30 and 100 per turn do best; at 1,000 the
// 4-sender rate falls 2-3x and at 10,000 both do (bigger bursts, more garbage per flush).
const SENDS_PER_TURN = 100;

let node;
const watchers = new Map(); // peer node -> { at?: number, waiting?: (us) => void }
let pgWatch; // { at?: number, waiting: ((us) => void)[] }: the pg_watch of the current run
let flood; // { peer, sent, stop, done }: the flood of the current run
let tracing; // { stop(): { gc, eld } } between trace_start and trace_stop

const commands = {
  async start({ sname, cookie, epmdPort, ticktime, hidden, tls }) {
    node = await Node.start({ sname, cookie, epmdPort, ticktime, hidden, tls, log: () => {} });
    node.on('nodedown', (peer) => {
      const w = watchers.get(peer);
      if (!w || w.at !== undefined) return;
      w.at = wallMicros();
      w.waiting?.(w.at);
    });
    return { node: node.name };
  },

  sink({ name }) {
    node.register(name, node.spawn(sink));
    return {};
  },

  echo({ name }) {
    node.register(name, node.spawn(echo(lib)));
    return {};
  },

  async connect({ peer }) {
    if (node.nodes('connected').includes(peer)) return { ns: -1 }; // already up: nothing to time
    const t0 = process.hrtime.bigint();
    const up = await node.connect(peer);
    const ns = Number(process.hrtime.bigint() - t0);
    if (!up) throw new Error(`cannot connect to ${peer}`);
    return { ns };
  },

  disconnect({ peer }) {
    node.disconnect(peer);
    return {};
  },

  async send({ peer, name, shape, total, senders }) {
    if (!(await node.connect(peer))) throw new Error(`cannot connect to ${peer}`);
    const dest = tuple(atom(name), atom(peer));
    return runInProcess(async (self) => {
      self.send(dest, tuple(RESET, self.pid));
      if ((await self.receive({ timeout: 30_000 })) !== RESET_OK) throw new Error('the sink did not answer reset');
      const counts = split(total, senders);
      const t0 = process.hrtime.bigint();
      const acks = await Promise.all(counts.map((n) => runInProcess((s) => sendMany(s, dest, shape, n))));
      const ns = Number(process.hrtime.bigint() - t0);
      const last = acks.reduce((a, b) => (b.received > a.received ? b : a));
      return { ns, received: last.received, bad: last.bad };
    });
  },

  /** As dist_bench.erl's roundtrips: per pass [p50, p99, p99.9, max] in ns, and the `slowest` slowest as [unix µs, ns]. */
  async roundtrips({ kind, peer, name, warmup, count, passes, slowest = 0 }) {
    if (!(await node.connect(peer))) throw new Error(`cannot connect to ${peer}`);
    const dest = tuple(atom(name), atom(peer));
    return runInProcess(async (self) => {
      const trip = roundTrip(lib, node, kind, self, dest);
      if (!trip) return callSlot(kind);
      for (let i = 1; i <= warmup; i++) await trip(i);
      const stats = [];
      const slow = [];
      const samples = new Float64Array(count);
      const starts = new Float64Array(count); // ns since `origin`
      for (let p = 0; p < passes; p++) {
        const wall0 = wallMicros();
        const origin = process.hrtime.bigint();
        for (let i = 0; i < count; i++) {
          const t0 = process.hrtime.bigint();
          await trip(i + 1);
          samples[i] = Number(process.hrtime.bigint() - t0);
          starts[i] = Number(t0 - origin);
        }
        stats.push(percentiles(samples));
        if (slowest > 0) slow.push(slowestOf(samples, starts, slowest).map((i) => [wall0 + Math.round(starts[i] / 1000), samples[i]]));
      }
      return { passes: stats, slowest: slow };
    });
  },

  /**
   * Starts recording this node's GC pauses (`perf_hooks` 'gc' entries) and its event-loop delay
   * (`monitorEventLoopDelay`, sampled every 10 ms), for `trace_stop` to report.
   */
  trace_start() {
    tracing?.stop();
    tracing = startTrace();
    return {};
  },

  /** What was recorded since trace_start: `gc` as [unix µs start, µs, kind], `eld` percentiles in µs. */
  trace_stop() {
    const t = tracing;
    tracing = undefined;
    if (!t) throw new Error('no trace_start');
    return t.stop();
  },

  /** The echo gen_server of dist_bench.erl (every call answered with its request), when noderl has GenServer. */
  async echo_server({ name }) {
    if (typeof node.startGenServer !== 'function') return { unsupported: 'noderl GenServer: not built yet' };
    await node.startGenServer(ECHO_SERVER, { name });
    return {};
  },

  watch({ peer }) {
    watchers.set(peer, {});
    return {};
  },

  nodedown_at({ peer, timeoutMs }) {
    const w = watchers.get(peer);
    if (!w) throw new Error(`not watching ${peer}`);
    if (w.at !== undefined) return { us: w.at };
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no nodedown of ${peer} within ${timeoutMs} ms`)), timeoutMs);
      w.waiting = (us) => (clearTimeout(timer), resolvePromise({ us }));
    });
  },
  /** dist_bench.erl's pg_join: `count` new processes join `group` of the default scope, one join at a time. */
  async pg_join({ group, count }) {
    const g = atom(group);
    const pids = Array.from({ length: count }, () => node.spawn((self) => self.receive()));
    const t0 = wallMicros();
    for (const pid of pids) await node.pg.join(g, pid);
    return { us: [t0, wallMicros()] };
  },

  /** dist_bench.erl's pg_watch: a process that counts `group`'s members from pg:monitor notifications. */
  async pg_watch({ group, count }) {
    const g = atom(group);
    let ready;
    const watching = new Promise((r) => (ready = r));
    pgWatch = { at: undefined, waiting: [] };
    const w = pgWatch;
    node.spawn(async (self) => {
      const { ref, members } = await node.pg.monitor(self, g);
      ready();
      let n = members.length;
      for (;;) {
        if (n >= count && w.at === undefined) {
          w.at = wallMicros();
          for (const resolveSeen of w.waiting.splice(0)) resolveSeen(w.at);
        }
        const m = await self.receive({ match: (x) => isTuple(x) && x.length === 4 && x[0].equals?.(ref) });
        n += m[1] === atom('join') ? m[3].length : -m[3].length;
      }
    });
    await watching;
    return {};
  },

  pg_seen({ timeoutMs }) {
    const w = pgWatch;
    if (!w) throw new Error('no pg_watch');
    if (w.at !== undefined) return { us: w.at };
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`the group was not complete within ${timeoutMs} ms`)), timeoutMs);
      w.waiting.push((us) => (clearTimeout(timer), resolvePromise({ us })));
    });
  },

  /**
   * dist_bench.erl's flood: one process sends {seq, Self, I, <<bytes>>} to {name, peer} with
   * `await self.send`, which waits while the connection is busy, until flood_finish. With
   * `awaitSends: false` it does not await (yielding every SENDS_PER_TURN sends, as sendMany),
   * which is what every sender did before the busy limit: the queue grows without bound.
   */
  async flood({ peer, name, bytes, awaitSends = true }) {
    if (!(await node.connect(peer))) throw new Error(`cannot connect to ${peer}`);
    const dest = tuple(atom(name), atom(peer));
    const payload = Buffer.alloc(bytes, 7);
    const f = (flood = { peer, sent: 0, stop: false });
    f.done = runInProcess(async (self) => {
      while (!f.stop) {
        if (awaitSends) await self.send(dest, tuple(SEQ, self.pid, f.sent, payload));
        else {
          self.send(dest, tuple(SEQ, self.pid, f.sent, payload));
          if (f.sent % SENDS_PER_TURN === 0) await new Promise(setImmediate);
        }
        f.sent++;
      }
      self.send(dest, tuple(DONE, self.pid));
      const ack = await self.receive({ timeout: 300_000 });
      return { sent: f.sent, acked: isTuple(ack) && ack[0] === ACK ? ack[1] : -1 };
    });
    return {};
  },

  /** Messages sent so far, the bytes queued toward the peer (Connection.stats), whether the connection is busy. */
  flood_stats() {
    const conn = node.netKernel.connection(flood.peer);
    return { sent: flood.sent, queued: conn ? conn.stats().sendQueueBytes : -1, busy: conn?.busy ? 1 : 0 };
  },

  flood_finish() {
    flood.stop = true;
    return flood.done;
  },

  /** When node.nodes() first had `count` nodes and node.global.sync() then resolved (dist_bench.erl's mesh_wait). */
  async mesh_wait({ count, timeoutMs }) {
    // Looked at on each nodeup and every 100 ms besides, as dist_bench.erl's wait_nodes does.
    const deadline = Date.now() + timeoutMs;
    let wake = () => {};
    const onNodeup = () => wake();
    node.on('nodeup', onNodeup);
    try {
      while (node.nodes().length < count) {
        if (Date.now() > deadline) throw new Error(`nodes() has ${node.nodes().length} of ${count} after ${timeoutMs} ms`);
        await new Promise((r) => {
          const timer = setTimeout(r, 100);
          wake = () => (clearTimeout(timer), r());
        });
      }
    } finally {
      node.off('nodeup', onNodeup);
    }
    await node.global.sync();
    return { us: wallMicros() };
  },
};

/** What a kind of round trip reports when this build of noderl cannot make it. */
function callSlot(kind) {
  return { unsupported: `${kind} from noderl: not built` };
}

/** Runs `fn(self)` as a noderl process and resolves with what it returns (rejects if it throws). */
function runInProcess(fn) {
  return new Promise((resolvePromise, reject) => {
    node.spawn(async (self) => {
      try {
        resolvePromise(await fn(self));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** The sink of dist_bench.erl: counts the two message shapes, answers reset and done. */
async function sink(self) {
  let received = 0;
  let bad = 0;
  for (;;) {
    const m = await self.receive();
    if (isTuple(m) && (m[0] === SEQ || (m[0] === ORDER && isOrder(m)))) received++;
    else if (isTuple(m) && m.length === 2 && m[0] === RESET && m[1] instanceof Pid) {
      received = 0;
      bad = 0;
      self.send(m[1], RESET_OK);
    } else if (isTuple(m) && m.length === 2 && m[0] === DONE && m[1] instanceof Pid) {
      self.send(m[1], tuple(ACK, received, bad));
    } else bad++;
  }
}

function isOrder(m) {
  return (
    m.length === 10 && m[2] === EURUSD && m[3] === BUY && m[4] === 1000000 && m[5] === -42 &&
    Buffer.isBuffer(m[6]) && m[6].equals(CLIENT) && m[7] === true && m[8] === LIMIT && m[9] === 1700000000
  );
}

async function sendMany(self, dest, shape, n) {
  for (let i = 1; i <= n; i++) {
    self.send(dest, shape === 'seq' ? tuple(SEQ, i) : tuple(ORDER, i, EURUSD, BUY, 1000000, -42, CLIENT, true, LIMIT, 1700000000));
    if (i % SENDS_PER_TURN === 0) await new Promise(setImmediate);
  }
  self.send(dest, tuple(DONE, self.pid));
  const ack = await self.receive({ timeout: 600_000 });
  if (!isTuple(ack) || ack[0] !== ACK) throw new Error(`the sink did not acknowledge: ${String(ack)}`);
  return { received: ack[1], bad: ack[2] };
}

function split(total, parts) {
  return Array.from({ length: parts }, (_, k) => Math.floor(total / parts) + (k < total % parts ? 1 : 0));
}

/** p50, p99, p99.9, max by rank, as dist_bench.erl's percentiles/1. */
function percentiles(samples) {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const rank = (p) => sorted[Math.min(n - 1, Math.floor(p * n))];
  return [rank(0.5), rank(0.99), rank(0.999), sorted[n - 1]];
}

/** Indices of the `k` largest samples, largest first. */
function slowestOf(samples, starts, k) {
  const order = Array.from(samples.keys()).sort((a, b) => samples[b] - samples[a] || starts[a] - starts[b]);
  return order.slice(0, k);
}

const GC_KINDS = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks' };

function startTrace() {
  const gc = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc.push([Math.round((performance.timeOrigin + e.startTime) * 1000), Math.round(e.duration * 1000), GC_KINDS[e.detail?.kind] ?? String(e.detail?.kind)]);
  });
  observer.observe({ entryTypes: ['gc'] });
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  return {
    stop() {
      // Entries of the last GCs are delivered on a later turn: take what is still buffered.
      for (const e of observer.takeRecords?.() ?? []) gc.push([Math.round((performance.timeOrigin + e.startTime) * 1000), Math.round(e.duration * 1000), GC_KINDS[e.detail?.kind] ?? String(e.detail?.kind)]);
      observer.disconnect();
      eld.disable();
      const us = (ns) => Math.round(ns / 1000);
      return { gc, eld: { p50: us(eld.percentile(50)), p99: us(eld.percentile(99)), p999: us(eld.percentile(99.9)), max: us(eld.max), count: eld.count } };
    },
  };
}

/** Wall-clock µs, comparable with the coordinator's and with the BEAM's os:system_time(microsecond). */
function wallMicros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

process.on('message', async ({ id, cmd, ...args }) => {
  try {
    const handler = commands[cmd];
    if (!handler) throw new Error(`unknown command ${cmd}`);
    process.send({ id, ok: true, ...(await handler(args)) });
  } catch (err) {
    process.send({ id, ok: false, error: err?.stack ?? String(err) });
  }
});
// The coordinator going away closes the channel: nothing here may outlive it.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
