// compare, equals and mapGet: Erlang's standard term order and =:=, checked case by case and
// against a real OTP node (one `erl` run sorts a mixed list and compares every pair).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  atom,
  BitBinary,
  compare,
  equals,
  ErlFun,
  ExportFun,
  float,
  format,
  ImproperList,
  isTuple,
  mapGet,
  Pid,
  Port,
  Ref,
  tuple,
} from '../../dist/index.js';
import { erlOrSkip, runErlang } from '../support/erl.js';
import { atomUtf8, u32 } from '../support/terms.js';

const a = atom;
const bits = (bytes, n) => new BitBinary(Buffer.from(bytes), n);
const pid = (node, id, serial, creation = 1) => new Pid(a(node), id, serial, creation);
const ref = (node, ids, creation = 1) => new Ref(a(node), ids, creation);
const port = (node, id, creation = 1) => new Port(a(node), id, creation);
const closure = (module, index, freeVars = [], oldUniq = 7) =>
  new ErlFun(Buffer.alloc(0), a(module), 0, index, Buffer.alloc(16), index, oldUniq, pid('x@h', 0, 0), freeVars);
const mfa = (m, f, arity) => new ExportFun(a(m), a(f), arity);

/** Asserts that `terms` is strictly increasing under compare, pair by pair both ways. */
function assertAscending(terms) {
  for (let i = 0; i < terms.length; i++) {
    for (let j = 0; j < terms.length; j++) {
      const want = Math.sign(i - j);
      assert.equal(compare(terms[i], terms[j]), want, `compare(${format(terms[i])}, ${format(terms[j])})`);
    }
  }
}

test('the classes are ordered number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring', () => {
  assertAscending([1, a('a'), ref('a@h', [1]), mfa('m', 'f', 0), port('a@h', 1), pid('a@h', 1, 0), tuple(), new Map(), [], [1], Buffer.alloc(0)]);
});

test('numbers compare by value across integers, bigints and floats', () => {
  assertAscending([-1e30, -(2n ** 80n), -1, -0.5, 0, 0.5, 1, 2 ** 53, 2n ** 53n + 1n, float(2 ** 53 + 2), 1e30, 2n ** 200n]);
  assert.equal(compare(1, float(1)), 0);
  assert.equal(compare(float(1), 1), 0);
  assert.equal(compare(5n, 5), 0);
  assert.equal(compare(float(-0), 0), 0);
  assert.equal(compare(2n ** 53n + 1n, float(2 ** 53)), 1, 'no rounding of the bigint to a double');
  assert.equal(compare(float(2 ** 53), 2n ** 53n + 1n), -1);
  assert.equal(compare(3n, 2.5), 1);
  assert.equal(compare(-3n, -2.5), -1);
  assert.equal(compare(2n, 2.5), -1);
});

test('atoms compare by text in code point order, and true/false/null/undefined are atoms', () => {
  assertAscending([a(''), a('Z'), a('a'), a('ab'), a('b'), a('é'), a('\uFFFD'), a('😀')]);
  assert.equal(compare(true, a('true')), 0);
  assert.equal(compare(a('false'), true), -1);
  assert.equal(compare(null, a('undefined')), 0);
  assert.equal(compare(undefined, null), 0);
  assert.equal(compare(a('undefined'), true), 1);
});

test('references: node name, creation, then the id words as one number, most significant first', () => {
  assertAscending([
    ref('0@h', [9, 9, 9]),
    ref('a@h', [9]),
    ref('a@h', [1, 2]),
    ref('a@h', [3, 2, 1]),
    ref('a@h', [1, 2, 3]),
    ref('a@h', [0, 0, 9]),
    ref('a@h', [1, 2, 3, 4, 5]),
    ref('a@h', [1, 2, 3], 2),
    ref('b@h', [0], 0),
  ]);
});

test('funs: closures before export funs; export funs by module, function, arity', () => {
  assertAscending([
    closure('a', 0, [1]),
    closure('a', 0, [2]),
    closure('a', 1, []),
    closure('b', 0, []),
    mfa('erlang', 'abs', 1),
    mfa('lists', 'map', 2),
    mfa('lists', 'reverse', 1),
    mfa('lists', 'reverse', 2),
    mfa('zz', 'a', 0),
  ]);
  assert.equal(compare(closure('a', 0, [1]), closure('a', 0, [float(1)])), 0);
  assert.ok(!equals(closure('a', 0, [1]), closure('a', 0, [float(1)])));
});

test('ports: node name, creation, id', () => {
  assertAscending([port('a@h', 1), port('a@h', 2), port('a@h', 1, 2), port('a@h', 0, 3), port('b@h', 1, 0), port('b@h', 0, 1), port('b@h', 2n ** 60n, 1)]);
});

