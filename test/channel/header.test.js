// Header mode (DIST_HDR_ATOM_CACHE, FRAGMENTS): the header reader on crafted frames, and a real
// Connection over a loopback socket pair, driven byte by byte from the other end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { HeaderReader, HeaderError, FRAGMENT_SIZE } from '../../dist/channel/header.js';
import { Connection } from '../../dist/channel/connection.js';
import { FrameReader, frameHeader } from '../../dist/channel/framing.js';
import { DistFlag, advertisedFlags } from '../../dist/channel/flags.js';
import { encodeSignal } from '../../dist/channel/control.js';
import { encode } from '../../dist/term/encode.js';
import { decode, decodeAt } from '../../dist/term/decode.js';
import { atom, tuple, Pid, ErlFun } from '../../dist/term/types.js';
import { equals } from '../../dist/term/compare.js';
import { format } from '../../dist/term/format.js';

const PEER = 'peer@host';
const ME = 'me@host';

/** `131,68` (or the atom-cache part alone, for a start fragment) with refs [{slot, name?}]: a name makes a new entry. */
function atomCacheRefs(refs, { long = false } = {}) {
  const n = refs.length;
  if (n === 0) return Buffer.of(0);
  const flags = Buffer.alloc((n >> 1) + 1);
  const nibble = (i, v) => (flags[i >> 1] |= v << ((i & 1) * 4));
  refs.forEach((r, i) => nibble(i, (r.name !== undefined ? 8 : 0) | (r.slot >> 8)));
  nibble(n, long ? 1 : 0);
  const entries = refs.map((r) => {
    if (r.name === undefined) return Buffer.of(r.slot & 255);
    const text = Buffer.from(r.name, 'utf8');
    const len = long ? Buffer.of(text.length >> 8, text.length & 255) : Buffer.of(text.length);
    return Buffer.concat([Buffer.of(r.slot & 255), len, text]);
  });
  return Buffer.concat([Buffer.of(n), flags, ...entries]);
}
const normal = (refs, terms, opts) => Buffer.concat([Buffer.of(131, 68), atomCacheRefs(refs, opts), ...terms]);
const u64 = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const start = (seq, frag, refs, data) => Buffer.concat([Buffer.of(131, 69), u64(seq), u64(frag), atomCacheRefs(refs), data]);
const cont = (seq, frag, data) => Buffer.concat([Buffer.of(131, 70), u64(seq), u64(frag), data]);
/** A term without its 131. */
const bare = (t) => encode(t).subarray(1);
const REF = (i) => Buffer.of(82, i);
/** `{Tag, Atom}` with both atoms as ATOM_CACHE_REFs 0 and 1. */
const refPair = Buffer.concat([Buffer.of(104, 2), REF(0), REF(1)]);

/** Decodes what a header reader returns: the control and payload. */
function terms(message) {
  const c = decodeAt(message.bytes, message.offset, { atomCache: message.refs });
  const p = c.end < message.bytes.length ? decodeAt(message.bytes, c.end, { atomCache: message.refs }).term : undefined;
  return [c.term, p];
}

