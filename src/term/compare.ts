/**
 * Erlang's standard term order and exact equality over the JS term mapping (DESIGN.md).
 *
 * Mirrors `erts_cmp_compound` in erts/emulator/beam/utils.c as OTP 25 behaves; every rule below
 * that OTP does not document was checked against a real OTP 25 node (see
 * test/term/compare.test.js):
 *
 *   number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring
 *
 * - numbers compare by value, exactly (`2^53 + 1 > 9007199254740992.0`); `1 == 1.0`;
 * - atoms by text, in code point order (= OTP's UTF-8 byte order);
 * - references by node name, creation, then the id words as one number, most significant
 *   (last) word first, shorter ids zero-extended;
 * - closures before `fun M:F/A`; closures by module, old index, old uniq, free variables;
 *   export funs by module, function, arity;
 * - ports by node name, creation, id;
 * - pids by serial, id, node name, creation (yes: the serial first, then the id, and the node
 *   only after them);
 * - tuples by size, then elements; maps by size, then their keys in map-key order, then their
 *   values in that key order; lists element by element;
 * - bitstrings bit by bit, then by length.
 *
 * "Map-key order" (OTP's `exact` flag of `erts_cmp`) is the same, except that every integer is
 * smaller than every float, so `#{1 => a} < #{1.0 => a}` and `#{3 => a} < #{0.5 => a}`.
 */
import {
  atomName,
  cmpBits,
  cmpCodePoints,
  cmpNumbers,
  cmpPids,
  cmpPorts,
  cmpRefs,
  isFloat,
  sign,
  type Order,
} from './compare-leaves.js';
import { Atom, BitBinary, ErlFloat, ErlFun, ExportFun, ImproperList, Pid, Port, Ref, Tuple, type TermInput } from './types.js';

/** The classes of the standard order, smallest first. */
const NUMBER = 0;
const ATOM = 1;
const REF = 2;
const FUN = 3;
const PORT = 4;
const PID = 5;
const TUPLE = 6;
const MAP = 7;
const NIL = 8;
const LIST = 9;
const BITS = 10;

type PlainObject = { [key: string]: TermInput };

/**
 * Erlang's standard term order: `-1` when `a < b`, `1` when `a > b`, `0` when `a == b`.
 *
 * Like Erlang's `==`, an integer and a float of the same value compare equal (`compare(1,
 * float(1))` is `0`); {@link equals} is `=:=`. Throws a `TypeError` for a JS value with no
 * Erlang form.
 */
export function compare(a: TermInput, b: TermInput): Order {
  return cmp(a, b, false);
}

/**
 * Erlang's `=:=`: structural equality where `1` and `1.0` differ. As in OTP 25, `0.0 =:= -0.0`
 * (OTP 27 tells them apart). Aliases of one term are equal: `true` and `atom('true')`, `null`,
 * `undefined` and `atom('undefined')`, a JS string and a `Buffer` of its UTF-8 bytes, a plain
 * object and a `Map` with the same atom keys, `5` and `5n`.
 */
export function equals(a: TermInput, b: TermInput): boolean {
  a = unwrap(a);
  b = unwrap(b);
  if (a === b) return true;
  const ta = typeof a;
  // Fast paths: two integers, two atoms, two strings (the common map keys and message tags).
  if (ta === 'number' && typeof b === 'number') return false; // `===` failed, and 1 vs 1.0 cannot both be JS numbers
  if (ta === 'string' && typeof b === 'string') return false;
  if (a instanceof Atom && b instanceof Atom) return false; // interned
  const ra = rankOf(a);
  if (ra !== rankOf(b)) return false;
  switch (ra) {
    case NUMBER:
      return isFloat(a) === isFloat(b) && cmpNumbers(a, b, true) === 0;
    case ATOM:
      return atomName(a) === atomName(b);
    case TUPLE:
      return equalTuples(a as Tuple, b as Tuple);
    case MAP:
      return equalMaps(a, b);
    case LIST:
      return equalLists(a, b);
    default:
      return cmp(a, b, true) === 0;
  }
}

/**
 * The value stored under `key` in `m`, found structurally (as an Erlang map lookup, with `=:=`),
 * or `undefined` when `m` has no such key. `Map.get` alone would miss a key that is equal but
 * not the same JS object (a `Buffer`, a tuple, a list).
 */
export function mapGet<V extends TermInput>(m: ReadonlyMap<TermInput, V>, key: TermInput): V | undefined {
  const k = mapKeyOf(m, key);
  return k === NOT_FOUND ? undefined : m.get(k);
}

/**
 * Map-key order (`compare`, except that every integer sorts before every float): the order in
 * which OTP keeps and prints the keys of a small map.
 * @internal
 */
export function compareMapKeys(a: TermInput, b: TermInput): Order {
  return cmp(a, b, true);
}

/** What {@link mapKeyOf} returns when the map has no such key. */
export const NOT_FOUND: unique symbol = Symbol('not found');

