// io_lib_pretty (src/term/pretty.ts) and ~p/~P/~w/~W of ioFormat, against the real erl: every
// term goes to erl once, which prints it in each of the ways of FORMATS (io_lib:format with ~p,
// ~tp, ~P at depths 1..6, ~40p, text before ~p on the line, ~lp, ~W; io_lib_pretty:print/2
// directly with columns, line lengths, depths and the shell's line_max_chars), and noderl's text
// must be the same string. Terms: the standard term set, a table of hand-picked ones, and
// fast-check terms (maps of at most 32 keys: larger ones OTP prints in hash order).
// Reproduce a fast-check failure with FC_SEED=<seed>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BitBinary, ExportFun, ImproperList, atom, decode, encode, float, format, tuple } from '../../dist/index.js';
import { prettyPrint } from '../../dist/term/pretty.js';
import { ioFormat } from '../../dist/term/io-format.js';
import { useErl } from '../support/erl.js';
import { TERM_SET } from '../../bench/lib/term-set.js';

const oracle = useErl();
const { skip } = oracle;
const local = atom('nonode@nohost');

// [Erlang expression of T, the same on noderl]
const FORMATS = [
  ['io_lib:format("~p", [T])', (t) => ioFormat('~p', [t])],
  ['io_lib:format("~tp", [T])', (t) => ioFormat('~tp', [t])],
  ...[1, 2, 3, 4, 5, 6].map((d) => [`io_lib:format("~P", [T, ${d}])`, (t) => ioFormat('~P', [t, d])]),
  ['io_lib:format("~tP", [T, 9])', (t) => ioFormat('~tP', [t, 9])],
  ['io_lib:format("~40p", [T])', (t) => ioFormat('~40p', [t])],
  ['io_lib:format("~20.5p", [T])', (t) => ioFormat('~20.5p', [t])],
  ['io_lib:format("value: ~p", [T])', (t) => ioFormat('value: ~p', [t])],
  ['io_lib:format("~w ~s~n\\t~tp|~p", [abc, "defghijk", T, T])', (t) => ioFormat('~w ~s~n\t~tp|~p', [atom('abc'), 'defghijk', t, t])],
  ['io_lib:format("~lp", [T])', (t) => ioFormat('~lp', [t])],
  ['io_lib:format("~w|~W|~tW", [T, T, 4, T, 3])', (t) => ioFormat('~w|~W|~tW', [t, t, 4, t, 3])],
  ...[[1, 30], [20, 60], [50, 80], [1, 120], [70, 80]].map(([c, l]) => [
    `io_lib_pretty:print(T, [{column, ${c}}, {line_length, ${l}}])`,
    (t) => prettyPrint(t, { column: c, lineLength: l, localNode: local }),
  ]),
  [
    'io_lib_pretty:print(T, [{column, 1}, {line_length, 80}, {depth, 30}, {line_max_chars, 60}, {encoding, unicode}])',
    (t) => prettyPrint(t, { column: 1, lineLength: 80, depth: 30, lineMaxChars: 60, encoding: 'unicode', localNode: local }),
  ],
  [
    'io_lib_pretty:print(T, [{column, 15}, {line_length, 50}, {depth, 5}, {line_max_chars, 30}, {strings, false}])',
    (t) => prettyPrint(t, { column: 15, lineLength: 50, depth: 5, lineMaxChars: 30, strings: false, localNode: local }),
  ],
];

// ioFormat has no localNode: pids and refs are only compared through prettyPrint.
const PRETTY_ONLY = FORMATS.map(([e]) => e.startsWith('io_lib_pretty'));

const erlPrinter =
  'Flat = fun(X) -> unicode:characters_to_binary(lists:flatten(X)) end, ' +
  `Print = fun(T) -> [${FORMATS.map(([e]) => `Flat(${e})`).join(', ')}] end`;

/** Erl's texts for each term of `terms` (ETF-encoded to it), in FORMATS order. */
async function erlTexts(terms) {
  const data = encode(terms);
  const src = `begin ${erlPrinter}, [Print(T) || T <- binary_to_term(<<${[...data].join(',')}>>)] end`;
  return decode(await oracle.erl.evalTerm(src)).map((texts) => texts.map((b) => b.toString('utf8')));
}