test('pids: serial, then id, then node name, then creation (as OTP 25 orders them)', () => {
  assertAscending([
    pid('b@h', 0, 0),
    pid('zz@h', 0, 0),
    pid('b@h', 1, 0, 2),
    pid('b@h', 1, 0, 7),
    pid('a@h', 3, 0),
    pid('a@h', 0xffffffff, 0),
    pid('a@h', 0, 1),
    pid('a@h', 2, 1),
    pid('a@h', 1, 2, 1),
    pid('a@h', 1, 2, 2),
  ]);
});

test('tuples by size, then element by element', () => {
  assertAscending([tuple(), tuple(9), tuple(1, 2), tuple(1, 3), tuple(2, 0), tuple(0, 0, 0)]);
  assert.equal(compare(tuple(1, a('a')), tuple(float(1), a('a'))), 0);
});

test('maps by size, then keys (integers before floats), then values', () => {
  const m = (...entries) => new Map(entries);
  assertAscending([
    m(),
    m([1, a('a')]),
    m([1, a('b')]),
    m([2, a('a')]),
    m([3, a('a')]),
    m([0.5, a('a')]),
    m([float(1), a('a')]),
    m([a('a'), 1]),
    m([a('b'), 1]),
    m([1, a('b')], [2, a('a')]),
    m([1, a('a')], [3, a('a')]),
    m([1, a('a')], [float(1), a('a')]),
  ]);
  assert.equal(compare(m([a('a'), 1]), m([a('a'), float(1)])), 0, 'values compare with ==');
  assert.equal(compare(m([tuple(2), 0]), m([tuple(float(1)), 0])), -1, 'map-key order reaches into keys');
  assert.equal(compare({ a: 1, b: 2 }, m([a('b'), 2], [a('a'), 1])), 0, 'a plain object is a map with atom keys');
  assert.equal(compare({ a: 1 }, m([a('a'), 2])), -1);
});

test('lists element by element, with nil smallest and improper tails in place', () => {
  const il = (elements, tail) => new ImproperList(elements, tail);
  assertAscending([[], il([0], 9), il([1], 2), il([1], a('a')), [1], [1, 1], il([1, 2], 3), [1, 2], il([1], Buffer.from('x'))]);
  assert.equal(compare(il([1], [2, 3]), [1, 2, 3]), 0);
  assert.equal(compare(il([1], il([2], [])), [1, 2]), 0);
  assert.equal(compare(il([], a('x')), a('x')), 0);
  assert.equal(compare([97, 98], [97, 98]), 0);
});

test('bitstrings bit by bit, then by length; strings are UTF-8 binaries', () => {
  assertAscending([
    Buffer.alloc(0),
    bits([0], 1),
    bits([0], 2),
    Buffer.from([0]),
    Buffer.from([1]),
    Buffer.from([1, 2]),
    bits([1, 0x40], 3),
    bits([0x20], 3),
    bits([0x40], 7),
    bits([0x80], 1),
    Buffer.from([255]),
  ]);
  assert.equal(compare('abc', Buffer.from('abc')), 0);
  assert.equal(compare('é', Buffer.from([0xc3, 0xa9])), 0);
  assert.equal(compare('\uFFFD', '😀'), -1, 'code point order, not UTF-16 order');
  assert.equal(compare(new Uint8Array([1]), Buffer.from([1])), 0);
  assert.equal(compare(bits([1, 2], 8), Buffer.from([1, 2])), 0);
});

test('equals is =:=', () => {
  assert.ok(!equals(1, float(1)));
  assert.ok(equals(float(1), float(1)));
  assert.ok(equals(float(0), float(-0)), 'OTP 25: 0.0 =:= -0.0');
  assert.ok(equals(1.5, float(1.5)));
  assert.ok(equals(5, 5n));
  assert.ok(!equals(5, 6n));
  assert.ok(equals(2n ** 70n, 2n ** 70n));
  assert.ok(equals(true, a('true')));
  assert.ok(equals(null, undefined));
  assert.ok(equals(a('undefined'), null));
  assert.ok(!equals(a('a'), a('b')));
  assert.ok(equals('abc', Buffer.from('abc')));
  assert.ok(!equals('abc', [97, 98, 99]), 'a JS string is a binary, not a list');
  assert.ok(equals(tuple(1, [2, 'x']), tuple(1, [2, Buffer.from('x')])));
  assert.ok(!equals(tuple(1), [1]));
  assert.ok(!equals(tuple(1, 2), tuple(1, float(2))));
  assert.ok(equals(new Map([[tuple(1), 'v']]), new Map([[tuple(1), Buffer.from('v')]])));
  assert.ok(!equals(new Map([[1, 2]]), new Map([[float(1), 2]])));
  assert.ok(!equals(new Map([[a('k'), 1]]), new Map([[a('k'), float(1)]])));
  assert.ok(equals({ k: [1] }, new Map([[a('k'), [1]]])));
  assert.ok(!equals({ k: 1 }, { j: 1 }));
  assert.ok(equals(new ImproperList([1], [2]), [1, 2]));
  assert.ok(equals(new ImproperList([1], a('t')), new ImproperList([1], a('t'))));
  assert.ok(!equals(new ImproperList([1], a('t')), [1, a('t')]));
  assert.ok(equals(pid('a@h', 1, 2, 3), pid('a@h', 1, 2, 3)));
  assert.ok(!equals(pid('a@h', 1, 2, 3), pid('a@h', 1, 2, 4)));
  assert.ok(equals(mfa('lists', 'map', 2), mfa('lists', 'map', 2)));
  assert.ok(equals(bits([0xff], 3), bits([0xe0], 3)), 'only the used bits count');
});

