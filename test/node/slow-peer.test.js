// A peer that stops reading (kill -STOP) against real erl: the connection toward it turns busy at
// distBufBusyLimit (OTP's dist_buf_busy_limit), senders that await self.send wait there instead of
// queuing without end, erlang:send/3 with nosuspend answers nosuspend, a fun sent by erl and
// evaluated here waits at its `!` as BEAM suspends it, and after kill -CONT every message arrives,
// in order. The same with a frozen noderl node (its own OS process); and after net_ticktime the
// frozen peer is dropped, waiting senders go on and the queue's memory is freed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { startNoderlChild, stopNoderlChild } from '../rpc/child-node.js';
import { atom, tuple, isTuple, Pid } from '../../dist/term/types.js';
import { runInProcess } from '../support/processes.js';

const skip = erlSkip();
const TYPES = pathToFileURL(join(process.cwd(), 'dist/term/types.js')).href;
const LIMIT = 64 * 1024;
const PAYLOAD = Buffer.alloc(1024, 7);
/** One `{seq, From, I, Payload}` as it is framed, with room to spare: the most one sender adds past the limit. */
const ONE_MESSAGE = 1400;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A sink that checks the order of each sender's messages: `{seq, From, I, _}` must come with
// I = 0, 1, 2...; `{done, From}` is answered with `{ack, Count}` (or the first gap seen).
const ERL_SINK = `register(sink, spawn(fun() -> (fun L(M) -> receive {seq, F, I, _} -> case maps:get(F, M, 0) of I -> L(M#{F => I + 1}); N -> L(M#{F => {out_of_order, N, I}}) end; {done, F} -> F ! {ack, maps:get(F, M, 0)}, L(M); _ -> L(M) end end)(#{}) end))`;
const JS_SINK = `import { atom, tuple, isTuple } from '${TYPES}';
export async function loop(self) {
  const next = new Map();
  for (;;) {
    const m = await self.receive();
    if (!isTuple(m)) continue;
    const key = String(m[1]);
    if (m[0] === atom('seq')) {
      const n = next.get(key) ?? 0;
      if (typeof n === 'number') next.set(key, m[2] === n ? n + 1 : 'out_of_order ' + n + ' ' + m[2]);
    } else if (m[0] === atom('done')) self.send(m[1], tuple(atom('ack'), next.get(key) ?? 0));
  }
}
`;

let Node;
let epmd;
let watcher; // an erl node that is never frozen: it drives rpc and funs into the noderl node
let dir;
const nodes = new Set();

before(async () => {
  if (skip) return;
  ({ Node } = await import('../../dist/node/node.js'));
  epmd = await startEpmd();
  watcher = await startErlNode({ epmdPort: epmd.port });
  dir = mkdtempSync(join(tmpdir(), 'noderl-slow-'));
  writeFileSync(join(dir, 'slow_sink.js'), JS_SINK);
});

