// The nodes of the distribution scenarios, seen from the bench: a private port mapper, BEAM
// nodes (bench/erl/dist_bench.erl in `erl -sname`) and noderl nodes (bench/lib/noderl-peer.js in
// a child Node process), each in its own OS process, all behind one interface:
//
//   const cluster = await Cluster.start();                 // real epmd on a free port, one cookie
//   const tls = await Cluster.start({ tls: true });        // every node on TLS distribution, one optfile
//   const a = await cluster.beam({ ticktime: 4 });          // or cluster.noderl(...)
//   await a.sink('sink'); await b.send({ peer: a.node, name: 'sink', shape: 'seq', total, senders });
//   a.signal('SIGSTOP'); a.wchar();                         // the OS process, by pid
//   await cluster.stop();                                   // every process, by pid
//
// Every process started here is tracked by lib/erl.js, so run.js's killAll() ends it even when a
// scenario fails.

import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { compileErlang, ErlLineServer, kill, track } from './erl.js';
import { accepts, freePort } from './net.js';
import { NODERL_MODULE } from './noderl-module.js';
import { makePki } from './tls-certs.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ERL_MODULE = join(HERE, '../erl/dist_bench.erl');
const LINE_SERVER = join(HERE, '../erl/bench_line.erl');
const NODERL_PEER = join(HERE, 'noderl-peer.js');

/**
 * The Node.js flags of a noderl node: the ones the `noderl` command runs with (NODEJS_FLAGS, a
 * 64 MiB young generation), so the bench times nodes as they run; NODERL_BENCH_NODE_FLAGS
 * replaces them ('' for Node's defaults).
 */
export async function noderlNodeFlags() {
  const given = process.env.NODERL_BENCH_NODE_FLAGS;
  if (given !== undefined) return given.split(/\s+/).filter(Boolean);
  const { NODEJS_FLAGS } = await import(NODERL_MODULE);
  return NODEJS_FLAGS ?? [];
}

let counter = 0;
/** A node name no other run on this machine uses. */
function uniqueName(kind) {
  counter += 1;
  return `bench_${kind}_${process.pid}_${counter}_${randomBytes(2).toString('hex')}`;
}

export class Cluster {
  /**
   * A private `epmd -port P` in the foreground (never the host's 4369), and a random cookie.
   * `tls`: every node runs TLS distribution (`erl -proto_dist inet_tls`, noderl's `tls`) with one
   * optfile and a private CA made by lib/tls-certs.js.
   */
  static async start({ tls = false } = {}) {
    const port = await freePort();
    const child = track(spawn('epmd', ['-port', String(port)], { stdio: 'ignore' }));
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        kill(child);
        throw new Error(`epmd -port ${port} did not start`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const cluster = new Cluster(port, child, await compileErlang([ERL_MODULE, LINE_SERVER]));
    if (tls) cluster.pki = makePki();
    return cluster;
  }

  #peers = new Set();

  constructor(epmdPort, epmd, beamDir) {
    this.epmdPort = epmdPort;
    this.cookie = randomBytes(12).toString('hex');
    this.epmd = epmd;
    this.beamDir = beamDir;
  }

  /**
   * A BEAM node; `ticktime` in seconds (net_ticktime), default OTP's 60; `hidden` as `erl -hidden`;
   * `pg`: runs pg's default scope (`-kernel start_pg true`; a noderl node always runs it).
   */
  async beam({ ticktime, hidden, pg } = {}) {
    const name = uniqueName('erl');
    const args = ['-sname', name, '-setcookie', this.cookie, '-start_epmd', 'false', '-noshell', '-pa', this.beamDir];
    if (ticktime) args.push('-kernel', 'net_ticktime', String(ticktime));
    if (hidden) args.push('-hidden');
    if (pg) args.push('-kernel', 'start_pg', 'true');
    if (this.pki) args.push(...this.pki.erlArgs());
    const server = await ErlLineServer.start([...args, '-s', 'dist_bench', 'main'], { env: { ERL_EPMD_PORT: String(this.epmdPort) } });
    const node = await server.request('node.');
    if (!node.startsWith('ok ')) throw new Error(`erl ${name} answered "${node}" to node.`);
    const peer = new BeamPeer(server, node.slice(3));
    this.#peers.add(peer);
    return peer;
  }

  /** A noderl node in its own Node process. */
  async noderl({ ticktime, hidden } = {}) {
    const execArgv = [...process.execArgv, ...(await noderlNodeFlags())];
    const child = track(fork(NODERL_PEER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv }));
    const peer = new NoderlPeer(child);
    await peer.ready;
    const { node } = await peer.request('start', { sname: uniqueName('js'), cookie: this.cookie, epmdPort: this.epmdPort, ticktime, hidden, tls: this.pki?.optfileText });
    peer.node = node;
    this.#peers.add(peer);
    return peer;
  }

  /** A node of `kind` ('BEAM' or 'noderl'). */
  start(kind, options) {
    return kind === 'BEAM' ? this.beam(options) : this.noderl(options);
  }

