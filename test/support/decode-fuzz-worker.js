// Worker for test/term/fuzz.test.js: runs decode() on random and mutated inputs until a deadline.
// Before each decode the input is copied into shared memory, so when decode hangs (the worker
// stops reporting progress) or dies (out of memory) the main thread can still name the input.
// Posts {type: 'progress'}, then {type: 'done'} or {type: 'failure'}.
//
// `node --test test/` also loads every file under test/ as a test file; outside a worker this
// module does nothing.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** mulberry32: small, seeded, good enough to pick mutations. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n), // 0 .. n-1
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    bytes: (n) => {
      const b = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
      return b;
    },
  };
}

const TAGS = [70, 77, 80, 82, 88, 89, 90, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121];
const INTERESTING_32 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x00ffffff, 0x01000000];
const INTERESTING_16 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff];
const INTERESTING_8 = [0, 1, 2, 5, 6, 7, 8, 9, 0x7f, 0x80, 0xfe, 0xff];

export function randomInput(r) {
  switch (r.int(4)) {
    case 0:
      return r.bytes(r.int(65));
    case 1:
      return Buffer.concat([Buffer.from([131, r.pick(TAGS)]), r.bytes(r.int(48))]);
    case 2: {
      // a tag with a length field set to something large, then a little data
      const head = Buffer.from([131, r.pick(TAGS), 0, 0, 0, 0]);
      head.writeUInt32BE(r.pick(INTERESTING_32), 2);
      return Buffer.concat([head, r.bytes(r.int(24))]);
    }
    default: {
      // nested containers of random depth around random leaves
      const parts = [Buffer.from([131])];
      const depth = r.int(40);
      for (let i = 0; i < depth; i++) {
        parts.push(Buffer.from(r.pick([[104, r.int(4)], [108, 0, 0, 0, r.int(4)], [116, 0, 0, 0, r.int(3)], [105, 0, 0, 0, r.int(4)]])));
      }
      parts.push(r.bytes(r.int(32)));
      return Buffer.concat(parts);
    }
  }
}

function mutateOnce(r, input, corpus) {
  const b = Buffer.from(input);
  const at = (extra = 0) => r.int(Math.max(1, b.length - extra));
  switch (r.int(9)) {
    case 0: {
      // flip 1..4 bits
      if (b.length === 0) return b;
      for (let n = 1 + r.int(4); n > 0; n--) b[at()] ^= 1 << r.int(8);
      return b;
    }
    case 1:
      return b.subarray(0, r.int(b.length + 1)); // truncate
    case 2: {
      const i = r.int(b.length + 1); // insert random bytes
      return Buffer.concat([b.subarray(0, i), r.bytes(1 + r.int(8)), b.subarray(i)]);
    }
    case 3: {
      const i = r.int(b.length + 1); // delete a range
      return Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + r.int(8))]);
    }
    case 4: {
      if (b.length < 4) return b; // a 32-bit field set to a huge value
      b.writeUInt32BE(r.pick(INTERESTING_32), at(3));
      return b;
    }
    case 5: {
      if (b.length < 2) return b;
      b.writeUInt16BE(r.pick(INTERESTING_16), at(1));
      return b;
    }
    case 6: {
      if (b.length === 0) return b;
      b[at()] = r.next() < 0.5 ? r.pick(INTERESTING_8) : r.pick(TAGS);
      return b;
    }
    case 7: {
      // splice: a prefix of this input and a suffix of another
      const other = r.pick(corpus);
      return Buffer.concat([b.subarray(0, r.int(b.length + 1)), other.subarray(r.int(other.length + 1))]);
    }
    default: {
      // duplicate a chunk in place
      const i = r.int(b.length + 1);
      const chunk = b.subarray(i, i + 1 + r.int(16));
      return Buffer.concat([b.subarray(0, i), chunk, chunk, b.subarray(i + chunk.length)]);
    }
  }
}

export function mutatedInput(r, corpus) {
  let b = r.pick(corpus);
  for (let n = 1 + r.int(3); n > 0; n--) b = mutateOnce(r, b, corpus);
  return b;
}

async function run({ seed, durationMs, mode, corpus: rawCorpus, shared, distUrl }) {
  const { decode, DecodeError } = await import(distUrl);
  const corpus = rawCorpus.map((c) => Buffer.from(c));
  const lengthCell = new Int32Array(shared, 0, 1);
  const store = new Uint8Array(shared, 4);
  const r = prng(seed);
  const deadline = Date.now() + durationMs;
  let count = 0;
  let decoded = 0;
  let lastReport = Date.now();

  for (;;) {
    if ((count & 63) === 0) {
      const now = Date.now();
      if (now >= deadline) break;
      if (now - lastReport >= 100) {
        parentPort.postMessage({ type: 'progress', count });
        lastReport = now;
      }
    }
    const input = mode === 'random' ? randomInput(r) : mutatedInput(r, corpus);
    const n = Math.min(input.length, store.length);
    store.set(input.subarray(0, n));
    Atomics.store(lengthCell, 0, input.length);
    count++;
    try {
      decode(input);
      decoded++;
    } catch (e) {
      const ok =
        e instanceof DecodeError &&
        Number.isInteger(e.offset) &&
        e.offset >= 0 &&
        e.offset <= input.length;
      if (!ok) {
        parentPort.postMessage({
          type: 'failure',
          count,
          input: input.toString('hex'),
          error: e instanceof DecodeError ? `DecodeError with bad offset ${e.offset}: ${e.message}` : `${e?.name}: ${e?.message}\n${e?.stack}`,
        });
        return;
      }
    }
  }
  parentPort.postMessage({ type: 'done', count, decoded });
}

if (!isMainThread && workerData?.kind === 'noderl-decode-fuzz') {
  await run(workerData);
}
