// The soak (issue 17): five nodes, BEAM and noderl, each in its own network namespace on one
// bridge, send to each other steadily for a few minutes while a seeded script kills, freezes and
// partitions them, one fault at a time. What a node sends and checks is in bench/erl/soak_node.erl
// (bench/lib/soak-node.js is its noderl twin).
//
// Reported: messages sent and delivered; messages lost where the connection was seen to go down
// (Erlang allows that); messages lost or reordered between a pair that stayed connected (must be 0:
// the scenario fails otherwise); nodedowns seen against those the faults should cause; and each
// node's RSS at the start and at the end.
//
//   npm run bench -- soak               180 s of faults (SOAK_SECONDS), seed SOAK_SEED (default 1)
//   npm run bench -- --quick soak       30 s

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { noderlNodeFlags } from '../lib/dist-peers.js';
import { compileErlang, makeTempDir, track } from '../lib/erl.js';
import { bytes, table } from '../lib/format.js';
import { createTopology } from '../../test/support/netns.js';

export const description = '5 mixed nodes (3 noderl, 2 BEAM) in network namespaces under load, while a seeded script kills, freezes and partitions them';

const KINDS = ['beam', 'noderl', 'beam', 'noderl', 'noderl'];
const TICKTIME = 4;
/** Messages a second from each node to each peer. */
const RATE = 200;
/** A short fault is well under the ticktime (nothing should go down), a long one well over it. */
const SHORT_MS = 1000;
const LONG_MS = 3 * TICKTIME * 1000;
/** After each fault: time for the mesh to form again before the next one. */
const SETTLE_MS = [6000, 10000];
const WARMUP_MS = 8000;
const FAULTS = ['kill', 'freeze-short', 'freeze-long', 'partition-short', 'partition-long'];
const HERE = fileURLToPath(new URL('.', import.meta.url));
const SOAK_NODE_JS = join(HERE, '../lib/soak-node.js');

export async function run({ quick }) {
  const seconds = quick ? 30 : Number(process.env.SOAK_SECONDS ?? 180);
  const seed = Number(process.env.SOAK_SEED ?? 1);
  const random = mulberry32(seed);
  const dir = makeTempDir('noderl-soak-');
  const beamDir = await compileErlang([join(HERE, '../erl/soak_node.erl')]);
  const cookie = `soak${Math.floor(random() * 1e9)}`;
  // Throws with the reason when this machine cannot make namespaces (not root, no iproute2).
  const net = createTopology(KINDS.map((_, i) => `n${i + 1}`));
  const nodeFlags = await noderlNodeFlags();
  const nodes = KINDS.map((kind, i) => ({ kind, name: `${kind === 'beam' ? 'b' : 'n'}${i + 1}@${net.address(`n${i + 1}`)}`, label: `n${i + 1}`, incs: 0 }));
  const stop = join(dir, 'stop');
  const log = [];
  let t0;
  try {
    for (const n of nodes) await net.startEpmd(n.label);
    for (const n of nodes) start(n);
    await sleep(WARMUP_MS);
    for (const n of nodes) n.rssStart = rss(n.child.pid);
    t0 = Date.now();
    const until = t0 + seconds * 1000;
    while (Date.now() < until) {
      const fault = FAULTS[Math.floor(random() * FAULTS.length)];
      const victim = nodes[Math.floor(random() * nodes.length)];
      const entry = { at: Math.round((Date.now() - t0) / 1000), fault, node: victim.name, from: Date.now() };
      log.push(entry);
      await inflict(fault, victim);
      entry.to = Date.now();
      await sleep(SETTLE_MS[0] + random() * (SETTLE_MS[1] - SETTLE_MS[0]));
    }
    // Quiet: every node up and unfrozen, the mesh formed again, then the senders stop.
    await sleep(5000);
    for (const n of nodes) n.rssEnd = rss(n.child.pid);
    writeFileSync(stop, '');
    await waitFor(() => nodes.every((n) => existsSync(`${statsFile(n)}.done`)), 15000);
  } finally {
    for (const n of nodes) n.child?.kill('SIGKILL');
    await net.destroy();
  }
  const counts = readCounts(dir);
  const result = summarize(nodes, counts, log, t0);
  if (result.lost > 0 || result.reordered > 0) {
    console.log(renderTable(result));
    throw new Error(`messages lost (${result.lost}) or reordered (${result.reordered}) between pairs that stayed connected; faults: ${JSON.stringify(log)}`);
  }
  return {
    table: renderTable(result),
    notes: [
      `${seconds} s of faults (seed ${seed}), one at a time, ${SETTLE_MS[0] / 1000}-${SETTLE_MS[1] / 1000} s apart: ${log.map((f) => `${f.at}s ${f.fault} ${f.node.split('@')[0]}`).join(', ')}`,
      `${RATE} messages/s from each node to each peer, one sender process per peer; net_ticktime ${TICKTIME} s; short faults ${SHORT_MS / 1000} s, long ${LONG_MS / 1000} s`,
      `lost, stayed connected: ${result.lost} (must be 0); reordered: ${result.reordered} (must be 0)`,
      `nodedowns seen ${result.nodedownsSeen}, caused ${result.nodedownsCaused} (kill: the 4 peers; long freeze or partition: the 4 peers and the victim's own 4); ` +
        `seen by or of a fault's victim during it or within ${ATTRIBUTION_MS / 1000} s after: ${result.nodedownsDuringFaults}; others: ${result.otherNodedowns.length ? result.otherNodedowns.map((d) => `${d.observer} saw ${d.peer} down at ${d.at} s`).join(', ') : 'none'}`,
    ],
    json: { seed, seconds, rate: RATE, ticktime: TICKTIME, faults: log, ...result },
  };

  function statsFile(n) {
    return join(dir, `${n.name.split('@')[0]}-${n.incs}.json`);
  }

  /** Starts (or starts again, as a new incarnation) the node `n` in its namespace. */
  function start(n) {
    n.incs += 1;
    const peers = nodes.filter((p) => p !== n).map((p) => p.name);
    const inc = `${n.name.split('@')[0]}.${n.incs}`;
    if (n.kind === 'beam') {
      const peerList = `[${peers.map((p) => `'${p}'`).join(',')}]`;
      n.child = net.spawn(n.label, 'erl', ['+sbwt', 'none', '-noshell', '-noinput', '-name', n.name, '-setcookie', cookie, '-kernel', 'net_ticktime', String(TICKTIME), '-pa', beamDir,
        '-eval', `soak_node:start(${peerList}, ${RATE}, "${inc}", "${statsFile(n)}", "${stop}")`], { stdio: 'ignore' });
    } else {
      const config = { name: n.name, cookie, ticktime: TICKTIME, peers, rate: RATE, inc, out: statsFile(n), stop };
      n.child = net.spawn(n.label, process.execPath, [...nodeFlags, SOAK_NODE_JS, JSON.stringify(config)], { stdio: 'ignore' });
    }
    track(n.child);
  }

  async function inflict(fault, n) {
    if (fault === 'kill') {
      n.child.kill('SIGKILL');
      await sleep(2000);
      start(n);
    } else if (fault.startsWith('freeze')) {
      n.child.kill('SIGSTOP');
      await sleep(fault === 'freeze-long' ? LONG_MS : SHORT_MS);
      n.child.kill('SIGCONT');
    } else {
      net.cut(n.label);
      await sleep(fault === 'partition-long' ? LONG_MS : SHORT_MS);
      net.heal(n.label);
    }
  }
}

