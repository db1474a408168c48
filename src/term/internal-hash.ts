/**
 * `make_internal_hash(Term, Salt)` of OTP 25's erts/emulator/beam/utils.c: the hash that places a
 * key in a map of more than 32 keys (a HAMT), and so decides the order BEAM lists such a map in.
 * Immediates (small integers, atoms, local pids and ports, `[]`) hash their machine word, the
 * rest their contents, through Bob Jenkins' MIX with a constant per kind of term.
 *
 * BEAM's hash is not the same on every node: an atom's word holds its index in that VM's atom
 * table, and a remote pid, port or ref mixes in the address of its node's entry. noderl cannot
 * know either, so it hashes an atom by its name (`atom_hash`, in place of the index) and every
 * pid, port and ref as the node that made it hashes its own (an immediate pid, a local ref): a
 * map keyed by one node's pids lists in the order that node lists it. Integers, floats, binaries
 * and lists and tuples of them hash as on every BEAM (checked against OTP 25).
 *
 * The iteration order of a map ({@link mapOrder}) lives here too: a map inside a key hashes its
 * pairs in that order, so the hash and the order need each other.
 */
import { compareMapKeys } from './compare.js';
import { blockHash, HCONST, hconst, mix1, mix2 } from './jenkins-mix.js';
import { atomHash, floatWords, isByte } from './term-hash-parts.js';
import { Atom, BitBinary, ErlFloat, ErlFun, ExportFun, ImproperList, isTuple, Pid, Port, Ref, type TermInput } from './types.js';

const [H4, H7, H8, H9, H10, H11, H12, H13, H14, H15, H16, H17, H18, H20, H21, H22] = [4, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 22].map(hconst) as number[] as [
  number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
];

/** utils.c's INTERNAL_HASH_SALT, xor'ed with the salt the hash starts from. */
const INTERNAL_HASH_SALT = 3432918353;

/** erl_term.h's primary and immediate tags of the words noderl hashes as immediates (64-bit). */
const TAG_SMALL = 0xfn;
const TAG_PID = 0x3n;
const TAG_PORT = 0x7n;
const TAG_ATOM = 0xbn;
const NIL_WORD = 0x3bn;

/** SMALL_BITS on a 64-bit emulator: integers in -2^59..2^59-1 are immediates. */
const MIN_SMALL = -(2n ** 59n);
const MAX_SMALL = 2n ** 59n - 1n;

const MASK64 = (1n << 64n) - 1n;

/** `CONST_HASH`: a cheap mix of a constant (a cons cell's CAR or CDR mark). */
function constHash(hash: number, k: number): number {
  const h = (hash ^ k) >>> 0;
  return ((h << 17) | (h >>> 15)) >>> 0;
}

/** An immediate's 64-bit word, mixed in as two 32-bit halves. */
function immediate(hash: number, word: bigint): number {
  const w = word & MASK64;
  return mix2(hash, Number(w & 0xffffffffn), Number(w >> 32n), HCONST);
}

/** The hash of `t` from `salt` (0 at a HAMT's first 8 levels, 1 at the next 8...). */
export function internalHash(t: TermInput, salt = 0): number {
  return hashTerm((salt ^ INTERNAL_HASH_SALT) >>> 0, t);
}

function hashTerm(hash: number, t: TermInput): number {
  if (typeof t === 'number') return Number.isInteger(t) ? smallNumber(hash, t) : float(hash, t);
  if (typeof t === 'bigint') return integer(hash, t);
  if (t instanceof ErlFloat) return float(hash, t.value);
  if (t instanceof Atom || typeof t === 'boolean' || t === null || t === undefined) return atomWord(hash, t);
  if (typeof t === 'string') return binary(hash, Buffer.from(t, 'utf8'), 0);
  if (t instanceof Uint8Array) return binary(hash, t, 0);
  if (t instanceof BitBinary) return binary(hash, t.bytes.subarray(0, t.bytes.length - 1), t.bits === 8 ? 0 : t.bits, t.bytes[t.bytes.length - 1]!);
  if (isTuple(t)) return tupleHash(hash, t);
  if (Array.isArray(t)) return t.length === 0 ? immediate(hash, NIL_WORD) : list(hash, t, []);
  if (t instanceof ImproperList) return list(hash, t.elements, t.tail);
  if (t instanceof Map) return map(hash, [...(t as Map<TermInput, TermInput>)]);
  if (t instanceof Pid) return immediate(hash, (((BigInt(t.serial) << 28n) | BigInt(t.id)) << 4n) | TAG_PID);
  if (t instanceof Port) return immediate(hash, (BigInt(t.id) << 4n) | TAG_PORT);
  if (t instanceof Ref) return ref(hash, t.ids);
  if (t instanceof ExportFun) return exportFun(hash, t);
  if (t instanceof ErlFun) return localFun(hash, t);
  if (typeof t === 'object') return map(hash, Object.keys(t).map((k) => [Atom.of(k), (t as Record<string, TermInput>)[k]]));
  return hash;
}

/** A JS integer: while `n * 16 + 15` is exact in a double, its words come without BigInt. */
function smallNumber(hash: number, n: number): number {
  if (Math.abs(n) > 2 ** 48) return integer(hash, BigInt(n));
  const word = n * 16 + 15; // the immediate: the value shifted over its tag (TAG_SMALL)
  return mix2(hash, word >>> 0, Math.floor(word / 2 ** 32) >>> 0, HCONST);
}