after(async () => {
  for (const n of nodes) await n.stop();
  await watcher?.stop();
  await epmd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function startNode(options = {}) {
  const node = await Node.start({ sname: uniqueName('jsbusy'), cookie: watcher.cookie, epmdPort: epmd.port, log: () => {}, ...options });
  nodes.add(node);
  return node;
}

/**
 * `count` processes of `node`, each sending `{seq, Self, I, Payload}` to `dest` with `await
 * self.send` until `flood.stop()`, then `{done, Self}`; `flood.finish()` resolves to each
 * sender's [sent, acknowledged].
 */
function startFlood(node, dest, count) {
  let stopping = false;
  const sent = new Array(count).fill(0);
  const finished = Array.from({ length: count }, (_, k) =>
    runInProcess(node, async (self) => {
      while (!stopping) {
        await self.send(dest, tuple(atom('seq'), self.pid, sent[k], PAYLOAD));
        sent[k] += 1;
      }
      await self.send(dest, tuple(atom('done'), self.pid));
      const ack = await self.receive({ match: (m) => isTuple(m) && m[0] === atom('ack'), timeout: 60_000 });
      return [sent[k], isTuple(ack) ? ack[1] : ack];
    }),
  );
  return {
    total: () => sent.reduce((a, b) => a + b, 0),
    stop: () => (stopping = true),
    finish: () => ((stopping = true), Promise.all(finished)),
  };
}

/** Resolves once the senders made no progress for two looks in a row while the connection is busy. */
async function stalled(flood, conn) {
  let last = -1;
  for (let i = 0; i < 300; i++) {
    await sleep(200);
    const now = flood.total();
    if (now === last && conn.busy) return;
    last = now;
  }
  throw new Error(`the senders never stalled: ${flood.total()} sent, queue ${conn.stats().sendQueueBytes} bytes`);
}

function noteBusy(node) {
  const seen = [];
  node.on('busy', (peer, bytes) => seen.push(['busy', peer, bytes]));
  node.on('unbusy', (peer, bytes) => seen.push(['unbusy', peer, bytes]));
  return seen;
}

test('a frozen erl peer: senders wait at the busy limit, nosuspend answers, and every message arrives in order after kill -CONT', { skip }, async () => {
  const victim = await startErlNode({ epmdPort: epmd.port, cookie: watcher.cookie });
  let frozen = false;
  try {
    await victim.eval(ERL_SINK);
    const node = await startNode({ distBufBusyLimit: LIMIT });
    const events = noteBusy(node);
    assert.equal(await node.ping(victim.node), 'pong');
    assert.equal(await watcher.eval(`net_adm:ping('${node.name}')`), 'pong');
    const conn = node.netKernel.connection(victim.node);
    const dest = tuple(atom('sink'), atom(victim.node));

    process.kill(victim.pid, 'SIGSTOP');
    frozen = true;
    const flood = startFlood(node, dest, 3);
    await stalled(flood, conn);
    // The kernel's buffers are full; what is left is queued here, and only up to the limit plus
    // the one message each waiting sender queued before it learnt the connection was busy.
    const queued = conn.stats().sendQueueBytes;
    assert.ok(queued >= LIMIT && queued <= LIMIT + 3 * ONE_MESSAGE, `queue ${queued} bytes at the stall`);
    assert.ok(events.some(([kind, peer, bytes]) => kind === 'busy' && peer === victim.node && bytes >= LIMIT), 'the node said busy');
    await sleep(500);
    assert.ok(conn.stats().sendQueueBytes <= queued, 'the queue does not grow while the senders wait');

    // erlang:send/3 and send_nosuspend: not sent while busy, from JS and from an erl caller's rpc.
    const fromJs = await runInProcess(node, async (self) => [
      self.sendWithOptions(dest, atom('not_sent'), { nosuspend: true }),
      self.sendNosuspend(dest, atom('not_sent')),
      self.sendWithOptions(dest, atom('not_sent'), { nosuspend: true, noconnect: true }),
    ]);
    assert.deepEqual(fromJs, ['nosuspend', false, 'nosuspend']);
    const erlDest = `{sink, '${victim.node}'}`;
    assert.equal(await watcher.eval(`rpc:call('${node.name}', erlang, send, [${erlDest}, not_sent, [nosuspend]])`), 'nosuspend');
    assert.equal(await watcher.eval(`rpc:call('${node.name}', erlang, send_nosuspend, [${erlDest}, not_sent])`), 'false');
    assert.match(await watcher.eval(`rpc:call('${node.name}', erlang, send, [${erlDest}, not_sent, [bad_option]])`), /^\{badrpc,\{'EXIT',\{badarg,\[\{erlang,send,/);
    assert.equal(await watcher.eval(`rpc:call('${node.name}', erlang, system_info, [dist_buf_busy_limit])`), String(LIMIT));
    // A fun from erl, evaluated here: its `!` waits while the connection is busy, as BEAM suspends.
    await watcher.eval(`begin Parent = self(), spawn('${node.name}', fun() -> ${erlDest} ! {note, from_fun}, Parent ! sent_from_fun end), ok end`);
    assert.equal(await watcher.eval('receive sent_from_fun -> sent after 1000 -> waiting end'), 'waiting');
    assert.ok(conn.busy);

    process.kill(victim.pid, 'SIGCONT');
    frozen = false;
    const results = await flood.finish();
    for (const [sent, acked] of results) assert.equal(acked, sent, `${sent} sent, the sink counted ${String(acked)}`);
    assert.ok(results.every(([sent]) => sent > 0));
    assert.equal(await watcher.eval('receive sent_from_fun -> sent after 20000 -> timeout end'), 'sent');
    assert.ok(events.some(([kind, peer]) => kind === 'unbusy' && peer === victim.node), 'the node said unbusy');
    assert.equal(conn.busy, false);
  } finally {
    if (frozen) process.kill(victim.pid, 'SIGCONT');
    await victim.stop();
  }
});

test('a frozen noderl peer (its own OS process, --dist-buf-busy-limit): the same bound, and nothing lost', { skip }, async () => {
  const child = await startNoderlChild({ epmdPort: epmd.port, cookie: watcher.cookie, codePath: dir, prefix: 'jsfrozen', args: ['--dist-buf-busy-limit', '64'] });
  let frozen = false;
  try {
    // The flag reaches the child's node: erlang:system_info(dist_buf_busy_limit) there.
    assert.equal(await watcher.eval(`rpc:call('${child.name}', erlang, system_info, [dist_buf_busy_limit])`), String(LIMIT));
    const node = await startNode({ distBufBusyLimit: LIMIT });
    const sink = await runInProcess(node, (self) => self.spawnRemote(child.name, 'slow_sink', 'loop', []));
    assert.ok(sink instanceof Pid);
    const conn = node.netKernel.connection(child.name);

    process.kill(child.child.pid, 'SIGSTOP');
    frozen = true;
    const flood = startFlood(node, sink, 2);
    await stalled(flood, conn);
    const queued = conn.stats().sendQueueBytes;
    assert.ok(queued >= LIMIT && queued <= LIMIT + 2 * ONE_MESSAGE, `queue ${queued} bytes at the stall`);
    assert.equal(await runInProcess(node, async (self) => self.sendNosuspend(sink, atom('not_sent'))), false);
    // node.send from outside any process waits the same way.
    let outsideDone = false;
    const outside = node.send(sink, atom('from_outside')).then(() => (outsideDone = true));
    await sleep(300);
    assert.equal(outsideDone, false, 'node.send waits while busy');

    process.kill(child.child.pid, 'SIGCONT');
    frozen = false;
    for (const [sent, acked] of await flood.finish()) assert.equal(acked, sent, `${sent} sent, the sink counted ${String(acked)}`);
    await outside;
  } finally {
    if (frozen) process.kill(child.child.pid, 'SIGCONT');
    stopNoderlChild(child);
  }
});

test('after net_ticktime the frozen peer is dropped: waiting senders go on, and the queue is freed', { skip }, async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const victim = await startErlNode({ epmdPort: epmd.port, cookie: watcher.cookie, args: ['-kernel', 'net_ticktime', '4'] });
  let frozen = false;
  try {
    await victim.eval(ERL_SINK);
    const node = await startNode({ ticktime: 4 });
    assert.equal(await node.ping(victim.node), 'pong');
    const conn = node.netKernel.connection(victim.node);
    const dest = tuple(atom('sink'), atom(victim.node));
    const down = new Promise((resolve) => node.on('nodedown', (peer, reason) => peer === victim.node && resolve(reason)));
    gc();
    const baseline = process.memoryUsage().arrayBuffers;

    process.kill(victim.pid, 'SIGSTOP');
    frozen = true;
    // One sender that waits, and one that does not: the second piles 32 MiB into the queue,
    // which is what a sender that ignores the promise gets (nothing is dropped while the link is up).
    const waiter = runInProcess(node, async (self) => {
      let n = 0;
      while (node.nodes().includes(victim.node)) await self.send(dest, tuple(atom('seq'), self.pid, n++, PAYLOAD));
      return n;
    });
    await runInProcess(node, async (self) => {
      const big = Buffer.alloc(1024 * 1024, 1);
      for (let i = 0; i < 32; i++) self.send(dest, tuple(atom('big'), i, big));
    });
    await sleep(100);
    const piled = conn.stats().sendQueueBytes;
    assert.ok(piled > 32 * 1024 * 1024 - 8 * 1024 * 1024, `queued ${piled} bytes`);
    assert.ok(conn.busy);

    assert.equal(await down, 'net_tick_timeout');
    assert.ok((await waiter) > 0, 'the waiting sender went on once the connection was gone');
    assert.equal(conn.stats().sendQueueBytes, 0);
    // The socket lets go of its buffers once its pending writes have failed, a turn or so after
    // the close; a few collections a little apart see them gone.
    let after = Infinity;
    for (let i = 0; i < 20 && after >= baseline + 8 * 1024 * 1024; i++) {
      await sleep(100);
      gc();
      after = process.memoryUsage().arrayBuffers;
    }
    assert.ok(after < baseline + 8 * 1024 * 1024, `buffers: ${baseline} before, ${piled} bytes queued, ${after} after the drop`);
  } finally {
    if (frozen) process.kill(victim.pid, 'SIGCONT');
    await victim.stop();
  }
});

test('distBufBusyLimit must be a positive number of bytes', async () => {
  const { Node: N } = await import('../../dist/node/node.js');
  for (const bad of [0, -1, 1.5, Number.NaN, '64']) {
    await assert.rejects(N.start({ distBufBusyLimit: bad, log: () => {} }), RangeError);
  }
});
