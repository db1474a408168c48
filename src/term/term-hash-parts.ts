/**
 * The pieces of a term both of BEAM's term hashes (utils.c's `make_hash` for `erlang:phash/2`,
 * `make_hash2` for `erlang:phash2/1,2`) read the same way: an atom's own hash (atom.c), a float's
 * two words, an integer's magnitude in 32-bit words.
 */
import { Atom } from './types.js';

const atomHashes = new Map<Atom | boolean, number>();

/**
 * `atom_hash` of erts/emulator/beam/atom.c: hashpjw over the UTF-8 name, where a character
 * U+0080..U+00FF (two bytes, C2/C3 first) counts as its one Latin-1 byte, so atoms hash as they
 * did when names were Latin-1.
 */
export function atomHash(a: Atom | boolean): number {
  let h = atomHashes.get(a);
  if (h !== undefined) return h;
  const name = typeof a === 'boolean' ? Buffer.from(String(a)) : a.utf8;
  h = 0;
  for (let i = 0; i < name.length; i++) {
    let v = name[i]!;
    if (i + 1 < name.length && (v & 0xfe) === 0xc2 && (name[i + 1]! & 0xc0) === 0x80) v = ((v << 6) | (name[++i]! & 0x3f)) & 0xff;
    h = ((h << 4) + v) >>> 0;
    const g: number = h & 0xf0000000;
    if (g !== 0) h = (h ^ (g >>> 24) ^ g) >>> 0;
  }
  atomHashes.set(a, h);
  return h;
}

const view = new DataView(new ArrayBuffer(8));

/** A double's high and low 32-bit words; -0.0 as 0.0 (utils.c hashes "positive zero" for both). */
export function floatWords(x: number): [number, number] {
  view.setFloat64(0, x === 0 ? 0 : x);
  return [view.getUint32(0), view.getUint32(4)];
}

/** True for an integer 0..255, what utils.c's `is_byte` takes in a list's fast path. */
export function isByte(t: unknown): t is number {
  return typeof t === 'number' && Number.isInteger(t) && t >= 0 && t <= 255;
}

/** `|n|` in 32-bit words, least significant first; at least one word (zero is `[0]`). */
export function magnitudeWords(n: number | bigint): number[] {
  let m = typeof n === 'bigint' ? (n < 0n ? -n : n) : BigInt(Math.abs(n));
  const words: number[] = [];
  do {
    words.push(Number(m & 0xffffffffn));
    m >>= 32n;
  } while (m > 0n);
  return words;
}

/** A port's id as its low and high 32-bit words (ports have 64-bit ids since OTP 24). */
export function portWords(id: number | bigint): [number, number] {
  const n = BigInt(id);
  return [Number(n & 0xffffffffn), Number((n >> 32n) & 0xffffffffn)];
}
