// The writers the distribution uses instead of encode(): FrameBatch (small messages framed into
// one buffer per turn) and ChunkedTermWriter (big payloads in pieces). They share TermWriter's
// hot path, which checks for room once per term and may write up to SLACK bytes past that check,
// so their bounds (a frame's maxData, a chunk's end) are tested where writes straddle them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameBatch } from '../../dist/channel/frame-batch.js';
import { ChunkedTermWriter } from '../../dist/channel/chunked-writer.js';
import { decodeAt } from '../../dist/term/decode.js';
import { encode } from '../../dist/term/encode.js';
import { equals } from '../../dist/term/compare.js';
import { Pid, atom, float, tuple } from '../../dist/term/types.js';

const NODE = atom('frames@host');
const CONTROL = tuple(22, new Pid(NODE, 81, 0, 1), new Pid(NODE, 82, 0, 1));

/** The frames in `bytes` (Len:32, 131, 68, 0, Control, Payload) as [control, payload] pairs. */
function readFrames(bytes) {
  const frames = [];
  for (let at = 0; at < bytes.length; ) {
    const len = bytes.readUInt32BE(at);
    const body = bytes.subarray(at + 4, at + 4 + len);
    assert.deepEqual([...body.subarray(0, 3)], [131, 68, 0]);
    const c = decodeAt(body, 3);
    const p = decodeAt(body, c.end);
    assert.equal(p.end, body.length, 'nothing after the payload');
    frames.push([c.term, p.term]);
    at += 4 + len;
  }
  return frames;
}

/** Data bytes (control and payload, no 131) of a frame for `payload`. */
function dataLength(payload) {
  return encode(CONTROL).length - 1 + encode(payload).length - 1;
}

test('tryFrame takes a message of exactly maxData bytes and refuses one byte more, leaving the batch as it was', () => {
  const payloads = [
    Buffer.alloc(500, 1),
    [atom('abcdefghijklmn'), atom('x'), 1.5, 70000, -5],
    tuple(atom('ok'), 'text', [1, 2, 3]),
    Array.from({ length: 300 }, (_, i) => tuple(atom('item'), i, float(i))),
  ];
  for (const payload of payloads) {
    const exact = dataLength(payload);
    for (const maxData of [exact, exact - 1, exact - 20, exact - 40]) {
      const batch = new FrameBatch();
      assert.equal(batch.tryFrame(CONTROL, 'first', 1 << 16), true);
      const before = Buffer.from(batch.buf.subarray(0, batch.pos));
      const ok = batch.tryFrame(CONTROL, payload, maxData);
      assert.equal(ok, maxData >= exact, `maxData ${maxData} for ${exact} data bytes`);
      if (!ok) {
        assert.ok(batch.buf.subarray(0, batch.pos).equals(before), 'a refused frame leaves nothing behind');
      }
      assert.equal(batch.tryFrame(CONTROL, 'last', 1 << 16), true, 'the batch goes on after a refusal');
      const frames = readFrames(batch.take());
      assert.equal(frames.length, ok ? 3 : 2);
      if (ok) assert.ok(equals(frames[1][1], decodeAt(encode(payload), 1).term));
      assert.ok(equals(frames.at(-1)[1], Buffer.from('last')));
    }
  }
});

test('a batch that grows keeps every frame, and refuses by maxData, not by its buffer size', () => {
  const batch = new FrameBatch();
  const sent = [];
  for (let i = 0; i < 2000; i++) {
    const payload = i % 3 ? tuple(atom('n'), i, 'x'.repeat(i % 200)) : Buffer.alloc(i % 3000, i & 255);
    assert.equal(batch.tryFrame(CONTROL, payload, 1 << 16), true);
    sent.push(payload);
  }
  assert.ok(batch.pos > 64 * 1024, 'the batch outgrew its first buffer');
  const frames = readFrames(batch.take());
  assert.equal(frames.length, sent.length);
  for (const [i, [control, payload]] of frames.entries()) {
    assert.ok(equals(control, CONTROL));
    assert.ok(equals(payload, decodeAt(encode(sent[i]), 1).term), `frame ${i}`);
  }
  assert.equal(batch.tryFrame(CONTROL, Buffer.alloc(70000), 1 << 16), false);
});

test('tryFrame refuses what has no Erlang form, and the batch goes on', () => {
  const batch = new FrameBatch();
  assert.equal(batch.tryFrame(CONTROL, [1, Symbol('no')], 1 << 16), false);
  assert.equal(batch.pos, 0);
  assert.equal(batch.tryFrame(CONTROL, 1, 1 << 16), true);
  assert.equal(readFrames(batch.take()).length, 1);
});

test("ChunkedTermWriter's pieces are encode()'s bytes, with terms straddling each chunk's end", () => {
  const writer = new ChunkedTermWriter();
  // Elements of odd sizes, so that across 1 MiB chunks every kind of write meets a chunk's end.
  const parts = [atom('abcdefghijklmn'), 1.25, 70000, atom('ok'), 'héllo', Buffer.alloc(500, 3), Buffer.alloc(7000, 4), -1, [], tuple(1, 2)];
  // 3, 15 and 30 MB: a few chunks, not gigabytes (the test once took 12 GB and a minute).
  for (const total of [4000, 20000, 40000]) {
    const term = Array.from({ length: total }, (_, i) => parts[i % parts.length]);
    const { pieces, length } = writer.write(term);
    const joined = Buffer.concat(pieces);
    assert.equal(joined.length, length);
    assert.ok(joined.equals(encode(term).subarray(1)), `${total} elements`);
    assert.ok(pieces.length > 1);
  }
  const small = writer.write(tuple(atom('small'), 1));
  assert.equal(small.pieces.length, 1);
  assert.ok(small.pieces[0].equals(encode(tuple(atom('small'), 1)).subarray(1)));
});
