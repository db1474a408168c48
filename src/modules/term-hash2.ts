/**
 * `make_hash2` of erts/emulator/beam/utils.c, the hash behind `erlang:phash2/1,2`, over the JS
 * term mapping, so a noderl node gives the number a BEAM node gives for every term (checked
 * against OTP 25's erl). Each kind of term mixes its words into the running hash with its own
 * constant (`HCONST_n`); lists of bytes take utils.c's fast path (four bytes a word); a map is the
 * xor of its pairs' hashes, so its order does not count.
 *
 * Pids, ports and refs hash one number only (a pid's id, a port's 64-bit id, a ref's first word): their
 * node, serial and creation take no part, so this node's pids hash as BEAM's local pids do.
 */
import { Atom, BitBinary, ErlFloat, ErlFun, ExportFun, ImproperList, isList, isTuple, Pid, Port, Ref, type Term } from '../term/types.js';
import { blockHash, HCONST, hconst, mix1, mix2 } from '../term/jenkins-mix.js';
import { atomHash, floatWords, isByte, magnitudeWords, portWords } from '../term/term-hash-parts.js';

const [H2, H3, H4, H5, H6, H7, H9, H10, H11, H12, H13, H14, H15, H16, H19] = [2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 19].map(hconst) as [
  number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
];

/** What utils.c gives `[]` when nothing was hashed before it. */
const NIL_FIRST = 3468870702;
/** `NIL_DEF` (erl_term.h's tag value of `[]`): what `[]` mixes in after something else. */
const NIL_DEF = 2;

/** The rest of a list still to hash: its elements from `from`, then its tail. */
class ListRest {
  constructor(
    readonly elements: readonly Term[],
    readonly from: number,
    readonly tail: Term,
  ) {}
}

/** The end of a map: the hash and pair-xor of what encloses it, to restore (`HASH_MAP_TAIL`). */
class MapTail {
  constructor(
    readonly hash: number,
    readonly xor: number,
  ) {}
}

/** The end of one key-value pair of a map (`HASH_MAP_PAIR`). */
const MAP_PAIR = Symbol('map pair');

type Work = Term | ListRest | MapTail | typeof MAP_PAIR;

/** `make_hash2(Term)`: the 32-bit hash `erlang:phash2/2` reduces to its range. */
export function makeHash2(term: Term): number {
  const stack: Work[] = [term];
  let hash = 0;
  let xor = 0;
  while (stack.length > 0) {
    const w = stack.pop()!;
    if (w === MAP_PAIR) {
      xor = (xor ^ hash) >>> 0;
      hash = 0;
    } else if (w instanceof MapTail) {
      hash = mix1(w.hash, xor, H19);
      xor = w.xor;
    } else if (w instanceof ListRest) {
      hash = listRun(w.elements, w.from, w.tail, hash, stack);
    } else if (w instanceof Map) {
      hash = mix1(hash, w.size, H16);
      if (w.size === 0) continue;
      stack.push(new MapTail(hash, xor));
      [hash, xor] = [0, 0];
      for (const [k, v] of w) stack.push(MAP_PAIR, v, k);
    } else if (isTuple(w)) {
      hash = mix1(hash, w.length, H9);
      for (let i = w.length - 1; i >= 0; i--) stack.push(w[i]!);
    } else if (isList(w)) {
      hash = w.length === 0 ? nil(hash) : listRun(w, 0, [], hash, stack);
    } else if (w instanceof ImproperList) {
      hash = listRun(w.elements, 0, w.tail, hash, stack);
    } else if (w instanceof ErlFun) {
      hash = mix2(hash, w.freeVars.length, atomHash(w.module), HCONST);
      hash = mix2(hash, w.oldIndex, w.oldUniq, HCONST);
      for (let i = w.freeVars.length - 1; i >= 0; i--) stack.push(w.freeVars[i]!);
    } else {
      hash = leaf(w, hash);
    }
  }
  return hash;
}

/** `[]`: a constant when it comes first, else its tag mixed in. */
const nil = (hash: number): number => (hash === 0 ? NIL_FIRST : mix1(hash, NIL_DEF, H2));

/**
 * A list from `from`: a run of bytes packs four to a word (`HCONST_4`), then the first other
 * element is hashed with the rest of the list left on the stack; at the end, the tail is hashed.
 */
function listRun(elements: readonly Term[], from: number, tail: Term, hash: number, stack: Work[]): number {
  let i = from;
  let packed = 0;
  let count = 0;
  for (; i < elements.length && isByte(elements[i]!); i++) {
    packed = ((packed << 8) + (elements[i] as number)) >>> 0;
    if (++count === 4) {
      hash = mix1(hash, packed, H4);
      packed = count = 0;
    }
  }
  if (count > 0) hash = mix1(hash, packed, H4);
  if (i < elements.length) stack.push(new ListRest(elements, i + 1, tail), elements[i]!);
  else stack.push(tail);
  return hash;
}

/** A term without elements: a number, an atom, a bitstring, a pid, port, ref or external fun. */
function leaf(t: Term, hash: number): number {
  if (typeof t === 'number' && Number.isInteger(t)) return integer(t, hash);
  if (typeof t === 'bigint') return integer(t, hash);
  if (typeof t === 'number' || t instanceof ErlFloat) {
    const [high, low] = floatWords(typeof t === 'number' ? t : t.value);
    return mix2(hash, high, low, H12);
  }
  if (typeof t === 'boolean' || t instanceof Atom) {
    const h = atomHash(t);
    return hash === 0 ? h : mix1(hash, h, H3);
  }
  if (Buffer.isBuffer(t) || t instanceof BitBinary) return bitstring(t, hash);
  if (t instanceof Pid) return mix1(hash, t.id, H5);
  if (t instanceof Port) return mix2(hash, ...portWords(t.id), H6);
  if (t instanceof Ref) return mix1(hash, t.ids[0] ?? 0, H7);
  if (t instanceof ExportFun) return mix1(mix2(hash, t.arity, atomHash(t.module), HCONST), atomHash(t.name), H14);
  throw new TypeError(`make_hash2: not a term: ${String(t)}`);
}

/**
 * An integer: one that fits 28 bits signed as one word (a negative one mixed twice, as utils.c's
 * `SINT32_HASH` does), a larger one as bignum digits of 64 bits, low word first, per sign.
 */
function integer(n: number | bigint, hash: number): number {
  if (n >= -(2 ** 27) && n < 2 ** 27) {
    const x = Number(n);
    if (x < 0) hash = mix1(hash, -x, HCONST);
    return mix1(hash, x, HCONST);
  }
  const words = magnitudeWords(n);
  if (words.length % 2) words.push(0);
  const k = n < 0 ? H10 : H11;
  for (let i = 0; i < words.length; i += 2) hash = mix2(hash, words[i]!, words[i + 1]!, k);
  return hash;
}

/** A binary: `block_hash` of its whole bytes seeded with the hash so far; leftover bits mixed after. */
function bitstring(t: Buffer | BitBinary, hash: number): number {
  const [bytes, bits] = Buffer.isBuffer(t) ? [t, 0] : t.bits === 8 ? [t.bytes, 0] : [t.bytes.subarray(0, t.bytes.length - 1), t.bits];
  const seed = (H13 + hash) >>> 0;
  if (bytes.length === 0 && bits === 0) return seed;
  const h = blockHash(bytes, seed);
  if (bits === 0) return h;
  const last = (t as BitBinary).bytes[bytes.length]!;
  return mix2(h, bits, last >> (8 - bits), H15);
}
