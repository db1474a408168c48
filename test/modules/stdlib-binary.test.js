// binary (src/modules/binary.ts, binary-search.ts) against OTP 25's binary module, differentially:
// a table of cases with bad arguments (errors compared by class and reason), generated subjects
// and patterns over a small alphabet (so matches overlap and patterns share prefixes), and
// compile_pattern/1's opaque patterns used by match/split/replace on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { atom, tuple, Ref, decode, encode, format } from '../../dist/index.js';
import { binaryModule } from '../../dist/modules/binary.js';
import { useStdlib } from './stdlib-harness.js';
import { assertSameOutcomes, erlEvalAll, binaryLiteral } from '../support/bif-oracle.js';
import { ErlangError } from '../../dist/process/exceptions.js';

const { skip, seed: SEED, diff, erl } = useStdlib((registry) => registry.register('binary', binaryModule));

const B = (f, ...args) => ['binary', f, args];
const b = (s) => Buffer.from(s, 'latin1');
const [global, trim, trimAll, big, little] = ['global', 'trim', 'trim_all', 'big', 'little'].map(atom);
const scope = (s, l) => tuple(atom('scope'), tuple(s, l));
const insert = (n) => tuple(atom('insert_replaced'), n);

test('binary: a table of cases, bad arguments included, as OTP 25', { skip }, async () => {
  const table = [
    B('at', b('abc'), 0), B('at', b('abc'), 2), B('at', b('abc'), 3), B('at', b('abc'), -1), B('at', atom('x'), 0), B('at', b('abc'), 1.0),
    B('first', b('abc')), B('first', b('')), B('last', b('abc')), B('last', b('')), B('first', [1]),
    B('part', b('abcdef'), tuple(1, 3)), B('part', b('abcdef'), tuple(4, -2)), B('part', b('abcdef'), tuple(6, 0)), B('part', b('abcdef'), tuple(6, 1)), B('part', b('abcdef'), 1, 2), B('part', b('abc'), 3, -4), B('part', b('abc'), atom('x')),
    B('bin_to_list', b('abc')), B('bin_to_list', b('abcdef'), tuple(1, 2)), B('bin_to_list', b('abcdef'), 5, -3), B('bin_to_list', b('abc'), 0, 4), B('bin_to_list', []),
    B('copy', b('ab')), B('copy', b('ab'), 3), B('copy', b('ab'), 0), B('copy', b(''), 5), B('copy', b('ab'), -1), B('copy', [97, 98], 1),
    B('referenced_byte_size', b('abc')), B('referenced_byte_size', 1),
    B('decode_unsigned', b('')), B('decode_unsigned', Buffer.from([1, 0])), B('decode_unsigned', Buffer.from([1, 0]), little), B('decode_unsigned', Buffer.alloc(12, 255)), B('decode_unsigned', Buffer.from([0, 0, 5]), little), B('decode_unsigned', b('a'), atom('middle')), B('decode_unsigned', 5),
    B('encode_unsigned', 0), B('encode_unsigned', 256), B('encode_unsigned', 256, little), B('encode_unsigned', 2n ** 100n + 1n), B('encode_unsigned', 2n ** 100n, little), B('encode_unsigned', -1), B('encode_unsigned', 1.0), B('encode_unsigned', 1, atom('x')),
    B('list_to_bin', [97, b('bc'), [100, [b('e')]]]), B('list_to_bin', b('x')), B('list_to_bin', [256]), B('list_to_bin', []),
    B('longest_common_prefix', [b('abcd'), b('abce'), b('abz')]), B('longest_common_prefix', [b('abc')]), B('longest_common_prefix', [b(''), b('a')]), B('longest_common_prefix', []), B('longest_common_prefix', [b('a'), 1]),
    B('longest_common_suffix', [b('xabc'), b('yzbc'), b('bc')]), B('longest_common_suffix', [b('abc'), b('abd')]), B('longest_common_suffix', []), B('longest_common_suffix', b('a')),
    B('encode_hex', b('\x00\xffab')), B('encode_hex', b('')), B('encode_hex', [120]), B('decode_hex', b('00FFab')), B('decode_hex', b('0')), B('decode_hex', b('zz')), B('decode_hex', b('')), B('decode_hex', [48, 48]),
    B('match', b('abcabc'), b('bc')), B('match', b('abcabc'), b('x')), B('match', b('abcabc'), [b('c'), b('ab')]), B('match', b('abcd'), [b('bc'), b('b'), b('bcd')]), B('match', b('abc'), b('')), B('match', b('abc'), []), B('match', b('abc'), [b('a'), b('')]),
    B('match', b('abcabc'), b('bc'), [scope(2, 4)]), B('match', b('abcabc'), b('bc'), [scope(6, -5)]), B('match', b('abcabc'), b('bc'), [scope(5, 2)]), B('match', b('abc'), b('a'), [atom('bad')]), B('match', b('abc'), b('a'), atom('x')), B('match', [97], b('a')),
    B('matches', b('aaaa'), b('aa')), B('matches', b('abcabc'), [b('bc'), b('ab'), b('abc'), b('ca')]), B('matches', b('abcabc'), b('c'), [scope(1, 4)]), B('matches', b(''), b('a')), B('matches', b('ab'), [b('a'), b('ab'), b('b')]),
    B('split', b('a,b,,c,'), b(',')), B('split', b('a,b,,c,'), b(','), [global]), B('split', b('a,b,,c,,'), b(','), [global, trim]), B('split', b(',a,,b,,'), b(','), [global, trimAll]), B('split', b(',,'), b(','), [global, trim]),
    B('split', b('a,b,c,d'), b(','), [global, scope(2, 3)]), B('split', b('a--b-c'), [b('-'), b('--')], [global]), B('split', b('abc'), b('x'), [trim]), B('split', b(''), b(','), [trim]), B('split', b(''), b(',')), B('split', b('a'), b(','), [atom('bad')]), B('split', b('a'), b('')),
    B('replace', b('abcb'), b('b'), b('X')), B('replace', b('abcb'), b('b'), b('X'), [global]), B('replace', b('abcb'), b('b'), b('[]'), [global, insert(1)]), B('replace', b('abcb'), [b('b'), b('bc')], b('<>'), [global, insert([0, 2])]),
    B('replace', b('abcb'), b('b'), b('<>'), [insert([2, 1, 1])]), B('replace', b('abcb'), b('b'), b('<>'), [insert(3)]), B('replace', b('abcb'), b('b'), b('<>'), [insert(-1)]), B('replace', b('abcb'), b('b'), atom('X')), B('replace', b('abcb'), b('b'), b('X'), [global, scope(2, 2)]),
    B('replace', b('abc'), b('z'), b('X'), [global]), B('replace', b('abc'), b('b'), [88]), B('replace', b('abc'), b('b'), b('X'), [atom('bad')]), B('replace', b('aaa'), b('aa'), b(''), [global]),
  ];
  assert.deepEqual(await diff(table), []);
});

