// Robustness of decode (and encode's errors). Time-bounded fuzzing (~10 s) runs in a worker with a
// watchdog and a heap limit: every input must decode or throw DecodeError, without hanging or
// running out of memory. Then explicit hostile inputs, and EncodeError paths.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { deflateSync } from 'node:zlib';
import {
  BitBinary,
  DecodeError,
  EncodeError,
  ExportFun,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
  atom,
  decode,
  encode,
  float,
  tuple,
} from '../../dist/index.js';
import { ErlRejected, useErl } from '../support/erl.js';
import { atomLatin1, atomUtf8, bytes, hex, show, termKey, u16, u32, u64 } from '../support/terms.js';
import { mutatedInput, prng, randomInput } from '../support/decode-fuzz-worker.js';

const WORKER_URL = new URL('../support/decode-fuzz-worker.js', import.meta.url);
const DIST_URL = new URL('../../dist/index.js', import.meta.url).href;
const FUZZ_MS = Number(process.env.FUZZ_MS ?? 10000);
const HANG_MS = 5000;
const SHARED_INPUT_BYTES = 1 << 20;

const oracle = useErl();
const { skip } = oracle;

const a = atom;

/** Valid encodings to mutate: every tag, old ones included, compressed ones too. */
function corpus() {
  const terms = [
    0, 255, 256, -1, 2 ** 31, -(2n ** 64n), 2n ** 2040n, 1.5, float(-0), float(1e300),
    a('ok'), true, a('é'.repeat(200)), a('日本'),
    Buffer.from('binary'), new BitBinary(Buffer.from([1, 0xe0]), 3), 'text',
    [], [1, 2, 3], [256, a('x'), [Buffer.alloc(3)]], new ImproperList([1, 2], a('t')),
    tuple(), tuple(a('ok'), 1, [2]), tuple(...new Array(300).fill(1)),
    new Map([[a('k'), 1], [tuple(1), [2]], [Buffer.from('b'), new Map()]]),
    new Map(Array.from({ length: 40 }, (_, i) => [i, i])),
    new Pid(a('a@b'), 1, 2, 3), new Ref(a('a@b'), [1, 2, 3], 4), new Ref(a('n@h'), [1, 2, 3, 4, 5], 9),
    new Port(a('a@b'), 5, 6), new Port(a('a@b'), 2n ** 60n, 6), new ExportFun(a('lists'), a('reverse'), 1),
    tuple(new Pid(a('x@y'), 1, 2, 3), [new Map([[1, tuple(2, Buffer.from('z'))]])], 'str', 2n ** 100n),
  ];
  const out = terms.map((t) => encode(t));
  out.push(...terms.slice(0, 12).map((t) => encode(t, { minorVersion: 1 })));
  out.push(encode(Array.from({ length: 500 }, (_, i) => i), { compressed: true }));
  out.push(encode(tuple(Buffer.alloc(400, 7), [a('a'), a('b')], new Map([[1, 2]])), { compressed: 9 }));
  out.push(
    bytes(131, 99, '1.50000000000000000000e+00', 0, 0, 0, 0, 0),
    bytes(131, 103, atomLatin1('a@b'), u32(5), u32(1), 2),
    bytes(131, 114, u16(3), atomLatin1('a@b'), 2, u32(1), u32(2), u32(3)),
    bytes(131, 101, atomLatin1('a@b'), u32(7), 1),
    bytes(131, 102, atomLatin1('a@b'), u32(7), 1),
    bytes(131, 120, atomUtf8('a@b'), u64(2n ** 40n), u32(3)),
    bytes(131, 115, 3, 'abc'),
    bytes(131, 118, u16(2), 'ok'),
    bytes(131, 107, u16(3), 1, 2, 3),
    bytes(131, 105, u32(2), 97, 1, 97, 2),
    bytes(131, 110, 1, 0, 5),
  );
  return out;
}

