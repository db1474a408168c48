/**
 * The bit syntax of `parse`: `<<Value:Size/Type-Specifiers, ...>>` with literal values, built the
 * way eval_bits:expr_grp/4 builds it when erl_parse:parse_term/1 normalises a binary (OTP 25).
 */
import { endianness } from 'node:os';
import type { Position } from './lexer.js';
import { BitBinary, ErlFloat, type Term } from './types.js';

/** A segment's value as written: a number, a string literal, or a term (a nested binary, a template value). */
export type SegmentValue =
  | { kind: 'integer'; value: number | bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: number[] }
  | { kind: 'term'; value: Term };

/** One `Value:Size/Specifiers` segment, as the parser read it. */
export interface Segment {
  value: SegmentValue;
  size?: number;
  /** Type specifiers: `integer`, `little`, `signed`, `unit:8` (as `unit:8`)... */
  specifiers: string[];
  at: Position;
}

type SegmentType = 'integer' | 'float' | 'binary' | 'bitstring' | 'utf8' | 'utf16' | 'utf32';

interface Spec {
  type: SegmentType;
  little: boolean;
  unit?: number;
}

/** Reports a bad segment where it was written. */
export type Fail = (message: string, at: Position) => never;

/** OTP keeps no such limit; this one stops `<<0:99999999999>>` from exhausting memory. */
const MAX_INTEGER_BITS = 1 << 24;

const TYPE_ALIASES: { [name: string]: SegmentType } = {
  integer: 'integer',
  float: 'float',
  binary: 'binary',
  bytes: 'binary',
  bitstring: 'bitstring',
  bits: 'bitstring',
  utf8: 'utf8',
  utf16: 'utf16',
  utf32: 'utf32',
};

/** The bitstring the segments make: a `Buffer` when it is whole bytes, else a `BitBinary`. */
export function buildBitstring(segments: readonly Segment[], fail: Fail): Buffer | BitBinary {
  const w = new BitWriter();
  for (const seg of segments) {
    const spec = readSpec(seg, fail);
    if (seg.value.kind === 'string') {
      // A string literal is one segment per character, each with the given size and type.
      for (const c of seg.value.value) writeSegment(w, { kind: 'integer', value: c }, seg, spec, fail);
    } else {
      writeSegment(w, seg.value, seg, spec, fail);
    }
  }
  return w.result();
}

function readSpec(seg: Segment, fail: Fail): Spec {
  let type: SegmentType | undefined;
  let endian: string | undefined;
  let unit: number | undefined;
  for (const s of seg.specifiers) {
    const alias = TYPE_ALIASES[s];
    if (alias !== undefined) {
      if (type !== undefined && type !== alias) fail(`conflicting types ${type} and ${s}`, seg.at);
      type = alias;
    } else if (s === 'big' || s === 'little' || s === 'native') {
      endian = s;
    } else if (s.startsWith('unit:')) {
      unit = Number(s.slice(5));
      if (!(unit >= 1 && unit <= 256)) fail(`unit must be 1..256, got ${s.slice(5)}`, seg.at);
    } else if (s !== 'signed' && s !== 'unsigned') {
      fail(`unknown type specifier ${s}`, seg.at);
    }
  }
  type ??= 'integer';
  if (type.startsWith('utf') && (seg.size !== undefined || unit !== undefined)) fail(`a ${type} segment takes no size or unit`, seg.at);
  if ((type === 'integer' || type === 'float') && unit !== undefined && seg.size === undefined) {
    fail('a unit needs an explicit size', seg.at);
  }
  const little = endian === 'little' || (endian === 'native' && endianness() === 'LE');
  return { type, little, unit };
}

/** A template value used as a segment value: a number or a bitstring. */
function classify(v: SegmentValue): SegmentValue {
  if (v.kind !== 'term') return v;
  const t = v.value;
  if (typeof t === 'bigint' || (typeof t === 'number' && Number.isInteger(t))) return { kind: 'integer', value: t };
  if (typeof t === 'number') return { kind: 'float', value: t };
  if (t instanceof ErlFloat) return { kind: 'float', value: t.value };
  return v;
}

