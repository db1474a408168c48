// The codec against the exact bytes real Erlang/OTP produces, tag by tag.
//
// For each case an Erlang expression is evaluated by a real `erl` (one per file, see
// test/support/erl.js) and encoded with term_to_binary/1 (OTP 25: ATOM_EXT for Latin-1 atoms) and
// term_to_binary(T, [{minor_version,2}]) (UTF-8 atoms, noderl's default). decode() of both must be
// the JS value the mapping (DESIGN.md) gives; encode() of the JS value must be byte-identical to
// OTP's where OTP is deterministic (minorVersion 2 against minor_version 2, minorVersion 1 against
// term_to_binary/1), and `=:=` to it in Erlang otherwise (map key order, compression).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import {
  BitBinary,
  DecodeError,
  ErlFun,
  ExportFun,
  ImproperList,
  Pid,
  Port,
  Ref,
  atom,
  decode,
  encode,
  float,
  tuple,
} from '../../dist/index.js';
import { ErlRejected, useErl } from '../support/erl.js';
import { assertTermEqual, atomLatin1, atomUtf8, bytes, hex, show, u16, u32, u64 } from '../support/terms.js';

const oracle = useErl();
const { skip } = oracle;

const M2 = '[{minor_version,2}]';
const a = atom;

/** Byte-for-byte equality with the first difference shown. */
function assertSameBytes(actual, expected, label) {
  if (Buffer.from(actual).equals(Buffer.from(expected))) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const from = Math.max(0, i - 8);
  assert.fail(
    `${label}: bytes differ at offset ${i} (lengths ${actual.length} vs ${expected.length})\n` +
      `  got:      ${from ? '… ' : ''}${hex(actual.subarray(from, i + 24))}\n` +
      `  expected: ${from ? '… ' : ''}${hex(expected.subarray(from, i + 24))}`,
  );
}

function decodeOrReport(b, label = 'decode') {
  try {
    return decode(b);
  } catch (e) {
    assert.fail(`${label} threw on ${hex(b.subarray(0, 64))}${b.length > 64 ? ' …' : ''}: ${e.stack}`);
  }
}

/**
 * One Erlang expression. `value`: what decode must give. `input`: what to encode (default
 * `value`). `exact`: encode must match OTP's bytes (false for maps and other unordered output).
 */
function erlCase({ name, src, value, input = value, exact = true }) {
  test(`${name ?? src}`, { skip }, async () => {
    const b1 = await oracle.erl.evalTerm(src);
    const b2 = await oracle.erl.evalTermWith(src, M2);
    assertTermEqual(decodeOrReport(b1, 'decode(term_to_binary(T))'), value);
    assertTermEqual(decodeOrReport(b2, 'decode(term_to_binary(T, [{minor_version,2}]))'), value);
    const enc = encode(input);
    if (exact) {
      assertSameBytes(enc, b2, `encode(${show(input).slice(0, 60)}) vs term_to_binary(${src}, ${M2})`);
      assertSameBytes(encode(input, { minorVersion: 1 }), b1, `encode(…, {minorVersion: 1}) vs term_to_binary(${src})`);
    }
    assert.ok(await oracle.erl.equal(enc, b1), `encode(${show(input).slice(0, 60)}) is not =:= ${src}: ${hex(enc.subarray(0, 64))}`);
  });
}

const cases = (list) => list.forEach(erlCase);

/**
 * A pid, port or reference that erl makes itself with `expr`, sent with its printed form
 * (`toList`): decode of each encoding must be the value `expected(m)` builds from `printed`'s
 * match on that form, and encode must give OTP's bytes back for both minor versions.
 */
function localIdCase(expr, toList, printed, expected) {
  test(expr, { skip }, async () => {
    const src = `begin X = ${expr}, {X, list_to_binary(${toList}(X))} end`;
    const b1 = await oracle.erl.evalTerm(src);
    const b2 = await oracle.erl.evalTermWith(src, M2);
    for (const b of [b2, b1]) {
      const [id, text] = decodeOrReport(b);
      const m = printed.exec(text.toString());
      assert.ok(m, `${toList} gave ${text}`);
      assertTermEqual(id, expected(m));
    }
    assertSameBytes(encode(decode(b2)), b2, `encode(decode(${expr} with minor_version 2))`);
    assertSameBytes(encode(decode(b1), { minorVersion: 1 }), b1, `encode(decode(${expr}), {minorVersion: 1})`);
  });
}

