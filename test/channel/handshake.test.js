// The version 6 handshake and net_adm:ping against real erl nodes on a private port mapper, both
// directions, and the refusals: wrong cookie, missing flags, garbage, truncated and stalled handshakes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { Node } from '../../dist/node/node.js';
import { dialHandshake } from '../../dist/channel/handshake.js';
import { advertisedFlags, DistFlag } from '../../dist/channel/flags.js';

const skip = erlSkip();
let epmd;
let erl;
const started = [];

before(async () => {
  if (skip) return;
  epmd = await startEpmd();
  process.env.ERL_EPMD_PORT = String(epmd.port);
  erl = await startErlNode({ epmdPort: epmd.port });
});

after(async () => {
  for (const n of started) await n.stop();
  await erl?.stop();
  await epmd?.stop();
});

async function startNode(opts = {}) {
  const logs = [];
  const node = await Node.start({ sname: uniqueName('js'), cookie: erl.cookie, epmdPort: epmd.port, log: (l) => logs.push(l), ...opts });
  node.logs = logs;
  started.push(node);
  return node;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(check, ms = 5000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(20);
  }
  return false;
}

/** A raw TCP connection to a node's distribution port. */
function rawSocket(node) {
  return new Promise((resolve, reject) => {
    const s = connect(node.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

function closed(socket) {
  return new Promise((resolve) => socket.once('close', resolve));
}

function sendNameMessage(name, flags) {
  const n = Buffer.from(name);
  const body = Buffer.alloc(1 + 8 + 4 + 2 + n.length);
  body[0] = 78;
  body.writeBigUInt64BE(flags, 1);
  body.writeUInt32BE(1234, 9);
  body.writeUInt16BE(n.length, 13);
  n.copy(body, 15);
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

test('erl pings a noderl node: pong, and erl lists it in nodes()', { skip }, async () => {
  const node = await startNode();
  assert.equal(await erl.eval(`net_adm:ping('${node.name}')`), 'pong');
  assert.match(await erl.eval('nodes()'), new RegExp(node.name));
  assert.ok(node.nodes().includes(erl.node));
});

test('a noderl node pings erl: pong, and erl lists it in nodes()', { skip }, async () => {
  const node = await startNode();
  assert.equal(await node.ping(erl.node), 'pong');
  assert.deepEqual(node.nodes(), [erl.node]);
  assert.match(await erl.eval('nodes()'), new RegExp(node.name));
});

test('a hidden noderl node is in nodes(hidden) on both sides, not in nodes()', { skip }, async () => {
  const node = await startNode({ hidden: true });
  assert.equal(await node.ping(erl.node), 'pong');
  assert.deepEqual(node.nodes(), []);
  assert.deepEqual(node.nodes('hidden'), [erl.node]);
  assert.doesNotMatch(await erl.eval('nodes()'), new RegExp(node.name));
  assert.match(await erl.eval('nodes(hidden)'), new RegExp(node.name));
});

test('wrong cookie, erl dialling: pang, and noderl logs the disallowed node', { skip }, async () => {
  const node = await startNode({ cookie: randomBytes(8).toString('hex') });
  assert.equal(await erl.eval(`net_adm:ping('${node.name}')`), 'pang');
  assert.ok(node.logs.includes(`** Connection attempt from disallowed node ${erl.node} **`), node.logs.join('\n'));
  assert.deepEqual(node.nodes('connected'), []);
});

test('wrong cookie, noderl dialling: pang, and erl logs the invalid challenge reply', { skip }, async () => {
  const node = await startNode({ cookie: randomBytes(8).toString('hex') });
  assert.equal(await node.ping(erl.node), 'pang');
  assert.equal(await node.connect(erl.node), false);
  // OTP 25's own wording for the same refusal.
  assert.ok(await until(() => erl.output().includes(`Connection attempt from node ${node.name} rejected. Invalid challenge reply.`)), erl.output());
});

test('two noderl nodes ping each other', { skip }, async () => {
  const a = await startNode();
  const b = await startNode();
  assert.equal(await a.ping(b.name), 'pong');
  assert.equal(await b.ping(a.name), 'pong');
  assert.deepEqual(a.nodes(), [b.name]);
  assert.deepEqual(b.nodes(), [a.name]);
});

test('a noderl node pings a missing node: pang', { skip }, async () => {
  const node = await startNode();
  assert.equal(await node.ping(`${uniqueName('nobody')}@${erl.node.split('@')[1]}`), 'pang');
});

test('a peer without MAP_TAG is refused with not_allowed and a log line naming the flag', { skip }, async () => {
  const node = await startNode();
  const s = await rawSocket(node);
  const got = [];
  s.on('data', (d) => got.push(d));
  const peer = `${uniqueName('old')}@vm`;
  s.write(sendNameMessage(peer, advertisedFlags(false) & ~DistFlag.MAP_TAG & ~DistFlag.MANDATORY_25_DIGEST));
  await closed(s);
  assert.equal(Buffer.concat(got).toString('latin1', 2), 'snot_allowed');
  assert.ok(node.logs.some((l) => l.includes(`Connection attempt from node ${peer} rejected since it cannot handle ["MAP_TAG"]`)), node.logs.join('\n'));
});

test('garbage and truncated handshakes are refused with a log line; the node keeps serving', { skip }, async () => {
  const node = await startNode();
  const garbage = await rawSocket(node);
  garbage.write(Buffer.from([0, 3, 88, 89, 90]));
  await closed(garbage);
  const truncated = await rawSocket(node);
  truncated.end(sendNameMessage(`${uniqueName('t')}@vm`, advertisedFlags(false)).subarray(0, 9));
  await closed(truncated);
  assert.ok(await until(() => node.logs.length >= 2), node.logs.join('\n'));
  assert.ok(node.logs.some((l) => /handshake with .* failed: bad send_name: expected 'N'/.test(l)), node.logs.join('\n'));
  assert.ok(node.logs.some((l) => /handshake with .* failed: connection closed during the handshake \(9 bytes of a truncated message\)/.test(l)), node.logs.join('\n'));
  assert.equal(await erl.eval(`net_adm:ping('${node.name}')`), 'pong');
});

test('a stalled handshake times out with a log line', { skip }, async () => {
  const node = await startNode({ setupTimeMs: 300 });
  const s = await rawSocket(node);
  const t0 = Date.now();
  await closed(s);
  const waited = Date.now() - t0;
  assert.ok(waited >= 250 && waited < 3000, `closed after ${waited} ms`);
  assert.ok(await until(() => node.logs.some((l) => /handshake timed out waiting for send_name/.test(l))), node.logs.join('\n'));
});

test('ticks: a connected node ticks every ticktime/4 and drops a silent peer after the ticktime', { skip }, async () => {
  const node = await startNode({ ticktime: 1 });
  const s = await rawSocket(node);
  const local = { name: `${uniqueName('silent')}@vm`, flags: advertisedFlags(true), creation: 7, cookieFor: () => erl.cookie, setupTimeMs: 2000 };
  const result = await dialHandshake(s, local, node.name);
  assert.equal(result.flags & DistFlag.PUBLISHED, 0n);
  const bytes = [result.rest];
  s.on('data', (d) => bytes.push(d));
  const t0 = Date.now();
  await closed(s);
  const silentFor = Date.now() - t0;
  assert.ok(silentFor >= 900 && silentFor < 2500, `dropped after ${silentFor} ms`);
  const ticks = Buffer.concat(bytes);
  assert.ok(ticks.length >= 8 && ticks.every((b) => b === 0), `got ${ticks.toString('hex')}`);
  assert.ok(node.logs.some((l) => l.includes(`** Node ${local.name} not responding **`)), node.logs.join('\n'));
});