/**
 * The key of `m` that is `=:=` to `key` (the very JS value stored in the map), or `NOT_FOUND`.
 * @internal Shared by `mapGet`, `equals` and the parser's duplicate-key check.
 */
export function mapKeyOf<K extends TermInput>(m: ReadonlyMap<K, TermInput>, key: TermInput): K | typeof NOT_FOUND;
export function mapKeyOf(m: ReadonlyMap<TermInput, TermInput> | PlainObject, key: TermInput): TermInput | typeof NOT_FOUND;
export function mapKeyOf(m: ReadonlyMap<TermInput, TermInput> | PlainObject, key: TermInput): TermInput | typeof NOT_FOUND {
  if (!(m instanceof Map)) {
    if (rankOf(key) !== ATOM) return NOT_FOUND;
    const name = atomName(key);
    return Object.prototype.hasOwnProperty.call(m, name) ? name : NOT_FOUND;
  }
  if (m.has(key)) return key;
  // Primitives and atoms have a few aliases, all of which Map.get finds directly.
  switch (typeof key) {
    case 'boolean':
      return firstPresent(m, [Atom.of(String(key))]);
    case 'undefined':
      return firstPresent(m, [null, Atom.of('undefined')]);
    case 'bigint': {
      // A huge bigint becomes ±Infinity as a number, which has no BigInt form.
      const n = Number(key);
      return Number.isFinite(n) && BigInt(n) === key ? firstPresent(m, [n]) : NOT_FOUND;
    }
    case 'number':
      if (Number.isInteger(key)) return firstPresent(m, [BigInt(key)]);
      return scan(m, key); // a float: an ErlFloat key may hold the same value
    case 'string':
      return scan(m, key); // a Buffer key may hold the same bytes
  }
  if (key === null) return firstPresent(m, [undefined, Atom.of('undefined')]);
  if (key instanceof Atom) {
    const alias = key.name === 'true' ? true : key.name === 'false' ? false : key.name === 'undefined' ? null : NOT_FOUND;
    return alias === NOT_FOUND ? NOT_FOUND : firstPresent(m, alias === null ? [null, undefined] : [alias]);
  }
  return scan(m, key);
}

function firstPresent(m: Map<TermInput, TermInput>, keys: TermInput[]): TermInput | typeof NOT_FOUND {
  for (const k of keys) if (m.has(k)) return k;
  return NOT_FOUND;
}

function scan(m: Map<TermInput, TermInput>, key: TermInput): TermInput | typeof NOT_FOUND {
  for (const k of m.keys()) if (equals(k, key)) return k;
  return NOT_FOUND;
}

/** `[ | T]`, an ImproperList without elements, is just `T`. */
function unwrap(t: TermInput): TermInput {
  // A loop, not recursion: tails can nest deeply.
  while (t instanceof ImproperList && t.elements.length === 0) t = t.tail;
  return t;
}

/** The class of `t` in the standard order. */
function rankOf(t: TermInput): number {
  switch (typeof t) {
    case 'number':
    case 'bigint':
      return NUMBER;
    case 'boolean':
    case 'undefined':
      return ATOM;
    case 'string':
      return BITS;
  }
  if (t === null || t instanceof Atom) return ATOM;
  // Tuple extends Array, so it goes before the list test.
  if (t instanceof Tuple) return TUPLE;
  if (Array.isArray(t)) return t.length === 0 ? NIL : LIST;
  if (t instanceof Uint8Array || t instanceof BitBinary) return BITS;
  if (t instanceof Map) return MAP;
  if (t instanceof ErlFloat) return NUMBER;
  if (t instanceof ImproperList) return t.elements.length === 0 ? rankOf(t.tail) : LIST;
  if (t instanceof Pid) return PID;
  if (t instanceof Ref) return REF;
  if (t instanceof Port) return PORT;
  if (t instanceof ExportFun || t instanceof ErlFun) return FUN;
  const proto: unknown = Object.getPrototypeOf(t);
  if (proto === Object.prototype || proto === null) return MAP;
  throw new TypeError(`${describe(t)} is not an Erlang term`);
}

function describe(t: unknown): string {
  const proto: unknown = t === null || typeof t !== 'object' ? null : Object.getPrototypeOf(t);
  const name = (proto as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name ? `a ${name}` : `a ${typeof t}`;
}

/** `exact` selects map-key order (integers before floats, see the header), used inside map keys and by `equals`. */
function cmp(a: TermInput, b: TermInput, exact: boolean): Order {
  a = unwrap(a);
  b = unwrap(b);
  if (a === b) return 0;
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case NUMBER:
      return cmpNumbers(a, b, exact);
    case ATOM:
      return cmpCodePoints(atomName(a), atomName(b));
    case REF:
      return cmpRefs(a as Ref, b as Ref);
    case FUN:
      return cmpFuns(a as ExportFun | ErlFun, b as ExportFun | ErlFun, exact);
    case PORT:
      return cmpPorts(a as Port, b as Port);
    case PID:
      return cmpPids(a as Pid, b as Pid);
    case TUPLE:
      return cmpTuples(a as Tuple, b as Tuple, exact);
    case MAP:
      return cmpMaps(a, b, exact);
    case NIL:
      return 0;
    case LIST:
      return cmpLists(a, b, exact);
    default:
      return cmpBits(a, b);
  }
}