test('normal header: new entries fill the cache, cached entries read it, in later frames', () => {
  const r = new HeaderReader(1 << 20);
  const m1 = r.frame(normal([{ slot: 0x105, name: 'hello' }, { slot: 7, name: 'wörld' }], [refPair]));
  assert.deepEqual([...terms(m1)[0]], [atom('hello'), atom('wörld')]);
  // Slot 0x105 is segment 1, index 5: a cached entry names it by both.
  const m2 = r.frame(normal([{ slot: 7 }, { slot: 0x105 }], [refPair, bare(42)]));
  assert.deepEqual([...terms(m2)[0], terms(m2)[1]], [atom('wörld'), atom('hello'), 42]);
  // An odd and an even count of refs put the long-atoms nibble in either half of a byte.
  for (const count of [1, 2, 3, 8, 255]) {
    const refs = Array.from({ length: count }, (_, i) => ({ slot: 1000 + i, name: `a${i}` }));
    const list = Buffer.concat([Buffer.of(108, 0, 0, 0, count), ...refs.map((_, i) => REF(i)), Buffer.of(106)]);
    for (const long of [false, true]) {
      const m = r.frame(normal(refs, [list], { long }));
      assert.equal(terms(m)[0].length, count);
      assert.equal(terms(m)[0][count - 1], atom(`a${count - 1}`), `${count} refs, long ${long}`);
    }
  }
  // true and false through the cache are booleans, as everywhere else.
  const m3 = r.frame(normal([{ slot: 1, name: 'true' }, { slot: 2, name: 'false' }], [refPair]));
  assert.deepEqual([...terms(m3)[0]], [true, false]);
  // A 255-character UTF-8 atom needs the long form (2-byte length).
  const big = 'ä'.repeat(255);
  const m4 = r.frame(normal([{ slot: 3, name: big }], [REF(0)], { long: true }));
  assert.equal(terms(m4)[0], atom(big));
  // No refs at all: what noderl sends and OTP sends with FRAGMENTS alone.
  const [c, p] = terms(r.frame(normal([], [bare(tuple(1, 2))])));
  assert.equal(format(c), '{1,2}');
  assert.equal(p, undefined);
});

test('fragments: interleaved sequences reassemble; a start fragment fills the cache at once', () => {
  const r = new HeaderReader(1 << 20);
  const payloadA = bare(Buffer.alloc(5000, 1));
  const payloadB = bare(tuple(atom('b'), Buffer.alloc(3000, 2)));
  const dataA = Buffer.concat([refPair, payloadA]);
  const dataB = Buffer.concat([bare(tuple(22, atom('x'))), payloadB]);
  assert.equal(r.frame(start(7, 3, [{ slot: 9, name: 'ctl' }, { slot: 10, name: 'tag' }], dataA.subarray(0, 2000))), undefined);
  assert.equal(r.frame(start(2n ** 64n - 1n, 2, [], dataB.subarray(0, 100))), undefined);
  // A normal frame between fragments uses the atoms sequence 7's start just cached.
  const between = r.frame(normal([{ slot: 10 }], [Buffer.concat([Buffer.of(104, 1), REF(0)])]));
  assert.equal(format(terms(between)[0]), '{tag}');
  assert.equal(r.frame(cont(7, 2, dataA.subarray(2000, 4000))), undefined);
  assert.equal(r.openSequences, 2);
  const b = r.frame(cont(2n ** 64n - 1n, 1, dataB.subarray(100)));
  assert.deepEqual(terms(b).map(format), ['{22,x}', format(tuple(atom('b'), Buffer.alloc(3000, 2)))]);
  const a = r.frame(cont(7, 1, dataA.subarray(4000)));
  const [ctl, payload] = terms(a);
  assert.equal(format(ctl), '{ctl,tag}');
  assert.ok(Buffer.alloc(5000, 1).equals(payload));
  assert.equal(r.heldBytes, 0);
  assert.equal(r.openSequences, 0);
  // A start fragment with id 1 is a whole message.
  assert.equal(format(terms(r.frame(start(9, 1, [], bare(tuple(1)))))[0]), '{1}');
});

