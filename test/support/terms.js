// Term helpers for the codec tests: what `decode(encode(t))` must give for a JS term under the
// mapping in DESIGN.md ("Term mapping"), a strict structural comparison (stricter than `=:=`:
// number vs bigint, ErlFloat vs number, the sign of -0.0 all count), and canonical keys.
import { AssertionError } from 'node:assert';
import { inspect } from 'node:util';
import {
  Atom,
  BitBinary,
  ErlFloat,
  ErlFun,
  ExportFun,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
  atom,
  float,
  tuple,
} from '../../dist/index.js';

const TRUE = atom('true');
const FALSE = atom('false');
const UNDEFINED = atom('undefined');

function isPlainObject(x) {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** The JS value `decode(encode(t))` must produce for a JS term `t`. */
export function expectedDecode(t) {
  switch (typeof t) {
    case 'number':
      if (Number.isInteger(t)) return Number.isSafeInteger(t) ? t + 0 /* -0 -> 0 */ : BigInt(t);
      return t;
    case 'bigint':
      return t >= BigInt(Number.MIN_SAFE_INTEGER) && t <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(t) : t;
    case 'boolean':
      return t;
    case 'string':
      return Buffer.from(t, 'utf8');
    case 'undefined':
      return UNDEFINED;
  }
  if (t === null) return UNDEFINED;
  if (t instanceof Atom) return t === TRUE ? true : t === FALSE ? false : t;
  if (t instanceof ErlFloat) return Number.isInteger(t.value) ? float(t.value) : t.value;
  if (Buffer.isBuffer(t)) return t;
  if (t instanceof Uint8Array) return Buffer.from(t);
  if (t instanceof BitBinary) {
    const bytes = Buffer.from(t.bytes);
    if (t.bits === 8) return bytes; // a whole number of bytes is a binary
    bytes[bytes.length - 1] &= (0xff << (8 - t.bits)) & 0xff; // OTP zeroes the unused bits
    return new BitBinary(bytes, t.bits);
  }
  if (t instanceof Tuple) return tuple(...Array.from(t, expectedDecode));
  if (Array.isArray(t)) return t.map(expectedDecode);
  if (t instanceof ImproperList) return new ImproperList(t.elements.map(expectedDecode), expectedDecode(t.tail));
  if (t instanceof Map) return new Map([...t].map(([k, v]) => [expectedDecode(k), expectedDecode(v)]));
  if (t instanceof Pid || t instanceof ExportFun || t instanceof ErlFun) return t;
  if (t instanceof Ref) return new Ref(t.node, [...t.ids], t.creation);
  if (t instanceof Port) {
    const id = typeof t.id === 'bigint' && t.id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(t.id) : t.id;
    return new Port(t.node, id, t.creation);
  }
  if (isPlainObject(t)) {
    return new Map(Object.entries(t).map(([k, v]) => [expectedDecode(atom(k)), expectedDecode(v)]));
  }
  throw new Error(`expectedDecode: not a term: ${inspect(t)}`);
}

/**
 * A canonical string for a term *as decoded* (run expectedDecode first for JS input), equal for
 * two terms exactly when OTP 25 treats them as the same map key (=:=; so 0.0 and -0.0 collide).
 */
export function termKey(t) {
  switch (typeof t) {
    case 'number':
      return Number.isInteger(t) ? `i${t}` : `f${t}`;
    case 'bigint':
      return `i${t}`;
    case 'boolean':
      return `a${t}`;
  }
  if (t instanceof Atom) return `a${t.name}`;
  if (t instanceof ErlFloat) return `f${t.value === 0 ? 0 : t.value}`;
  if (Buffer.isBuffer(t)) return `b${t.toString('hex')}`;
  if (t instanceof BitBinary) return `bb${t.bits}:${t.bytes.toString('hex')}`;
  if (t instanceof Tuple) return `{${Array.from(t, termKey).join(',')}}`;
  if (Array.isArray(t)) return `[${t.map(termKey).join(',')}]`;
  if (t instanceof ImproperList) return `[${t.elements.map(termKey).join(',')}|${termKey(t.tail)}]`;
  if (t instanceof Map) {
    return `#{${[...t].map(([k, v]) => `${termKey(k)}=>${termKey(v)}`).sort().join(',')}}`;
  }
  if (t instanceof Pid) return `p${t.node.name}:${t.id}.${t.serial}.${t.creation}`;
  if (t instanceof Ref) return `r${t.node.name}:${t.ids.join('.')}:${t.creation}`;
  if (t instanceof Port) return `o${t.node.name}:${t.id}:${t.creation}`;
  if (t instanceof ExportFun) return `e${t.module.name}:${t.name.name}/${t.arity}`;
  if (t instanceof ErlFun) return `c${t.bytes.toString('hex')}`;
  throw new Error(`termKey: not a decoded term: ${inspect(t)}`);
}

/** Short printable form for failure messages. */
export function show(t) {
  return inspect(t, { depth: 6, maxArrayLength: 20, maxStringLength: 80, breakLength: 120 });
}

function fail(path, message, actual, expected) {
  throw new AssertionError({
    message: `${message} at ${path}\n  got:      ${show(actual)}\n  expected: ${show(expected)}`,
    actual,
    expected,
    operator: 'assertTermEqual',
  });
}

function kindOf(t) {
  if (t === null) return 'null';
  if (typeof t !== 'object') return typeof t;
  if (t instanceof Tuple) return 'Tuple';
  if (Array.isArray(t)) return 'Array';
  if (Buffer.isBuffer(t)) return 'Buffer';
  return t.constructor?.name ?? 'Object';
}

/**
 * Asserts that `actual` (what decode produced) is structurally `expected`, with exact JS types:
 * number vs bigint, ErlFloat vs number, -0 vs 0, Tuple vs Array, Buffer vs BitBinary.
 */
export function assertTermEqual(actual, expected, path = '$') {
  const ka = kindOf(actual);
  const ke = kindOf(expected);
  if (ka !== ke) fail(path, `type ${ka} instead of ${ke}`, actual, expected);
  switch (ke) {
    case 'number':
    case 'bigint':
    case 'boolean':
      if (!Object.is(actual, expected)) fail(path, 'different value', actual, expected);
      return;
    case 'Atom':
      if (actual !== expected) fail(path, 'different atom (atoms must be interned)', actual, expected);
      return;
    case 'ErlFloat':
      if (!Object.is(actual.value, expected.value)) fail(path, 'different float', actual, expected);
      return;
    case 'Buffer':
      if (!actual.equals(expected)) fail(path, 'different binary', actual, expected);
      return;
    case 'BitBinary':
      if (actual.bits !== expected.bits || !Buffer.from(actual.bytes).equals(Buffer.from(expected.bytes))) {
        fail(path, 'different bitstring', actual, expected);
      }
      return;
    case 'Tuple':
    case 'Array':
      if (actual.length !== expected.length) fail(path, `length ${actual.length} instead of ${expected.length}`, actual, expected);
      for (let i = 0; i < expected.length; i++) assertTermEqual(actual[i], expected[i], `${path}[${i}]`);
      return;
    case 'ImproperList':
      assertTermEqual(actual.elements, expected.elements, `${path}.elements`);
      assertTermEqual(actual.tail, expected.tail, `${path}.tail`);
      return;
    case 'Map': {
      if (actual.size !== expected.size) fail(path, `map size ${actual.size} instead of ${expected.size}`, actual, expected);
      const byKey = new Map();
      for (const [k, v] of actual) byKey.set(termKey(k), [k, v]);
      for (const [k, v] of expected) {
        const found = byKey.get(termKey(k));
        if (!found) fail(path, `missing key ${show(k)}`, actual, expected);
        assertTermEqual(found[0], k, `${path}<key ${termKey(k).slice(0, 40)}>`);
        assertTermEqual(found[1], v, `${path}.get(${termKey(k).slice(0, 40)})`);
      }
      return;
    }
    case 'Pid':
      assertTermEqual(actual.node, expected.node, `${path}.node`);
      for (const f of ['id', 'serial', 'creation']) assertTermEqual(actual[f], expected[f], `${path}.${f}`);
      return;
    case 'Ref':
      assertTermEqual(actual.node, expected.node, `${path}.node`);
      assertTermEqual([...actual.ids], [...expected.ids], `${path}.ids`);
      assertTermEqual(actual.creation, expected.creation, `${path}.creation`);
      return;
    case 'Port':
      assertTermEqual(actual.node, expected.node, `${path}.node`);
      assertTermEqual(actual.id, expected.id, `${path}.id`);
      assertTermEqual(actual.creation, expected.creation, `${path}.creation`);
      return;
    case 'ExportFun':
      assertTermEqual(actual.module, expected.module, `${path}.module`);
      assertTermEqual(actual.name, expected.name, `${path}.name`);
      assertTermEqual(actual.arity, expected.arity, `${path}.arity`);
      return;
    case 'ErlFun':
      if (!Buffer.from(actual.bytes).equals(Buffer.from(expected.bytes))) fail(path, 'different closure bytes', actual, expected);
      return;
    default:
      fail(path, `unexpected value of type ${ka}`, actual, expected);
  }
}

/** Hex for assertion messages: `83 61 05`. */
export function hex(bytes) {
  return Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

/** Builds a Buffer from numbers, arrays of numbers and Latin-1 strings. */
export function bytes(...parts) {
  const out = [];
  const add = (p) => {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') out.push(...Buffer.from(p, 'latin1'));
    else if (Buffer.isBuffer(p) || p instanceof Uint8Array) out.push(...p);
    else if (Array.isArray(p)) p.forEach(add);
    else throw new TypeError(`bytes(): ${inspect(p)}`);
  };
  parts.forEach(add);
  return Buffer.from(out);
}

export const u16 = (n) => [(n >>> 8) & 255, n & 255];
export const u32 = (n) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
export const u64 = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return [...b];
};
/** SMALL_ATOM_UTF8_EXT for `name`. */
export const atomUtf8 = (name) => {
  const b = Buffer.from(name, 'utf8');
  return [119, b.length, ...b];
};
/** ATOM_EXT (Latin-1) for `name`. */
export const atomLatin1 = (name) => {
  const b = Buffer.from(name, 'latin1');
  return [100, ...u16(b.length), ...b];
};
