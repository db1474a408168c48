// io_lib (src/modules/io_lib.ts) against OTP 25's io_lib, differentially: the writers and the
// character-list tests over a table and generated lists, and format/fwrite/write/print compared
// flattened (io_lib returns deep lists; noderl returns the same characters flat), bad formats
// included. (~f ~e ~g and the fields of the other controls: stdlib-io_lib-format.test.js.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ImproperList, atom, tuple, float, encode } from '../../dist/index.js';
import { ioLibModule } from '../../dist/modules/io_lib.js';
import { useStdlib } from './stdlib-harness.js';
import { assertSameOutcomes, erlEvalAll, jsOutcome } from '../support/bif-oracle.js';

const { skip, seed: SEED, diff, erl } = useStdlib((registry) => registry.register('io_lib', ioLibModule));

const L = (f, ...args) => ['io_lib', f, args];
const str = (text) => [...text].map((c) => c.codePointAt(0));
const TESTS = ['char_list', 'deep_char_list', 'latin1_char_list', 'printable_list', 'printable_latin1_list', 'printable_unicode_list'];

test('io_lib: writers and character-list tests as OTP 25', { skip }, async () => {
  const lists = [[], str('abc'), str('é\n\t'), str('日本'), [0xd800], [0x110000], [-1], [256], [255, 160, 159], [27, 8, 127], [0xfffe], [0x10000], [[97], 98], [[[]]], [97, atom('a')], new ImproperList([97], 98), atom('x'), Buffer.from('ab'), [1.5]];
  const table = [
    ...lists.flatMap((l) => TESTS.map((t) => L(t, l))),
    ...['ok', 'Ok', 'a b', 'é', 'ÿx', 'Ä', '日本', 'maybe', 'else', 'case', "it's", 'a\\b', '', 'a@b_1', '\n', '\u00a0', 'x\u00ad'].map((n) => L('write_atom', atom(n))), L('write_atom', true), L('write_atom', 1),
    ...[str('plain'), str('q"uote\\'), str('\n\r\t\v\b\f\x1b\x7f\x00\x01\x1f'), str('é日本\u00a0\u0085'), [0x110000], [-1, -70]].flatMap((s) => [L('write_string', s), L('write_string', s, 39), L('write_string', s, 97)]),
    L('write_string', [atom('a')]), L('write_string', Buffer.from('x')), L('write_string', [97], atom('q')),
    ...[97, 32, 10, 0, 127, 39, 34, 92, 0xe9, 0x65e5, 0x9f, 0x110000].map((c) => L('write_char', c)), L('write_char', -1), L('write_char', atom('a')), L('nl'),
  ];
  assert.deepEqual(await diff(table), []);
});

test('io_lib: generated lists agree with OTP 25', { skip }, async () => {
  const ch = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(0xd7ff, 0xd800, 0xe000, 0xfffe, 0xffff, 0x10000, 0x10ffff, 0x110000, -1, 8, 13, 27, 127, 159, 160));
  const { deep } = fc.letrec((tie) => ({ deep: fc.array(fc.oneof(ch, tie('deep')), { maxLength: 5 }) }));
  const calls = [];
  for (const [flat, d] of fc.sample(fc.tuple(fc.array(ch, { maxLength: 8 }), deep), { numRuns: 200, seed: SEED })) {
    calls.push(...TESTS.map((t) => L(t, flat)), L('deep_char_list', d), L('char_list', d), L('write_string', flat), L('write_string', flat, 39));
  }
  const diffs = await diff(calls);
  assert.deepEqual(diffs.slice(0, 10), [], `seed ${SEED}: ${diffs.length} of ${calls.length} calls differ`);
});

/** noderl's outcome of io_lib:F(Args), as erlEvalAll reports erl's (an io_lib frame shows as none). */
function mine(f, args) {
  const o = jsOutcome(() => ioLibModule[f](null, ...args));
  return o[0] === atom('error') ? tuple(o[0], o[1], atom('none')) : o;
}

test('io_lib: format, fwrite, write and print give OTP 25\'s characters (flattened), bad formats badarg', { skip }, async () => {
  const terms = [1, -5, 2n ** 70n, float(1), 0.1, atom('ok'), atom('a b'), str('abc'), str('é'), [1, 2, 300], Buffer.from('bin'), tuple(), tuple(1, [atom('x')]), new Map([[1, 2]]), new ImproperList([1], 2), []];
  const formats = [
    ['~w~n', [tuple(1, 2)]], ['~p', [str('text')]], ['~s and ~s', [str('a'), Buffer.from('b')]], ['~ts', [str('日本')]], ['~5w|~-6w|~c', [float(3.5), atom('x'), 97]], ['~b ~.16B ~8.2.0b', [10, 255, 3]],
    ['~~ ~i~w', [atom('skipped'), 1]], ['no args', []], ['~w', []], ['~w', [1, 2]], ['~s', [atom('x')]], ['~z', [1]],
  ];
  const exprs = [];
  const ours = [];
  const lit = (t) => `binary_to_term(<<${[...encode(t)].join(',')}>>)`;
  for (const t of terms) {
    exprs.push(`lists:flatten(io_lib:write(${lit(t)}))`, `lists:flatten(io_lib:print(${lit(t)}))`);
    ours.push(mine('write', [t]), mine('print', [t]));
  }
  for (const [f, a] of formats) {
    for (const fn of ['format', 'fwrite']) {
      exprs.push(`lists:flatten(io_lib:${fn}(${JSON.stringify(f)}, ${lit(a)}))`, `lists:flatten(io_lib:${fn}(${lit(Buffer.from(f))}, ${lit(a)}))`);
      ours.push(mine(fn, [str(f), a]), mine(fn, [Buffer.from(f), a]));
    }
  }
  exprs.push('io_lib:format(abc, [])', 'io_lib:format("~w", not_a_list)');
  ours.push(mine('format', [atom('abc'), []]), mine('format', [str('~w'), atom('not_a_list')]));
  const theirs = await erlEvalAll(erl(), exprs);
  assertSameOutcomes(ours, theirs, (i) => exprs[i]);
});