test('bad headers and fragments throw HeaderError naming the problem', () => {
  const bad = (frames, pattern, max = 1 << 20) => {
    const r = new HeaderReader(max);
    assert.throws(() => frames.forEach((f) => r.frame(f)), (e) => e instanceof HeaderError && pattern.test(e.message), String(pattern));
  };
  bad([Buffer.concat([Buffer.of(112), encode(tuple(1))])], /pass-through frame \(112\) after header mode was negotiated/);
  bad([Buffer.of(131, 99, 0)], /unknown header type 99/);
  bad([cont(5, 1, Buffer.of(97, 1))], /continuation fragment for unknown sequence 5/);
  bad([start(5, 3, [], Buffer.of(104)), cont(5, 1, Buffer.of(1))], /fragment 1 of sequence 5 arrived where 2 was due/);
  bad([start(5, 3, [], Buffer.of(104)), start(5, 3, [], Buffer.of(104))], /sequence 5, which is already open/);
  bad([normal([{ slot: 77 }], [REF(0)])], /ref 0 names empty slot 77/);
  bad([normal([{ slot: 1, name: 'abc' }], []).subarray(0, 7)], /claims 3 bytes/);
  bad([Buffer.of(131, 68, 4, 0)], /ends inside the flags/);
  bad([Buffer.of(131, 68, 0, 131, 97, 1)], /starts with 131/);
  const notUtf8 = normal([{ slot: 1, name: 'ab' }], [REF(0)]);
  notUtf8[6] = 0xff;
  notUtf8[7] = 0xfe;
  bad([notUtf8], /not valid UTF-8/);
  bad([start(1, 3, [], Buffer.alloc(600)), start(2, 3, [], Buffer.alloc(600))], /would hold 1200 bytes \(sequence 2\), over the bound of 1000/, 1000);
});

test('re-encoding a fun decoded through atom-cache refs gives self-contained bytes', () => {
  const uniq = Buffer.alloc(16, 0xab);
  const pidBytes = Buffer.concat([Buffer.of(88), REF(1), Buffer.of(0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 3)]);
  const fields = Buffer.concat([Buffer.of(1), uniq, Buffer.of(0, 0, 0, 2, 0, 0, 0, 1), REF(0), Buffer.of(97, 2, 98, 0, 1, 0, 0), pidBytes, REF(0)]);
  const funBytes = Buffer.concat([Buffer.of(112), u64(0).subarray(0, 4), fields]);
  const fun = decodeAt(funBytes, 0, { atomCache: [atom('mymod'), atom('n@h')] }).term;
  assert.ok(fun instanceof ErlFun);
  assert.ok(decode(Buffer.concat([Buffer.of(131), fun.bytes])) instanceof ErlFun, 'the bytes decode without the cache');
  assert.equal(fun.bytes.readUInt32BE(1), fun.bytes.length - 1, 'Size counts itself and what follows');
  const again = decode(encode(fun));
  assert.equal(again.module, atom('mymod'));
  assert.equal(again.pid.node, atom('n@h'));
  assert.equal(again.freeVars[0], atom('mymod'));
  assert.ok(equals(again, fun));
  // Without refs the bytes are kept as they came.
  const plain = decodeAt(encode(again), 1).term;
  assert.ok(plain.bytes.equals(again.bytes));
});

