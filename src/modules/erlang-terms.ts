/**
 * The pure `erlang` BIFs on terms: type tests, tuples, lists, maps, numbers, binaries and the
 * External Term Format, with BEAM's results and errors (`badarg` with the BIF's own stack entry).
 * Mirrors erts/emulator/beam/bif.c, erl_bif_binary.c, erl_map.c, erl_arith.c (`abs`, `round`,
 * `float`) and external.c (`term_to_binary`, `binary_to_term`) as OTP 25 behaves; the text
 * conversions (`integer_to_list`, `list_to_atom`, `iolist_to_binary`, ...) are in
 * erlang-conversions.ts; the term hashes (`phash2`, `phash`) in erlang-hash.ts.
 */
import {
  Atom,
  atom,
  BitBinary,
  ErlFloat,
  ErlFun,
  ExportFun,
  ImproperList,
  isList,
  isTuple,
  Pid,
  Port,
  Ref,
  tuple,
  type Term,
} from '../term/types.js';
import { compare, mapGet } from '../term/compare.js';
import { mapListOrder } from '../term/map-order.js';
import { decode, decodeAt } from '../term/decode.js';
import { Tag } from '../term/tags.js';
import { encode, type EncodeOptions } from '../term/encode.js';
import { bifError } from '../process/exceptions.js';
import { canonicalInt, floatTerm, isInteger, isNumber, toDouble, truncToInt } from './numbers.js';
import { bifTable, type PureBif } from './bif-table.js';
import { conversionBifs } from './erlang-conversions.js';
import { hashBifs } from './erlang-hash.js';
import type { BuiltinModule } from './registry.js';

