// float_to_list/2, float_to_binary/2 (src/modules/float-text.ts) and list_to_bitstring/1 against
// OTP 25, differentially: every option and their combinations (the last one counts), the limits
// of decimals and of BEAM's 256-character buffer, ties in both of OTP's roundings (the fast
// path's round-half-away in doubles, printf's exact ties-to-even), bad arguments; and generated
// doubles of every magnitude.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BitBinary, ImproperList, atom, float, tuple } from '../../dist/index.js';
import { erlangTermBifs } from '../../dist/modules/erlang-terms.js';
import { useErl } from '../support/erl.js';
import { assertSameOutcomes, erlApplyAll, jsOutcome } from '../support/bif-oracle.js';

const oracle = useErl();
const { skip } = oracle;
const SEED = process.env.FC_SEED === undefined ? Date.now() % 1e9 : Number(process.env.FC_SEED);

async function compare(calls) {
  const mine = calls.map(([, f, args]) => jsOutcome(() => erlangTermBifs[f](null, ...args)));
  const theirs = await erlApplyAll(oracle.erl, calls);
  assertSameOutcomes(mine, theirs, (i) => `${calls[i][1]}(${calls[i][2].map(String).join(', ')})`);
}

const [compact, short] = ['compact', 'short'].map(atom);
const dec = (n) => tuple(atom('decimals'), n);
const sci = (n) => tuple(atom('scientific'), n);
const F = (x) => (Number.isInteger(x) ? float(x) : x);

const OPTIONS = [[], [short], [compact], [dec(0)], [dec(1)], [dec(2)], [dec(2), compact], [dec(5), compact], [dec(18)], [dec(19)], [dec(19), compact], [dec(30)], [dec(253)], [dec(254)], [dec(-1)],
  [dec(0), compact], [sci(0)], [sci(3)], [sci(20)], [sci(249)], [sci(250)], [sci(-1)], [compact, sci(3)], [short, dec(2)], [dec(2), short], [sci(2), dec(2)], [atom('bad')], [dec(1.0)], [tuple(atom('decimals'), 1, 2)], atom('x'), new ImproperList([short], compact)];
const VALUES = [0, -0, 1, -1, 0.1, 1.5, 2.5, -2.5, 0.5, 1.25, 1.35, 0.05, 0.125, 123.456, 1e15, 2 ** 53, 2 ** 53 + 2, 1e16, 1e20, 1e22, 1e23, 1e100, 1e300, -1e300, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 9.995, 0.000123, 99.99, 2 ** -24, 1 / 3, 12345678.901234567];

test('float_to_list/2 and float_to_binary/2: options, limits and roundings as OTP 25', { skip }, async () => {
  const calls = [];
  for (const x of VALUES) for (const o of OPTIONS) calls.push(['erlang', 'float_to_list', [F(x), o]], ['erlang', 'float_to_binary', [F(x), o]]);
  for (const x of VALUES) calls.push(['erlang', 'float_to_list', [F(x)]]);
  calls.push(['erlang', 'float_to_list', [1, [short]]], ['erlang', 'float_to_binary', [atom('a'), []]], ['erlang', 'float_to_list', [2n ** 70n, []]]);
  await compare(calls);
});

test('float_to_list/2: generated doubles in every format agree with OTP 25', { skip }, async () => {
  const calls = [];
  const double = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 1000), fc.integer({ min: -100, max: 100 }).map((n) => n / 8));
  for (const [x, d, s] of fc.sample(fc.tuple(double, fc.nat(25), fc.nat(30)), { numRuns: 300, seed: SEED })) {
    calls.push(['erlang', 'float_to_list', [F(x), [dec(d)]]], ['erlang', 'float_to_list', [F(x), [dec(d), compact]]], ['erlang', 'float_to_list', [F(x), [sci(s)]]], ['erlang', 'float_to_list', [F(x), [short]]], ['erlang', 'float_to_list', [F(x)]]);
  }
  await compare(calls);
});

test('list_to_bitstring/1 as OTP 25', { skip }, async () => {
  const bits = (bytes, n) => new BitBinary(Buffer.from(bytes), n);
  const cases = [[], [1, 2], [Buffer.from('ab'), bits([0xa0], 3)], [bits([0xff], 1), bits([0x80], 1), 255, bits([0xf0], 4)], new ImproperList([1], bits([0xc0], 2)), [[bits([0xe0], 3)], [bits([0x1f, 0xf8], 5)]],
    new ImproperList([1], Buffer.from('x')), [256], [-1], [atom('a')], atom('a'), Buffer.from('x'), bits([0x80], 1), new ImproperList([1], 2), [bits([0xff, 0xff], 8)]];
  await compare(cases.map((c) => ['erlang', 'list_to_bitstring', [c]]));
  const gen = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 8 })).map(([b, n]) => bits(b, n))), { maxLength: 6 });
  await compare(fc.sample(gen, { numRuns: 100, seed: SEED }).map((l) => ['erlang', 'list_to_bitstring', [l]]));
});
