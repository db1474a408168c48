// format: Erlang syntax for terms, checked case by case and against a real OTP node (one `erl`
// run reads every formatted text back with erl_scan/erl_parse and prints it with ~w and ~tp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  atom,
  BitBinary,
  equals,
  ErlFun,
  ExportFun,
  float,
  format,
  ImproperList,
  parse,
  Pid,
  Port,
  Ref,
  tuple,
} from '../../dist/index.js';
import { erlOrSkip, runErlang } from '../support/erl.js';

const a = atom;
const bits = (bytes, n) => new BitBinary(Buffer.from(bytes), n);
const codes = (s) => Array.from(s, (c) => c.codePointAt(0));

test('integers and bigints', () => {
  assert.equal(format(0), '0');
  assert.equal(format(-5), '-5');
  assert.equal(format(-0), '0');
  assert.equal(format(2 ** 53 - 1), '9007199254740991');
  assert.equal(format(1e21), '1000000000000000000000', 'an integral number past 2^53 is still an integer');
  assert.equal(format(-(2n ** 70n)), '-1180591620717411303424');
});

test('floats print the shortest text that reads back, always as a float (io_lib_format:fwrite_g)', () => {
  const cases = [
    [float(1), '1.0'],
    [float(-0), '-0.0'],
    [float(0), '0.0'],
    [0.1, '0.1'],
    [-1.5, '-1.5'],
    [float(100), '100.0'],
    [float(1000), '1.0e3'],
    [float(1e5), '1.0e5'],
    [float(123456789), '123456789.0'],
    [float(1e15), '1.0e15'],
    [float(1e20), '1.0e20'],
    [float(1234567890123456), '1234567890123456.0'],
    [float(12345678901234567), '1.2345678901234568e16'],
    [0.001, '0.001'],
    [0.0001, '0.0001'],
    [0.0005, '0.0005'],
    [1e-5, '1.0e-5'],
    [0.000123, '1.23e-4'],
    [1.2345e-7, '1.2345e-7'],
    [5e-324, '5.0e-324'],
    [float(1.7976931348623157e308), '1.7976931348623157e308'],
    [float(2500), '2.5e3'],
    [123.456, '123.456'],
    [float(999999999999999900000), '9.999999999999999e20'],
  ];
  for (const [f, text] of cases) assert.equal(format(f), text);
  assert.throws(() => format(NaN), RangeError);
  assert.throws(() => format(float(Infinity)), RangeError);
});

test('atoms are quoted when erl_scan needs it', () => {
  assert.equal(format(a('ok')), 'ok');
  assert.equal(format(a('a@b_1')), 'a@b_1');
  assert.equal(format(a('ßx')), 'ßx', 'Latin-1 lower case letters start a bare atom');
  assert.equal(format(a('aÀÿ')), 'aÀÿ');
  assert.equal(format(a('Hello')), "'Hello'");
  assert.equal(format(a('_x')), "'_x'");
  assert.equal(format(a('a b')), "'a b'");
  assert.equal(format(a('a.b')), "'a.b'");
  assert.equal(format(a('')), "''");
  assert.equal(format(a('×x')), "'×x'");
  assert.equal(format(a('aĀ')), "'aĀ'", 'letters past Latin-1 need quotes');
  assert.equal(format(a('😀')), "'😀'");
  for (const w of ['end', 'receive', 'fun', 'div', 'andalso', 'maybe', 'else']) assert.equal(format(a(w)), `'${w}'`);
  assert.equal(format(a("it's")), "'it\\'s'");
  assert.equal(format(a('back\\')), "'back\\\\'");
  assert.equal(format(a('a\nb\t')), "'a\\nb\\t'");
  assert.equal(format(a('a\x01b\x7f\x85')), "'a\\001b\\d\\205'");
  assert.equal(format(a('"')), `'"'`);
  // erl_scan reads U+FFFE and U+FFFF in no form at all; this is the best text there is.
  assert.equal(format(a('a\ufffe')), "'a\\x{FFFE}'");
  assert.equal(format(true), 'true');
  assert.equal(format(false), 'false');
  assert.equal(format(null), 'undefined');
  assert.equal(format(undefined), 'undefined');
});