function compareAll(terms, expected, { prettyOnly = false } = {}) {
  const failures = [];
  terms.forEach((t, i) => {
    FORMATS.forEach(([expr, mine], k) => {
      if (prettyOnly && !PRETTY_ONLY[k]) return;
      let actual;
      try {
        actual = mine(t);
      } catch (e) {
        actual = `THREW ${e.stack}`;
      }
      if (actual !== expected[i][k]) failures.push(`${format(t).slice(0, 300)}\n  ${expr}\n  erl:    ${JSON.stringify(expected[i][k])}\n  noderl: ${JSON.stringify(actual)}`);
    });
  });
  assert.deepEqual(failures.slice(0, 8), [], `${failures.length} texts differ`);
}

const seq = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const str = (s) => [...s].map((c) => c.codePointAt(0));
const a = atom;

const HAND_PICKED = [
  seq(1, 40),
  tuple(str('a'.repeat(50)), str('b'.repeat(50))),
  tuple(a('aaaaaaaaaaaaaaaaaaaaaaaaa'), a('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'), a('ccccccccccccccccccccc'), a('dddd')),
  Buffer.from(seq(1, 200)),
  Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789'),
  Buffer.from([...Buffer.from('abc'), 0, ...seq(1, 9)]),
  Buffer.from([...Buffer.from('abcdefghijklmnopqrstuvwxyz'), 0, 1]),
  Buffer.from('déjà vu, naïve café', 'utf8'),
  Buffer.from('中文 text', 'utf8'),
  Buffer.from([233, 97, 98]),
  new BitBinary(Buffer.from([1, 2, 3, 0xf0]), 4),
  new BitBinary(Buffer.from([0xa0]), 3),
  new ImproperList([1, 2], a('c')),
  new ImproperList(seq(1, 30), tuple(a('tail'), seq(1, 20))),
  new ImproperList(str('abc'), str('def')),
  str('a string with "quotes", \\ and \n newlines\tand tabs'),
  str('ça va, très bien: ÿ'),
  [str('x'.repeat(100))],
  [str('abc'), 'binary', [], tuple(), new Map()],
  [20013, 25991],
  a('日本語'),
  tuple(a('日本語'), a('é'), a('maybe'), a('else'), a('case'), a('Cap'), a('with space'), a('a@b'), a('')),
  new Map([[a('a'), 1], [a('b'), seq(1, 30)], [tuple(1, 2), new Map([[a('x'), str('y'.repeat(70))]])]]),
  new Map(seq(1, 32).map((i) => [i, a(`value_number_${i}`)])),
  new Map([[str('k'), tuple(a('ok'), seq(1, 25))], [Buffer.from('bin'), a('v')]]),
  tuple(a('error'), tuple(a('badmatch'), tuple(a('a_rather_long_tag_name'), seq(1, 30), str('some text that goes on')))),
  tuple(a('a_very_long_tag_name_that_takes_up_most_of_the_available_line'), tuple(a('x'), seq(1, 40)), 3),
  tuple(1, 2, tuple(3, tuple(4, tuple(5, tuple(6, tuple(7, [8, [9, [10]]])))))),
  seq(1, 12).map((i) => tuple(a('item'), i, str(`item-${i}`), float(i * 1.25), [tuple(a('x'), i), tuple(a('y'), -i)])),
  [new ExportFun(a('lists'), a('map'), 2), new ExportFun(a('Elixir.Enum'), a('map'), 2)],
  [2n ** 100n, -(2n ** 70n), float(1), 0.1, -1.5e-300, float(1e21), 123456789012],
  tuple(a('state'), new Map([[a('children'), seq(1, 20).map((i) => tuple(a('child'), i))], [a('name'), Buffer.from('worker')]])),
];

test('hand-picked terms print as io_lib_pretty prints them (real erl)', { skip }, async () => {
  const expected = await erlTexts(HAND_PICKED);
  compareAll(HAND_PICKED, expected);
});