test('mapGet finds keys structurally, fast for atoms and integers', () => {
  const k = tuple(a('x'), [1, 2]);
  const m = new Map([
    [a('ok'), 1],
    [true, 2],
    [7, 3],
    [k, 4],
    [Buffer.from('bin'), 5],
    [float(2), 6],
    [2n ** 64n, 7],
    [null, 8],
  ]);
  assert.equal(mapGet(m, a('ok')), 1);
  assert.equal(mapGet(m, a('true')), 2);
  assert.equal(mapGet(m, 7), 3);
  assert.equal(mapGet(m, 7n), 3);
  assert.equal(mapGet(m, tuple(a('x'), [1, 2])), 4);
  assert.equal(mapGet(m, 'bin'), 5);
  assert.equal(mapGet(m, float(2)), 6);
  assert.equal(mapGet(m, 2), undefined, '2 is not 2.0');
  assert.equal(mapGet(m, 2n ** 64n), 7);
  assert.equal(mapGet(m, a('undefined')), 8);
  assert.equal(mapGet(m, undefined), 8);
  assert.equal(mapGet(m, a('missing')), undefined);
  assert.equal(mapGet(m, tuple(a('x'), [1, float(2)])), undefined);
  assert.equal(mapGet(new Map([[1.5, 'f']]), float(1.5)), 'f');
});

test('compare rejects values that are not terms', () => {
  assert.throws(() => compare(Symbol('x'), 1), TypeError);
  assert.throws(() => compare(new Date(), 1), TypeError);
});

// ---- oracle: real erl -------------------------------------------------------------------

/** Erlang source for a term; pids, refs and ports are rebuilt from their external format. */
function erlangExpr(t) {
  const fromExt = (bytes) => `binary_to_term(<<131,${bytes.join(',')}>>)`;
  if (t instanceof Pid) return fromExt([88, ...atomUtf8(t.node.name), ...u32(t.id), ...u32(t.serial), ...u32(t.creation)]);
  if (t instanceof Ref) return fromExt([90, 0, t.ids.length, ...atomUtf8(t.node.name), ...u32(t.creation), ...t.ids.flatMap(u32)]);
  if (t instanceof Port) {
    const id = BigInt(t.id);
    return fromExt([120, ...atomUtf8(t.node.name), ...u32(Number(id >> 32n)), ...u32(Number(id & 0xffffffffn)), ...u32(t.creation)]);
  }
  if (t instanceof Map) return `#{${[...t].map(([k, v]) => `${erlangExpr(k)} => ${erlangExpr(v)}`).join(', ')}}`;
  if (isTuple(t)) return `{${Array.from(t, erlangExpr).join(', ')}}`;
  if (Array.isArray(t)) return `[${t.map(erlangExpr).join(', ')}]`;
  if (t instanceof ImproperList) return `[${t.elements.map(erlangExpr).join(', ')} | ${erlangExpr(t.tail)}]`;
  return format(t);
}