describe('integers: SMALL_INTEGER_EXT, INTEGER_EXT, SMALL_BIG_EXT, LARGE_BIG_EXT', () => {
  cases([
    { src: '0', value: 0 },
    { src: '255', value: 255 },
    { src: '256', value: 256 },
    { src: '-1', value: -1 },
    { src: '2147483647', value: 2147483647 },
    { src: '-2147483648', value: -2147483648 },
    { src: '2147483648', value: 2147483648 },
    { src: '-2147483649', value: -2147483649 },
    { src: '4294967296', value: 4294967296 },
    { src: '9007199254740991', value: Number.MAX_SAFE_INTEGER },
    { src: '-9007199254740991', value: Number.MIN_SAFE_INTEGER },
    { src: '9007199254740992', value: 9007199254740992n },
    { src: '-9007199254740993', value: -9007199254740993n },
    { src: '1 bsl 64', value: 2n ** 64n },
    { src: '-(1 bsl 64)', value: -(2n ** 64n) },
    { src: '(1 bsl 64) - 1', value: 2n ** 64n - 1n },
    { name: '2^2039 (255 digit bytes, still SMALL_BIG)', src: '1 bsl 2039', value: 2n ** 2039n },
    { name: '2^2040 - 1 (255 digit bytes)', src: '(1 bsl 2040) - 1', value: 2n ** 2040n - 1n },
    { name: '2^2040 (256 digit bytes, LARGE_BIG)', src: '1 bsl 2040', value: 2n ** 2040n },
    { name: '-(2^2040) + 1', src: '-(1 bsl 2040) + 1', value: -(2n ** 2040n) + 1n },
    { name: '2^8000 + 12345', src: '(1 bsl 8000) + 12345', value: 2n ** 8000n + 12345n },
  ]);
  cases([
    { name: 'bigint 5n encodes as SMALL_INTEGER', src: '5', value: 5, input: 5n },
    { name: 'bigint -2^31 encodes as INTEGER', src: '-2147483648', value: -2147483648, input: -2147483648n },
    { name: 'integral number 1e20 encodes as an integer', src: '100000000000000000000', value: 100000000000000000000n, input: 1e20 },
    { name: 'number -0 encodes as the integer 0', src: '0', value: 0, input: -0 },
    { name: 'integral number 2^60 encodes as a big', src: '1 bsl 60', value: 2n ** 60n, input: 2 ** 60 },
  ]);
});

describe('floats: NEW_FLOAT_EXT', () => {
  cases([
    { src: '1.5', value: 1.5 },
    { src: '-1.5', value: -1.5 },
    { src: '0.1', value: 0.1 },
    { name: '-0.0 keeps its sign', src: '-0.0', value: float(-0) },
    { src: '0.0', value: float(0) },
    { src: '1.0', value: float(1) },
    { src: '1.0e300', value: float(1e300) },
    { src: '-1.7976931348623157e308', value: float(-1.7976931348623157e308) },
    { src: '5.0e-324', value: 5e-324 },
    { src: '2.2250738585072014e-308', value: 2.2250738585072014e-308 },
    { src: '-123456.789', value: -123456.789 },
    { src: '9007199254740993.0', value: float(9007199254740992) },
    { name: 'ErlFloat(1.5) decodes as a plain number', src: '1.5', value: 1.5, input: float(1.5) },
  ]);
});

describe('atoms: ATOM_EXT, SMALL_ATOM_UTF8_EXT, ATOM_UTF8_EXT', () => {
  cases([
    { src: 'ok', value: a('ok') },
    { src: "''", value: a('') },
    { src: 'true', value: true },
    { src: 'false', value: false },
    { src: 'undefined', value: a('undefined') },
    { name: 'null encodes as undefined', src: 'undefined', value: a('undefined'), input: null },
    { name: 'JS undefined encodes as undefined', src: 'undefined', value: a('undefined'), input: undefined },
    { name: 'atom true encodes as true', src: 'true', value: true, input: a('true') },
    { src: "'hello world'", value: a('hello world') },
    { name: "Latin-1 'é' (ATOM_EXT byte e9 / UTF-8 c3 a9)", src: "'é'", value: a('é') },
    { src: "'日本語'", value: a('日本語') },
    { src: "'emoji😀'", value: a('emoji😀') },
    { name: '255 × a', src: 'list_to_atom(lists:duplicate(255, $a))', value: a('a'.repeat(255)) },
    { name: '255 × é (ATOM_EXT 255 bytes / ATOM_UTF8_EXT 510 bytes)', src: 'list_to_atom(lists:duplicate(255, 16#e9))', value: a('é'.repeat(255)) },
    { name: '200 × € (ATOM_UTF8_EXT 600 bytes)', src: 'list_to_atom(lists:duplicate(200, 16#20ac))', value: a('€'.repeat(200)) },
    { name: '255 × 😀 (1020 bytes)', src: 'list_to_atom(lists:duplicate(255, 16#1F600))', value: a('😀'.repeat(255)) },
  ]);

  test('crafted SMALL_ATOM_EXT (115) and short ATOM_UTF8_EXT (118) decode', { skip }, async () => {
    const crafted = [
      [bytes(131, 115, 3, 'abc'), a('abc')],
      [bytes(131, 115, 1, 0xe9), a('é')],
      [bytes(131, 115, 4, 'true'), true],
      [bytes(131, 115, 0), a('')],
      [bytes(131, 118, u16(2), 'ok'), a('ok')],
      [bytes(131, 118, u16(5), 'false'), false],
      [bytes(131, 100, u16(3), 0xe9, 0xe8, 0xff), a('éèÿ')],
      [bytes(131, 100, u16(9), 'undefined'), a('undefined')],
    ];
    for (const [b, value] of crafted) {
      assertTermEqual(decodeOrReport(b), value);
      assert.ok(await oracle.erl.accepts(b), `erl refused ${hex(b)}`);
      assert.ok(await oracle.erl.equal(b, encode(value)), `${hex(b)} vs ${hex(encode(value))}`);
    }
  });

  test('decoded atoms are interned', () => {
    assert.equal(decode(bytes(131, atomLatin1('ok'))), a('ok'));
    assert.equal(decode(bytes(131, atomUtf8('ok'))), a('ok'));
    assert.equal(decode(bytes(131, 115, 2, 'ok')), decode(bytes(131, 118, u16(2), 'ok')));
  });
});

