/**
 * The value codecs under the bit syntax (bits.ts): integers of any width in either byte order as
 * left-aligned bytes, IEEE floats of 16, 32 and 64 bits, and UTF-8/16/32 code points. Mirrors the
 * formatting of erts/emulator/beam/erl_bits.c (`fmt_int`, `erts_new_bs_put_float`,
 * `erts_bs_put_utf8/16`) and its readers (`erts_bs_get_integer_2`, `erts_bs_get_float_2`,
 * `erts_bs_get_utf8/16`), as OTP 25 behaves (checked in test/erlang/bits.test.js).
 *
 * "Left-aligned" bytes hold a segment of n bits from the most significant bit of the first byte;
 * the unused low bits of the last byte are zero.
 */
import { toHalf } from '../term/parse-bits.js';

/**
 * The low `n` bits of `value` (two's complement) as left-aligned bytes. Little-endian order puts
 * the low byte first and the leftover high bits (n mod 8 of them) last, as `fmt_int` does:
 * `<<16#ABC:12/little>>` is `<<16#BC, 16#A:4>>`.
 */
export function integerBytes(value: number | bigint, n: number, little: boolean): Buffer {
  const out = Buffer.alloc((n + 7) >>> 3);
  if (n === 0) return out;
  const r = n & 7;
  let v = BigInt.asUintN(n, typeof value === 'bigint' ? value : BigInt(value));
  if (!little) {
    if (r !== 0) v <<= BigInt(8 - r);
    for (let i = out.length - 1; i >= 0; i--, v >>= 8n) out[i] = Number(v & 255n);
    return out;
  }
  const whole = n >>> 3;
  for (let i = 0; i < whole; i++, v >>= 8n) out[i] = Number(v & 255n);
  if (r !== 0) out[whole] = Number(v) << (8 - r);
  return out;
}

/** The integer held in `n` left-aligned bits (the inverse of {@link integerBytes}). */
export function integerFromBytes(bytes: Buffer, n: number, little: boolean, signed: boolean): number | bigint {
  if (n === 0) return 0;
  const r = n & 7;
  let v = 0n;
  if (!little) {
    for (let i = 0; i < bytes.length; i++) v = (v << 8n) | BigInt(bytes[i]);
    if (r !== 0) v >>= BigInt(8 - r);
  } else {
    const whole = n >>> 3;
    if (r !== 0) v = BigInt(bytes[whole] >> (8 - r));
    for (let i = whole - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  }
  if (signed) v = BigInt.asIntN(n, v);
  return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** A double as IEEE binary16 bits, rounded to nearest even, overflowing to infinity as C's cast does (the term parser's). */
const halfBits = toHalf;

function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * `x` as a float segment of 16, 32 or 64 bits (big-endian bytes; reversed for little). A value
 * beyond the width's range becomes infinity, as OTP 25 writes it (`<<1.0e300:32/float>>`).
 */
export function floatBytes(x: number, n: 16 | 32 | 64, little: boolean): Buffer {
  const out = Buffer.alloc(n >>> 3);
  if (n === 64) out.writeDoubleBE(x);
  else if (n === 32) out.writeFloatBE(x);
  else out.writeUInt16BE(halfBits(x));
  return little ? out.reverse() : out;
}

/** The float in a 16, 32 or 64-bit segment, or undefined for infinity and NaN (BEAM matches neither). */
export function floatFromBytes(bytes: Buffer, n: 16 | 32 | 64, little: boolean): number | undefined {
  const b = little ? Buffer.from(bytes).reverse() : bytes;
  const x = n === 64 ? b.readDoubleBE(0) : n === 32 ? b.readFloatBE(0) : halfValue(b.readUInt16BE(0));
  return Number.isFinite(x) ? x : undefined;
}

/** True for a Unicode scalar value: what the utf segments accept (no surrogates, at most U+10FFFF). */
export function isScalarValue(c: number): boolean {
  return Number.isInteger(c) && c >= 0 && c <= 0x10ffff && (c < 0xd800 || c > 0xdfff);
}

/** The UTF-16 code units of `c`, as 2 or 4 big-endian bytes (each unit reversed for little). */
export function utf16Bytes(c: number, little: boolean): Buffer {
  const units = c < 0x10000 ? [c] : [0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff)];
  const out = Buffer.alloc(units.length * 2);
  units.forEach((u, i) => (little ? out.writeUInt16LE(u, i * 2) : out.writeUInt16BE(u, i * 2)));
  return out;
}

/**
 * The code point a UTF-8 sequence starting with byte `first` encodes, given `next(i)` for the i-th
 * continuation byte (undefined past the end): `[codePoint, byteCount]`, or undefined when the
 * sequence is not valid shortest-form UTF-8 of a scalar value (erl_bits.c's checks).
 */
export function decodeUtf8(first: number, next: (i: number) => number | undefined): [number, number] | undefined {
  let count: number;
  let c: number;
  if (first < 0x80) return [first, 1];
  if (first < 0xc0) return undefined;
  if (first < 0xe0) [count, c] = [2, first & 0x1f];
  else if (first < 0xf0) [count, c] = [3, first & 0x0f];
  else if (first < 0xf8) [count, c] = [4, first & 0x07];
  else return undefined;
  for (let i = 1; i < count; i++) {
    const b = next(i);
    if (b === undefined || (b & 0xc0) !== 0x80) return undefined;
    c = (c << 6) | (b & 0x3f);
  }
  const least = count === 2 ? 0x80 : count === 3 ? 0x800 : 0x10000;
  return c >= least && isScalarValue(c) ? [c, count] : undefined;
}