/** A Connection on one end of a loopback socket pair; the test speaks raw frames on the other. */
async function pair(flags, options = {}) {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise((r) => server.once('connection', r));
  const raw = connect(server.address().port, '127.0.0.1');
  const socket = await accepted;
  server.close();
  const conn = new Connection(socket, { peerName: PEER, peerFlags: flags, peerCreation: 1, flags, rest: Buffer.alloc(0) }, options);
  // Each signal heard, as the control tuple and payload it travels as (what the assertions read).
  const messages = [];
  conn.on('signal', (to, signal) => messages.push(encodeSignal(to, signal, flags)));
  const closed = new Promise((r) => conn.once('close', r));
  const frames = [];
  const reader = new FrameReader((b) => frames.push(Buffer.from(b)), () => frames.push('tick'), 1 << 30);
  raw.on('data', (d) => reader.push(d));
  raw.on('error', () => {});
  const write = (...bodies) => raw.write(Buffer.concat(bodies.flatMap((b) => [frameHeader(b.length), b])));
  return { conn, raw, messages, closed, frames, write, end: () => (conn.close(), raw.destroy()) };
}
const until = async (cond, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const HEADER_FLAGS = advertisedFlags(false);
const PASS_FLAGS = HEADER_FLAGS & ~(DistFlag.DIST_HDR_ATOM_CACHE | DistFlag.FRAGMENTS);
const peerPid = new Pid(atom(PEER), 1, 0, 1);
const myPid = (id) => new Pid(atom(ME), id, 0, 2);
/** `{22, myPid(id), peerPid}` + `message` (SEND_SENDER, negotiated in both modes here). */
const sendFrom = (conn, id, message) => conn.sendSignal(peerPid, { kind: 'message', from: myPid(id), message });

test('noderl advertises DIST_HDR_ATOM_CACHE and FRAGMENTS (the flag set OTP 25 advertises)', () => {
  assert.equal(advertisedFlags(true), 0xd07df7fbcn);
  assert.equal(advertisedFlags(false), 0xd07df7fbdn);
});

test('a Connection in header mode reads atom-cache headers and fragments from the socket', async () => {
  const { messages, write, end } = await pair(HEADER_FLAGS);
  const ctl = Buffer.concat([Buffer.of(104, 3, 97, 22), Buffer.of(88), REF(0), Buffer.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1), Buffer.of(88), REF(1), Buffer.of(0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 2)]);
  write(normal([{ slot: 300, name: PEER }, { slot: 301, name: ME }], [ctl, REF(1)]));
  const big = bare(Buffer.alloc(3 * FRAGMENT_SIZE, 9));
  const data = Buffer.concat([ctl, big]);
  write(start(44, 4, [{ slot: 300 }, { slot: 301 }], data.subarray(0, FRAGMENT_SIZE)));
  write(cont(44, 3, data.subarray(FRAGMENT_SIZE, 2 * FRAGMENT_SIZE)), cont(44, 2, data.subarray(2 * FRAGMENT_SIZE, 3 * FRAGMENT_SIZE)));
  write(cont(44, 1, data.subarray(3 * FRAGMENT_SIZE)));
  await until(() => messages.length === 2);
  const [op, from, to] = messages[0][0];
  assert.equal(op, 22);
  assert.ok(from instanceof Pid && from.node === atom(PEER) && from.id === 1);
  assert.ok(to instanceof Pid && to.node === atom(ME) && to.id === 5);
  assert.ok(equals(messages[1][0], messages[0][0]), 'the start fragment resolved the cached entries');
  assert.equal(messages[0][1], atom(ME));
  assert.ok(Buffer.alloc(3 * FRAGMENT_SIZE, 9).equals(messages[1][1]));
  end();
});

test('bad input closes the connection with a reason; pass-through still works without the flags', async () => {
  const cases = [
    [Buffer.concat([Buffer.of(112), encode(tuple(1))]), /^bad header: a pass-through frame \(112\) after header mode was negotiated/],
    [cont(3, 1, Buffer.of(1)), /^bad header: continuation fragment for unknown sequence 3/],
    [Buffer.of(131, 68, 1, 0), /^bad header: header ends before atom-cache ref 0/],
    [normal([], [Buffer.of(104, 1, 200)]), /^bad message: unknown tag/],
  ];
  for (const [body, reason] of cases) {
    const { closed, write, end } = await pair(HEADER_FLAGS);
    write(body);
    assert.match(await closed, reason);
    end();
  }
  const p = await pair(PASS_FLAGS);
  p.write(Buffer.concat([Buffer.of(112), encode(tuple(2, atom(''), myPid(1))), encode(atom('hi'))]));
  await until(() => p.messages.length === 1);
  assert.equal(p.messages[0][1], atom('hi'));
  p.write(normal([], [bare(tuple(1))]));
  assert.match(await p.closed, /^bad frame: starts with 131, not pass-through 112/);
  p.end();
});