describe('binaries: BINARY_EXT, BIT_BINARY_EXT', () => {
  cases([
    { src: '<<>>', value: Buffer.alloc(0) },
    { src: '<<1,2,3>>', value: Buffer.from([1, 2, 3]) },
    { name: 'JS string encodes as UTF-8 binary', src: '<<"héllo €"/utf8>>', value: Buffer.from('héllo €'), input: 'héllo €' },
    { name: 'empty JS string', src: '<<>>', value: Buffer.alloc(0), input: '' },
    { name: 'Uint8Array encodes as binary', src: '<<9,8,7>>', value: Buffer.from([9, 8, 7]), input: new Uint8Array([9, 8, 7]) },
    { name: '70000-byte binary', src: 'binary:copy(<<7>>, 70000)', value: Buffer.alloc(70000, 7) },
    { src: '<<1:3>>', value: new BitBinary(Buffer.from([0x20]), 3) },
    { src: '<<1,2:4>>', value: new BitBinary(Buffer.from([1, 0x20]), 4) },
    { src: '<<127:7>>', value: new BitBinary(Buffer.from([0xfe]), 7) },
    { src: '<<0:1>>', value: new BitBinary(Buffer.from([0]), 1) },
    { name: '300 bytes and 1 bit', src: '<<(binary:copy(<<1>>, 300))/binary, 1:1>>', value: new BitBinary(Buffer.concat([Buffer.alloc(300, 1), Buffer.from([0x80])]), 1) },
  ]);

  test('decode(…, {copyBinaries: true}) does not share memory with the input', () => {
    const input = bytes(131, 109, u32(3), 1, 2, 3);
    const copied = decode(input, { copyBinaries: true });
    input.fill(0, 6);
    assertTermEqual(copied, Buffer.from([1, 2, 3]));
    const bitInput = bytes(131, 77, u32(2), 3, 1, 0x20);
    const bits = decode(bitInput, { copyBinaries: true });
    bitInput.fill(0, 7);
    assertTermEqual(bits, new BitBinary(Buffer.from([1, 0x20]), 3));
  });
});

describe('lists: NIL_EXT, STRING_EXT, LIST_EXT', () => {
  cases([
    { src: '[]', value: [] },
    { src: '"abc"', value: [97, 98, 99] },
    { src: '[0, 255]', value: [0, 255] },
    { name: '[256,1] stays LIST_EXT', src: '[256, 1]', value: [256, 1] },
    { src: '[-1]', value: [-1] },
    { name: '65535 bytes: STRING_EXT', src: 'lists:duplicate(65535, 7)', value: new Array(65535).fill(7) },
    { name: '65536 bytes: LIST_EXT', src: 'lists:duplicate(65536, 7)', value: new Array(65536).fill(7) },
    { src: '[1, a, <<"b">>, [2]]', value: [1, a('a'), Buffer.from('b'), [2]] },
    { src: '[[]]', value: [[]] },
    { src: '["ab", "c"]', value: [[97, 98], [99]] },
    { src: '[1 | 2]', value: new ImproperList([1], 2) },
    { src: '[1, 2 | c]', value: new ImproperList([1, 2], a('c')) },
    { src: '[a | <<"t">>]', value: new ImproperList([a('a')], Buffer.from('t')) },
    { src: '[[1] | {}]', value: new ImproperList([[1]], tuple()) },
    { src: '[1, 2, 3 | [4 | 5]]', value: new ImproperList([1, 2, 3, 4], 5) },
  ]);

  test('crafted STRING_EXT decodes to a list of integers', { skip }, async () => {
    const b = bytes(131, 107, u16(3), 1, 2, 3);
    assertTermEqual(decodeOrReport(b), [1, 2, 3]);
    assert.ok(await oracle.erl.equal(b, encode([1, 2, 3])));
  });
});

describe('tuples: SMALL_TUPLE_EXT, LARGE_TUPLE_EXT', () => {
  const seq = (n) => Array.from({ length: n }, (_, i) => i + 1);
  cases([
    { src: '{}', value: tuple() },
    { src: '{a, 1}', value: tuple(a('a'), 1) },
    { src: '{{}}', value: tuple(tuple()) },
    { src: '{[], "x", <<>>}', value: tuple([], [120], Buffer.alloc(0)) },
    { name: '255-tuple', src: 'list_to_tuple(lists:seq(1, 255))', value: tuple(...seq(255)) },
    { name: '256-tuple', src: 'list_to_tuple(lists:seq(1, 256))', value: tuple(...seq(256)) },
    { name: '300-tuple', src: 'list_to_tuple(lists:duplicate(300, x))', value: tuple(...new Array(300).fill(a('x'))) },
  ]);

  test('crafted LARGE_TUPLE_EXT with a small arity decodes', { skip }, async () => {
    const b = bytes(131, 105, u32(2), 97, 1, 97, 2);
    assertTermEqual(decodeOrReport(b), tuple(1, 2));
    assert.ok(await oracle.erl.equal(b, encode(tuple(1, 2))));
  });
});