test('lists of printable characters print as strings, like ~tp', () => {
  assert.equal(format([104, 105]), '"hi"');
  assert.equal(format([]), '[]');
  assert.equal(format(codes('a\nb\t\x1b"\\\'')), '"a\\nb\\t\\e\\"\\\\\'"');
  assert.equal(format([1000, 0x1f600]), '"Ϩ😀"');
  assert.equal(format([160]), '"\u00a0"');
  assert.equal(format([127]), '[127]');
  assert.equal(format([128, 97]), '[128,97]');
  assert.equal(format([0xfffe]), '[65534]');
  assert.equal(format([0xd800]), '[55296]');
  assert.equal(format([97, 98.5]), '[97,98.5]');
  assert.equal(format([97n, 98n]), '"ab"');
  assert.equal(format([1, 2, 3]), '[1,2,3]');
  assert.equal(format([a('a'), [1], tuple()]), '[a,[1],{}]');
});

test('binaries print as text when printable, else as bytes; JS strings are UTF-8 binaries', () => {
  assert.equal(format('hello'), '<<"hello">>');
  assert.equal(format(''), '<<>>');
  assert.equal(format(Buffer.alloc(0)), '<<>>');
  assert.equal(format('héllo'), '<<"héllo"/utf8>>');
  assert.equal(format('😀'), '<<"😀"/utf8>>');
  assert.equal(format(Buffer.from([233])), '<<"é">>', 'printable Latin-1');
  assert.equal(format(Buffer.from([195, 169, 200])), '<<"Ã©È">>', 'not UTF-8, but printable Latin-1');
  assert.equal(format(Buffer.from([1, 2, 3])), '<<1,2,3>>');
  assert.equal(format(Buffer.from('abc\0')), '<<97,98,99,0>>');
  assert.equal(format('a\nb"\\'), '<<"a\\nb\\"\\\\">>');
  assert.equal(format(new Uint8Array([104, 105])), '<<"hi">>');
  assert.equal(format(Buffer.from([0xef, 0xbb, 0xbf, 97])), '<<"\ufeffa"/utf8>>', 'a BOM is kept');
});

test('bitstrings print their last bits as Value:Size', () => {
  assert.equal(format(bits([0x20], 3)), '<<1:3>>');
  assert.equal(format(bits([1, 0x40], 3)), '<<1,2:3>>');
  assert.equal(format(bits([97, 98, 0xff], 1)), '<<97,98,1:1>>');
  assert.equal(format(bits([104, 105], 8)), '<<"hi">>');
});

test('tuples, improper lists, maps and plain objects', () => {
  assert.equal(format(tuple()), '{}');
  assert.equal(format(tuple(a('ok'), [1, 2], 'x')), '{ok,[1,2],<<"x">>}');
  assert.equal(format(new ImproperList([1], 2)), '[1|2]');
  assert.equal(format(new ImproperList([1, 2], a('t'))), '[1,2|t]');
  assert.equal(format(new ImproperList([104], [105])), '"hi"', 'a list tail continues the list');
  assert.equal(format(new ImproperList([1], new ImproperList([2], 3))), '[1,2|3]');
  assert.equal(format(new ImproperList([], a('x'))), 'x');
  assert.equal(format(new ImproperList([104], 105)), '[104|105]');
  assert.equal(format(new Map()), '#{}');
  assert.equal(format(new Map([[a('b'), 1], [a('a'), 2]])), '#{a => 2,b => 1}', 'keys in map-key order');
  assert.equal(format(new Map([[0.5, 1], [3, 2], [float(1), 3], [1, 4]])), '#{1 => 4,3 => 2,0.5 => 1,1.0 => 3}');
  assert.equal(format({ b: [1], a: 'x' }), '#{a => <<"x">>,b => [1]}');
  assert.equal(format({ 'Odd key': 1 }), "#{'Odd key' => 1}");
});

