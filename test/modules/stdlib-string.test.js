// string (src/modules/string.ts, chardata.ts, string-case.ts) against OTP 25's string,
// differentially: a table of edge cases and generated strings (as lists and as binaries) over an
// alphabet with combining marks, CR LF, ß, Greek and digraphs, where grapheme clusters matter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { atom } from '../../dist/index.js';
import { useStdlib } from './stdlib-harness.js';

const { skip, seed: SEED, diff } = useStdlib();

const S = (f, ...args) => ['string', f, args];
const str = (s) => [...s].map((c) => c.codePointAt(0));
const bin = (s) => Buffer.from(s, 'utf8');
const [leading, trailing, both, all, x] = ['leading', 'trailing', 'both', 'all', 'x'].map(atom);

test('string: edge cases as OTP 25', { skip }, async () => {
  const both2 = (f, s, ...rest) => [S(f, str(s), ...rest), S(f, bin(s), ...rest)];
  const table = [
    ...both2('pad', 'abc', 5), ...both2('pad', 'abc', 6, both), ...both2('pad', 'abc', 7, both, 120), ...both2('pad', 'abc', 6, leading, 120), ...both2('pad', 'abcdef', 2), ...both2('pad', 'abcdef', 2, leading), ...both2('pad', 'abcdef', 2, both),
    ...both2('replace', 'abcbd', str('b'), str('x')), ...both2('replace', 'abcbd', str('b'), str('x'), all), ...both2('replace', 'abcbd', str('b'), bin('yy'), trailing),
    ...both2('reverse', 'e\u0301a\r\n'), ...both2('trim', '  a b  '), ...both2('trim', '\r\na\r\n'), ...both2('trim', 'xxaxx', both, str('x')), ...both2('trim', 'xxaxx', leading, str('x')),
    ...both2('trim', 'xxaxx', trailing, [[120]]), ...both2('trim', 'e\u0301e', both, str('e')), ...both2('split', 'a,b,,c', str(',')), ...both2('split', 'a,b,,c', str(','), all),
    ...both2('split', 'a,b', str(','), trailing), ...both2('split', 'abc', []), ...both2('split', 'aaa', str('aa'), trailing), ...both2('split', 'aaa', str('aa'), all),
    ...both2('split', 'e\u0301e', str('e'), all), ...both2('find', 'abcbd', str('b')), ...both2('find', 'abcbd', str('b'), trailing), ...both2('find', 'abcbd', str('z')),
    ...both2('find', 'abc', []), ...both2('prefix', 'e\u0301x', str('e')), ...both2('prefix', 'abc', str('ab')), ...both2('prefix', 'ab', str('abc')),
    ...both2('slice', 'abcdef', 2, 2), ...both2('slice', 'abcdef', 2), ...both2('slice', 'abc', 1, atom('infinity')), ...both2('slice', 'abc', 5, 1), ...both2('slice', 'abc', -1),
    ...both2('slice', 'abc', 0, -1), ...both2('to_integer', '33abc'), ...both2('to_integer', '+3'), ...both2('to_integer', '-'), ...both2('to_integer', '12 a'), ...both2('to_integer', ' 1'),
    ...both2('to_integer', '-123456789012345678901234567890x'), ...both2('to_float', '1.5e3x'), ...both2('to_float', '1e3'), ...both2('to_float', '1.5'), ...both2('to_float', '1.'),
    ...both2('to_float', '-1.5E-2'), ...both2('to_float', '2.0'), ...both2('to_float', '1.5e'), ...both2('to_float', '+0.1e+2'),
    ...both2('lexemes', 'a,b,,c', str(',')), ...both2('lexemes', ' a  b ', [32, [13, 10]]), ...both2('length', 'e\u0301\r\n'), ...both2('is_empty', ''), ...both2('is_empty', 'a'),
    ...both2('uppercase', 'straße'), ...both2('lowercase', 'ÅBΣΑΣ'), ...both2('casefold', 'Straße ΣΑΣ ς'), ...both2('titlecase', 'ǆab'), ...both2('titlecase', 'ßa'), ...both2('titlecase', ''),
    S('tokens', str('a,b,,c'), str(',')), S('tokens', str(' a  b'), str(' ,')), S('equal', str('abc'), bin('abc')), S('equal', str('abc'), bin('ab')), S('is_empty', [[], bin('')]),
    S('to_integer', x), S('to_float', x), S('length', [str('ab'), bin('cd'), [str('e')]]), S('equal', [bin('a'), 98], str('ab')),
  ];
  assert.deepEqual(await diff(table), []);
});

const char = fc.constantFrom(...'aAbzé,. ß\t', '\u0301', '\r\n', '\r', 'Σ', 'ς', 'ǅ', '1', '-', '😀');
const text = fc.array(char, { maxLength: 10 }).map((cs) => cs.join(''));
const asTerm = fc.boolean();
const pat = fc.constantFrom('a', ',', ' ', 'é', 'e', 'ab', '\r\n', '');

// Not compared: slice/2,3 of a binary holding a CR, where OTP 25 returns chardata such as
// [$.|<<"a">>] (how unicode_util:gc/1 looks past a CR in a binary); noderl returns a binary.
test('string: long strings (segmented in pieces) agree with OTP 25', { skip }, async () => {
  const parts = ['a', 'é', 'e\u0301', '\r\n', '\r', '\n', ' ', ',', 'ß', '😀', '🇫🇷', 'ǅ', 'x\u200d'];
  const long = Array.from({ length: 5000 }, (_, i) => parts[(i * 7) % parts.length]).join('');
  const calls = [str(long), bin(long)].flatMap((t) => [S('length', t), S('reverse', t), S('split', t, str('\r\n'), all), S('slice', t, 2500, 10), S('lexemes', t, [32, 44])]);
  assert.deepEqual(await diff(calls), []);
});

test('string: generated strings agree with OTP 25', { skip }, async () => {
  const calls = [];
  for (const [s, b, p, q, n, m] of fc.sample(fc.tuple(text, asTerm, pat, text, fc.nat(6), fc.nat(4)), { numRuns: 200, seed: SEED })) {
    const t = b ? bin(s) : str(s);
    calls.push(S('length', t), S('reverse', t), S('uppercase', t), S('lowercase', t), S('casefold', t), S('titlecase', t), S('trim', t), S('trim', t, both, str(p).length ? [str(p).length === 1 ? str(p)[0] : str(p)] : []),
      S('split', t, str(p), all), S('split', t, str(p), trailing), S('replace', t, str(p), str('-'), all), S('find', t, str(p)), S('find', t, str(p), trailing), S('prefix', t, str(p)),
      ...(b && s.includes('\r') ? [] : [S('slice', t, n, m), S('slice', t, n)]), S('equal', t, b ? str(q) : bin(q)), S('pad', t, n + 3, both), S('lexemes', t, [32, 44]), S('to_integer', t), S('to_float', t), S('is_empty', t));
    if (!b) calls.push(S('tokens', t, str(', ')));
  }
  const diffs = await diff(calls);
  assert.deepEqual(diffs.slice(0, 10), [], `seed ${SEED}: ${diffs.length} of ${calls.length} calls differ`);
});