function cmpFuns(a: ExportFun | ErlFun, b: ExportFun | ErlFun, exact: boolean): Order {
  // OTP 25 puts every closure before every export fun.
  if (a instanceof ErlFun !== b instanceof ErlFun) return a instanceof ErlFun ? -1 : 1;
  if (a instanceof ExportFun) {
    const f = b as ExportFun;
    return (
      cmpCodePoints(a.module.name, f.module.name) ||
      cmpCodePoints(a.name.name, f.name.name) ||
      sign(a.arity - f.arity)
    );
  }
  const f = b as ErlFun;
  const head =
    cmpCodePoints(a.module.name, f.module.name) ||
    sign(a.oldIndex - f.oldIndex) ||
    sign(a.oldUniq - f.oldUniq) ||
    sign(a.freeVars.length - f.freeVars.length);
  if (head !== 0) return head;
  for (let i = 0; i < a.freeVars.length; i++) {
    const c = cmp(a.freeVars[i], f.freeVars[i], exact);
    if (c !== 0) return c;
  }
  return 0;
}

function cmpTuples(a: Tuple, b: Tuple, exact: boolean): Order {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < a.length; i++) {
    const c = cmp(a[i], b[i], exact);
    if (c !== 0) return c;
  }
  return 0;
}

function equalTuples(a: Tuple, b: Tuple): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
  return true;
}

/** A map's entries; a plain object is a map with atom keys. */
function entriesOf(m: TermInput): [TermInput, TermInput][] {
  if (m instanceof Map) return [...m];
  return Object.keys(m as PlainObject).map((k) => [Atom.of(k), (m as PlainObject)[k]]);
}

function sizeOf(m: TermInput): number {
  return m instanceof Map ? m.size : Object.keys(m as PlainObject).length;
}

/** OTP's map order: size, then the sorted keys (map-key order), then the values in that order. */
function cmpMaps(a: TermInput, b: TermInput, exact: boolean): Order {
  const sa = sizeOf(a);
  const sb = sizeOf(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  const byKey = (x: [TermInput, TermInput], y: [TermInput, TermInput]): number => cmp(x[0], y[0], true);
  const ea = entriesOf(a).sort(byKey);
  const eb = entriesOf(b).sort(byKey);
  for (let i = 0; i < ea.length; i++) {
    const c = cmp(ea[i][0], eb[i][0], true);
    if (c !== 0) return c;
  }
  for (let i = 0; i < ea.length; i++) {
    const c = cmp(ea[i][1], eb[i][1], exact);
    if (c !== 0) return c;
  }
  return 0;
}

function equalMaps(a: TermInput, b: TermInput): boolean {
  if (sizeOf(a) !== sizeOf(b)) return false;
  const bm = b as Map<TermInput, TermInput> | PlainObject;
  for (const [k, v] of entriesOf(a)) {
    const key = mapKeyOf(bm, k);
    if (key === NOT_FOUND) return false;
    const w = bm instanceof Map ? bm.get(key) : bm[key as string];
    if (!equals(v, w)) return false;
  }
  return true;
}

/** A non-empty list as its elements and its final tail (`[]` when proper). */
function spine(t: TermInput): [readonly TermInput[], TermInput] {
  if (!(t instanceof ImproperList)) return [t as TermInput[], []];
  const elements = [...t.elements];
  let tail = t.tail;
  for (;;) {
    if (tail instanceof Tuple) break;
    if (Array.isArray(tail)) {
      for (const x of tail) elements.push(x);
      tail = [];
      break;
    }
    if (!(tail instanceof ImproperList)) break;
    for (const x of tail.elements) elements.push(x);
    tail = tail.tail;
  }
  return [elements, tail];
}

function cmpLists(a: TermInput, b: TermInput, exact: boolean): Order {
  const [xs, xt] = spine(a);
  const [ys, yt] = spine(b);
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const c = cmp(xs[i], ys[i], exact);
    if (c !== 0) return c;
  }
  if (xs.length === ys.length) return cmp(xt, yt, exact);
  // One ran out: its tail meets the rest of the other, which is a non-empty list.
  if (xs.length < ys.length) return rankOf(xt) < LIST ? -1 : 1;
  return rankOf(yt) < LIST ? 1 : -1;
}

function equalLists(a: TermInput, b: TermInput): boolean {
  const [xs, xt] = spine(a);
  const [ys, yt] = spine(b);
  if (xs.length !== ys.length) return false;
  for (let i = 0; i < xs.length; i++) if (!equals(xs[i], ys[i])) return false;
  return equals(xt, yt);
}
