// Property tests of the codec through one real `erl`, in both directions:
//  (a) JS -> erl: random JS terms (per the mapping in DESIGN.md) are encoded, binary_to_term'd and
//      term_to_binary'd by OTP, and decoding OTP's bytes gives back the term (strictly, per the
//      mapping: bigint vs number, ErlFloat vs number, -0.0 all checked);
//  (b) erl -> JS: OTP makes random terms (term_oracle:gen/2, with minor_version 0/1/2 and
//      compression), and encode(decode(bytes)) is =:= to them in Erlang.
// Reproduce a failure with FC_SEED=<seed> (fast-check prints it with the counterexample).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BitBinary,
  ErlFloat,
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
import { assertTermEqual, expectedDecode, hex, show, termKey } from '../support/terms.js';

const RUNS = Number(process.env.FC_RUNS ?? 400);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const fcParams = { numRuns: RUNS, includeErrorInReport: true, ...(SEED === undefined ? {} : { seed: SEED }) };

const oracle = useErl();
const { skip } = oracle;

// ---- arbitraries ------------------------------------------------------------------------------

const u32 = fc.nat({ max: 0xffffffff });

const latin1Char = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
const atomName = fc.oneof(
  fc.constantFrom('ok', 'error', '', 'true', 'false', 'undefined', 'é', '日本語', 'hello world', 'a'.repeat(255)),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: latin1Char, maxLength: 20 }),
  fc.string({ unit: 'binary', minLength: 100, maxLength: 255 }),
  fc.string({ unit: latin1Char, minLength: 200, maxLength: 255 }),
);
const atomArb = atomName.map(atom);
// Module / function names: never true/false, which decode as booleans.
const nameAtomArb = atomName.filter((n) => n !== 'true' && n !== 'false').map(atom);

// Never nonode@nohost: that is the oracle's own node, where OTP applies local-pid limits.
const nodeArb = fc
  .oneof(
    fc.constantFrom('a@b', 'node@host', 'nödé@höst', 'py@vm', 'x@127.0.0.1', 'ñ@日本'),
    fc
      .tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/), fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,15}$/))
      .map(([n, h]) => `${n}@${h}`),
  )
  .map(atom);

const intArb = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.bigInt({ min: -(2n ** 2100n), max: 2n ** 2100n }),
  fc.constantFrom(
    256, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 32, Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER, 2 ** 53, -(2 ** 53), 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n,
    2n ** 64n, -(2n ** 64n), 2n ** 2040n, -(2n ** 2040n), 1e20, 1e300, -0,
  ),
);

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
const floatArb = fc.oneof(
  finiteDouble, // integral values among these encode as integers, per the mapping
  finiteDouble.map(float),
  fc.integer().map(float),
  fc.constantFrom(float(-0), float(0), float(1), float(1e300), 5e-324, 0.1, -1.5, float(-1.7976931348623157e308)),
);

const binaryArb = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  fc.uint8Array({ maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constant(Buffer.alloc(0)),
);

// Last-byte padding bits left set on purpose sometimes: OTP zeroes them, so the expectation does.
const bitBinaryArb = fc
  .tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 8 }), fc.boolean())
  .map(([b, bits, clean]) => {
    const buf = Buffer.from(b);
    if (clean) buf[buf.length - 1] &= (0xff << (8 - bits)) & 0xff;
    return new BitBinary(buf, bits);
  });

const byteStringArb = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 60 });

const pidArb = fc.tuple(nodeArb, u32, u32, u32).map(([n, id, serial, cr]) => new Pid(n, id, serial, cr));
const refArb = fc
  .tuple(nodeArb, fc.array(u32, { minLength: 1, maxLength: 5 }), u32)
  .map(([n, ids, cr]) => new Ref(n, ids, cr));
const portArb = fc
  .tuple(nodeArb, fc.oneof(u32, fc.maxSafeNat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), u32)
  .map(([n, id, cr]) => new Port(n, id, cr));
const exportArb = fc
  .tuple(nameAtomArb, nameAtomArb, fc.integer({ min: 0, max: 255 }))
  .map(([m, f, ar]) => new ExportFun(m, f, ar));

const leafArb = fc.oneof(
  { arbitrary: intArb, weight: 4 },
  { arbitrary: floatArb, weight: 3 },
  { arbitrary: atomArb, weight: 3 },
  { arbitrary: binaryArb, weight: 2 },
  { arbitrary: bitBinaryArb, weight: 1 },
  { arbitrary: byteStringArb, weight: 1 },
  { arbitrary: pidArb, weight: 1 },
  { arbitrary: refArb, weight: 1 },
  { arbitrary: portArb, weight: 1 },
  { arbitrary: exportArb, weight: 1 },
  { arbitrary: fc.constantFrom([], true, false, null, undefined, tuple()), weight: 1 },
);

/** Keys that OTP 25 would see as the same (=:=) collapse to the first one. */
function dedupeKeys(pairs) {
  const seen = new Set();
  const out = [];
  for (const [k, v] of pairs) {
    const key = termKey(expectedDecode(k));
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([k, v]);
  }
  return out;
}

const objectKey = fc.string({ unit: 'binary', maxLength: 16 }).filter((k) => k !== '__proto__');

// Containers wide enough to change the encoding: LARGE_TUPLE, large (hash-ordered) maps, long lists.
const wideArb = fc.oneof(
  fc.array(intArb, { minLength: 256, maxLength: 300 }).map((els) => tuple(...els)),
  fc.array(fc.tuple(leafArb, leafArb), { minLength: 33, maxLength: 45 }).map((p) => new Map(dedupeKeys(p))),
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 200, maxLength: 400 }),
  fc.array(leafArb, { minLength: 30, maxLength: 60 }),
);