test('pids, references and ports: node 0 for localNode, a stable small number for other nodes', () => {
  const local = a('local@host');
  const opts = { localNode: local };
  assert.equal(format(new Pid(local, 52, 0, 1), opts), '<0.52.0>');
  assert.equal(format(new Ref(local, [3, 2, 1], 1), opts), '#Ref<0.1.2.3>');
  assert.equal(format(new Port(local, 5, 1), opts), '#Port<0.5>');
  const remote = format(new Pid(a('format-test-remote@h'), 7, 1, 1), opts);
  assert.match(remote, /^<[1-9][0-9]*\.7\.1>$/);
  const n = remote.slice(1, remote.indexOf('.'));
  assert.equal(format(new Port(a('format-test-remote@h'), 2n ** 40n, 1)), `#Port<${n}.1099511627776>`, 'same number every time');
  assert.notEqual(format(new Pid(a('format-test-other@h'), 7, 1, 1)), remote);
  assert.equal(format(new Pid(local, 1, 0, 1)).startsWith('<0.'), false, 'without localNode no node is 0');
});

test('funs', () => {
  assert.equal(format(new ExportFun(a('lists'), a('reverse'), 1)), 'fun lists:reverse/1');
  assert.equal(format(new ExportFun(a('Elixir.Enum'), a('map'), 2)), "fun 'Elixir.Enum':map/2");
  const pid = new Pid(a('n@h'), 1, 0, 1);
  assert.equal(format(new ErlFun(Buffer.alloc(0), a('shell'), 0, 3, Buffer.alloc(16), 3, 122130836, pid, [])), '#Fun<shell.3.122130836>');
});

test('values with no Erlang form are refused', () => {
  assert.throws(() => format(Symbol('x')), TypeError);
  assert.throws(() => format(() => 1), TypeError);
  assert.throws(() => format(new Date()), TypeError);
});

// ---- oracle: real erl -------------------------------------------------------------------

/** A deterministic spread of doubles: random bit patterns (xorshift), all magnitudes. */
function randomFloats(n) {
  let s = 0x9e3779b9;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const view = new DataView(new ArrayBuffer(8));
  const out = [];
  while (out.length < n) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    const f = view.getFloat64(0);
    if (Number.isFinite(f)) out.push(Number.isInteger(f) ? float(f) : f);
  }
  return out;
}

