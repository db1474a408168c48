// io_lib:format/2's numeric, string and character controls (term/io-format.ts) against OTP 25's
// io_lib:format, compared flattened: ~f ~e ~g over a table and generated floats, field widths,
// precisions and pad characters, the integer controls ~b ~B ~x ~X ~+ ~#, ~s ~c ~~ ~n fields,
// and the arguments OTP refuses with badarg (~s of a bare integer, ~f of an integer, ~.1e...).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { atom, tuple, float, encode, decode } from '../../dist/index.js';
import { ioLibModule } from '../../dist/modules/io_lib.js';
import { useErl } from '../support/erl.js';
import { binaryLiteral, jsOutcome } from '../support/bif-oracle.js';
import { format as show } from '../../dist/term/format.js';

const oracle = useErl();
const { skip } = oracle;
const SEED = process.env.FC_SEED === undefined ? Date.now() % 1e9 : Number(process.env.FC_SEED);
const str = (text) => [...text].map((c) => c.codePointAt(0));

/** `{ok, Chars}` or `{error, Reason}` of io_lib:format(F, A) flattened, for each `[F, A]` on erl. */
async function theirs(cases) {
  const data = binaryLiteral(encode(cases.map(([f, a]) => tuple(str(f), a))));
  const src = `[try {ok, lists:flatten(io_lib:format(F, A))} catch error:R -> {error, R} end || {F, A} <- binary_to_term(${data})]`;
  return decode(await oracle.erl.evalTerm(src));
}

function mine([f, a]) {
  const o = jsOutcome(() => ioLibModule.format(null, str(f), a));
  return o.length === 3 ? tuple(o[0], o[1]) : o;
}

async function assertSameAsErl(cases) {
  const expected = await theirs(cases);
  const failures = [];
  cases.forEach((c, i) => {
    const got = mine(c);
    if (!encode(got).equals(encode(expected[i]))) failures.push(`${c[0]} ${show(c[1])}: noderl ${show(got)}, erl ${show(expected[i])}`);
  });
  assert.deepEqual(failures.slice(0, 20), [], `seed ${SEED}: ${failures.length} of ${cases.length} differ`);
}

const FLOATS = [
  0.5, 0.1, 0.05, 0.125, 2.5, 9.995, 99.995, 0.095, 0.95, 9999.5, 0.099999, 9999.9999, 3.14159, -2.675, 1e-10,
  123456789.5, 1e300, 5e-324, 1.7976931348623157e308, 1.0000000000000002, 0.3, 2 / 3, 1e22 + 0.5e7, 123456789012.0009765625,
].flatMap((x) => [float(x), float(-x)]).concat([float(0), float(-0), float(1), float(-1), float(1e4), float(100), float(1e21)]);
const FLOAT_FORMATS = [
  '~f', '~e', '~g', '~.1f', '~.2f', '~.10f', '~.30f', '~.2e', '~.3e', '~.25e', '~.1g', '~.2g', '~.3g', '~.4g', '~.5g', '~.10g',
  '~10f', '~-10f|', '~3f', '~10.3f', '~-12.4e|', '~10.3.0f', '~12.3.xe', '~12.5g', '~4e', '~1g', '~0f', '~.*f',
];

test('io_lib:format ~f ~e ~g: digits, fields and padding as OTP 25', { skip }, async () => {
  const cases = [];
  for (const f of FLOAT_FORMATS) for (const x of FLOATS) cases.push([f, f.includes('*') ? [3, x] : [x]]);
  await assertSameAsErl(cases);
});

test('io_lib:format ~f ~e ~g: generated floats and precisions agree with OTP 25', { skip }, async () => {
  const arb = fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('f', 'e', 'g'), fc.integer({ min: 1, max: 24 }), fc.option(fc.integer({ min: -30, max: 30 })));
  const cases = fc.sample(arb, { numRuns: 600, seed: SEED }).map(([x, c, p, w]) => [`~${w ?? ''}.${c === 'e' ? p + 1 : p}${c}`, [float(x)]]);
  cases.push(...fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 200, seed: SEED }).flatMap((x) => ['~f', '~e', '~g'].map((f) => [f, [float(x)]])));
  await assertSameAsErl(cases);
});

test('io_lib:format: floats controls refuse what OTP refuses', { skip }, async () => {
  await assertSameAsErl([
    ['~f', [1]], ['~e', [atom('a')]], ['~g', [str('1.0')]], ['~.0f', [float(1.5)]], ['~.1e', [float(1.5)]], ['~.0g', [float(1.5)]],
    ['~.-1f', [float(1.5)]], ['~.*e', [-3, float(1.5)]], ['~f', [2n ** 70n]],
  ]);
});

test('io_lib:format integer controls ~b ~B ~x ~X ~+ ~#: bases, prefixes and fields as OTP 25', { skip }, async () => {
  const ints = [0, 7, 255, -255, 2n ** 70n, -(2n ** 70n)];
  const formats = ['~b', '~B', '~.16b', '~.16B', '~.2b', '~.36B', '~+', '~#', '~.16+', '~.16#', '~.2#', '~8b', '~-8.16B|', '~8.16.0b', '~3b', '~3.16#', '~.37b', '~.1b', '~.0#'];
  const cases = formats.flatMap((f) => ints.map((n) => [f, [n]]));
  for (const n of ints) {
    for (const p of [atom('0x'), str('0x'), [str('#'), [str('x')]], [], atom('é'), [0x65e5]]) cases.push(['~.16x', [n, p]], ['~-12.16X|', [n, p]]);
  }
  cases.push(['~x', [1, 2]], ['~x', [1, [0xd800]]], ['~x', [1, Buffer.from('a')]], ['~b', [float(1)]], ['~+', [atom('a')]], ['~b', []]);
  await assertSameAsErl(cases);
});

test('io_lib:format ~s ~c ~~ ~n: precision, width and padding as OTP 25; ~s of a bare integer is badarg', { skip }, async () => {
  const texts = [str('abcdef'), str('ab'), Buffer.from('xyz'), atom('hello'), [str('a'), [98], Buffer.from('c')], []];
  const formats = ['~s', '~5s|', '~-5s|', '~.3s|', '~.5s|', '~8.3s|', '~-8.3s|', '~8.3.*s|', '~3.5s|', '~5.5s|', '~6.2.-s|', '~0s|'];
  const cases = formats.flatMap((f) => texts.map((t) => [f, f.includes('*') ? [0x2a, t] : [t]]));
  cases.push(['~s', [65]], ['~s', [float(1.5)]], ['~s', [[256]]], ['~ts', [[256]]], ['~ts', [Buffer.from([0xff, 0x41])]], ['~s', [tuple()]], ['~s', [[atom('a')]]]);
  for (const f of ['~c', '~5c', '~-5c', '~.3c', '~5.3c|', '~-5.3.xc|', '~3.5c', '~~', '~5~', '~.2~', '~n', '~3n', '~-3n']) cases.push([f, f.includes('c') ? [97] : []]);
  cases.push(['~c', [256]], ['~tc', [0x65e5]], ['~c', [-1]], ['~c', [0x1e9]], ['~5.*c', [0x2e, 97]], ['~c', [atom('a')]]);
  await assertSameAsErl(cases);
});
