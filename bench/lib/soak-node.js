// One noderl node of the soak (bench/scenarios/soak.js): the twin of bench/erl/soak_node.erl,
// the same messages and the same checks through noderl's public API, so the counts of both
// kinds of node mean the same. Read soak_node.erl's head for what is sent and what is checked.
//
//   node bench/lib/soak-node.js '{"name":"n3@10.0.0.3","cookie":"c","ticktime":4,
//     "peers":["n1@10.0.0.1"],"rate":200,"inc":"x1","out":"/tmp/d/n3.json","stop":"/tmp/d/stop"}'

import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { NODERL_MODULE } from './noderl-module.js';

const { Node, atom, tuple, isTuple, TIMEOUT } = await import(NODERL_MODULE);

const config = JSON.parse(process.argv[2]);
const SOAK = atom('soak');
const NODEDOWN = atom('nodedown');
const STOP = atom('stop');

const node = await Node.start({ name: config.name, cookie: config.cookie, ticktime: config.ticktime, log: () => {} });
const me = atom(node.name);
/** Counters by kind, then by peer node: what soak_node.erl keeps in its ETS table. */
const stats = { sent: {}, received: {}, nodedowns: {}, lost: {}, lost_excused: {}, reordered: {} };
/** [wall-clock ms, node] of each nodedown the receiver saw. */
const downs = [];
const bump = (kind, peer, n = 1) => (stats[kind][peer] = (stats[kind][peer] ?? 0) + n);

node.register('soak', node.spawn(receiver));
const senders = config.peers.map((peer) => node.spawn((self) => sender(self, peer)));
await reporter();

async function sender(self, peer) {
  node.netKernel.monitorNodes(self, true);
  const to = tuple(SOAK, atom(peer));
  const batch = Math.max(1, Math.floor(config.rate / 100));
  let epoch = 0;
  let seq = 1;
  let next = performance.now();
  for (;;) {
    // The nodedowns of this peer seen so far, as drain_nodedowns/2 does.
    for (let m; (m = await self.receive({ timeout: 0 })) !== TIMEOUT; ) {
      if (m === STOP) return;
      if (isTuple(m) && m[0] === NODEDOWN && m[1] === atom(peer)) epoch += 1;
    }
    // A send waits while the connection is busy (a frozen peer), as BEAM suspends the sender.
    for (let i = 0; i < batch; i++) await self.send(to, tuple(SOAK, me, config.inc, epoch, seq + i));
    bump('sent', peer, batch);
    seq += batch;
    next = Math.max(next + 10, performance.now() - 100);
    const m = await self.receive({ timeout: Math.max(0, Math.round(next - performance.now())) });
    if (m === STOP) return;
    if (m !== TIMEOUT && isTuple(m) && m[0] === NODEDOWN && m[1] === atom(peer)) epoch += 1;
  }
}

async function receiver(self) {
  node.netKernel.monitorNodes(self, true);
  /** `${from} ${inc}` -> { epoch, seq, down } */
  const streams = new Map();
  for (;;) {
    const m = await self.receive();
    if (!isTuple(m)) continue;
    if (m[0] === NODEDOWN) {
      const down = m[1].name;
      bump('nodedowns', down);
      downs.push([Date.now(), down]);
      for (const [key, s] of streams) if (key.startsWith(`${down} `)) s.down = true;
    } else if (m[0] === SOAK) {
      const [, from, inc, epoch, seq] = m;
      bump('received', from.name);
      check(streams, from.name, `${from.name} ${inc}`, epoch, seq);
    }
  }
}

function check(streams, from, key, epoch, seq) {
  const s = streams.get(key);
  if (s) {
    if (seq === s.seq + 1) {
      // In order.
    } else if (seq <= s.seq) bump('reordered', from);
    else if (epoch > s.epoch || s.down) bump('lost_excused', from, seq - s.seq - 1);
    else bump('lost', from, seq - s.seq - 1);
  }
  streams.set(key, { epoch, seq, down: false });
}

function writeStats() {
  const counts = Object.fromEntries(Object.entries(stats).filter(([, m]) => Object.keys(m).length > 0));
  writeFileSync(`${config.out}.tmp`, JSON.stringify({ node: node.name, inc: config.inc, downs, ...counts }));
  renameSync(`${config.out}.tmp`, config.out);
}

async function reporter() {
  while (!existsSync(config.stop)) {
    writeStats();
    await new Promise((r) => setTimeout(r, 1000));
  }
  for (const pid of senders) node.send(pid, STOP);
  await new Promise((r) => setTimeout(r, 2000));
  writeStats();
  writeFileSync(`${config.out}.done`, '');
}