async function erlCorpus() {
  if (!oracle.erl) return [];
  const out = [];
  for (const src of ['fun(X) -> X + 1 end', 'term_oracle:closure({a, [1,2]})', '{self(), make_ref(), hd(erlang:ports())}']) {
    out.push(await oracle.erl.evalTermWith(src, '[{minor_version,2}]'));
  }
  for (let seed = 1; seed <= 40; seed++) out.push((await oracle.erl.gen(seed, 12)).bytes);
  return out;
}

/** Runs the fuzz worker; rejects with the offending input on a wrong exception, a hang or a crash. */
function fuzz({ mode, durationMs, seed, inputs }) {
  const shared = new SharedArrayBuffer(4 + SHARED_INPUT_BYTES);
  const lengthCell = new Int32Array(shared, 0, 1);
  const store = new Uint8Array(shared, 4);
  const current = () => {
    const len = Atomics.load(lengthCell, 0);
    const b = Buffer.from(store.subarray(0, Math.min(len, SHARED_INPUT_BYTES, 256)));
    return `${len} bytes: ${hex(b)}${len > 256 ? ' …' : ''}`;
  };
  const worker = new Worker(WORKER_URL, {
    workerData: { kind: 'noderl-decode-fuzz', mode, durationMs, seed, corpus: inputs, shared, distUrl: DIST_URL },
    resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 },
  });
  return new Promise((resolve, reject) => {
    let last = Date.now();
    let settled = false;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      worker.terminate().finally(() => fn(value));
    };
    const watchdog = setInterval(() => {
      if (Date.now() - last > HANG_MS) {
        finish(reject, new Error(`decode did not return within ${HANG_MS} ms (seed ${seed}, ${mode}) on ${current()}`));
      }
    }, 200);
    worker.on('message', (m) => {
      last = Date.now();
      if (m.type === 'done') finish(resolve, m);
      else if (m.type === 'failure') {
        finish(reject, new Error(`decode threw something other than DecodeError (seed ${seed}, ${mode}, input #${m.count})\n  input: ${m.input}\n  ${m.error}`));
      }
    });
    worker.on('error', (err) => {
      finish(reject, new Error(`fuzz worker died (seed ${seed}, ${mode}) on ${current()}: ${err?.code ?? ''} ${err?.message}`));
    });
    worker.on('exit', (code) => {
      finish(reject, new Error(`fuzz worker exited (${code}) early, on ${current()}`));
    });
  });
}

const NONODE = Buffer.from('nonode@nohost');

function hasSignedZeroKeys(t) {
  if (t instanceof Map) {
    const keys = new Set();
    for (const [k, v] of t) {
      const key = termKey(k);
      if (keys.has(key) || hasSignedZeroKeys(k) || hasSignedZeroKeys(v)) return true;
      keys.add(key);
    }
    return false;
  }
  if (Array.isArray(t)) return t.some(hasSignedZeroKeys);
  if (t instanceof ImproperList) return t.elements.some(hasSignedZeroKeys) || hasSignedZeroKeys(t.tail);
  return false;
}