function writeSegment(w: BitWriter, raw: SegmentValue, seg: Segment, spec: Spec, fail: Fail): void {
  const v = classify(raw);
  switch (spec.type) {
    case 'integer': {
      if (v.kind !== 'integer') fail('an integer segment needs an integer value', seg.at);
      const bits = (seg.size ?? 8) * (spec.unit ?? 1);
      if (bits > MAX_INTEGER_BITS) fail(`an integer segment of ${bits} bits is too large`, seg.at);
      return writeInteger(w, v.value, bits, spec.little);
    }
    case 'float': {
      if (v.kind !== 'integer' && v.kind !== 'float') fail('a float segment needs a number', seg.at);
      const bits = (seg.size ?? 64) * (spec.unit ?? 1);
      return writeFloat(w, Number(v.value), bits, spec.little, (m) => fail(m, seg.at));
    }
    case 'binary':
    case 'bitstring':
      return writeBits(w, v, seg, spec, fail);
    default:
      if (v.kind !== 'integer') fail(`a ${spec.type} segment needs an integer value`, seg.at);
      return writeUtf(w, Number(v.value), spec, (m) => fail(m, seg.at));
  }
}

/** The low `bits` bits of `v` (two's complement), big-endian; little-endian puts whole bytes low first and the top bits last (erts `erts_new_bs_put_integer`). */
function writeInteger(w: BitWriter, v: number | bigint, bits: number, little: boolean): void {
  if (bits === 0) return;
  // Fast path, no BigInt: one byte or a big-endian word, the common segments (and every string char).
  if (typeof v === 'number' && bits <= 32 && (!little || bits <= 8)) return w.word(v, bits);
  const masked = BigInt.asUintN(bits, BigInt(v));
  if (!little || bits <= 8) return w.append(bigEndianBits(masked, bits), bits);
  const whole = bits >> 3;
  const rest = bits & 7;
  w.append(bigEndianBits(BigInt.asUintN(whole * 8, masked), whole * 8).reverse(), whole * 8);
  if (rest !== 0) w.append(bigEndianBits(masked >> BigInt(whole * 8), rest), rest);
}

/** `bits` bits of `v`, most significant first, high-aligned in the last byte. */
function bigEndianBits(v: bigint, bits: number): Uint8Array {
  const nbytes = (bits + 7) >> 3;
  const aligned = v << BigInt(nbytes * 8 - bits);
  return Buffer.from(aligned.toString(16).padStart(nbytes * 2, '0'), 'hex');
}

function writeFloat(w: BitWriter, f: number, bits: number, little: boolean, fail: (m: string) => never): void {
  if (!Number.isFinite(f)) fail(`${f} is no Erlang float`);
  const b = Buffer.alloc(bits >> 3);
  if (bits === 64) {
    if (little) b.writeDoubleLE(f);
    else b.writeDoubleBE(f);
  } else if (bits === 32) {
    // Too large becomes infinity, as OTP 25 writes it.
    if (little) b.writeFloatLE(f);
    else b.writeFloatBE(f);
  } else if (bits === 16) {
    const h = toHalf(f);
    if (little) b.writeUInt16LE(h);
    else b.writeUInt16BE(h);
  } else {
    fail(`a float segment is 16, 32 or 64 bits, not ${bits}`);
  }
  w.append(b, bits);
}

/**
 * IEEE 754 binary16 bits of `f`, rounded to nearest even straight from the double (no detour
 * through float32, which could round twice). Too large becomes infinity, as OTP 25 does.
 */
/** The IEEE half-precision bits of `f`, rounded half to even (overflow is infinity, as OTP 25 writes it). Shared with the evaluator's bit syntax. */
export function toHalf(f: number): number {
  const sign = f < 0 || Object.is(f, -0) ? 0x8000 : 0;
  const x = Math.abs(f);
  if (Number.isNaN(x)) return 0x7e00;
  if (x >= 65520) return sign | 0x7c00; // 65520 is halfway from the largest half, 65504, to 2^16
  if (x < 2 ** -14) return sign | roundHalfEven(x * 2 ** 24); // subnormal: units of 2^-24
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const e = ((view.getUint32(0) >>> 20) & 0x7ff) - 1023;
  let m = roundHalfEven((x / 2 ** e - 1) * 1024);
  let biased = e + 15;
  if (m === 1024) {
    m = 0;
    biased++;
  }
  return biased >= 31 ? sign | 0x7c00 : sign | (biased << 10) | m;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest !== 0.5) return rest < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