const is = (test: (t: Term) => boolean): [number[], PureBif] => [[1], (t) => test(t)];
const isAtom = (t: Term): t is Atom | boolean => t instanceof Atom || typeof t === 'boolean';
const isBitstring = (t: Term): t is Buffer | BitBinary => Buffer.isBuffer(t) || t instanceof BitBinary;
const isIndex = (n: Term, max: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max;
const isArity = (n: Term): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

function funArity(f: Term): number | undefined {
  return f instanceof ExportFun || f instanceof ErlFun ? f.arity : undefined;
}

/** `is_record(T, Tag)` / `is_record(T, Tag, Size)`: the tag must be an atom, the size an integer. */
function isRecord(t: Term, tag: Term, size?: Term): Term | undefined {
  if (!isAtom(tag) || (size !== undefined && !isInteger(size))) return undefined;
  return isTuple(t) && t.length >= 1 && (size === undefined || t.length === size) && t[0] === tag;
}

const typeTests: Record<string, [number[], PureBif]> = {
  is_atom: is(isAtom),
  is_binary: is((t) => Buffer.isBuffer(t)),
  is_bitstring: is(isBitstring),
  is_boolean: is((t) => typeof t === 'boolean'),
  is_float: is((t) => t instanceof ErlFloat || (typeof t === 'number' && !Number.isInteger(t))),
  is_integer: is(isInteger),
  is_number: is(isNumber),
  is_list: is((t) => isList(t) || t instanceof ImproperList),
  is_tuple: is(isTuple),
  is_map: is((t) => t instanceof Map),
  is_pid: is((t) => t instanceof Pid),
  is_port: is((t) => t instanceof Port),
  is_reference: is((t) => t instanceof Ref),
  is_function: [[1, 2], (f, n) => (n === undefined ? funArity(f) !== undefined : isArity(n) ? funArity(f) === n : undefined)],
  is_record: [[2, 3], isRecord],
};

/** A non-empty list as its first element and the rest, or undefined. */
function headTail(l: Term): [Term, Term] | undefined {
  while (l instanceof ImproperList && l.elements.length === 0) l = l.tail;
  if (isList(l)) return l.length === 0 ? undefined : [l[0], l.slice(1)];
  if (!(l instanceof ImproperList)) return undefined;
  const rest = l.elements.length === 1 ? l.tail : new ImproperList(l.elements.slice(1), l.tail);
  return [l.elements[0], rest];
}

function withElement(t: Term[], i: number, v: Term | undefined, insert: boolean): Term {
  const items = t.slice();
  if (v === undefined) items.splice(i, 1);
  else if (insert) items.splice(i, 0, v);
  else items[i] = v;
  return tuple(...items);
}

const structures: Record<string, [number[], PureBif]> = {
  element: [[2], (n, t) => (isTuple(t) && isIndex(n, t.length) ? t[n - 1] : undefined)],
  setelement: [[3], (n, t, v) => (isTuple(t) && isIndex(n, t.length) ? withElement(t, n - 1, v, false) : undefined)],
  insert_element: [[3], (n, t, v) => (isTuple(t) && isIndex(n, t.length + 1) ? withElement(t, n - 1, v, true) : undefined)],
  delete_element: [[2], (n, t) => (isTuple(t) && isIndex(n, t.length) ? withElement(t, n - 1, undefined, false) : undefined)],
  append_element: [[2], (t, v) => (isTuple(t) ? tuple(...t, v) : undefined)],
  tuple_size: [[1], (t) => (isTuple(t) ? t.length : undefined)],
  size: [[1], (t) => (isTuple(t) ? t.length : Buffer.isBuffer(t) ? t.length : t instanceof BitBinary ? t.bitLength >>> 3 : undefined)], // whole bytes only
  byte_size: [[1], (t) => (isBitstring(t) ? byteSize(t) : undefined)],
  bit_size: [[1], (t) => (Buffer.isBuffer(t) ? t.length * 8 : t instanceof BitBinary ? t.bitLength : undefined)],
  length: [[1], (l) => (isList(l) ? l.length : undefined)],
  hd: [[1], (l) => headTail(l)?.[0]],
  tl: [[1], (l) => headTail(l)?.[1]],
  tuple_to_list: [[1], (t) => (isTuple(t) ? t.toArray() : undefined)],
  list_to_tuple: [[1], (l) => (isList(l) ? tuple(...l) : undefined)],
  make_tuple: [[2, 3], makeTuple],
};

function byteSize(t: Buffer | BitBinary): number {
  return Buffer.isBuffer(t) ? t.length : t.bytes.length;
}

/** `make_tuple(N, Default)` and `make_tuple(N, Default, [{Pos, Value}])` (later entries win, as erl_bif_tuple does). */
function makeTuple(n: Term, dflt: Term, init?: Term): Term | undefined {
  if (!isArity(n) || n > 0xffffff) return undefined;
  const items = new Array<Term>(n).fill(dflt);
  if (init !== undefined) {
    if (!isList(init)) return undefined;
    for (const e of init) {
      if (!isTuple(e) || e.length !== 2 || !isIndex(e[0], n)) return undefined;
      items[e[0] - 1] = e[1];
    }
  }
  return tuple(...items);
}

/** `map_size/1`, `map_get/2` and `is_map_key/2`: `{badmap, M}` and `{badkey, K}` as erl_map.c raises them. */
function mapBifs(): BuiltinModule {
  return {
    map_size: (_self, m) => {
      if (!(m instanceof Map)) throw bifError(tuple(atom('badmap'), m), 'erlang', 'map_size', [m]);
      return m.size;
    },
    map_get: (_self, key, m) => {
      if (!(m instanceof Map)) throw bifError(tuple(atom('badmap'), m), 'erlang', 'map_get', [key, m]);
      const v = mapGet(m, key);
      if (v === undefined) throw bifError(tuple(atom('badkey'), key), 'erlang', 'map_get', [key, m]);
      return v;
    },
    is_map_key: (_self, key, m) => {
      if (!(m instanceof Map)) throw bifError(tuple(atom('badmap'), m), 'erlang', 'is_map_key', [key, m]);
      return mapGet(m, key) !== undefined;
    },
  };
}

/** `round`, `trunc`, `ceil`, `floor`: C's rounding of a double (round: half away from zero). */
function toInteger(t: Term, how: 'round' | 'trunc' | 'ceil' | 'floor'): Term | undefined {
  if (isInteger(t)) return t;
  if (!isNumber(t)) return undefined;
  const x = toDouble(t)!;
  const whole = Math.trunc(x);
  switch (how) {
    case 'trunc': return truncToInt(x);
    case 'round': return truncToInt(Math.abs(x - whole) >= 0.5 ? whole + Math.sign(x) : whole); // not floor(x + 0.5): 0.49999999999999994
    case 'ceil': return truncToInt(Math.ceil(x));
    default: return truncToInt(Math.floor(x));
  }
}

/** erl_arith.c's float abs negates only below zero, so abs(-0.0) is -0.0 on OTP 25. */
const absFloat = (x: number): number => (x < 0 ? -x : x);

const numbers: Record<string, [number[], PureBif]> = {
  abs: [[1], (n) => (isInteger(n) ? (typeof n === 'bigint' ? canonicalInt(n < 0n ? -n : n) : Math.abs(n)) : isNumber(n) ? floatTerm(absFloat(toDouble(n)!)) : undefined)],
  // OTP 25: when the two compare equal (==), the first is returned.
  min: [[2], (a, b) => (compare(a, b) <= 0 ? a : b)],
  max: [[2], (a, b) => (compare(a, b) >= 0 ? a : b)],
  round: [[1], (n) => toInteger(n, 'round')],
  trunc: [[1], (n) => toInteger(n, 'trunc')],
  ceil: [[1], (n) => toInteger(n, 'ceil')],
  floor: [[1], (n) => toInteger(n, 'floor')],
  float: [[1], (n) => (isNumber(n) ? floatTerm(toDouble(n) ?? NaN) : undefined)],
};

/** `binary_part(Bin, Start, Length)`: a negative length counts back from Start (bif.c's binary_part). */
function binaryPart(b: Term, start: Term, len: Term): Term | undefined {
  if (b instanceof BitBinary) b = b.bytes.subarray(0, b.bytes.length - 1); // only its whole bytes can be parts
  if (!Buffer.isBuffer(b) || typeof start !== 'number' || !Number.isInteger(start) || typeof len !== 'number' || !Number.isInteger(len)) return undefined;
  const [from, to] = len >= 0 ? [start, start + len] : [start + len, start];
  if (from < 0 || to > b.length) return undefined;
  return Buffer.from(b.subarray(from, to));
}

/** `split_binary(Bin, Pos)`: a bitstring splits too, its odd bits staying in the second part. */
function splitBinary(b: Term, n: Term): Term | undefined {
  if (!isBitstring(b) || !isArity(n)) return undefined;
  const [bytes, bits] = Buffer.isBuffer(b) ? [b, 0] : [b.bytes, b.bits % 8];
  const whole = bytes.length - (bits ? 1 : 0);
  if (n > whole) return undefined;
  const rest = Buffer.from(bytes.subarray(n));
  return tuple(Buffer.from(bytes.subarray(0, n)), bits ? new BitBinary(rest, bits) : rest);
}

const binaries: Record<string, [number[], PureBif]> = {
  binary_part: [[2, 3], (b, s, l) => (l !== undefined ? binaryPart(b, s, l) : isTuple(s) && s.length === 2 ? binaryPart(b, s[0], s[1]) : undefined)],
  split_binary: [[2], splitBinary],
};

/**
 * `term_to_binary(T, Opts)`: OTP 25 writes minor version 1 (Latin-1 atom tags) unless
 * `{minor_version, 2}`; small maps go out with their keys in map-key order, as OTP keeps them.
 * `{minor_version, 0}` (floats as text) is written as 1.
 */
function termToBinary(t: Term, opts?: Term): Term | undefined {
  const options: EncodeOptions = { minorVersion: 1 };
  for (const o of opts === undefined ? [] : isList(opts) ? opts : [undefined]) {
    if (o === atom('compressed')) options.compressed = true;
    else if (o === atom('deterministic') || o === atom('local')) continue;
    else if (isTuple(o) && o.length === 2 && o[0] === atom('compressed') && isArity(o[1]) && o[1] <= 9) options.compressed = o[1];
    else if (isTuple(o) && o.length === 2 && o[0] === atom('minor_version') && (o[1] === 0 || o[1] === 1 || o[1] === 2)) options.minorVersion = o[1] === 2 ? 2 : 1;
    else return undefined;
  }
  return encode(sortSmallMaps(t), options);
}

/** `t` with every map rebuilt in the order BEAM writes it (term/map-order.ts); `t` itself when it has none. */
function sortSmallMaps(t: Term): Term {
  if (t instanceof Map) {
    const entries = [...t].map(([k, v]): [Term, Term] => [sortSmallMaps(k), sortSmallMaps(v)]);
    mapListOrder(entries);
    return new Map(entries);
  }
  if (Array.isArray(t)) {
    let copy: Term[] | undefined;
    for (let i = 0; i < t.length; i++) {
      const s = sortSmallMaps(t[i]);
      if (s !== t[i]) (copy ??= t.slice())[i] = s;
    }
    return copy === undefined ? t : isTuple(t) ? tuple(...copy) : copy;
  }
  if (t instanceof ImproperList) {
    const elements = sortSmallMaps(t.elements) as Term[];
    const tail = sortSmallMaps(t.tail);
    return elements === t.elements && tail === t.tail ? t : new ImproperList(elements, tail);
  }
  return t;
}

/** `binary_to_term(B, Opts)`: `safe` is accepted (every atom is creatable here); `used` gives `{Term, BytesUsed}`. */
function binaryToTerm(b: Term, opts?: Term): Term | undefined {
  if (!Buffer.isBuffer(b)) return undefined;
  let used = false;
  for (const o of opts === undefined ? [] : isList(opts) ? opts : [undefined]) {
    if (o === atom('used')) used = true;
    else if (o !== atom('safe')) return undefined;
  }
  let term: Term;
  try {
    term = decode(b);
  } catch {
    return undefined;
  }
  // A compressed term's end is inside its zlib stream; OTP's answer there is the whole input.
  return used ? tuple(term, b[1] === Tag.COMPRESSED ? b.length : decodeAt(b, 1).end) : term;
}

/** The pure `erlang` BIFs on terms, to spread into the `erlang` module. */
export const erlangTermBifs: BuiltinModule = {
  ...bifTable({ ...typeTests, ...structures, ...numbers, ...binaries }),
  ...bifTable({ term_to_binary: [[1, 2], termToBinary], binary_to_term: [[1, 2], binaryToTerm] }),
  ...mapBifs(),
  ...conversionBifs,
  ...hashBifs,
};