describe('maps: MAP_EXT (compared with =:=; OTP orders keys)', () => {
  const M = (...pairs) => new Map(pairs);
  cases([
    { src: '#{}', value: M(), exact: false },
    { src: '#{a => 1, b => 2}', value: M([a('a'), 1], [a('b'), 2]), exact: false },
    { src: '#{b => 1, a => 2}', value: M([a('b'), 1], [a('a'), 2]), exact: false },
    { name: '#{1 => a, 1.0 => b} keeps both keys', src: '#{1 => a, 1.0 => b}', value: M([1, a('a')], [float(1), a('b')]), exact: false },
    { src: '#{<<"k">> => [1], {a} => 2}', value: M([Buffer.from('k'), [1]], [tuple(a('a')), 2]), exact: false },
    { src: '#{[1,2] => #{x => y}, [] => nil}', value: M([[1, 2], M([a('x'), a('y')])], [[], a('nil')]), exact: false },
    {
      name: 'maps as keys, one holding an integer beyond the double range',
      src: '#{#{-(1 bsl 1024) => 1} => a, #{2 => 3} => b}',
      value: M([M([-(2n ** 1024n), 1]), a('a')], [M([2, 3]), a('b')]),
      exact: false,
    },
    { src: '#{(1 bsl 1100) => big, 1 => small, 1.0 => float}', value: M([2n ** 1100n, a('big')], [1, a('small')], [float(1), a('float')]), exact: false },
    {
      name: '40-key map (hash order in OTP)',
      src: 'maps:from_list([{I, I * I} || I <- lists:seq(1, 40)])',
      value: new Map(Array.from({ length: 40 }, (_, i) => [i + 1, (i + 1) ** 2])),
      exact: false,
    },
    { name: 'plain object encodes as a map with atom keys', src: '#{a => 1, b => [1]}', value: M([a('a'), 1], [a('b'), [1]]), input: { a: 1, b: [1] }, exact: false },
  ]);
});

describe('pids: NEW_PID_EXT, PID_EXT', () => {
  localIdCase('self()', 'pid_to_list', /^<0\.(\d+)\.(\d+)>$/, (m) => new Pid(a('nonode@nohost'), Number(m[1]), Number(m[2]), 0));

  test('crafted NEW_PID_EXT with all-ones ID, Serial and Creation', { skip }, async () => {
    const b = bytes(131, 88, atomUtf8('a@b'), u32(0xffffffff), u32(0xffffffff), u32(0xffffffff));
    const pid = decodeOrReport(b);
    assertTermEqual(pid, new Pid(a('a@b'), 4294967295, 4294967295, 4294967295));
    assertSameBytes(encode(pid), b, 'encode(Pid)');
    const back = await oracle.erl.roundTrip(b, M2);
    assert.ok(!(back instanceof ErlRejected), String(back));
    assertSameBytes(back, b, 'erl round trip');
  });

  test('crafted PID_EXT (103, 8-bit creation)', { skip }, async () => {
    const b = bytes(131, 103, atomLatin1('a@b'), u32(5), u32(1), 2);
    const pid = decodeOrReport(b);
    assertTermEqual(pid, new Pid(a('a@b'), 5, 1, 2));
    assert.ok(await oracle.erl.accepts(b));
    assert.ok(await oracle.erl.equal(b, encode(pid)), `PID_EXT vs ${hex(encode(pid))}`);
  });
});