test('pids, refs, ports and funs made on erl print as erl prints them (prettyPrint with localNode)', { skip }, async () => {
  const src =
    `begin ${erlPrinter}, ` +
    'Ts = [self(), make_ref(), hd(erlang:ports()), fun(X) -> X end, fun lists:map/2, {self(), [make_ref(), list_to_pid("<0.1.0>")], lists:duplicate(10, self())}], ' +
    '{term_to_binary(Ts), [Print(T) || T <- Ts]} end';
  const [bytes, texts] = decode(await oracle.erl.evalTerm(src));
  compareAll(decode(bytes), texts.map((ts) => ts.map((b) => b.toString('utf8'))), { prettyOnly: true });
});

test('the standard term set prints as io_lib_pretty prints it (real erl)', { skip }, async () => {
  // binary_1mib: only its first 4 KiB, to keep the test fast (the layout of bytes is the same).
  const srcs = Object.entries(TERM_SET).map(([name, src]) => (name === 'binary_1mib' ? `binary:part(${src}, 0, 4096)` : src));
  const src = `begin ${erlPrinter}, Ts = [${srcs.join(', ')}], {term_to_binary(Ts), [Print(T) || T <- Ts]} end`;
  const [bytes, texts] = decode(await oracle.erl.evalTerm(src));
  compareAll(decode(bytes), texts.map((ts) => ts.map((b) => b.toString('utf8'))));
});

// ---- generated terms ------------------------------------------------------------------------

const atomArb = fc
  .oneof(
    fc.constantFrom('ok', 'error', 'a', 'undefined', 'é', 'ÿß', '日本', 'hello world', 'case', 'Cap', "it's", 'x'.repeat(40)),
    fc.stringMatching(/^[a-z][a-zA-Z0-9_@]{0,14}$/),
  )
  .map(atom);
const charArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 32, max: 126 }) },
  { weight: 2, arbitrary: fc.integer({ min: 160, max: 255 }) },
  { weight: 1, arbitrary: fc.constantFrom(9, 10, 13, 27, 0, 1, 127, 128, 300, 20013) },
);
const leafArb = fc.oneof(
  atomArb,
  fc.integer({ min: -1000, max: 100000 }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(float),
  fc.array(charArb, { minLength: 1, maxLength: 70 }),
  fc.array(fc.integer({ min: 32, max: 126 }), { minLength: 1, maxLength: 90 }),
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s, 'latin1')),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => Buffer.from(s, 'utf8')),
  fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 7 })).map(([b, bits]) => new BitBinary(Buffer.from(b), bits)),
  fc.constant([]),
  fc.constant(tuple()),
);
const { term: termArb } = fc.letrec((tie) => ({
  term: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafArb, leafArb, tie('tuple'), tie('tagged'), tie('list'), tie('map'), tie('improper')),
  tuple: fc.array(tie('term'), { maxLength: 6 }).map((es) => tuple(...es)),
  tagged: fc.tuple(atomArb, fc.array(tie('term'), { minLength: 1, maxLength: 5 })).map(([tag, es]) => tuple(tag, ...es)),
  list: fc.oneof(fc.array(tie('term'), { maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 40 })),
  map: fc
    .uniqueArray(fc.tuple(tie('term'), tie('term')), { maxLength: 6, selector: ([k]) => format(k) })
    .map((pairs) => new Map(pairs)),
  improper: fc.tuple(fc.array(tie('term'), { minLength: 1, maxLength: 5 }), fc.oneof(atomArb, fc.integer(), leafArb)).map(([es, t]) =>
    Array.isArray(t) && !(t instanceof tuple().constructor) ? [...es, ...t] : new ImproperList(es, t),
  ),
}));

test('fast-check terms print as io_lib_pretty prints them (real erl)', { skip }, async () => {
  const seed = process.env.FC_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED);
  const terms = fc.sample(termArb, { numRuns: Number(process.env.FC_RUNS ?? 200), seed });
  const expected = await erlTexts(terms);
  try {
    compareAll(terms, expected);
  } catch (e) {
    e.message = `FC_SEED=${seed}: ${e.message}`;
    throw e;
  }
});