function integer(hash: number, n: bigint): number {
  if (n >= MIN_SMALL && n <= MAX_SMALL) return immediate(hash, (n << 4n) | TAG_SMALL);
  // A bignum: its 64-bit digits from the least significant, each as two words.
  const k = n < 0n ? H10 : H11;
  let m = n < 0n ? -n : n;
  do {
    hash = mix2(hash, Number(m & 0xffffffffn), Number((m >> 32n) & 0xffffffffn), k);
    m >>= 64n;
  } while (m > 0n);
  return hash;
}

function float(hash: number, x: number): number {
  const [high, low] = floatWords(x);
  return mix2(hash, low, high, H12); // FloatDef's fw[0] is the low word on a little-endian machine
}

function atomWord(hash: number, a: Atom | boolean | null | undefined): number {
  const atomValue = a instanceof Atom ? a : typeof a === 'boolean' ? a : Atom.of('undefined');
  return immediate(hash, (BigInt(atomHash(atomValue)) << 6n) | TAG_ATOM);
}

function binary(hash: number, bytes: Uint8Array, bitsize: number, last = 0): number {
  const con = (H13 + hash) >>> 0;
  if (bytes.length === 0 && bitsize === 0) return con;
  let h = blockHash(bytes, con);
  if (bitsize > 0) h = mix2(h, bitsize, last >> (8 - bitsize), H15);
  return h;
}

function tupleHash(hash: number, t: readonly TermInput[]): number {
  hash = mix1(hash, t.length, H9);
  for (const e of t) hash = hashTerm(hash, e);
  return hash;
}

/**
 * A list: runs of bytes (0..255) go in four to a word; any other element is marked (CAR) and
 * hashed whole; the tail ends it, marked (CDR) when the last element was not in a run of bytes.
 */
function list(hash: number, elements: readonly TermInput[], tail: TermInput): number {
  const n = elements.length;
  let i = 0;
  for (;;) {
    let c = 0;
    let sh = 0;
    while (i < n && isByte(elements[i])) {
      sh = ((sh << 8) + (elements[i] as number)) >>> 0;
      if (c === 3) {
        hash = mix1(hash, sh, H4);
        c = sh = 0;
      } else c++;
      i++;
    }
    if (c > 0) hash = mix2(hash, sh, c, H22);
    if (i === n) return hashTerm(hash, tail);
    hash = hashTerm(constHash(hash, H17), elements[i]!);
    if (++i === n) return hashTerm(constHash(hash, H18), tail);
  }
}

/** A map inside a key: its size, then its keys and values in the order the map lists them. */
function map(hash: number, entries: [TermInput, TermInput][]): number {
  hash = mix1(hash, entries.length, H16);
  for (const [k, v] of mapOrder(entries)) hash = hashTerm(hashTerm(hash, k), v);
  return hash;
}

function ref(hash: number, ids: readonly number[]): number {
  hash = mix1(hash, ids[0] ?? 0, H7);
  hash = mix2(hash, ids[1] ?? 0, ids[2] ?? 0, H8);
  return ids.length > 3 ? mix2(hash, ids[3]!, ids[4] ?? 0, H9) : hash;
}

/** BEAM hashes the address of the export entry; noderl hashes what names it. */
function exportFun(hash: number, f: ExportFun): number {
  return mix2(mix2(hash, atomHash(f.module), atomHash(f.name), H14), f.arity, 0, H14);
}

function localFun(hash: number, f: ErlFun): number {
  hash = mix2(hash, f.freeVars.length, atomHash(f.module), H20);
  hash = mix2(hash, f.index, f.oldUniq, H21);
  for (const v of f.freeVars) hash = hashTerm(hash, v);
  return hash;
}

/** The largest map BEAM keeps flat, sorted by key (erl_map.h's MAP_SMALL_MAP_LIMIT). */
export const MAP_SMALL_MAP_LIMIT = 32;

/** `h` with its eight 4-bit digits reversed: sorting on it sorts as a walk of the trie does. */
function trieKey(h: number): number {
  const r = ((h & 0x0f0f0f0f) << 4) | ((h >>> 4) & 0x0f0f0f0f); // swap the digits of each byte
  const b = ((r & 0x00ff00ff) << 8) | ((r >>> 8) & 0x00ff00ff); // then the bytes
  return ((b << 16) | (b >>> 16)) >>> 0;
}

/**
 * `entries` (one per distinct key) in the order a BEAM iterator walks a map of them (`maps:next/1`,
 * `maps:fold/3`, `io_lib`'s `~w` and `~p`), sorted in place.
 */
export function mapOrder<K extends TermInput, V>(entries: [K, V][]): [K, V][] {
  const n = entries.length;
  if (n <= MAP_SMALL_MAP_LIMIT) return entries.sort((x, y) => compareMapKeys(x[0], y[0]));
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = trieKey(internalHash(entries[i]![0]));
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => keys[a]! - keys[b]! || deeper(entries[a]![0], entries[b]![0]));
  const sorted = order.map((i) => entries[i]!);
  for (let i = 0; i < n; i++) entries[i] = sorted[i]!;
  return entries;
}

/** Keys whose whole hash collides: the hashes of the next salts decide, as the trie goes deeper. */
function deeper(a: TermInput, b: TermInput): number {
  for (let salt = 1; salt < 4; salt++) {
    const d = trieKey(internalHash(a, salt)) - trieKey(internalHash(b, salt));
    if (d !== 0) return d;
  }
  return compareMapKeys(a, b);
}