describe('ports: NEW_PORT_EXT, V4_PORT_EXT, PORT_EXT', () => {
  localIdCase('hd(erlang:ports())', 'erlang:port_to_list', /^#Port<0\.(\d+)>$/, (m) => new Port(a('nonode@nohost'), Number(m[1]), 0));

  const crafted = [
    ['NEW_PORT_EXT, creation 2^32-1', bytes(131, 89, atomUtf8('a@b'), u32(7), u32(0xffffffff)), new Port(a('a@b'), 7, 4294967295)],
    ['V4_PORT_EXT, 40-bit id', bytes(131, 120, atomUtf8('a@b'), u64(2n ** 40n), u32(3)), new Port(a('a@b'), 2 ** 40, 3)],
    ['V4_PORT_EXT, 64-bit id', bytes(131, 120, atomUtf8('a@b'), u64(2n ** 64n - 1n), u32(3)), new Port(a('a@b'), 2n ** 64n - 1n, 3)],
    ['V4_PORT_EXT, small id', bytes(131, 120, atomUtf8('a@b'), u64(9), u32(3)), new Port(a('a@b'), 9, 3)],
    // OTP 25 sends NEW_PORT_EXT only for 28-bit port numbers (ERTS_MAX_V3_PORT_NUMBER), V4 above.
    ['NEW_PORT_EXT, id 2^28-1 (largest OTP sends as 89)', bytes(131, 89, atomUtf8('a@b'), u32(2 ** 28 - 1), u32(3)), new Port(a('a@b'), 2 ** 28 - 1, 3)],
    ['NEW_PORT_EXT, id 2^28 (OTP re-sends it as 120)', bytes(131, 89, atomUtf8('a@b'), u32(2 ** 28), u32(3)), new Port(a('a@b'), 2 ** 28, 3)],
    ['V4_PORT_EXT, id 2^32-1', bytes(131, 120, atomUtf8('a@b'), u64(2 ** 32 - 1), u32(3)), new Port(a('a@b'), 2 ** 32 - 1, 3)],
    ['PORT_EXT (102, 8-bit creation)', bytes(131, 102, atomLatin1('a@b'), u32(7), 1), new Port(a('a@b'), 7, 1)],
  ];
  for (const [name, b, value] of crafted) {
    test(name, { skip }, async () => {
      assertTermEqual(decodeOrReport(b), value);
      assert.ok(await oracle.erl.accepts(b), `erl refused ${hex(b)}`);
      const enc = encode(value);
      assert.ok(await oracle.erl.equal(b, enc), `${hex(b)} vs encode: ${hex(enc)}`);
      // OTP re-encodes with the tag it would send; noderl must agree byte for byte.
      assertSameBytes(enc, await oracle.erl.roundTrip(b, M2), 'encode(Port) vs erl round trip');
    });
  }
});

describe('references: NEWER_REFERENCE_EXT, NEW_REFERENCE_EXT, REFERENCE_EXT', () => {
  // ref_to_list prints the words last first; ids are in wire order.
  localIdCase('make_ref()', 'ref_to_list', /^#Ref<0\.(\d+)\.(\d+)\.(\d+)>$/, (m) => new Ref(a('nonode@nohost'), [Number(m[3]), Number(m[2]), Number(m[1])], 0));

  test('crafted 5-word NEWER_REFERENCE_EXT', { skip }, async () => {
    const b = bytes(131, 90, u16(5), atomUtf8('a@b'), u32(0xfffffffe), u32(1), u32(2), u32(3), u32(0xffffffff), u32(5));
    const ref = decodeOrReport(b);
    assertTermEqual(ref, new Ref(a('a@b'), [1, 2, 3, 4294967295, 5], 4294967294));
    assertSameBytes(encode(ref), b, 'encode(Ref)');
    const back = await oracle.erl.roundTrip(b, M2);
    assert.ok(Buffer.isBuffer(back), String(back));
    assertSameBytes(back, b, 'erl round trip of 5-word ref');
  });

  const old = [
    ['NEW_REFERENCE_EXT (114)', bytes(131, 114, u16(3), atomLatin1('a@b'), 2, u32(1), u32(2), u32(3)), new Ref(a('a@b'), [1, 2, 3], 2)],
    ['REFERENCE_EXT (101)', bytes(131, 101, atomLatin1('a@b'), u32(7), 1), new Ref(a('a@b'), [7], 1)],
  ];
  for (const [name, b, value] of old) {
    test(name, { skip }, async () => {
      assertTermEqual(decodeOrReport(b), value);
      assert.ok(await oracle.erl.accepts(b), `erl refused ${hex(b)}`);
      assert.ok(await oracle.erl.equal(b, encode(decode(b))), `${hex(b)} vs ${hex(encode(decode(b)))}`);
    });
  }
});

describe('funs: EXPORT_EXT, NEW_FUN_EXT', () => {
  cases([
    { src: 'fun lists:reverse/1', value: new ExportFun(a('lists'), a('reverse'), 1) },
    { src: "fun erlang:'+'/2", value: new ExportFun(a('erlang'), a('+'), 2) },
    { src: '{f, fun maps:get/3}', value: tuple(a('f'), new ExportFun(a('maps'), a('get'), 3)) },
  ]);

  const closures = [
    ['fun(X) -> X + 1 end', 'erl_eval', 1],
    ['term_oracle:closure({a, [1,2]})', 'term_oracle', 1],
    ['{ok, [term_oracle:closure(<<"x">>)]}', null, null],
  ];
  for (const [src, module, arity] of closures) {
    test(`closure ${src}`, { skip }, async () => {
      for (const opts of ['', M2]) {
        const b = await oracle.erl.evalTermWith(src, opts);
        const t = decodeOrReport(b);
        if (module !== null) {
          assert.ok(t instanceof ErlFun, `got ${show(t)}`);
          assert.equal(t.module, a(module));
          assert.equal(t.arity, arity);
          assert.ok(t.pid instanceof Pid, `pid: ${show(t.pid)}`);
          assert.ok(Array.isArray(t.freeVars));
          assertSameBytes(t.bytes, b.subarray(1), 'ErlFun.bytes (from tag 112)');
        }
        assertSameBytes(encode(t, { minorVersion: opts ? 2 : 1 }), b, `encode(decode(${src})) ${opts}`);
        assert.ok(await oracle.erl.equal(encode(t), b));
      }
    });
  }

  test('a compiled closure keeps its free variables', { skip }, async () => {
    const t = decodeOrReport(await oracle.erl.evalTermWith('term_oracle:closure({a, [1,2]})', M2));
    assertTermEqual(t.freeVars, [tuple(a('a'), [1, 2])]);
  });
});

describe('COMPRESSED (80)', () => {
  const seq = Array.from({ length: 1000 }, (_, i) => i + 1);

  test('term_to_binary(lists:seq(1,1000), [compressed]) decodes', { skip }, async () => {
    const b = await oracle.erl.evalTermWith('lists:seq(1, 1000)', '[compressed]');
    assert.equal(b[1], 80);
    assertTermEqual(decodeOrReport(b), seq);
  });

  test('every compression level from erl decodes', { skip }, async () => {
    for (let level = 0; level <= 9; level++) {
      const b = await oracle.erl.evalTermWith('{lists:duplicate(100, <<"abc">>), lists:seq(1, 300)}', `[{compressed,${level}}]`);
      if (level > 0) assert.equal(b[1], 80, `level ${level}`); // level 0 is no smaller: OTP keeps it plain
      const t = decodeOrReport(b);
      assertTermEqual(t, tuple(new Array(100).fill(Buffer.from('abc')), seq.slice(0, 300)));
    }
  });

  test('encode(x, {compressed}) is accepted by binary_to_term and =:=', { skip }, async () => {
    const terms = [seq, tuple(a('ok'), Buffer.alloc(5000, 1), new Map([[a('k'), seq]])), 1, []];
    for (const t of terms) {
      for (const compressed of [true, 0, 1, 6, 9]) {
        const b = encode(t, { compressed });
        assert.ok(await oracle.erl.equal(b, encode(t)), `compressed ${compressed}: ${hex(b.subarray(0, 32))}`);
      }
    }
    assert.equal(encode(seq, { compressed: true })[1], 80);
  });
});

describe('decoding what OTP accepts but does not emit', () => {
  const crafted = [
    ['FLOAT_EXT 1.5', bytes(131, 99, '1.50000000000000000000e+00', 0, 0, 0, 0, 0), 1.5],
    ['FLOAT_EXT 1.0', bytes(131, 99, '1.00000000000000000000e+00', 0, 0, 0, 0, 0), float(1)],
    ['FLOAT_EXT -0.0', bytes(131, 99, '-0.00000000000000000000e+00', 0, 0, 0, 0), float(-0)],
    ['FLOAT_EXT "1.5" then NULs', bytes(131, 99, '1.5', new Array(28).fill(0)), 1.5],
    ['non-canonical SMALL_BIG 5', bytes(131, 110, 1, 0, 5), 5],
    ['zero-length SMALL_BIG', bytes(131, 110, 0, 0), 0],
    ['negative zero-length SMALL_BIG', bytes(131, 110, 0, 1), 0],
    ['SMALL_BIG -0', bytes(131, 110, 1, 1, 0), 0],
    ['LARGE_BIG 5', bytes(131, 111, u32(1), 0, 5), 5],
    ['SMALL_BIG 8 zero bytes', bytes(131, 110, 8, 0, new Array(8).fill(0)), 0],
    ['SMALL_BIG -2^31 in 4 bytes', bytes(131, 110, 4, 1, 0, 0, 0, 128), -2147483648],
    ['SMALL_BIG 2^64 with a trailing zero digit', bytes(131, 110, 10, 0, new Array(8).fill(0), 1, 0), 2n ** 64n],
    ['SMALL_BIG 2^53 - 1 in 8 bytes', bytes(131, 110, 8, 0, 255, 255, 255, 255, 255, 255, 31, 0), Number.MAX_SAFE_INTEGER],
    ['INTEGER_EXT 5', bytes(131, 98, u32(5)), 5],
    ['BIT_BINARY_EXT with 8 bits is a binary', bytes(131, 77, u32(1), 8, 0xff), Buffer.from([0xff])],
    ['EXPORT_EXT with an INTEGER_EXT arity', bytes(131, 113, atomLatin1('lists'), atomLatin1('reverse'), 98, u32(1)), new ExportFun(a('lists'), a('reverse'), 1)],
  ];
  for (const [name, b, value] of crafted) {
    test(`${name}: ${hex(b.subarray(0, 16))}`, { skip }, async () => {
      const t = decodeOrReport(b);
      assertTermEqual(t, value);
      assert.ok(await oracle.erl.accepts(b), `erl refused ${hex(b)}`);
      assert.ok(await oracle.erl.equal(b, encode(t)), `=:= ${hex(encode(t))}`);
    });
  }

  test('FLOAT_EXT written by term_to_binary(T, [{minor_version,0}])', { skip }, async () => {
    for (const [src, value] of [['3.14159', 3.14159], ['-0.0', float(-0)], ['1.0e300', float(1e300)], ['5.0e-324', 5e-324]]) {
      const b = await oracle.erl.evalTermWith(src, '[{minor_version,0}]');
      assert.equal(b[1], 99);
      assertTermEqual(decodeOrReport(b), value);
    }
  });
});

// Inputs at the edge of the format: noderl must accept exactly what OTP 25's binary_to_term
// accepts (and then decode to a =:= term), and throw DecodeError for what OTP refuses.
// Not listed: a *local* pid with out-of-range numbers (OTP refuses it only because it is its own
// node) and a map with keys 0.0 and -0.0 (duplicates in OTP 25, distinct from OTP 27).
describe('accepts exactly what binary_to_term accepts', () => {
  const z = (b) => deflateSync(Buffer.from(b));
  const edge = [
    ['BIT_BINARY with Bits 0 and 1 byte', bytes(131, 77, u32(1), 0, 0)],
    ['BIT_BINARY with Bits 0 and 0 bytes', bytes(131, 77, u32(0), 0)],
    ['BIT_BINARY with 0 bytes and Bits 3', bytes(131, 77, u32(0), 3)],
    ['BIT_BINARY with Bits 9', bytes(131, 77, u32(1), 9, 0)],
    ['BIT_BINARY with unused bits set', bytes(131, 77, u32(1), 3, 0xff)],
    ['STRING_EXT of length 0', bytes(131, 107, u16(0))],
    ['trailing byte after the term', bytes(131, 97, 1, 0)],
    ['no version byte', bytes(97, 1)],
    ['version 130', bytes(130, 97, 1)],
    ['version byte only', bytes(131)],
    ['empty input', bytes()],
    ['nested version byte', bytes(131, 104, 1, 131, 97, 1)],
    ['NEWER_REFERENCE with 0 words', bytes(131, 90, u16(0), atomUtf8('a@b'), u32(1))],
    ['NEWER_REFERENCE with 4 words', bytes(131, 90, u16(4), atomUtf8('a@b'), u32(1), u32(1), u32(2), u32(3), u32(4))],
    ['NEWER_REFERENCE with 6 words', bytes(131, 90, u16(6), atomUtf8('a@b'), u32(1), u32(1), u32(2), u32(3), u32(4), u32(5), u32(6))],
    ['pid on a node name without @', bytes(131, 88, atomUtf8('abc'), u32(1), u32(1), u32(1))],
    ['pid on the empty node name', bytes(131, 88, 119, 0, u32(1), u32(1), u32(1))],
    ['pid whose node is an integer', bytes(131, 88, 97, 1, u32(1), u32(1), u32(1))],
    ['LIST_EXT of 0 elements with tail 1', bytes(131, 108, u32(0), 97, 1)],
    ['LIST_EXT of 0 elements with a STRING_EXT tail', bytes(131, 108, u32(0), 107, u16(1), 5)],
    ['EXPORT_EXT with arity 255', bytes(131, 113, atomUtf8('lists'), atomUtf8('reverse'), 97, 255)],
    ['EXPORT_EXT with arity 256', bytes(131, 113, atomUtf8('lists'), atomUtf8('reverse'), 98, u32(256))],
    ['EXPORT_EXT with a binary module', bytes(131, 113, 109, u32(1), 97, atomUtf8('reverse'), 97, 1)],
    ['FUN_EXT (117, removed)', bytes(131, 117, u32(0), 0)],
    ['ATOM_CACHE_REF outside a distribution header', bytes(131, 82, 0)],
    ['LOCAL_EXT (121)', bytes(131, 121, 0)],
    ['unknown tag 200', bytes(131, 200)],
    ['NEW_FLOAT +Inf', bytes(131, 70, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0)],
    ['NEW_FLOAT NaN', bytes(131, 70, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0)],
    ['FLOAT_EXT with garbage', bytes(131, 99, '1.5x', new Array(27).fill(0))],
    ['FLOAT_EXT with bytes after the NUL (OTP stops at the NUL)', bytes(131, 99, '1.5', 0, 'xyz', new Array(24).fill(0))],
    ['FLOAT_EXT with 0xff after the NUL', bytes(131, 99, '1.5', 0, 0xff, new Array(26).fill(0))],
    ['FLOAT_EXT with a leading space', bytes(131, 99, ' 1.5', new Array(27).fill(0))],
    ['FLOAT_EXT without a dot', bytes(131, 99, '15', new Array(29).fill(0))],
    ['FLOAT_EXT ending in e', bytes(131, 99, '1.5e', new Array(27).fill(0))],
    // OTP's sys_chars_to_double syntax: [+-]digits[.,]digits([eE][+-]digits), then NUL
    ...['1,5', '+1.5', '1.5E+00', '-1.', '.5', '1.5 ', '1.5e-400', '1.0e309'].map((text) => [
      `FLOAT_EXT ${JSON.stringify(text)}`,
      bytes(131, 99, text, new Array(31 - text.length).fill(0)),
    ]),
    ['SMALL_BIG with sign byte 2 (OTP: any non-zero sign is negative)', bytes(131, 110, 1, 2, 5)],
    ['SMALL_BIG with sign byte 0xff', bytes(131, 110, 1, 0xff, 5)],
    ['LARGE_BIG with sign byte 0x7f', bytes(131, 111, u32(1), 0x7f, 5)],
    ['zero-length SMALL_BIG with sign byte 0x6a', bytes(131, 110, 0, 0x6a)],
    ['FLOAT_EXT inf', bytes(131, 99, 'inf', new Array(28).fill(0))],
    ['ATOM_UTF8 of 256 characters', bytes(131, 118, u16(256), new Array(256).fill(97))],
    ['ATOM_EXT of 256 characters', bytes(131, 100, u16(256), new Array(256).fill(97))],
    ['SMALL_ATOM_UTF8 with invalid UTF-8', bytes(131, 119, 2, 0xc3, 0x28)],
    ['SMALL_ATOM_UTF8 with an encoded surrogate', bytes(131, 119, 3, 0xed, 0xa0, 0x80)],
    ['ATOM_EXT holding UTF-8 bytes (read as Latin-1)', bytes(131, 100, u16(2), 0xc3, 0xa9)],
    ['MAP_EXT with a duplicate key', bytes(131, 116, u32(2), 97, 1, 97, 1, 97, 1, 97, 2)],
    ['MAP_EXT with duplicate keys 1 and <<0,0,0,1 INTEGER>>', bytes(131, 116, u32(2), 97, 1, 97, 1, 98, u32(1), 97, 2)],
    ['SMALL_TUPLE truncated', bytes(131, 104, 2, 97, 1)],
    ['LIST_EXT without its tail', bytes(131, 108, u32(1), 97, 1)],
    ['BINARY_EXT longer than the input', bytes(131, 109, u32(10), 1, 2)],
    ['COMPRESSED claiming 1 byte too few', bytes(131, 80, u32(1), z([97, 1]))],
    ['COMPRESSED claiming more than it holds', bytes(131, 80, u32(100), z([97, 1]))],
    ['COMPRESSED with a byte after the zlib stream', bytes(131, 80, u32(2), z([97, 1]), 0)],
    ['COMPRESSED inside COMPRESSED', bytes(131, 80, u32(7), z([80, 0, 0, 0, 1, 97, 1]))],
    ['COMPRESSED with a broken zlib stream', bytes(131, 80, u32(2), 1, 2, 3, 4)],
    ['COMPRESSED term with trailing garbage inside', bytes(131, 80, u32(3), z([97, 1, 0]))],
    ['NEW_FUN_EXT with Size one too big', async () => {
      const b = Buffer.from(await oracle.erl.evalTermWith('fun(X) -> X + 1 end', M2));
      b.writeUInt32BE(b.readUInt32BE(2) + 1, 2);
      return b;
    }],
    ['NEW_FUN_EXT with Size one too small', async () => {
      const b = Buffer.from(await oracle.erl.evalTermWith('fun(X) -> X + 1 end', M2));
      b.writeUInt32BE(b.readUInt32BE(2) - 1, 2);
      return b;
    }],
  ];
  // OTP's FLOAT_EXT parser reads the text up to a NUL even past its 31 bytes, so what
  // binary_to_term does with 31 digits and no NUL depends on the memory after the term: it refused
  // in every run but one. noderl always refuses.
  test('FLOAT_EXT of 31 digits and no NUL is refused (OTP reads past the field; its answer varies)', () => {
    assert.throws(() => decode(bytes(131, 99, '1.50000000000000000000000000000')), DecodeError);
  });

  for (const [name, input] of edge) {
    const label = Buffer.isBuffer(input) ? `: ${hex(input.subarray(0, 20))}${input.length > 20 ? ' …' : ''}` : '';
    test(`${name}${label}`, { skip }, async () => {
      const b = Buffer.isBuffer(input) ? input : await input();
      const otp = await oracle.erl.roundTrip(b);
      let ours;
      try {
        ours = { term: decode(b) };
      } catch (e) {
        if (!(e instanceof DecodeError)) assert.fail(`decode threw ${e?.name} (not DecodeError): ${e?.stack}`);
        assert.ok(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= b.length, `DecodeError.offset ${e.offset}`);
        ours = { error: e };
      }
      if (otp instanceof ErlRejected) {
        assert.ok(ours.error, `binary_to_term refuses it (${otp.reason}) but decode gave ${show(ours.term)}`);
      } else {
        assert.ok(!ours.error, `binary_to_term accepts it as ${await oracle.erl.format(otp)} but decode threw: ${ours.error?.message}`);
        const again = encode(ours.term);
        assert.ok(await oracle.erl.equal(b, again), `decoded to ${show(ours.term)}, re-encoded as ${hex(again)}: not =:= ${await oracle.erl.format(otp)}`);
      }
    });
  }
});

describe('DecodeError carries context', () => {
  test('DecodeError has the offset and the tag', () => {
    const cases = [
      [bytes(131, 98, 0, 0), 98],
      [bytes(131, 104, 1, 98, 0), 98],
      [bytes(131, 200), 200],
    ];
    for (const [b, tag] of cases) {
      assert.throws(
        () => decode(b),
        (e) => {
          assert.ok(e instanceof DecodeError, `${e?.name}: ${e?.message}`);
          assert.equal(e.name, 'DecodeError');
          assert.ok(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= b.length, `offset ${e.offset} for ${hex(b)}`);
          assert.equal(e.tag, tag, `tag for ${hex(b)}: ${e.message}`);
          return true;
        },
      );
    }
    assert.throws(() => decode(bytes(97, 1)), (e) => e instanceof DecodeError && e.offset === 0);
  });
});
