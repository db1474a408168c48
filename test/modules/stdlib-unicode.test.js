// unicode (src/modules/unicode.ts, unicode-chardata.ts, unicode-encodings.ts, unicode-ml-map.ts)
// against OTP 25's unicode, differentially: a table of conversions whose error and incomplete
// rests take every shape erl_unicode.c and unicode.erl's ml_map give them (sequences cut across
// binaries, nested lists, improper binary tails, bad integers), bad arguments, and generated
// chardata made of UTF-8/UTF-16/UTF-32 fragments, valid or not, in every encoding pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ImproperList, atom, tuple } from '../../dist/index.js';
import { unicodeModule } from '../../dist/modules/unicode.js';
import { useStdlib } from './stdlib-harness.js';

const { skip, seed: SEED, diff } = useStdlib((registry) => registry.register('unicode', unicodeModule));

const U = (f, ...args) => ['unicode', f, args];
const b = (...bytes) => Buffer.from(bytes);
const s = (text) => Buffer.from(text, 'utf8');
const str = (text) => [...text].map((c) => c.codePointAt(0));
const imp = (els, tail) => new ImproperList(els, tail);
const [latin1, unicode, utf8, utf16, utf32] = ['latin1', 'unicode', 'utf8', 'utf16', 'utf32'].map(atom);
const enc = (name, end) => tuple(atom(name), atom(end));
const ENCODINGS = [latin1, unicode, utf8, utf16, utf32, enc('utf16', 'big'), enc('utf16', 'little'), enc('utf32', 'big'), enc('utf32', 'little')];

/** Inputs whose conversions stop in each of the ways OTP 25 reports. */
const INPUTS = [
  [s('abc'), 0x110000, str('def')], [[1, 2, [3, -1, 4], 5], 6], [[1, 2, [3, b(120, 255, 121), 4], 5], 6], b(97, 98, 255, 99), b(97, 98, 0xe2, 0x82), [b(97, 98, 0xe2, 0x82), str('x')],
  [b(97, 98, 0xe2), b(0x82, 0xac)], imp([s('ab')], s('c')), [b(0xe2), b(0x82), str('x')], [[b(0xe2, 0x82)], str('x')], [b(0xe2, 0x82), 65], [b(0xe2, 0x82), b(65)], [b(0xe2, 0x82), b(0xac, 65)],
  [b(0xe2, 0x82)], [[b(0xe2, 0x82)]], [s('a'), [b(0xe2, 0x82)]], [b(0xe2), [b(0x82), b(0xac)]], [b(0xe2), [b(0x82)], b(0xac)], [b(0xe2, 0x82), []], [b(0xe2, 0x82), [], b(0xac)],
  imp([b(0xe2, 0x82)], b(0xac)), imp([1], b(0xe2, 0x82)), imp([b(0xe2, 0x82)], b(65)), imp([b(255)], s('a')), imp([1, 2], b(3, 255)), [[imp([1], b(255))]], [s('ab'), [[b(255)]], 5],
  [b(0xf0, 0x9f), b(0x98)], [b(0xf0, 0x9f), b(0x98), str('x')], [s('é'), s('😀')], [b(0xe9), b(0xf0, 0x9f, 0x98, 0x80)], b(0xf0, 0x9f, 0x98), [-1], [0xd800, 1], [s('a'), -5, s('b')],
  [[b(0xe2), 5], 6], [[b(0xe2)], 5], [s('a'), [b(0xe2), [5]]], [[[b(0xe2)]], [[5]], 6], [b(0xe2), [[b(65)]]], [[b(0xe2), b(0x82)], [b(65), 6]], [b(0xe2), b(0x82, 255)], [b(0xe2), b(255), 7],
  imp([[b(0xe2)]], b(65)), [b(0xe2), imp([b(0x82)], b(65))], [[imp([[b(0xe2)]], b(65))], 7], [b(0xe2), [b(0x82)], 5], [b(0xe2), [[], b(0x82), 5]], [b(0xe2), 0x110000], [b(97, 98, 0xe2), -1, 3],
  [b(0xe2), b(0x82, 0xac, 255)], [b(0xe2), b(0x82, 0xac, 0xe2)], [b(0xe2), b(0x82, 0xac, 0xe2), 5], b(0xed, 0xa0), b(0xe0, 0x80), b(0xf4, 0x90), b(0xc0), b(0xf5), b(0xf8), b(0x80), b(0xed, 0xa0, 0x80), b(0xc0, 0x80),
  b(0, 65, 0xd8, 0), b(0, 65, 0xdc, 0, 0, 66), b(0, 65, 0), [b(0, 65, 0), b(66)], [b(0, 65, 0), [300]], [b(0, 65), 300, 0x110000, str('z')], b(1, 2, 3), [1, 2, 256], [300, 1000], [[65, [300]], 66],
  [-1, atom('a')], [b(255), atom('a')], imp([0x110000], atom('a')), [b(0xe2), atom('a')], [1, [atom('a')], b(255)], imp([b(0xe2, 0x82)], atom('a')), [1, 2n ** 70n], [1, -(2n ** 70n)],
  s('héllo wörld 😀'), [s('x'), 233, [b(0xc3), b(0xa9)], 0x1f600], b(0xd8, 0x3d, 0xde, 0), b(0x3d, 0xd8, 0, 0xde), b(0, 1, 0xf6, 0), b(0, 0, 0xd8, 0), b(0xff, 0xfe, 0, 0), b(0, 0x11, 0, 0), Buffer.alloc(9000, 0xe9),
  [Buffer.concat([Buffer.alloc(8191, 97), b(0xe2, 0x82, 0xac)]), 300], atom('x'), [], b(), 65,
];

