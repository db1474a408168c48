#!/usr/bin/env node
// Bytes a noderl node allocates per round trip, and where (README "Latency tail"): two noderl
// nodes, each its own OS process (A here, B a child), run N sequential round trips of one kind
// while V8's sampling heap profiler records every allocation, collected ones included. Prints the
// bytes per round trip of each node and its top allocation sites (function, caller, caller's caller).
//
//   node bench/tools/alloc-per-trip.js [ping|call|rpc ...] [--trips N] [--interval BYTES] [--top K]
//
// NODERL_BENCH_MODULE points at another build's dist/index.js (to compare two commits).
// The trips are the latency scenario's own (bench/lib/round-trip.js); A's figure includes their
// code (about 1 KB: the request, the await, the check of the reply).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { NODERL_MODULE } from '../lib/noderl-module.js';
import { ECHO_SERVER, echo, roundTrip } from '../lib/round-trip.js';

const lib = await import(NODERL_MODULE);
const { Node, atom, tuple } = lib;

const WARMUP = 30_000; // a fresh node keeps optimizing for its first ~20,000 round trips
const KINDS = ['ping', 'call', 'rpc'];

function options(argv) {
  const o = { kinds: [], trips: 20_000, interval: 256, top: 15 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--trips') o.trips = Number(argv[++i]);
    else if (a === '--interval') o.interval = Number(argv[++i]);
    else if (a === '--top') o.top = Number(argv[++i]);
    else if (KINDS.includes(a)) o.kinds.push(a);
    else throw new Error(`unknown argument ${a} (kinds: ${KINDS.join(', ')}; --trips N, --interval BYTES, --top K)`);
  }
  if (o.kinds.length === 0) o.kinds = KINDS;
  return o;
}

async function startSampling(interval) {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: interval, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return session;
}

/** The profile as text: bytes per trip, then the top sites keyed by three frames. */
async function report(session, label, trips, top) {
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  const sites = new Map();
  let total = 0;
  const walk = (n, stack) => {
    const f = n.callFrame;
    const here = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
    const frames = [here, ...stack];
    if (n.selfSize) {
      const key = frames.slice(0, 3).join(' < ');
      sites.set(key, (sites.get(key) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c, frames);
  };
  walk(profile.head, []);
  const lines = [`${label}: ${(total / trips).toFixed(0)} bytes per round trip`];
  for (const [k, v] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${(v / trips).toFixed(0).padStart(6)}  ${k}`);
  return lines.join('\n');
}

async function childB() {
  const [sname, cookie, interval] = process.argv.slice(3);
  const node = await Node.start({ sname, cookie, log: () => {} });
  node.register('echo', node.spawn(echo(lib)));
  await node.startGenServer(ECHO_SERVER, { name: 'echo_server' });
  let session;
  process.on('message', async (m) => {
    if (m.cmd === 'start') session = await startSampling(Number(interval));
    if (m.cmd === 'stop') {
      process.send({ text: await report(session, `B (${m.kind}, the served side)`, m.trips, m.top) });
      return;
    }
    process.send({ done: m.cmd });
  });
  process.send({ done: 'ready' });
}

async function mainA() {
  const o = options(process.argv.slice(2));
  const cookie = randomBytes(8).toString('hex');
  const tag = randomBytes(3).toString('hex');
  for (const kind of o.kinds) {
    const sname = `allocb_${tag}_${kind}`;
    const child = fork(fileURLToPath(import.meta.url), ['B', sname, cookie, String(o.interval)]);
    const next = () => new Promise((res) => child.once('message', res));
    const ask = (msg) => { const r = next(); child.send(msg); return r; };
    let node;
    try {
      await next(); // ready
      node = await Node.start({ sname: `alloca_${tag}_${kind}`, cookie, log: () => {} });
      const peer = `${sname}@${node.name.split('@')[1]}`;
      if (!(await node.connect(peer))) throw new Error(`cannot connect to ${peer}`);
      const text = await new Promise((res, rej) => node.spawn(async (self) => {
        try {
          const trip = roundTrip(lib, node, kind, self, tuple(atom(kind === 'call' ? 'echo_server' : 'echo'), atom(peer)));
          for (let i = 0; i < WARMUP; i++) await trip(i);
          await ask({ cmd: 'start' });
          const session = await startSampling(o.interval);
          const t0 = performance.now();
          for (let i = 0; i < o.trips; i++) await trip(i);
          const us = ((performance.now() - t0) * 1000) / o.trips;
          const a = await report(session, `A (${kind}, the caller; ${us.toFixed(0)} µs per trip while sampling)`, o.trips, o.top);
          const b = (await ask({ cmd: 'stop', kind, trips: o.trips, top: o.top })).text;
          res(`${a}\n${b}`);
        } catch (e) {
          rej(e);
        }
      }));
      console.log(text);
    } finally {
      child.kill();
      await node?.stop();
    }
  }
}

if (process.argv[2] === 'B') await childB();
else {
  await mainA();
  process.exit(0);
}