describe('fuzzing decode (time-bounded)', () => {
  // A fixed seed by default, so CI runs the same inputs every time; FUZZ_SEED=random explores.
  const seed = process.env.FUZZ_SEED === 'random' ? Date.now() >>> 0 : Number(process.env.FUZZ_SEED ?? 0x6e6f6465);

  test(`random bytes (seed ${seed})`, async (t) => {
    const result = await fuzz({ mode: 'random', durationMs: FUZZ_MS * 0.25, seed, inputs: corpus() });
    t.diagnostic(`${result.count} inputs, ${result.decoded} decoded`);
    assert.ok(result.count > 1000, `only ${result.count} inputs in ${FUZZ_MS * 0.25} ms`);
  });

  test(`mutated valid encodings (seed ${seed})`, async (t) => {
    const inputs = [...corpus(), ...(await erlCorpus())];
    for (const b of inputs) decode(b); // the corpus itself must decode
    const result = await fuzz({ mode: 'mutate', durationMs: FUZZ_MS * 0.55, seed, inputs });
    t.diagnostic(`${result.count} inputs, ${result.decoded} decoded`);
    assert.ok(result.count > 1000, `only ${result.count} inputs in ${FUZZ_MS * 0.55} ms`);
    assert.ok(result.decoded > 0, 'no mutated input decoded: the mutations are too destructive to test much');
  });

  // Differential: on mutated and random inputs, decode must accept exactly what OTP 25's
  // binary_to_term accepts, and what it decodes must re-encode =:= to OTP's reading.
  test(`decode accepts what binary_to_term accepts (seed ${seed}, against erl)`, { skip }, async (t) => {
    const inputs = [...corpus(), ...(await erlCorpus())];
    const r = prng(seed ^ 0x5bd1e995);
    const deadline = Date.now() + FUZZ_MS * 0.2;
    const found = new Map();
    const note = (kind, b) => {
      const f = found.get(kind);
      if (!f) found.set(kind, { count: 1, shortest: b });
      else {
        f.count++;
        if (b.length < f.shortest.length) f.shortest = b;
      }
    };
    let compared = 0;
    while (Date.now() < deadline) {
      const b = r.next() < 0.25 ? randomInput(r) : mutatedInput(r, inputs);
      // OTP refuses out-of-range *local* pids/refs/ports; noderl cannot know which node is local.
      if (b.includes(NONODE)) continue;
      // OTP 25 accepts a NEW_FUN_EXT whose creator is not a pid, and the oracle's term_to_binary
      // of it then segfaults the whole BEAM (docs/otp-facts.md), so inputs that may hold a fun
      // are not sent to it.
      if (b.includes(112)) continue;
      compared++;
      const otp = await oracle.erl.roundTrip(b);
      let term;
      let error;
      try {
        term = decode(b);
      } catch (e) {
        error = e;
      }
      if (error && !(error instanceof DecodeError)) {
        note(`decode threw ${error?.name}: ${error?.message}`, b);
      } else if (error && otp instanceof ErlRejected) {
        // both refuse
      } else if (error) {
        // OTP-internal ATOM_INTERNAL_REF2/3 ('I', 'K') index the atom table: not for foreign nodes
        if (error.tag === 73 || error.tag === 75) continue;
        note(`OTP accepts, decode throws: ${error.message.replace(/\d+/g, 'N')}`, b);
      } else if (otp instanceof ErlRejected) {
        // OTP 25 sees 0.0 and -0.0 map keys as duplicates (OTP 27 does not)
        if (hasSignedZeroKeys(term)) continue;
        note(`OTP refuses (${otp.reason}), decode accepts`, b);
      } else {
        let again;
        try {
          again = encode(term);
        } catch (e) {
          note(`encode(decode(x)) threw ${e?.name}: ${e?.message}`, b);
          continue;
        }
        if (!(await oracle.erl.equal(b, again))) note('encode(decode(x)) is not =:= to binary_to_term(x)', b);
      }
    }
    t.diagnostic(`${compared} inputs compared with binary_to_term`);
    if (found.size > 0) {
      const lines = [...found].map(([kind, f]) => `  ${f.count}× ${kind}\n      e.g. ${hex(f.shortest.subarray(0, 80))}${f.shortest.length > 80 ? ' …' : ''}`);
      assert.fail(`decode disagrees with binary_to_term:\n${lines.join('\n')}`);
    }
  });
});

/** Runs fn, expecting a DecodeError within `ms`. */
function assertDecodeErrorQuickly(input, ms, label) {
  const t0 = performance.now();
  let error;
  try {
    const t = decode(input);
    assert.fail(`${label}: decoded to ${show(t)} instead of throwing DecodeError`);
  } catch (e) {
    error = e;
  }
  const elapsed = performance.now() - t0;
  assert.ok(error instanceof DecodeError, `${label}: threw ${error?.name}: ${error?.message}`);
  assert.ok(elapsed < ms, `${label}: took ${elapsed.toFixed(0)} ms to throw (limit ${ms} ms)`);
  return error;
}

/** decode either succeeds (checked by `check`) or throws a DecodeError; anything else fails. */
function decodeOrDecodeError(input, label, check) {
  let t;
  try {
    t = decode(input);
  } catch (e) {
    assert.ok(e instanceof DecodeError, `${label}: threw ${e?.name} (not DecodeError): ${e?.message}`);
    return e;
  }
  check(t);
  return null;
}

