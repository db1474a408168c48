// Scenario 10, "port mapper" (shared/bench/README.md): 1,000 sequential PORT_PLEASE2 lookups
// against noderl's port mapper and against the real OTP `epmd`, both started here as their own
// processes on random ports with the same name registered, in the same run. Each lookup is one
// TCP connection: connect, request, read the reply until the daemon closes, as erl_epmd does it.
// The same client code (raw sockets and protocol.ts) times both daemons; passes alternate between
// them so that machine noise falls on both.
//
// A wrong answer (a port other than the registered one) fails the scenario.

import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { rate, sig3, spread, table, times } from '../lib/format.js';
import { summarize } from '../lib/measure.js';
import { accepts, freePort } from '../lib/net.js';

export const description = '1,000 sequential PORT_PLEASE2 lookups: noderl epmd vs the real epmd';

const HERE = dirname(fileURLToPath(import.meta.url));
const NODERL_BIN = join(HERE, '../../bin/noderl.js');
const PROTOCOL = new URL('../../dist/epmd/protocol.js', import.meta.url).href;

const NAME = 'benchnode';
const NODE_PORT = 12345;
const FULL = { lookups: 1000, passes: 5, warmup: 1000 };
const QUICK = { lookups: 200, passes: 1, warmup: 20 };

export async function run({ quick }) {
  const settings = quick ? QUICK : FULL;
  const protocol = await import(PROTOCOL).catch((err) => {
    throw new Error(`cannot load ${PROTOCOL} (build first: npx tsc -p tsconfig.json): ${err.message}`);
  });
  const daemons = [];
  const registrations = [];
  try {
    const noderl = await startDaemon('noderl epmd', (port) => [process.execPath, [NODERL_BIN, 'epmd', '--port', String(port)]]);
    daemons.push(noderl);
    const real = await startDaemon('real epmd', (port) => ['epmd', ['-port', String(port)]]);
    daemons.push(real);
    for (const d of daemons) registrations.push(await register(protocol, d.port));

    const lookup = (port) => lookupOnce(protocol, port);
    for (const d of daemons) await lookupMany(lookup, d.port, settings.warmup);
    const passes = { [noderl.label]: [], [real.label]: [] };
    for (let i = 0; i < settings.passes; i++) {
      for (const d of i % 2 ? [real, noderl] : [noderl, real]) passes[d.label].push(await lookupMany(lookup, d.port, settings.lookups));
    }
    const rows = daemons.map((d) => summarizePasses(d.label, passes[d.label]));
    return {
      table: renderTable(rows),
      notes: [
        `each pass: ${settings.lookups} lookups one after another, each its own connection (connect, PORT_PLEASE2, reply, close)`,
        `figures: median of ${settings.passes} pass(es) [min-max]; p50/p99: of each pass's latencies, then the median pass`,
        'noderl/epmd: noderl lookups/s over the real epmd’s (above 1x: noderl is faster); for latency, epmd’s over noderl’s',
        'both daemons run as their own processes on loopback; the client is this process for both',
      ],
      json: { settings, results: rows },
    };
  } finally {
    for (const r of registrations) r.destroy();
    for (const d of daemons) d.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Daemons and the registered name


/** Starts a daemon in the foreground on a free port; resolves once it accepts connections. */
async function startDaemon(label, command) {
  const port = await freePort();
  const [file, args] = command(port);
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  };
  process.once('exit', stop);
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`${label} did not start on port ${port}: ${stderr || `exit ${child.exitCode}`}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { label, port, stop };
}


/** Registers NAME with ALIVE2 and keeps the socket, as a node does; resolves with the socket. */
function register(protocol, port) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    socket.once('error', reject);
    socket.on('connect', () =>
      socket.write(
        protocol.alive2Request({
          name: NAME,
          port: NODE_PORT,
          nodeType: protocol.NODE_TYPE_NORMAL,
          protocol: protocol.PROTOCOL_TCP,
          highestVersion: 6,
          lowestVersion: 5,
          extra: Buffer.alloc(0),
        }),
      ),
    );
    socket.on('data', (d) => {
      got = Buffer.concat([got, d]);
      const reply = protocol.parseAlive2Reply(got);
      if (reply === undefined) return;
      socket.removeAllListeners('data');
      if (reply.result !== 0) reject(new Error(`ALIVE2 of ${NAME} on port ${port} refused: result ${reply.result}`));
      else resolve(socket);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The timed work

/** One PORT_PLEASE2 on its own connection; resolves with the port the daemon gave. */
function lookupOnce(protocol, port) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks = [];
    socket.once('error', reject);
    socket.once('connect', () => socket.write(protocol.request(protocol.Request.PORT_PLEASE2, Buffer.from(NAME))));
    socket.on('data', (d) => chunks.push(d));
    socket.once('close', () => {
      let entry;
      try {
        entry = protocol.parsePort2Reply(Buffer.concat(chunks));
      } catch (err) {
        return reject(err);
      }
      if (entry?.port !== NODE_PORT) return reject(new Error(`PORT_PLEASE2 ${NAME} on port ${port} answered ${JSON.stringify(entry)}`));
      resolve(entry.port);
    });
  });
}

/** `n` lookups one after another; resolves with { seconds, latenciesUs }. */
async function lookupMany(lookup, port, n) {
  const latenciesUs = new Float64Array(n);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await lookup(port);
    latenciesUs[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, latenciesUs };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function summarizePasses(label, passes) {
  const perPass = passes.map(({ seconds, latenciesUs }) => {
    const sorted = [...latenciesUs].sort((a, b) => a - b);
    return { opsPerSec: latenciesUs.length / seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  });
  return {
    impl: label,
    opsPerSec: summarize(perPass.map((p) => p.opsPerSec)),
    p50Us: summarize(perPass.map((p) => p.p50)),
    p99Us: summarize(perPass.map((p) => p.p99)),
    passes: perPass,
  };
}

// ---------------------------------------------------------------------------------------------
// Output

const COLUMNS = [
  { key: 'impl', title: 'daemon' },
  { key: 'ops', title: 'lookups/s', align: 'right' },
  { key: 'opsRange', title: '[min-max]', align: 'right' },
  { key: 'p50', title: 'p50 µs', align: 'right' },
  { key: 'p50Range', title: '[min-max]', align: 'right' },
  { key: 'p99', title: 'p99 µs', align: 'right' },
  { key: 'p99Range', title: '[min-max]', align: 'right' },
];

function renderTable(rows) {
  const [noderl, real] = rows;
  const lines = rows.map((r) => ({
    impl: r.impl,
    ops: rate(r.opsPerSec.median),
    opsRange: spread(r.opsPerSec, rate),
    p50: sig3(r.p50Us.median),
    p50Range: spread(r.p50Us),
    p99: sig3(r.p99Us.median),
    p99Range: spread(r.p99Us),
  }));
  lines.push({
    impl: 'noderl/epmd',
    ops: times(noderl.opsPerSec.median / real.opsPerSec.median),
    p50: times(real.p50Us.median / noderl.p50Us.median),
    p99: times(real.p99Us.median / noderl.p99Us.median),
  });
  return table(COLUMNS, lines);
}