const subject = fc.array(fc.constantFrom(...'abc,'), { maxLength: 24 }).map((cs) => b(cs.join('')));
const pattern = fc.array(fc.constantFrom(...'abc,'), { minLength: 1, maxLength: 3 }).map((cs) => b(cs.join('')));
const patterns = fc.oneof(pattern, fc.array(pattern, { minLength: 1, maxLength: 4 }));
const options = fc.subarray([global, trim, trimAll]);

test('binary: generated subjects and patterns agree with OTP 25', { skip }, async () => {
  const calls = [];
  for (const [s, p, opts, r, n, m] of fc.sample(fc.tuple(subject, patterns, options, pattern, fc.nat(26), fc.integer({ min: -26, max: 26 })), { numRuns: 300, seed: SEED })) {
    const sc = scope(n, m);
    calls.push(B('match', s, p), B('matches', s, p), B('match', s, p, [sc]), B('matches', s, p, [sc]), B('split', s, p, opts), B('split', s, p, [...opts, sc]),
      B('replace', s, p, r, opts.includes(global) ? [global] : []), B('replace', s, p, r, [global, insert([n % 4, m & 3])]), B('replace', s, p, r, [sc, global]),
      B('part', s, n, m), B('bin_to_list', s, tuple(n, m)), B('longest_common_prefix', [s, r]), B('longest_common_suffix', [s, r, s]),
      B('decode_unsigned', s, n % 2 ? big : little), B('encode_unsigned', BigInt(n) ** BigInt(n % 9) * 7n, m % 2 ? big : little), B('encode_hex', s), B('decode_hex', b(s.toString('hex'))), B('copy', s, n % 4));
  }
  const diffs = await diff(calls);
  assert.deepEqual(diffs.slice(0, 10), [], `seed ${SEED}: ${diffs.length} of ${calls.length} calls differ`);
});

/** A process enough for compile_pattern/1: it makes refs. */
let refs = 0;
const self = { makeRef: () => new Ref(atom('nonode@nohost'), [++refs, 1, 2], 0) };

/** The outcome of `f()` as erlEvalAll's: `{ok, V}` or `{error, Reason, none}` (binary's frames show as none there). */
function outcome(f) {
  try {
    return tuple(atom('ok'), f());
  } catch (e) {
    if (e instanceof ErlangError) return tuple(atom('error'), e.error, atom('none'));
    throw e;
  }
}

test('binary: compile_pattern/1 patterns work in match, matches, split and replace as on OTP 25', { skip }, async () => {
  const cases = [
    [b('abcabc'), b('bc')], [b('abcabc'), [b('bc')]], [b('abcd'), [b('bc'), b('b'), b('bcd')]], [b('a,b;c'), [b(','), b(';')]], [b('xyz'), [b('q')]],
  ];
  const erlSide = [];
  const mine = [];
  const call = (f, ...args) => binaryModule[f](self, ...args);
  for (const [s, p] of cases) {
    const [S, P] = [binaryLiteral(s), Array.isArray(p) ? `[${p.map(binaryLiteral).join(',')}]` : binaryLiteral(p)];
    erlSide.push(`(fun(C) -> {element(1, C), binary:match(${S}, C), binary:matches(${S}, C), binary:split(${S}, C, [global]), binary:replace(${S}, C, <<"!">>, [global])} end)(binary:compile_pattern(${P}))`);
    mine.push(outcome(() => {
      const c = call('compile_pattern', p);
      return tuple(c[0], call('match', s, c), call('matches', s, c), call('split', s, c, [global]), call('replace', s, c, b('!'), [global]));
    }));
  }
  for (const p of ['[]', '<<>>', '[<<"a">>, <<>>]', 'a', '{bm, make_ref()}']) {
    erlSide.push(`binary:compile_pattern(${p})`);
    mine.push(outcome(() => call('compile_pattern', decode(encode(p === '[]' ? [] : p === '<<>>' ? b('') : p === 'a' ? atom('a') : p.startsWith('{') ? tuple(atom('bm'), self.makeRef()) : [b('a'), b('')])))));
  }
  erlSide.push('binary:match(<<"abc">>, {bm, make_ref()})');
  mine.push(outcome(() => call('match', b('abc'), tuple(atom('bm'), self.makeRef()))));
  const theirs = await erlEvalAll(erl(), erlSide);
  assertSameOutcomes(mine, theirs, (i) => erlSide[i]);
  assert.ok(format(mine[0]).includes('bm'));
});
