/**
 * The encodings of OTP 25's unicode.erl beyond erl_unicode.c's fast path: reading a binary in
 * UTF-8, UTF-16 or UTF-32 (either endianness) or Latin-1 into code points (`i_trans`, and
 * `i_trans_chk` for a Latin-1 result), with how far a cut-short sequence is from complete
 * (`cbv/2`), and writing code points out (`o_trans`).
 */
import { atom, isTuple, type Term } from '../term/types.js';
import { utf8Char, utf8Length } from './unicode-chardata.js';
import { textOf } from './chardata.js';

/** An encoding as unicode.erl names them, normalised. */
export type Encoding = 'latin1' | 'utf8' | 'utf16be' | 'utf16le' | 'utf32be' | 'utf32le';

/** Thrown where unicode.erl would crash (a function_clause, a badarg inside): the caller raises badarg. */
export class Crash extends Error {}

/** The encoding `t` names, or undefined. */
export function encodingOf(t: Term): Encoding | undefined {
  if (t === atom('latin1')) return 'latin1';
  if (t === atom('unicode') || t === atom('utf8')) return 'utf8';
  if (t === atom('utf16')) return 'utf16be';
  if (t === atom('utf32')) return 'utf32be';
  if (isTuple(t) && t.length === 2 && (t[0] === atom('utf16') || t[0] === atom('utf32')) && (t[1] === atom('big') || t[1] === atom('little'))) {
    return `${(t[0] as { name: string }).name}${t[1] === atom('big') ? 'be' : 'le'}` as Encoding;
  }
  return undefined;
}

/** One character decoded at `b[i..]`: its code point and byte length, or undefined. */
function decodeAt(enc: Encoding, b: Buffer, i: number): [number, number] | undefined {
  const left = b.length - i;
  switch (enc) {
    case 'latin1':
      return [b[i]!, 1];
    case 'utf8': {
      const n = utf8Length(b[i]!);
      if (n === 0 || n > left) return undefined;
      const cp = utf8Char(b, i, n);
      return cp < 0 ? undefined : [cp, n];
    }
    case 'utf16be':
    case 'utf16le': {
      if (left < 2) return undefined;
      const unit = (at: number): number => (enc === 'utf16be' ? b.readUInt16BE(at) : b.readUInt16LE(at));
      const u = unit(i);
      if (u < 0xd800 || u > 0xdfff) return [u, 2];
      if (u > 0xdbff || left < 4) return undefined;
      const low = unit(i + 2);
      return low >= 0xdc00 && low <= 0xdfff ? [0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00), 4] : undefined;
    }
    default: {
      if (left < 4) return undefined;
      const cp = enc === 'utf32be' ? b.readUInt32BE(i) : b.readUInt32LE(i);
      return cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? undefined : [cp, 4];
    }
  }
}

/** `cbv/2`: how many bytes complete the cut-short sequence `b`, or false when it cannot be one. */
function bytesMissing(enc: Encoding, b: Buffer): number | false {
  const [x, y, z] = [b[0]!, b[1]!, b[2]!];
  const n = b.length;
  if (enc !== 'utf8' && n > 3) return false; // a whole unit that did not decode
  switch (enc) {
    case 'utf8': {
      const len = utf8Length(x);
      if (len < 2 || n >= len) return false;
      return b.subarray(1).every((c) => (c & 0xc0) === 0x80) ? len - n : false;
    }
    case 'utf16be':
      if (n === 1) return x <= 215 || x >= 224 ? 1 : x >> 2 === 54 ? 3 : false;
      if (n === 2) return x >> 2 === 54 ? 2 : false;
      return n === 3 && x >> 2 === 54 && z >> 2 === 55 ? 1 : false;
    case 'utf16le':
      if (n === 1) return 1;
      if (n === 2) return y >> 2 === 54 ? 2 : false;
      return n === 3 && y >> 2 === 54 ? 1 : false;
    case 'utf32be':
      if (x !== 0) return false;
      if (n === 1) return 3;
      if (y > 16) return false;
      return n === 2 ? 2 : y > 0 || z <= 215 || z >= 224 ? 1 : false;
    case 'utf32le':
      if (n === 1) return 3;
      if (n === 2) return 2;
      if ((x === 254 || x === 255) && y === 255 && z === 0) return false;
      return z <= 16 && (z > 0 || y <= 215 || y >= 224) ? 1 : false;
    default:
      return false;
  }
}

/** What reading one binary gave: all of it, or where it stopped (`missing` bytes short, for incomplete). */
export type Decoded =
  | { kind: 'ok'; cps: number[] }
  | { kind: 'error'; cps: number[]; rest: Buffer }
  | { kind: 'incomplete'; cps: number[]; rest: Buffer; missing: number };

/**
 * `i_trans(Enc)` (`i_trans_chk(Enc)` with `latin1Only`: a character past 255 stops it as an
 * error). As unicode.erl's UTF-32 `_chk` readers, a cut-short end after a character crashes.
 */
export function decodeBinary(enc: Encoding, b: Buffer, latin1Only: boolean): Decoded {
  const cps: number[] = [];
  let i = 0;
  for (; i < b.length; ) {
    const one = decodeAt(enc, b, i);
    if (!one) break;
    if (latin1Only && one[0] > 255) return { kind: 'error', cps, rest: Buffer.from(b.subarray(i)) };
    cps.push(one[0]);
    i += one[1];
  }
  if (i === b.length) return { kind: 'ok', cps };
  const rest = Buffer.from(b.subarray(i));
  const missing = bytesMissing(enc, rest);
  if (missing === false) return { kind: 'error', cps, rest };
  if (latin1Only && i > 0 && (enc === 'utf32be' || enc === 'utf32le')) throw new Crash('case_clause');
  return { kind: 'incomplete', cps, rest, missing };
}

/** `o_trans(Enc)` of one code point: its bytes, or undefined where `<<C/utf8>>` and the like fail. */
export function encodeChar(enc: Encoding, c: number): Buffer | undefined {
  if (enc === 'latin1') return c >= 0 && c <= 255 ? Buffer.from([c]) : undefined;
  if (c < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return undefined;
  if (enc === 'utf8') return Buffer.from(String.fromCodePoint(c), 'utf8');
  if (enc === 'utf32be' || enc === 'utf32le') {
    const out = Buffer.alloc(4);
    if (enc === 'utf32be') out.writeUInt32BE(c);
    else out.writeUInt32LE(c);
    return out;
  }
  const units = c < 0x10000 ? [c] : [0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff)];
  const out = Buffer.alloc(units.length * 2);
  units.forEach((u, k) => (enc === 'utf16be' ? out.writeUInt16BE(u, 2 * k) : out.writeUInt16LE(u, 2 * k)));
  return out;
}

/** `o_trans(Enc)` of code points known to be valid. */
export function encodeChars(enc: Encoding, cps: readonly number[]): Buffer {
  if (enc === 'utf8') return Buffer.from(textOf(cps), 'utf8');
  return Buffer.concat(cps.map((c) => encodeChar(enc, c)!));
}