  async stopPeer(peer) {
    this.#peers.delete(peer);
    await peer.stop();
  }

  async stop() {
    await Promise.all([...this.#peers].map((p) => p.stop()));
    this.#peers.clear();
    kill(this.epmd);
    this.pki?.remove();
  }
}

/** What both kinds of peer share: the OS process. */
class OsProcess {
  /** Sends `signal` ('SIGSTOP', 'SIGCONT', 'SIGKILL') to the node's OS process. */
  signal(signal) {
    process.kill(this.pid, signal);
  }

  /** The node's OS process's resident set size now, KiB (/proc/PID/status VmRSS). */
  rssKiB() {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]);
  }

  /**
   * Bytes the node's OS process has written with write(2)-family calls so far (/proc/PID/io
   * wchar): its socket writes, which is what a scenario's wire bytes are made of.
   */
  wchar() {
    const io = readFileSync(`/proc/${this.pid}/io`, 'utf8');
    return Number(/^wchar: (\d+)/m.exec(io)[1]);
  }

  /**
   * The scheduler's account of the OS process so far, summed over its threads (Linux
   * /proc/PID/task/TID/schedstat): ns on a CPU, ns waiting on a run queue while runnable, and
   * timeslices; undefined where the kernel does not say. The wait is the machine's noise as this
   * process felt it: time it was ready to run and another process had the core.
   */
  schedstat() {
    try {
      const total = { cpuNs: 0, waitNs: 0, slices: 0 };
      for (const tid of readdirSync(`/proc/${this.pid}/task`)) {
        const [cpu, wait, slices] = readFileSync(`/proc/${this.pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
        total.cpuNs += cpu;
        total.waitNs += wait;
        total.slices += slices;
      }
      return total;
    } catch {
      return undefined; // not Linux, or a thread ended between the listing and the read
    }
  }
}

class BeamPeer extends OsProcess {
  kind = 'BEAM';

  constructor(server, node) {
    super();
    this.server = server;
    this.node = node;
    this.pid = server.pid;
  }

  async #ask(term) {
    const reply = await this.server.request(`${term}.`, { timeoutMs: 900_000 });
    if (!reply.startsWith('ok')) throw new Error(`${this.node} answered "${reply}" to ${term}`);
    return reply.split(' ').slice(1).map(Number);
  }

  async sink(name) {
    await this.#ask(`{sink, ${name}}`);
  }

  async echo(name) {
    await this.#ask(`{echo, ${name}}`);
  }

  async echoServer(name) {
    await this.#ask(`{echo_server, ${name}}`);
    return {};
  }

  /** True when rpc:call(Peer, erlang, node, []) answers within 2 s (the peer serves rex). */
  async answersRpc(peer) {
    const reply = await this.server.request(`{probe_rpc, ${atomText(peer)}}.`);
    return reply === 'ok yes';
  }

  async connect(peer) {
    return (await this.#ask(`{connect, ${atomText(peer)}}`))[0];
  }

  async disconnect(peer) {
    await this.#ask(`{disconnect, ${atomText(peer)}}`);
  }

  async send({ peer, name, shape, total, senders }) {
    const [ns, received, bad] = await this.#ask(`{send, ${atomText(peer)}, ${name}, ${shape}, ${total}, ${senders}}`);
    return { ns, received, bad };
  }

  /**
   * Per pass [p50, p99, p99.9, max] in ns and, with `slowest` > 0, that many of the pass's slowest
   * round trips as [unix µs it started, ns], slowest first.
   */
  async roundtrips({ kind, peer, name, warmup, count, passes, slowest = 0 }) {
    const term = `{roundtrips, ${kind}, ${atomText(peer)}, ${name}, ${warmup}, ${count}, ${passes}, ${slowest}}`;
    const reply = await this.server.request(`${term}.`, { timeoutMs: 900_000 });
    if (!reply.startsWith('ok ')) throw new Error(`${this.node} answered "${reply}" to ${term}`);
    const [stats, slow] = reply.slice(3).split('/').map((part) => part.trim().split(' ').filter(Boolean).map(Number));
    const chunk = (flat, n) => Array.from({ length: flat.length / n }, (_, i) => flat.slice(i * n, i * n + n));
    return { passes: chunk(stats, 4), slowest: chunk(chunk(slow, 2), slowest || 1).slice(0, slowest ? passes : 0) };
  }

  async watch(peer) {
    await this.#ask(`{watch, ${atomText(peer)}}`);
  }

  async nodedownAt(peer, timeoutMs) {
    return (await this.#ask(`{nodedown_at, ${atomText(peer)}, ${timeoutMs}}`))[0];
  }

  async orderedSink(name) {
    await this.#ask(`{ordered_sink, ${name}}`);
  }

  async flood({ peer, name, bytes }) {
    await this.#ask(`{flood, ${atomText(peer)}, ${name}, ${bytes}}`);
  }

  /** { sent, queued (the dist port's queue), busy (1 while ERTS has the sender suspended) } */
  async floodStats() {
    const [sent, queued, busy] = await this.#ask('flood_stats');
    return { sent, queued, busy };
  }

  async floodFinish() {
    const [sent, acked] = await this.#ask('flood_finish');
    return { sent, acked };
  }

  /** Unix µs when nodes() first had `count` nodes and global:sync() then returned. */
  async meshWait(count, timeoutMs) {
    return (await this.#ask(`{mesh_wait, ${count}, ${timeoutMs}}`))[0];
  }

  /** Unix µs before the first of `count` pg:join/2 calls and after the last. */
  async pgJoin(group, count) {
    return this.#ask(`{pg_join, ${group}, ${count}}`);
  }

  async pgWatch(group, count) {
    await this.#ask(`{pg_watch, ${group}, ${count}}`);
  }

  /** Unix µs when the watched group first had its count of members. */
  async pgSeen(timeoutMs) {
    return (await this.#ask(`{pg_seen, ${timeoutMs}}`))[0];
  }

  async stop() {
    await this.server.stop({ graceMs: 500 });
  }
}

class NoderlPeer extends OsProcess {
  kind = 'noderl';
  #child;
  #pending = new Map();
  #nextId = 1;
  #exit = null;

  constructor(child) {
    super();
    this.#child = child;
    this.pid = child.pid;
    this.ready = new Promise((resolve, reject) => {
      child.once('message', (m) => (m?.ready ? resolve() : reject(new Error(`noderl peer said ${JSON.stringify(m)}`))));
      child.once('exit', (code, signal) => reject(new Error(`noderl peer exited (${signal ?? code}) before it was ready`)));
    });
    child.on('message', ({ id, ok, error, ...result }) => {
      const p = this.#pending.get(id);
      if (!p) return;
      this.#pending.delete(id);
      if (ok) p.resolve(result);
      else p.reject(new Error(`noderl ${this.node ?? ''}: ${error}`));
    });
    child.once('exit', (code, signal) => {
      this.#exit = `exited (${signal ?? code})`;
      for (const p of this.#pending.values()) p.reject(new Error(`noderl peer ${this.node} ${this.#exit}`));
      this.#pending.clear();
    });
  }

  request(cmd, args = {}) {
    if (this.#exit) return Promise.reject(new Error(`noderl peer ${this.node} ${this.#exit}`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, cmd, ...args });
    });
  }

  async sink(name) {
    await this.request('sink', { name });
  }

  async echo(name) {
    await this.request('echo', { name });
  }

  async connect(peer) {
    return (await this.request('connect', { peer })).ns;
  }

  async disconnect(peer) {
    await this.request('disconnect', { peer });
  }

  send(args) {
    return this.request('send', args);
  }

  roundtrips(args) {
    return this.request('roundtrips', args);
  }

  /** Starts recording GC pauses and event-loop delay in the node's process. */
  async traceStart() {
    await this.request('trace_start');
  }

  /** { gc: [[unix µs, µs, kind]], eld: { p50, p99, p999, max, count } (µs) } since traceStart. */
  traceStop() {
    return this.request('trace_stop');
  }

  async watch(peer) {
    await this.request('watch', { peer });
  }

  async flood(args) {
    await this.request('flood', args);
  }

  /** { sent, queued (Connection.stats().sendQueueBytes), busy (1 while the connection is busy) } */
  floodStats() {
    return this.request('flood_stats');
  }

  floodFinish() {
    return this.request('flood_finish');
  }

  /** Resolves { unsupported: reason } when this noderl build has no GenServer. */
  echoServer(name) {
    return this.request('echo_server', { name });
  }

  async nodedownAt(peer, timeoutMs) {
    return (await this.request('nodedown_at', { peer, timeoutMs })).us;
  }

  /** Unix µs when node.nodes() first had `count` nodes and node.global.sync() then resolved. */
  async meshWait(count, timeoutMs) {
    return (await this.request('mesh_wait', { count, timeoutMs })).us;
  }

  async pgJoin(group, count) {
    return (await this.request('pg_join', { group, count })).us;
  }

  async pgWatch(group, count) {
    await this.request('pg_watch', { group, count });
  }

  async pgSeen(timeoutMs) {
    return (await this.request('pg_seen', { timeoutMs })).us;
  }

  /** Closes the IPC channel (the peer exits by itself, so `node --cpu-prof` profiles get written), then kills by pid. */
  async stop({ graceMs = 2000 } = {}) {
    if (!this.#exit && this.#child.connected) {
      const gone = new Promise((r) => this.#child.once('exit', r));
      this.#child.disconnect();
      await Promise.race([gone, new Promise((r) => setTimeout(r, graceMs).unref())]);
    }
    kill(this.#child);
  }
}

/** A node name as an Erlang atom literal. */
function atomText(name) {
  return `'${name.replace(/[\\']/g, (c) => '\\' + c)}'`;
}
