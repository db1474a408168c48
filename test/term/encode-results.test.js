// encode() hands a small result out as a view of its writer's buffer (ByteWriter.takeShared) and
// writes atoms as 32-bit words (Atom.etfWords, etfWord0/1). Neither may show: a result
// never changes after it is returned, whatever is encoded next, and the bytes stay OTP's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Atom, EncodeError, atom, decode, encode, float, tuple } from '../../dist/index.js';
import { useErl } from '../support/erl.js';
import { hex } from '../support/terms.js';

const oracle = useErl();
const { skip } = oracle;

/** Terms whose encodings run from 2 bytes to past the 1 KiB a view may be, past 64 KiB blocks, and past 4 KiB runs. */
function termOfSize(i) {
  switch (i % 7) {
    case 0:
      return i;
    case 1:
      return tuple(atom(`a${i}`), i * 1.5, Buffer.alloc(i % 300, i & 255));
    case 2:
      return Array.from({ length: (i * 37) % 5000 }, (_, k) => k * i);
    case 3:
      return new Map([[atom('k'), 'x'.repeat((i * 101) % 20000)], [i, [float(1), -i]]]);
    case 4:
      return Buffer.alloc((i * 977) % 70000, 7); // from short to runs that take ByteWriter's deferred path
    case 5:
      return { name: `n${i}`, list: Array.from({ length: i % 40 }, (_, k) => atom(`e${k % 5}`)) };
    default:
      return [tuple(), [], 'é'.repeat(i % 50), 2 ** 40 + i, -(2 ** 31) - i];
  }
}

test('a result never changes after it is returned, across many encodes of every size', () => {
  const kept = [];
  for (let i = 0; i < 3000; i++) {
    const out = encode(termOfSize(i));
    kept.push([i, out, Buffer.from(out)]);
  }
  for (const [i, out, copy] of kept) assert.ok(out.equals(copy), `result ${i} changed after later encodes`);
  for (const [i, out] of kept.filter(([i]) => i % 97 === 0)) {
    assert.ok(encode(decode(out)).equals(out), `result ${i} does not decode and re-encode to itself`);
  }
});

test('results made while an encode failed or fell back to the deep writer are not overwritten', () => {
  const before = encode(tuple(atom('before'), 1));
  const copy = Buffer.from(before);
  assert.throws(() => encode([1, 2, Symbol('x')]), EncodeError);
  let deep = [];
  for (let i = 0; i < 100000; i++) deep = [deep];
  const deepOut = encode(deep);
  const after = encode(tuple(atom('after'), 2));
  assert.ok(before.equals(copy));
  assert.deepEqual(decode(after), tuple(atom('after'), 2));
  assert.equal(deepOut.length, 1 + 100000 * 6 + 1);
});

test('a result is a real Buffer', () => {
  const out = encode(tuple(atom('ok'), 42, Buffer.from('hello')));
  assert.ok(Buffer.isBuffer(out));
  assert.equal(out.toString('hex'), '83680377026f6b612a6d0000000568656c6c6f');
  assert.equal(out.readUInt8(0), 131);
  assert.ok(out.subarray(1, 3).equals(Buffer.from([104, 3])));
  assert.ok(Buffer.concat([out, out]).subarray(out.length).equals(out));
  assert.equal(out.byteOffset % 8, 0, 'aligned as Node aligns pooled Buffers');
  assert.equal(out.constructor, Buffer);
  assert.match(inspect(out), /^<Buffer 83 68 03/);
  assert.equal(Object.getPrototypeOf(out.subarray(1)), Buffer.prototype);
});

test('atoms of every length encode to OTP bytes, in both minor versions (real erl)', { skip }, async () => {
  // Around the two-word cut-off (8 encoded bytes) and word ends, in ASCII, Latin-1 and wider UTF-8.
  const names = [];
  for (let n = 0; n <= 20; n++) names.push('a'.repeat(n), 'é'.repeat(n), 'ö'.repeat(Math.ceil(n / 2)) + 'z'.repeat(n >> 1), '€'.repeat(Math.ceil(n / 3)));
  names.push('x'.repeat(255), '€'.repeat(255));
  const term = tuple(...names.map((n) => atom(n)), names.map((n) => atom(n)), new Map(names.map((n, i) => [atom(n), i])));
  for (const minor of [1, 2]) {
    const src = `{${names.map(erlAtom).join(', ')}, [${names.map(erlAtom).join(', ')}]}`;
    const otp = await oracle.erl.evalTermWith(src, `[{minor_version,${minor}}]`);
    const ours = encode(tuple(...term.slice(0, -1)), { minorVersion: minor });
    assert.ok(ours.equals(otp), `minor_version ${minor}: bytes differ\n  otp  ${hex(otp.subarray(0, 64))}\n  ours ${hex(ours.subarray(0, 64))}`);
  }
  assert.ok(await oracle.erl.equal(encode(term), encode(term, { minorVersion: 1 })));
});

test("an Atom's words are its encoded bytes", () => {
  for (const name of ['', 'ok', 'undefined', 'nonode@nohost', 'héllo wörld €', 'x'.repeat(40)]) {
    const a = Atom.of(name);
    const n = a.etfUtf8.length;
    const words = Buffer.alloc(4 * a.etfWords.length);
    for (const [i, w] of a.etfWords.entries()) words.writeInt32BE(w, i * 4);
    assert.equal(words.length, (n + 3) & ~3);
    assert.ok(words.subarray(0, n).equals(a.etfUtf8), name);
    assert.ok(words.subarray(n).equals(Buffer.alloc(words.length - n)), `${name}: zero padding`);
    const first = Buffer.alloc(8);
    first.writeInt32BE(a.etfWord0, 0);
    first.writeInt32BE(a.etfWord1, 4);
    assert.ok(first.subarray(0, Math.min(8, n)).equals(a.etfUtf8.subarray(0, 8)), `${name}: first two words`);
  }
});

function erlAtom(name) {
  return `'${[...name].map((c) => (c === "'" || c === '\\' ? `\\${c}` : c.codePointAt(0) > 126 ? `\\x{${c.codePointAt(0).toString(16)}}` : c)).join('')}'`;
}

test('encode stays usable after a compression that fails', () => {
  assert.throws(() => encode(tuple(atom('x'), 'y'.repeat(100)), { compressed: 12 }), RangeError);
  assert.equal(encode(tuple(atom('ok'), 1)).toString('hex'), '83680277026f6b6101');
});

test("transferring a result's memory to a worker copies it, and encode goes on", async () => {
  const { MessageChannel } = await import('node:worker_threads');
  const out = encode(tuple(atom('sent'), 1));
  const { port1, port2 } = new MessageChannel();
  const got = new Promise((resolve) => port2.once('message', resolve));
  port1.postMessage(out.buffer, [out.buffer]);
  const received = await got;
  port1.close();
  assert.ok(received.byteLength >= out.length);
  assert.equal(out.toString('hex'), encode(tuple(atom('sent'), 1)).toString('hex'), 'the result was not detached');
  assert.deepEqual(decode(encode(tuple(atom('after'), 2))), tuple(atom('after'), 2));
});
