// The streaming frame reader: any chunking gives the same frames, ticks are seen, oversized frames refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameReader, FrameError, frameHeader } from '../../dist/channel/framing.js';

function frames(bodies) {
  return Buffer.concat(bodies.flatMap((b) => [frameHeader(b.length), b]));
}

function readAll(stream, cut) {
  const got = [];
  let ticks = 0;
  const reader = new FrameReader((b) => got.push(Buffer.from(b).toString('hex')), () => (ticks += 1), 1024);
  for (let i = 0; i < stream.length; i += cut) reader.push(stream.subarray(i, i + cut));
  return { got, ticks, pending: reader.pending };
}

test('frames split at every chunk size decode the same, ticks included', () => {
  const bodies = [Buffer.from('p\x83a\x01'), Buffer.alloc(0), Buffer.alloc(300, 7), Buffer.alloc(0), Buffer.from([1])];
  const stream = frames(bodies);
  const expected = bodies.filter((b) => b.length > 0).map((b) => b.toString('hex'));
  for (let cut = 1; cut <= stream.length; cut++) {
    const { got, ticks, pending } = readAll(stream, cut);
    assert.deepEqual(got, expected, `chunks of ${cut}`);
    assert.equal(ticks, 2);
    assert.equal(pending, 0);
  }
});

test('a frame over the bound is refused before it is read, whatever the chunking', () => {
  const stream = frames([Buffer.alloc(2000)]);
  for (const cut of [1, 3, 4, 5, stream.length]) {
    assert.throws(() => readAll(stream, cut), FrameError);
  }
});