test('outgoing: 131,68,0 headers; big messages as 64 KiB fragments; other senders interleave, the same sender waits', async () => {
  const { conn, frames, end } = await pair(HEADER_FLAGS);
  const big = Buffer.alloc(40 * FRAGMENT_SIZE + 123, 5);
  sendFrom(conn, 1, atom('small_first'));
  sendFrom(conn, 1, big);
  sendFrom(conn, 1, atom('same_sender_after'));
  sendFrom(conn, 2, big);
  sendFrom(conn, 3, atom('other_sender'));
  const fragments = 2 * 41;
  await until(() => frames.length >= 3 + fragments);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(frames.length, 3 + fragments, 'nothing else was written');
  const r = new HeaderReader(1 << 30);
  const got = [];
  const seqs = new Set();
  frames.forEach((f, i) => {
    assert.equal(f[0], 131);
    if (f[1] === 68) assert.equal(f[2], 0, 'no atom-cache refs');
    if (f[1] !== 68) {
      seqs.add(f.readBigUInt64BE(2));
      assert.ok(f.length <= 19 + FRAGMENT_SIZE);
    }
    const m = r.frame(f);
    if (m) got.push([i, terms(m)[1]]);
  });
  assert.equal(seqs.size, 2, 'one sequence id per big message');
  const order = got.map(([, p]) => (Buffer.isBuffer(p) ? 'big' : p.name));
  assert.equal(order.length, 5);
  // pid 1's messages keep their order; pid 3's small message went out before either big one finished.
  const at = (name) => order.indexOf(name);
  assert.equal(at('small_first'), 0);
  assert.ok(got[at('other_sender')][0] < got.find(([, p]) => Buffer.isBuffer(p))[0], 'other_sender did not wait for the fragments');
  const firstBigDone = got.findIndex(([, p]) => Buffer.isBuffer(p));
  assert.ok(at('same_sender_after') > firstBigDone, 'same sender waits for its big message');
  for (const [, p] of got) if (Buffer.isBuffer(p)) assert.ok(p.equals(big));
  end();
});

test('outgoing: a control message over 64 KiB travels whole in the start fragment, as OTP requires', async () => {
  const { conn, frames, end } = await pair(HEADER_FLAGS);
  const control = tuple(99, myPid(4), Buffer.alloc(100_000, 3));
  // Op 99 is no signal, so this writes through the outbox, as `Connection.send` did before it took signals.
  conn['outbox'].send(control, Buffer.alloc(200_000, 4));
  const total = bare(control).length + bare(Buffer.alloc(200_000, 4)).length;
  const count = 1 + Math.ceil((total - bare(control).length) / FRAGMENT_SIZE);
  await until(() => frames.length >= count);
  assert.equal(frames[0][1], 69);
  assert.equal(frames[0].readBigUInt64BE(10), BigInt(count), 'the start fragment carries the fragment count');
  assert.ok(equals(decodeAt(frames[0], 19).term, control), 'the control message decodes from the start fragment alone');
  const r = new HeaderReader(1 << 30);
  const done = frames.map((f) => r.frame(f)).filter(Boolean);
  assert.equal(done.length, 1);
  assert.ok(terms(done[0])[1].equals(Buffer.alloc(200_000, 4)));
  end();
});

test('outgoing pass-through: a big frame is written whole, in order with the small frames around it', async () => {
  const { conn, frames, end } = await pair(PASS_FLAGS);
  const big = Buffer.alloc(1_000_000, 7);
  sendFrom(conn, 1, atom('before'));
  sendFrom(conn, 1, big);
  sendFrom(conn, 1, atom('after'));
  await until(() => frames.length >= 3);
  const payloads = frames.map((f) => {
    assert.equal(f[0], 112, 'pass-through frames');
    assert.equal(f[1], 131);
    const control = decodeAt(f, 2); // each term keeps its 131 in this mode
    assert.equal(f[control.end], 131);
    return decodeAt(f, control.end + 1).term;
  });
  assert.equal(payloads[0], atom('before'));
  assert.ok(Buffer.isBuffer(payloads[1]) && payloads[1].equals(big));
  assert.equal(payloads[2], atom('after'));
  end();
});
