/**
 * `make_hash` of erts/emulator/beam/utils.c, the older hash behind `erlang:phash/2`: byte by byte,
 * `H = H * C + X mod 2^32` with a prime `C` per kind of term (utils.c's `FUNNY_NUMBER`s). A map
 * takes `make_hash2` (term-hash2.ts) of itself, as utils.c does.
 */
import { Atom, BitBinary, ErlFloat, ErlFun, ExportFun, ImproperList, isList, isTuple, Pid, Port, Ref, type Term } from '../term/types.js';
import { atomHash, floatWords, isByte, magnitudeWords, portWords } from '../term/term-hash-parts.js';
import { makeHash2 } from './term-hash2.js';

/** utils.c's FUNNY_NUMBER1..14: primes just above 2^28. */
const F = [0, 268440163, 268439161, 268435459, 268436141, 268438633, 268437017, 268438039, 268437511, 268439627, 268440479, 268440577, 268440581, 268440593, 268440611] as const;

/** `hash * prime + x mod 2^32`. */
const step = (hash: number, prime: number, x: number): number => (Math.imul(hash, prime) + x) >>> 0;

/** `UINT32_HASH_STEP`: the four bytes of `x`, least significant first. */
const word = (hash: number, x: number, prime: number): number => {
  for (let i = 0; i < 4; i++) hash = step(hash, prime, (x >>> (8 * i)) & 0xff);
  return hash;
};

/** The rest of a list to hash: its elements from `from`, then its tail. */
class ListRest {
  constructor(
    readonly elements: readonly Term[],
    readonly from: number,
    readonly tail: Term,
  ) {}
}

/** The end of a tuple, where its arity is mixed in. */
class TupleEnd {
  constructor(readonly arity: number) {}
}

/** The end of a list, after its tail (`MAKE_HASH_CDR_POST_OP`). */
const LIST_END = Symbol('list end');

type Work = Term | ListRest | TupleEnd | typeof LIST_END;

/** `make_hash(Term)`: the 32-bit hash `erlang:phash/2` reduces to `1..Range`. */
export function makeHash(term: Term): number {
  const stack: Work[] = [term];
  let hash = 0;
  while (stack.length > 0) {
    const w = stack.pop()!;
    if (w === LIST_END) hash = Math.imul(hash, F[8]) >>> 0;
    else if (w instanceof TupleEnd) hash = step(hash, F[9], w.arity);
    else if (w instanceof ListRest) hash = listRun(w.elements, w.from, w.tail, hash, stack);
    else if (isTuple(w)) {
      stack.push(new TupleEnd(w.length));
      for (let i = w.length - 1; i >= 0; i--) stack.push(w[i]!);
    } else if (isList(w)) hash = w.length === 0 ? step(hash, F[3], 1) : listRun(w, 0, [], hash, stack);
    else if (w instanceof ImproperList) hash = listRun(w.elements, 0, w.tail, hash, stack);
    else if (w instanceof Map) hash = (step(hash, F[13], F[14]) + makeHash2(w)) >>> 0;
    else if (w instanceof ErlFun) {
      hash = step(step(hash, F[10], w.freeVars.length), F[1], atomHash(w.module));
      hash = step(step(hash, F[2], w.oldIndex), F[2], w.oldUniq);
      for (let i = w.freeVars.length - 1; i >= 0; i--) stack.push(w.freeVars[i]!);
    } else hash = leaf(w, hash);
  }
  return hash;
}

/** Bytes of a list mix in as `H * FUNNY_NUMBER2 + B`; another element is hashed whole; the tail last. */
function listRun(elements: readonly Term[], from: number, tail: Term, hash: number, stack: Work[]): number {
  for (let i = from; i < elements.length; i++) {
    const e = elements[i]!;
    if (isByte(e)) hash = step(hash, F[2], e);
    else {
      stack.push(new ListRest(elements, i + 1, tail), e);
      return hash;
    }
  }
  stack.push(LIST_END, tail);
  return hash;
}

function leaf(t: Term, hash: number): number {
  if (typeof t === 'bigint' || (typeof t === 'number' && Number.isInteger(t))) {
    for (const w of magnitudeWords(t)) hash = word(hash, w, F[2]);
    return Math.imul(hash, t < 0 ? F[4] : F[3]) >>> 0;
  }
  if (typeof t === 'number' || t instanceof ErlFloat) {
    const [high, low] = floatWords(typeof t === 'number' ? t : t.value);
    return step(hash, F[6], (high ^ low) >>> 0);
  }
  if (typeof t === 'boolean' || t instanceof Atom) return step(hash, F[1], atomHash(t));
  if (Buffer.isBuffer(t) || t instanceof BitBinary) return bitstring(t, hash);
  if (t instanceof Pid) return Math.imul(word(hash, t.id, F[5]), F[6]) >>> 0;
  if (t instanceof Port) {
    const [low, high] = portWords(t.id);
    if (high !== 0) hash = word(hash, high, F[11]); // a port id past 32 bits (OTP 24's 64-bit ports)
    return Math.imul(word(hash, low, F[9]), F[10]) >>> 0;
  }
  if (t instanceof Ref) return Math.imul(word(hash, t.ids[0] ?? 0, F[9]), F[10]) >>> 0;
  if (t instanceof ExportFun) return step(step(step(hash, F[11], t.arity), F[1], atomHash(t.module)), F[1], atomHash(t.name));
  throw new TypeError(`make_hash: not a term: ${String(t)}`);
}

/** utils.c's `hash_binary_bytes`, then the byte size: leftover bits as one more byte and their count. */
function bitstring(t: Buffer | BitBinary, hash: number): number {
  const [bytes, bits] = Buffer.isBuffer(t) ? [t, 0] : t.bits === 8 ? [t.bytes, 0] : [t.bytes.subarray(0, t.bytes.length - 1), t.bits];
  for (const b of bytes) hash = step(hash, F[1], b);
  if (bits > 0) hash = step(step(hash, F[1], (t as BitBinary).bytes[bytes.length]! >> (8 - bits)), F[12], bits);
  return step(hash, F[4], bytes.length);
}