test('unicode: conversions in every encoding pair, with their error and incomplete rests, as OTP 25', { skip }, async () => {
  const calls = INPUTS.flatMap((d) => [
    U('characters_to_binary', d), U('characters_to_list', d),
    ...ENCODINGS.flatMap((e) => [U('characters_to_binary', d, e), U('characters_to_list', d, e), U('characters_to_binary', d, e, latin1), U('characters_to_binary', d, e, utf16), U('characters_to_binary', d, unicode, e)]),
  ]);
  calls.push(U('characters_to_binary', s('a'), atom('foo')), U('characters_to_binary', s('a'), unicode, atom('foo')), U('characters_to_list', s('a'), enc('utf16', 'middle')), U('characters_to_binary', s('a'), atom('foo'), latin1));
  for (const bom of [b(0xef, 0xbb, 0xbf, 1), b(0, 0, 0xfe, 0xff), b(0xff, 0xfe, 0, 0), b(0xfe, 0xff, 1), b(0xff, 0xfe), b(0xff, 0xfe, 0), b(1), b(), b(0xef, 0xbb)]) calls.push(U('bom_to_encoding', bom));
  calls.push(U('bom_to_encoding', atom('x')), ...[...ENCODINGS, atom('foo')].map((e) => U('encoding_to_bom', e)));
  const diffs = await diff(calls);
  assert.deepEqual(diffs.slice(0, 10), [], `${diffs.length} of ${calls.length} calls differ`);
});

/** Bytes that make UTF-8, UTF-16 and UTF-32 sequences valid, cut short, or broken. */
const fragment = fc.oneof(
  fc.constantFrom(b(97), b(0xc3, 0xa9), b(0xe2, 0x82, 0xac), b(0xf0, 0x9f, 0x98, 0x80), b(0xe2), b(0x82), b(0xac), b(0xf0, 0x9f), b(255), b(0xed, 0xa0, 0x80), b(0xc0, 0x80)),
  fc.constantFrom(b(0, 65), b(0xd8, 0x3d), b(0xde, 0), b(0xdc), b(0, 0, 0, 65), b(0, 1, 0xf6, 0), b(0, 0x11), b(0xd8)),
  fc.uint8Array({ maxLength: 3 }).map((a) => Buffer.from(a)),
);
const binary = fc.array(fragment, { maxLength: 4 }).map((fs) => Buffer.concat(fs));
const integer = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.constantFrom(233, 255, 256, 0x20ac, 0xd800, 0x1f600, 0x10ffff, 0x110000, -1));
const { data } = fc.letrec((tie) => ({
  data: fc.oneof({ depthSize: 'small' }, binary, tie('list'), tie('improper')),
  list: fc.array(fc.oneof(integer, binary, tie('list')), { maxLength: 5 }),
  improper: fc.tuple(fc.array(fc.oneof(integer, binary, tie('list')), { minLength: 1, maxLength: 4 }), binary).map(([els, t]) => imp(els, t)),
}));

test('unicode: generated chardata agrees with OTP 25 in every encoding pair', { skip }, async () => {
  const calls = [];
  for (const [d, i, o] of fc.sample(fc.tuple(data, fc.constantFrom(...ENCODINGS), fc.constantFrom(...ENCODINGS)), { numRuns: 400, seed: SEED })) {
    calls.push(U('characters_to_binary', d, i, o), U('characters_to_list', d, i), U('characters_to_binary', d, i));
  }
  const diffs = await diff(calls);
  assert.deepEqual(diffs.slice(0, 10), [], `seed ${SEED}: ${diffs.length} of ${calls.length} calls differ`);
});

/** `[[[[], C1], C2], ...]`: an iolist built by accumulation, nested as deep as it is long. */
function accumulated(n, last) {
  let acc = [];
  for (let i = 0; i < n; i++) acc = [acc, i === 0 && last !== undefined ? last : 97 + (i % 26)];
  return acc;
}

test('unicode: iolists nested thousands deep, converted and stopped as on OTP 25', { skip }, async () => {
  const calls = [accumulated(3000), accumulated(3000, -1), accumulated(3000, Buffer.from([0xe2]))].flatMap((d) => [
    U('characters_to_binary', d), U('characters_to_binary', d, unicode, latin1), U('characters_to_binary', d, unicode, utf16), U('characters_to_list', d, utf8),
  ]);
  assert.deepEqual(await diff(calls), []);
  // far deeper than the JS stack would allow a recursive walk
  const deep = accumulated(200000);
  const text = Buffer.from(Array.from({ length: 200000 }, (_, i) => 97 + (i % 26)));
  for (const out of [unicode, latin1]) assert.ok(unicodeModule.characters_to_binary(null, deep, unicode, out).equals(text));
});
