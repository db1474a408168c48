// Arbitraries of terms per the JS term mapping (DESIGN.md), shared by the property tests: every
// leaf kind (integers small and big, floats incl. integral ones and -0.0, atoms Latin-1 and
// Unicode, binaries, bitstrings, byte strings, pids, refs, ports, export funs) and containers
// (lists, tuples, maps small and large, improper lists, plain objects), nested.
import fc from 'fast-check';
import { BitBinary, ExportFun, ImproperList, Pid, Port, Ref, Tuple, atom, float, tuple } from '../../dist/index.js';
import { expectedDecode, termKey } from './terms.js';

export const u32 = fc.nat({ max: 0xffffffff });

const latin1Char = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
const atomName = fc.oneof(
  fc.constantFrom('ok', 'error', '', 'true', 'false', 'undefined', 'é', '日本語', 'hello world', 'a'.repeat(255)),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: latin1Char, maxLength: 20 }),
  fc.string({ unit: 'binary', minLength: 100, maxLength: 255 }),
  fc.string({ unit: latin1Char, minLength: 200, maxLength: 255 }),
);
export const atomArb = atomName.map(atom);
// Module / function names: never true/false, which decode as booleans.
export const nameAtomArb = atomName.filter((n) => n !== 'true' && n !== 'false').map(atom);

// Never nonode@nohost: that is the oracle's own node, where OTP applies local-pid limits.
export const nodeArb = fc
  .oneof(
    fc.constantFrom('a@b', 'node@host', 'nödé@höst', 'py@vm', 'x@127.0.0.1', 'ñ@日本'),
    fc
      .tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/), fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,15}$/))
      .map(([n, h]) => `${n}@${h}`),
  )
  .map(atom);

export const intArb = fc.oneof(
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
export const floatArb = fc.oneof(
  finiteDouble, // integral values among these encode as integers, per the mapping
  finiteDouble.map(float),
  fc.integer().map(float),
  fc.constantFrom(float(-0), float(0), float(1), float(1e300), 5e-324, 0.1, -1.5, float(-1.7976931348623157e308)),
);

export const binaryArb = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  fc.uint8Array({ maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constant(Buffer.alloc(0)),
);

// Last-byte padding bits left set on purpose sometimes: OTP zeroes them, so the expectation does.
export const bitBinaryArb = fc
  .tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 8 }), fc.boolean())
  .map(([b, bits, clean]) => {
    const buf = Buffer.from(b);
    if (clean) buf[buf.length - 1] &= (0xff << (8 - bits)) & 0xff;
    return new BitBinary(buf, bits);
  });

export const byteStringArb = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 60 });

export const pidArb = fc.tuple(nodeArb, u32, u32, u32).map(([n, id, serial, cr]) => new Pid(n, id, serial, cr));
export const refArb = fc
  .tuple(nodeArb, fc.array(u32, { minLength: 1, maxLength: 5 }), u32)
  .map(([n, ids, cr]) => new Ref(n, ids, cr));
export const portArb = fc
  .tuple(nodeArb, fc.oneof(u32, fc.maxSafeNat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), u32)
  .map(([n, id, cr]) => new Port(n, id, cr));
export const exportArb = fc
  .tuple(nameAtomArb, nameAtomArb, fc.integer({ min: 0, max: 255 }))
  .map(([m, f, ar]) => new ExportFun(m, f, ar));

export const leafArb = fc.oneof(
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
export function dedupeKeys(pairs) {
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
export const wideArb = fc.oneof(
  fc.array(intArb, { minLength: 256, maxLength: 300 }).map((els) => tuple(...els)),
  fc.array(fc.tuple(leafArb, leafArb), { minLength: 33, maxLength: 45 }).map((p) => new Map(dedupeKeys(p))),
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 200, maxLength: 400 }),
  fc.array(leafArb, { minLength: 30, maxLength: 60 }),
);

export const { term: termArb } = fc.letrec((tie) => ({
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