// Each case: a term, and whether format() must equal OTP's own ~tp text exactly (short terms
// print the same as ~tp; 'maybe' and 'else' are quoted on purpose, where OTP 25 leaves them bare).
const ORACLE_CASES = [
  ...[0, -5, 2 ** 53 - 1, -(2 ** 53) + 1, 1e21, 2n ** 64n, -(2n ** 100n)].map((t) => [t, true]),
  ...[float(1), float(-0), float(0), 0.1, 1.5, -1.5, float(100), float(1e15), float(1e16), float(1e17), float(1e20), float(1e21),
    float(1e22), float(1e23), float(123456789), float(1234567890123456), float(12345678901234567), 0.001, 0.0001, 1e-5, 1e-7,
    1.2345e-7, 5e-324, float(1.7976931348623157e308), float(2500), float(3e5), 123.456, float(1e10), float(123456780000000), 0.000123,
    0.0005, float(2 ** 53), float(1e100), 4.35e-20, float(1e6), float(1e7), float(1e5), float(999999999999999900000), Math.PI,
    -Math.E, 2 ** -1074, 1 / 3, 2 / 3, 1e-300, 5e-5, 0.3, float(1e3), float(1e4), 12.5, 1.0000000000000002,
    ...randomFloats(300)].map((t) => [t, true]),
  ...['ok', 'hello world', 'Hello', '_x', 'a@b', 'a.b', 'é', 'ÿ', 'ßx', 'aÀ', 'Ā', 'aĀ', '😀', 'a\nb', "it's", 'back\\', 'end',
    'receive', 'fun', 'ab1_@', '', 'a\x01b', 'a\x7fb', 'a\x85b', '×x', '÷', 'Elixir.Foo.Bar', '"', 'true', 'undefined',
    'a\u2028b'].map((n) => [a(n), true]),
  [a('maybe'), false],
  [a('else'), false],
  [true, true],
  [null, true],
  ...[[104, 105], codes('a\nb\t\x1b\x0b\x0c\b\r"\\\''), [1000], [0x1f600], [8232], [65279], [0xfffe], [0xd800], [0x10ffff], [127],
    [128, 97], [160], [173], [], [1, 2, 3], [97, 98, 99], codes('tab\there'), [0x85], [0x9f]].map((t) => [t, true]),
  ...['hello', 'héllo', '😀', '', 'a\nb"\\', 'caf\u00e9', '\u2028', 'a\x7f', Buffer.from([233]), Buffer.from([195, 169]),
    Buffer.from([195, 169, 200]), Buffer.from('abc\0'), Buffer.from([1, 2, 3]), Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0x80]), Buffer.from([255, 254])].map((t) => [t, true]),
  ...[bits([0x20], 3), bits([97, 98, 99, 0x20], 3), bits([1, 0x40], 3), bits([0xff], 1), bits([104, 105], 8)].map((t) => [t, true]),
  ...[tuple(), tuple(a('a')), tuple(a('ok'), [1, 2], 'x'), [1, [2, [3]]], new ImproperList([1], 2), new ImproperList([97], 98),
    new ImproperList([1], new ImproperList([2], 3)), new ImproperList([104], [105]), new ImproperList([], a('x')), [a('a'), a('B')],
    new Map([[1, a('b')], [a('a'), 1], [[120], tuple()]]), new Map([[1, 2], [float(1), 3], [2, 4], [0.5, 5]]),
    new Map([[tuple(2), 0], [tuple(float(1)), 1]]), { a: 1, b: [1], 'C d': 'x' }, new Map(),
    new Map([['bin', [a('l')]], [[], tuple()]]), new ExportFun(a('lists'), a('reverse'), 1),
    new ExportFun(a('Elixir.Enum'), a('a b'), 0), tuple(-1, -1.5, [-2], new Map([[-1, -2]]))].map((t) => [t, true]),
  [new Map(Array.from({ length: 40 }, (_, i) => [i, a(`k${i}`)])), false],
  [Array.from({ length: 300 }, (_, i) => i), false],
  [tuple(...Array.from({ length: 30 }, (_, i) => [codes(`string ${i}`), 'binary']), new Map([[a('x'), [1.5, float(2)]]])), false],
];

test('erl reads every formatted term back as the same term, and short ones print as ~tp does (real erl)', (t) => {
  if (erlOrSkip(t)) return;
  const code = String.raw`
    {ok, In} = file:read_file(IN),
    R = [case erl_scan:string(unicode:characters_to_list(S) ++ "\n.") of
           {ok, Toks, _} ->
             case erl_parse:parse_term(Toks) of
               {ok, T} -> [io_lib:format("~w", [T]), 31, io_lib:format("~tp", [T])];
               {error, E} -> io_lib:format("parse error ~w", [E])
             end;
           {error, E, _} -> io_lib:format("scan error ~w", [E])
         end || S <- binary:split(In, <<30>>, [global])],
    ok = file:write_file(OUT, unicode:characters_to_binary(lists:join(30, R))).`;
  const texts = ORACLE_CASES.map(([term]) => format(term));
  const results = runErlang(code, texts.join('\x1e'), { flags: ['+pc', 'unicode'] }).split('\x1e');
  assert.equal(results.length, ORACLE_CASES.length);
  const failures = [];
  ORACLE_CASES.forEach(([term, exact], i) => {
    const [w, tp] = results[i].split('\x1f');
    if (tp === undefined) failures.push(`${texts[i]}: ${w}`);
    else if (!equals(parse(w), term)) failures.push(`${texts[i]}: erl read it as ${w}`);
    else if (exact && tp !== texts[i]) failures.push(`${texts[i]}: erl ~tp prints ${tp}`);
  });
  assert.deepEqual(failures, []);
});