const ORACLE_TERMS = [
  // numbers
  0, 1, -1, float(1), float(-0), float(0), 0.5, -0.5, 2 ** 53, float(2 ** 53), 2n ** 53n + 1n, float(2 ** 53 + 2),
  -(2n ** 70n), 2n ** 70n, float(2 ** 70), 1e300, -1e300, 3n, 2.5, 1.0000000000000002,
  // atoms
  a('a'), a(''), a('Z'), a('ab'), a('é'), a('\uFFFD'), a('😀'), a('\uE000'), true, false, null, a('true'), a('undefined'),
  // references
  ref('a@h', [1, 2, 3]), ref('a@h', [3, 2, 1]), ref('a@h', [1, 2]), ref('a@h', [1, 2, 0]), ref('a@h', [9]), ref('a@h', [1, 2, 3], 2),
  ref('a@h', [1, 2, 3, 4, 5]), ref('a@h', [0, 0, 0, 0]), ref('b@h', [0], 0), ref('0@h', [9, 9, 9]),
  // funs
  mfa('lists', 'reverse', 1), mfa('lists', 'map', 2), mfa('erlang', 'abs', 1), mfa('lists', 'reverse', 2), mfa('Zz', 'a', 0),
  // ports
  port('a@h', 1), port('a@h', 2), port('b@h', 0), port('a@h', 1, 2), port('a@h', 0, 3), port('b@h', 1, 0), port('a@h', 2n ** 40n),
  // pids
  pid('a@h', 1, 2), pid('a@h', 2, 1), pid('b@h', 0, 0), pid('a@h', 1, 2, 2), pid('a@h', 0, 9, 3), pid('zz@h', 0, 0),
  pid('b@a', 5, 5, 5), pid('a@h', 3, 0), pid('b@h', 2, 0), pid('b@h', 1, 0, 7), pid('a@h', 100000, 0), pid('a@h', 0, 1),
  // tuples
  tuple(), tuple(1), tuple(float(1)), tuple(1, 2), tuple(a('a'), 1), tuple(1, 2, 3), tuple([]),
  // maps
  new Map(), new Map([[1, a('a')]]), new Map([[float(1), a('a')]]), new Map([[2, a('a')]]), new Map([[0.5, a('a')]]),
  new Map([[a('a'), 1]]), new Map([[a('a'), float(1)]]), new Map([[1, a('b')]]), new Map([[1, a('a')], [2, a('b')]]),
  new Map([[1, a('b')], [2, a('a')]]), new Map([[1, a('a')], [3, a('a')]]), new Map([[float(1), a('a')], [1, a('a')]]),
  new Map([[tuple(1), 0]]), new Map([[tuple(float(1)), 0]]), new Map([[tuple(2), 0]]), { b: 1 }, { a: 1, b: 2 },
  new Map([[a('a'), 2], [float(1), a('x')]]), new Map([[a('a'), 1], [2, a('x')]]),
  // nil and lists
  [], [1], [1, 2], [float(1), 2], [1, 1], [0], [[]], [97, 98, 99], [97, 98], [a('a')], [1000],
  new ImproperList([1], 2), new ImproperList([1], a('a')), new ImproperList([0], 9), new ImproperList([1, 2], 3),
  new ImproperList([1], Buffer.alloc(0)), new ImproperList([1], tuple()),
  // bitstrings
  Buffer.alloc(0), 'abc', 'ab', Buffer.from([0]), Buffer.from([1]), Buffer.from([1, 2]), Buffer.from([255]), 'é', '😀', '\uFFFD',
  bits([0x20], 3), bits([0x80], 1), bits([0], 1), bits([0], 2), bits([1, 0x40], 3), bits([0x40], 7), bits([97, 98, 99, 0x20], 3),
];

test('agrees with OTP on <, == and =:= for every pair of a mixed list (real erl)', (t) => {
  if (erlOrSkip(t)) return;
  const code = String.raw`
    {ok, In} = file:read_file(IN),
    Ts = [begin
            {ok, Toks, _} = erl_scan:string(unicode:characters_to_list(S) ++ "\n."),
            {ok, Es} = erl_parse:parse_exprs(Toks),
            {value, V, _} = erl_eval:exprs(Es, []),
            V
          end || S <- binary:split(In, <<30>>, [global])],
    C = fun(X, Y) when X =:= Y -> $e; (X, Y) when X == Y -> $q; (X, Y) when X < Y -> $l; (_, _) -> $g end,
    Lines = [[C(X, Y) || Y <- Ts] ++ "\n" || X <- Ts],
    ok = file:write_file(OUT, Lines).`;
  const input = ORACLE_TERMS.map(erlangExpr).join('\x1e');
  const lines = runErlang(code, input).trimEnd().split('\n');
  assert.equal(lines.length, ORACLE_TERMS.length);
  const failures = [];
  ORACLE_TERMS.forEach((x, i) => {
    ORACLE_TERMS.forEach((y, j) => {
      const c = compare(x, y);
      const mine = equals(x, y) ? 'e' : c === 0 ? 'q' : c < 0 ? 'l' : 'g';
      if (mine !== lines[i][j]) failures.push(`${format(x)} vs ${format(y)}: erl ${lines[i][j]}, noderl ${mine}`);
    });
  });
  assert.deepEqual(failures.slice(0, 20), []);
});