describe('hostile inputs', () => {
  test('LIST_EXT claiming 2^32-1 elements in 10 bytes throws at once', () => {
    const input = bytes(131, 108, 0xff, 0xff, 0xff, 0xff, 97, 1, 97, 2);
    assert.equal(input.length, 10);
    assertDecodeErrorQuickly(input, 250, 'LIST_EXT 2^32-1');
  });

  test('other length fields claiming more than the input throw at once', () => {
    const inputs = [
      bytes(131, 105, 0xff, 0xff, 0xff, 0xff, 97, 1),
      bytes(131, 116, 0xff, 0xff, 0xff, 0xff, 97, 1, 97, 2),
      bytes(131, 109, 0xff, 0xff, 0xff, 0xff, 1, 2, 3),
      bytes(131, 77, 0xff, 0xff, 0xff, 0xff, 3, 1, 2, 3),
      bytes(131, 111, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3),
      bytes(131, 107, 0xff, 0xff, 1, 2, 3),
      bytes(131, 118, 0xff, 0xff, 97),
      bytes(131, 90, 0xff, 0xff, atomUtf8('a@b'), u32(1), u32(1)),
      bytes(131, 112, 0xff, 0xff, 0xff, 0xff, 1),
    ];
    for (const input of inputs) assertDecodeErrorQuickly(input, 250, hex(input));
  });

  test('COMPRESSED claiming 4 GiB uncompressed throws at once', () => {
    const input = bytes(131, 80, u32(0xffffffff), deflateSync(Buffer.from([97, 1])));
    assertDecodeErrorQuickly(input, 250, 'COMPRESSED 4 GiB claim');
  });

  test('COMPRESSED whose data inflates past the size it claims throws at once', () => {
    const bomb = deflateSync(Buffer.concat([Buffer.from([109]), u32Buf(64 << 20), Buffer.alloc(64 << 20)]), { level: 9 });
    assertDecodeErrorQuickly(bytes(131, 80, u32(16), bomb), 500, 'zlib bomb claiming 16 bytes');
    // claiming 4 GiB with 64 MiB of real data: refused (sizes differ), and without hanging
    assertDecodeErrorQuickly(bytes(131, 80, u32(0xffffffff), bomb), 5000, 'zlib bomb claiming 4 GiB');
  });

  const N = 1_000_000;
  const nested = (open, close, leaf) => {
    const b = Buffer.allocUnsafe(1 + open.length * N + leaf.length + close.length * N);
    b[0] = 131;
    let o = 1;
    for (let i = 0; i < N; i++) o += open.copy(b, o);
    o += leaf.copy(b, o);
    for (let i = 0; i < N; i++) o += close.copy(b, o);
    return b;
  };
  const depthOf = (t, step) => {
    let d = 0;
    while (t !== undefined && t !== null && (t = step(t)) !== undefined) d++;
    return d;
  };

  // OTP's binary_to_term is iterative and decodes these; noderl may refuse them with a
  // DecodeError (a depth limit) but must not overflow its stack (RangeError) or crash.
  test('1,000,000-deep nested lists: DecodeError or the right term, never RangeError', () => {
    const input = nested(Buffer.from([108, 0, 0, 0, 1]), Buffer.from([106]), Buffer.from([106]));
    decodeOrDecodeError(input, 'deep list', (t) => {
      assert.equal(depthOf(t, (x) => (Array.isArray(x) && x.length === 1 ? x[0] : undefined)), N);
    });
  });

  test('1,000,000-deep nested tuples: DecodeError or the right term, never RangeError', () => {
    const input = nested(Buffer.from([104, 1]), Buffer.alloc(0), Buffer.from([106]));
    decodeOrDecodeError(input, 'deep tuple', (t) => {
      assert.equal(depthOf(t, (x) => (x instanceof Tuple && x.length === 1 ? x[0] : undefined)), N);
    });
  });

  test('1,000,000-deep nested maps: DecodeError or the right term, never RangeError', () => {
    const input = nested(Buffer.from([116, 0, 0, 0, 1, 97, 1]), Buffer.alloc(0), Buffer.from([106]));
    decodeOrDecodeError(input, 'deep map', (t) => {
      assert.equal(depthOf(t, (x) => (x instanceof Map ? x.get(1) : undefined)), N);
    });
  });

  test('a 1,000,000-element list written as nested tails: a list or DecodeError, never RangeError', () => {
    const input = nested(Buffer.from([108, 0, 0, 0, 1, 97, 7]), Buffer.alloc(0), Buffer.from([106]));
    decodeOrDecodeError(input, 'tail-nested list', (t) => {
      assert.ok(Array.isArray(t), `got ${show(t)}`);
      assert.equal(t.length, N);
      assert.ok(t.every((x) => x === 7));
    });
  });

  test('duplicate map keys throw DecodeError, as binary_to_term raises badarg', { skip }, async () => {
    const inputs = [
      bytes(131, 116, 0, 0, 0, 2, 97, 1, 97, 1, 97, 1, 97, 2),
      bytes(131, 116, u32(2), atomUtf8('a'), 97, 1, atomLatin1('a'), 97, 2),
      bytes(131, 116, u32(2), 104, 1, 97, 1, 97, 1, 104, 1, 98, u32(1), 97, 2),
      bytes(131, 116, u32(3), 97, 1, 97, 1, 97, 2, 97, 2, 110, 1, 0, 1, 97, 3),
    ];
    for (const input of inputs) {
      assertDecodeErrorQuickly(input, 250, hex(input));
      const otp = await oracle.erl.roundTrip(input);
      assert.ok(otp instanceof ErlRejected, `erl accepted ${hex(input)}`);
    }
  });
});