const { term: termArb } = fc.letrec((tie) => ({
  term: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: leafArb, weight: 5 },
    { arbitrary: tie('list'), weight: 2 },
    { arbitrary: tie('tuple'), weight: 2 },
    { arbitrary: tie('map'), weight: 2 },
    { arbitrary: tie('improper'), weight: 1 },
    { arbitrary: tie('object'), weight: 1 },
    { arbitrary: wideArb, weight: 1 },
  ),
  list: fc.array(tie('term'), { maxLength: 5 }),
  tuple: fc.array(tie('term'), { maxLength: 5 }).map((els) => tuple(...els)),
  map: fc.array(fc.tuple(tie('term'), tie('term')), { maxLength: 5 }).map((p) => new Map(dedupeKeys(p))),
  improper: fc
    .tuple(
      fc.array(tie('term'), { minLength: 1, maxLength: 4 }),
      fc.oneof(leafArb.filter((x) => !Array.isArray(x) || x instanceof Tuple), tie('tuple'), tie('map')),
    )
    .map(([els, tail]) => new ImproperList(els, tail)),
  object: fc.dictionary(objectKey, tie('term'), { maxKeys: 4, noNullPrototype: true }),
}));

// ---- properties -------------------------------------------------------------------------------

/** OTP's text for the term in `bytes`, cut short for messages. */
async function erlText(bytes) {
  const text = await oracle.erl.format(bytes);
  return text.length > 600 ? `${text.slice(0, 600)} …` : text;
}

function containsMap(t) {
  if (t instanceof Map) return true;
  if (t instanceof ErlFloat || Buffer.isBuffer(t)) return false;
  if (Array.isArray(t)) return t.some(containsMap);
  if (t instanceof ImproperList) return t.elements.some(containsMap) || containsMap(t.tail);
  return false;
}

test('JS -> erl: encode(t) is accepted by binary_to_term and comes back as t', { skip }, async () => {
  const optionsArb = fc.record({
    minorVersion: fc.constantFrom(1, 2),
    compressed: fc.constantFrom(false, false, true, 0, 9),
  });
  const erlOptionsArb = fc.constantFrom('', '[{minor_version,2}]', '[{minor_version,0}]', '[compressed]');
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(termArb, optionsArb, erlOptionsArb, async (t, options, erlOptions) => {
      runs++;
      const expected = expectedDecode(t);
      const enc = encode(t, options);
      // noderl alone first: decode(encode(t)) is t.
      assertTermEqual(decode(enc), expected);
      const back = await oracle.erl.roundTrip(enc, erlOptions);
      if (back instanceof ErlRejected) {
        assert.fail(`binary_to_term refused encode(t, ${JSON.stringify(options)}): ${back.reason}\n  bytes: ${hex(enc.subarray(0, 200))}`);
      }
      assertTermEqual(decode(back), expected);
    }),
    fcParams,
  );
  assert.equal(runs >= RUNS, true);
});

/** decode of term_oracle:gen(seed, size), failing with the input when decode throws. */
async function generated(seed, size) {
  const { bytes, options } = await oracle.erl.gen(seed, size);
  try {
    return { bytes, options, term: decode(bytes) };
  } catch (e) {
    assert.fail(`decode threw on term_oracle:gen(${seed}, ${size}) (${options}): ${e?.name}: ${e?.message}\n  bytes: ${hex(bytes.subarray(0, 200))}`);
  }
}

const genArgs = [fc.nat({ max: 0xffffffff }), fc.integer({ min: 1, max: 40 })];

test('erl -> JS: encode(decode(bytes)) is =:= to what OTP made', { skip }, async () => {
  const seen = new Map();
  await fc.assert(
    fc.asyncProperty(...genArgs, async (seed, size) => {
      const { bytes, options, term: t } = await generated(seed, size);
      seen.set(options, (seen.get(options) ?? 0) + 1);
      const again = encode(t);
      if (!(await oracle.erl.equal(bytes, again))) {
        assert.fail(
          `encode(decode(gen(${seed}, ${size}))) is not =:= the original (${options})\n` +
            `  erl:     ${await erlText(bytes)}\n  noderl:  ${await erlText(again)}\n  decoded: ${show(t)}`,
        );
      }
      // Decoding is stable on noderl's own output.
      assertTermEqual(decode(again), t);
    }),
    fcParams,
  );
  assert.ok(seen.size >= 5, `term_oracle:gen used only ${[...seen.keys()].join(' ')}`);
});

// Where OTP's bytes are deterministic (no maps, not compressed, minor_version 1 or 2),
// encode(decode(bytes)) must give back OTP's very bytes.
test('erl -> JS: encode(decode(bytes)) is byte-identical to OTP where OTP is deterministic', { skip }, async () => {
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(...genArgs, async (seed, size) => {
      const { bytes, options, term: t } = await generated(seed, size);
      const minor = { '[]': 1, '[{minor_version,1}]': 1, '[{minor_version,2}]': 2 }[options];
      if (minor === undefined || containsMap(t)) return;
      compared++;
      const mine = encode(t, { minorVersion: minor });
      if (!mine.equals(bytes)) {
        let i = 0;
        while (mine[i] === bytes[i]) i++;
        assert.fail(
          `encode(decode(gen(${seed}, ${size})), {minorVersion: ${minor}}) differs from OTP's ${options} at byte ${i}\n` +
            `  erl:    … ${hex(bytes.subarray(Math.max(0, i - 8), i + 24))}\n  noderl: … ${hex(mine.subarray(Math.max(0, i - 8), i + 24))}\n` +
            `  term:   ${await erlText(bytes)}`,
        );
      }
    }),
    fcParams,
  );
  assert.ok(compared > RUNS / 10, `only ${compared} of ${RUNS} generated terms were comparable`);
});