function writeBits(w: BitWriter, v: SegmentValue, seg: Segment, spec: Spec, fail: Fail): void {
  const t = v.kind === 'term' ? v.value : undefined;
  let bytes: Uint8Array;
  let available: number;
  if (typeof t === 'string') {
    bytes = Buffer.from(t, 'utf8');
    available = bytes.length * 8;
  } else if (t instanceof Uint8Array) {
    bytes = t;
    available = t.length * 8;
  } else if (t instanceof BitBinary) {
    bytes = t.bytes;
    available = t.bitLength;
  } else {
    return fail(`a ${spec.type} segment needs a bitstring value`, seg.at);
  }
  const unit = spec.unit ?? (spec.type === 'binary' ? 8 : 1);
  const bits = seg.size === undefined ? available : seg.size * unit;
  if (bits > available) fail(`the value has ${available} bits, the segment wants ${bits}`, seg.at);
  if (bits % unit !== 0) fail(`the value's ${bits} bits are not a multiple of the unit ${unit}`, seg.at);
  w.append(bytes, bits);
}

function writeUtf(w: BitWriter, c: number, spec: Spec, fail: (m: string) => never): void {
  if (!(c >= 0 && c <= 0x10ffff) || (c >= 0xd800 && c <= 0xdfff)) fail(`${c} is not a Unicode code point`);
  if (spec.type === 'utf8') {
    const b = Buffer.from(String.fromCodePoint(c), 'utf8');
    return w.append(b, b.length * 8);
  }
  if (spec.type === 'utf32') return writeInteger(w, c, 32, spec.little);
  const s = String.fromCodePoint(c);
  for (let i = 0; i < s.length; i++) writeInteger(w, s.charCodeAt(i), 16, spec.little);
}

/** Appends bit runs at any bit offset. */
class BitWriter {
  private buf = Buffer.alloc(16);
  private bitLength = 0;

  /** The low `bits` (1..32) bits of the integer `v`, two's complement, most significant first. */
  word(v: number, bits: number): void {
    const m = 2 ** bits;
    const u = ((v % m) + m) % m;
    if ((this.bitLength & 7) === 0 && bits === 8) {
      this.reserve((this.bitLength >> 3) + 1);
      this.buf[this.bitLength >> 3] = u;
      this.bitLength += 8;
      return;
    }
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(u * 2 ** (32 - bits)); // high-aligned
    this.append(bytes, bits);
  }

  /** The first `bits` bits of `src` (the last byte's bits high-aligned). */
  append(src: Uint8Array, bits: number): void {
    if (bits === 0) return;
    const nbytes = (bits + 7) >> 3;
    this.reserve(((this.bitLength + bits) >> 3) + 2);
    const shift = this.bitLength & 7;
    const at = this.bitLength >> 3;
    const lastMask = (0xff << (nbytes * 8 - bits)) & 0xff;
    for (let i = 0; i < nbytes; i++) {
      const b = i === nbytes - 1 ? src[i] & lastMask : src[i];
      if (shift === 0) {
        this.buf[at + i] = b;
      } else {
        this.buf[at + i] |= b >> shift;
        this.buf[at + i + 1] = (b << (8 - shift)) & 0xff;
      }
    }
    this.bitLength += bits;
  }

  private reserve(bytes: number): void {
    if (bytes <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(bytes, this.buf.length * 2));
    this.buf.copy(grown);
    this.buf = grown;
  }

  result(): Buffer | BitBinary {
    const nbytes = (this.bitLength + 7) >> 3;
    const bytes = Buffer.from(this.buf.subarray(0, nbytes));
    const rest = this.bitLength & 7;
    return rest === 0 ? bytes : new BitBinary(bytes, rest);
  }
}