/** The last counts each incarnation wrote. */
function readCounts(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

/** A nodedown this long after a fault ended is still the fault's (the ticktime, and a reconnect's setup time). */
const ATTRIBUTION_MS = (TICKTIME + 8) * 1000;

function summarize(nodes, counts, log, t0) {
  const downs = counts.flatMap((c) => (c.downs ?? []).map(([at, peer]) => ({ at, observer: c.node, peer })));
  const during = (d) => log.some((f) => (d.observer === f.node || d.peer === f.node) && d.at >= f.from && d.at <= f.to + ATTRIBUTION_MS);
  const others = downs.filter((d) => !during(d)).map((d) => ({ observer: d.observer.split('@')[0], peer: d.peer.split('@')[0], at: Math.round((d.at - t0) / 1000) }));
  const total = (kind) => counts.reduce((s, c) => s + Object.values(c[kind] ?? {}).reduce((a, b) => a + b, 0), 0);
  const perNode = nodes.map((n) => {
    const mine = counts.filter((c) => c.node === n.name);
    const sum = (kind) => mine.reduce((s, c) => s + Object.values(c[kind] ?? {}).reduce((a, b) => a + b, 0), 0);
    return {
      node: n.name,
      kind: n.kind,
      incarnations: n.incs,
      sent: sum('sent'),
      received: sum('received'),
      lostExcused: sum('lost_excused'),
      lost: sum('lost'),
      reordered: sum('reordered'),
      nodedowns: sum('nodedowns'),
      rssStart: n.rssStart,
      rssEnd: n.rssEnd,
    };
  });
  const causes = { kill: 4, 'freeze-long': 8, 'partition-long': 8 };
  return {
    sent: total('sent'),
    delivered: total('received'),
    lostExcused: total('lost_excused'),
    lost: total('lost'),
    reordered: total('reordered'),
    nodedownsSeen: total('nodedowns'),
    nodedownsCaused: log.reduce((s, f) => s + (causes[f.fault] ?? 0), 0),
    nodedownsDuringFaults: downs.length - others.length,
    otherNodedowns: others,
    nodes: perNode,
  };
}

const COLUMNS = [
  { key: 'node', title: 'node' },
  { key: 'kind', title: 'kind' },
  { key: 'incarnations', title: 'starts', align: 'right' },
  { key: 'sent', title: 'sent', align: 'right' },
  { key: 'received', title: 'delivered', align: 'right' },
  { key: 'lostExcused', title: 'lost, link down', align: 'right' },
  { key: 'lost', title: 'lost, connected', align: 'right' },
  { key: 'reordered', title: 'reordered', align: 'right' },
  { key: 'nodedowns', title: 'nodedowns seen', align: 'right' },
  { key: 'rssStart', title: 'RSS start', align: 'right' },
  { key: 'rssEnd', title: 'RSS end', align: 'right' },
];

function renderTable(r) {
  const row = (x) => ({ ...x, rssStart: bytes(x.rssStart), rssEnd: bytes(x.rssEnd) });
  return table(COLUMNS, [...r.nodes.map(row), null, row({ node: 'all', kind: '', incarnations: '', sent: r.sent, received: r.delivered, lostExcused: r.lostExcused, lost: r.lost, reordered: r.reordered, nodedowns: `${r.nodedownsSeen} (caused ${r.nodedownsCaused})`, rssStart: NaN, rssEnd: NaN })]);
}

/** Resident set size of a process in bytes, from /proc (NaN when it is gone). */
function rss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same faults. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('the soak nodes did not write their last counts in time');
    await sleep(100);
  }
}