function u32Buf(n) {
  return Buffer.from(u32(n));
}

describe('EncodeError', () => {
  const bad = [
    ['a function', () => 1],
    ['a Symbol', Symbol('s')],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
  ];
  for (const [name, value] of bad) {
    test(`${name} inside {items: [1,2,3,{name: …}]} fails at $.items[3].name`, () => {
      assert.throws(
        () => encode({ items: [1, 2, 3, { name: value }] }),
        (e) => {
          assert.ok(e instanceof EncodeError, `${e?.name}: ${e?.message}`);
          assert.equal(e.name, 'EncodeError');
          assert.equal(e.path, '$.items[3].name');
          return true;
        },
      );
      assert.throws(() => encode(value), (e) => e instanceof EncodeError && e.path === '$');
    });
  }

  test('values with no Erlang form are EncodeErrors, not other exceptions', () => {
    const values = [
      new Date(0),
      new WeakMap(),
      new Set([1]),
      float(NaN),
      float(Infinity),
      new Pid(a('a@b'), 2 ** 32, 0, 0),
      new Pid(a('a@b'), 1, 1, -1),
      new Ref(a('a@b'), [1, 2, 3, 4, 5, 6], 0),
      new Port(a('a@b'), 2n ** 64n, 0),
      new ExportFun(a('m'), a('f'), -1),
      tuple(1, [2, { x: Symbol('deep') }]),
      new Map([[1, () => 2]]),
      new ImproperList([1], () => 0),
    ];
    for (const v of values) {
      assert.throws(
        () => encode(v),
        (e) => {
          assert.ok(e instanceof EncodeError, `encode(${show(v)}) threw ${e?.name}: ${e?.message}`);
          assert.match(e.path, /^\$/);
          return true;
        },
      );
    }
  });

  test('a cyclic term is an EncodeError, not a stack overflow', () => {
    const cyclic = [1];
    cyclic.push(cyclic);
    assert.throws(() => encode(cyclic), (e) => e instanceof EncodeError || assert.fail(`${e?.name}: ${e?.message}`));
  });

  test('a 1,000,000-deep term encodes or is an EncodeError, never a RangeError', () => {
    let t = [];
    for (let i = 0; i < 1_000_000; i++) t = [t];
    try {
      const b = encode(t);
      assert.equal(b.length, 1 + 5 * 1_000_000 + 1 + 1_000_000);
    } catch (e) {
      assert.ok(e instanceof EncodeError, `${e?.name}: ${e?.message}`);
    }
  });
});
