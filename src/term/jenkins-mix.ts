/**
 * Bob Jenkins' 32-bit mixing, as erts/emulator/beam/utils.c uses it for `make_hash2`
 * (`erlang:phash2`): the `MIX(a, b, c)` macro and `block_hash` (lookup2 over bytes). All
 * arithmetic is modulo 2^32, so the results are BEAM's bit for bit.
 */

/** The golden ratio: utils.c's `HCONST`, the seed of `block_hash` and the base of `HCONST_n`. */
export const HCONST = 0x9e3779b9;

/** `HCONST * n mod 2^32`: utils.c's `HCONST_n`. */
export const hconst = (n: number): number => Math.imul(HCONST, n) >>> 0;

/** The state MIX works on: a, b and c. */
const abc = new Int32Array(3);

/** `MIX(a, b, c)` on {@link abc}, in place. */
function mixState(): void {
  let [a, b, c] = abc as unknown as [number, number, number];
  a = (a - b - c) ^ (c >>> 13);
  b = (b - c - a) ^ (a << 8);
  c = (c - a - b) ^ (b >>> 13);
  a = (a - b - c) ^ (c >>> 12);
  b = (b - c - a) ^ (a << 16);
  c = (c - a - b) ^ (b >>> 5);
  a = (a - b - c) ^ (c >>> 3);
  b = (b - c - a) ^ (a << 10);
  c = (c - a - b) ^ (b >>> 15);
  abc[0] = a;
  abc[1] = b;
  abc[2] = c;
}

/** `UINT32_HASH_2(x, y, k)`: mixes the words `x` and `y` (offset by `k`) into `hash`; the new hash. */
export function mix2(hash: number, x: number, y: number, k: number): number {
  abc[0] = k + x;
  abc[1] = k + y;
  abc[2] = hash;
  mixState();
  return abc[2]! >>> 0;
}

/** `UINT32_HASH(x, k)`: {@link mix2} with a zero second word. */
export const mix1 = (hash: number, x: number, k: number): number => mix2(hash, x, 0, k);

/** `block_hash(k, length, initval)`: the bytes as little-endian words, 12 a round, the length in c. */
export function blockHash(k: Uint8Array, initval: number): number {
  const length = k.length;
  const word = (at: number): number => k[at]! | (k[at + 1]! << 8) | (k[at + 2]! << 16) | (k[at + 3]! << 24);
  abc[0] = HCONST;
  abc[1] = HCONST;
  abc[2] = initval;
  let i = 0;
  for (; length - i >= 12; i += 12) {
    abc[0] += word(i);
    abc[1] += word(i + 4);
    abc[2] += word(i + 8);
    mixState();
  }
  abc[2] += length;
  // The tail: bytes 8..10 go to c above its low byte (reserved for the length), 4..7 to b, 0..3 to a.
  for (let j = length - i - 1; j >= 0; j--) {
    const byte = k[i + j]!;
    if (j >= 8) abc[2] += byte << (8 * (j - 7));
    else if (j >= 4) abc[1] += byte << (8 * (j - 4));
    else abc[0] += byte << (8 * j);
  }
  mixState();
  return abc[2]! >>> 0;
}
