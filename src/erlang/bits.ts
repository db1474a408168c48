/**
 * The bit syntax for the evaluator: building `<<V:Size/TypeSpecifiers, ...>>` and matching it
 * segment by segment. Mirrors OTP 25's stdlib eval_bits.erl (what erl_eval does with a binary
 * expression or pattern) over the segment formats of erts/emulator/beam/erl_bits.c (the codecs
 * are in bit-codecs.ts). Construction errors are `badarg`, as eval_bits raises them; the caller
 * (the evaluator) puts its own stack on them. A failed match is `undefined`, never an error.
 */
import { Atom, BitBinary, ErlFloat, isList, isTuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { ErlangError } from '../process/exceptions.js';
import {
  decodeUtf8,
  floatBytes,
  floatFromBytes,
  integerBytes,
  integerFromBytes,
  isScalarValue,
  utf16Bytes,
} from './bit-codecs.js';
import { bigToDouble } from '../modules/numbers.js';

/** One segment's type specifiers, defaults filled in. */
export interface SegmentSpec {
  type: 'integer' | 'float' | 'binary' | 'bitstring' | 'utf8' | 'utf16' | 'utf32';
  signed: boolean;
  /** `native` is `little` here: noderl runs on little-endian machines (x86, ARM), as erl does there. */
  endian: 'big' | 'little' | 'native';
  /** Bits per size unit: the type's default (1, or 8 for binary) unless `unit:N` was given. */
  unit: number;
}

const TYPES: Record<string, SegmentSpec['type']> = {
  integer: 'integer', float: 'float', binary: 'binary', bytes: 'binary', bitstring: 'bitstring', bits: 'bitstring',
  utf8: 'utf8', utf16: 'utf16', utf32: 'utf32',
};

/**
 * The spec of an abstract-format type specifier list: the atom `default`, or a list of atoms
 * (`binary`, `signed`, `little`, ...) and `{unit, N}` tuples. Throws a `TypeError` for anything
 * else (erl_lint refuses such code before it runs).
 */
export function segmentSpec(tsl: Term): SegmentSpec {
  const spec: SegmentSpec = { type: 'integer', signed: false, endian: 'big', unit: 0 };
  const items = tsl instanceof Atom && tsl.name === 'default' ? [] : tsl;
  if (!isList(items)) throw new TypeError('a bit syntax type specifier list must be default or a list');
  for (const t of items) {
    if (isTuple(t) && t.length === 2 && t[0] instanceof Atom && t[0].name === 'unit' && typeof t[1] === 'number') spec.unit = t[1];
    else if (!(t instanceof Atom)) throw new TypeError('bad bit syntax type specifier');
    else if (Object.hasOwn(TYPES, t.name)) spec.type = TYPES[t.name];
    else if (t.name === 'signed' || t.name === 'unsigned') spec.signed = t.name === 'signed';
    else if (t.name === 'big' || t.name === 'little' || t.name === 'native') spec.endian = t.name;
    else throw new TypeError(`unknown bit syntax type specifier ${t.name}`);
  }
  if (spec.unit === 0) spec.unit = spec.type === 'binary' ? 8 : 1;
  return spec;
}

function isLittle(spec: SegmentSpec): boolean {
  return spec.endian !== 'big'; // native: see SegmentSpec.endian
}

/** A growing buffer written bit by bit; whole bytes are copied directly. */
class BitWriter {
  private buf = Buffer.alloc(64);
  private length = 0; // in bits

  /** Appends `n` bits held left-aligned in `src`. */
  append(src: Buffer, n: number): void {
    const end = this.length + n;
    if ((end + 7) >>> 3 > this.buf.length) {
      const grown = Buffer.alloc(Math.max(this.buf.length * 2, (end + 7) >>> 3));
      this.buf.copy(grown);
      this.buf = grown;
    }
    const off = this.length & 7;
    const at = this.length >>> 3;
    const bytes = (n + 7) >>> 3;
    if (off === 0) src.copy(this.buf, at, 0, bytes);
    else {
      for (let i = 0; i < bytes; i++) {
        this.buf[at + i] |= src[i] >> off;
        if (at + i + 1 < this.buf.length) this.buf[at + i + 1] = (src[i] << (8 - off)) & 255;
      }
    }
    this.length = end;
    // Keep every bit past the end zero (src may hold more bits than n), as the next append ORs.
    if (end & 7) this.buf[end >>> 3] &= (0xff << (8 - (end & 7))) & 255;
    this.buf.fill(0, (end + 7) >>> 3, Math.min(at + bytes + 1, this.buf.length));
  }

  result(): Buffer | BitBinary {
    const bytes = Buffer.from(this.buf.subarray(0, (this.length + 7) >>> 3));
    return this.length & 7 ? new BitBinary(bytes, this.length & 7) : bytes;
  }
}

/** The bytes (left-aligned) and bit length of a bitstring term, or undefined for another term. */
export function bitsOf(t: Term): [Buffer, number] | undefined {
  if (Buffer.isBuffer(t)) return [t, t.length * 8];
  if (t instanceof BitBinary) return [t.bytes, t.bitLength];
  return undefined;
}

/** A bit count from a size term: a non-negative integer times the unit; undefined when invalid. */
function sizeInBits(size: Term, unit: number): number | undefined {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) return undefined;
  const n = size * unit;
  return Number.isSafeInteger(n) ? n : undefined;
}

function badarg(): ErlangError {
  return new ErlangError(BADARG, []);
}

/** One segment's bits (left-aligned bytes, bit count), or undefined for badarg. */
function segmentBits(value: Term, size: Term | undefined, spec: SegmentSpec): [Buffer, number] | undefined {
  const little = isLittle(spec);
  switch (spec.type) {
    case 'integer': {
      const n = size === undefined ? 8 : sizeInBits(size, spec.unit);
      if (n === undefined || !(typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))) return undefined;
      return [integerBytes(value, n, little), n];
    }
    case 'float': {
      const n = size === undefined ? 64 : sizeInBits(size, spec.unit);
      const x = value instanceof ErlFloat ? value.value : typeof value === 'number' ? value : typeof value === 'bigint' ? bigToDouble(value) : undefined;
      if (x === undefined || !Number.isFinite(x) || (n !== 16 && n !== 32 && n !== 64)) return undefined;
      return [floatBytes(x, n, little), n];
    }
    case 'binary':
    case 'bitstring': {
      const bits = bitsOf(value);
      if (!bits) return undefined;
      if (size === undefined || (size instanceof Atom && size.name === 'all')) {
        return bits[1] % spec.unit === 0 ? bits : undefined;
      }
      const n = sizeInBits(size, spec.unit);
      return n === undefined || n > bits[1] ? undefined : [bits[0], n];
    }
    default:
      return utfBits(value, spec.type, little);
  }
}

function utfBits(value: Term, type: 'utf8' | 'utf16' | 'utf32', little: boolean): [Buffer, number] | undefined {
  if (typeof value !== 'number' || !isScalarValue(value)) return undefined;
  const bytes =
    type === 'utf8' ? Buffer.from(String.fromCodePoint(value), 'utf8') : type === 'utf16' ? utf16Bytes(value, little) : integerBytes(value, 32, little);
  return [bytes, bytes.length * 8];
}

/**
 * `<<Segments>>`: each segment's value, its size term (undefined when none was written: 8 for
 * integer, 64 for float, the whole value for binary and bitstring; the atom `all` also means the
 * whole value) and spec. Throws `ErlangError(badarg)` as eval_bits does: a value of the wrong type,
 * a bad size, a binary shorter than its size or not a multiple of its unit, a float width other
 * than 16, 32 or 64, a utf segment of something that is not a scalar value.
 */
export function buildBits(segments: { value: Term; size: Term | undefined; spec: SegmentSpec }[]): Buffer | BitBinary {
  const out = new BitWriter();
  for (const { value, size, spec } of segments) {
    const bits = segmentBits(value, size, spec);
    if (!bits) throw badarg();
    out.append(bits[0], bits[1]);
  }
  return out.result();
}

/** The bits `[from, from + n)` of `bytes` as left-aligned bytes (a copy when not byte-aligned). */
function slice(bytes: Buffer, from: number, n: number): Buffer {
  const at = from >>> 3;
  const off = from & 7;
  const len = (n + 7) >>> 3;
  if (off === 0) {
    if ((n & 7) === 0) return bytes.subarray(at, at + len);
    const out = Buffer.from(bytes.subarray(at, at + len));
    out[len - 1] &= (0xff << (8 - (n & 7))) & 255;
    return out;
  }
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) {
    const hi = bytes[at + i] << off;
    const lo = at + i + 1 < bytes.length ? bytes[at + i + 1] >> (8 - off) : 0;
    out[i] = (hi | lo) & 255;
  }
  if (n & 7) out[len - 1] &= (0xff << (8 - (n & 7))) & 255;
  return out;
}

/** `n` left-aligned bits as a bitstring term: a Buffer when whole bytes, else a BitBinary. */
function bitstringTerm(bytes: Buffer, n: number): Buffer | BitBinary {
  return n & 7 ? new BitBinary(Buffer.from(bytes), n & 7) : bytes;
}

/**
 * Reads a bitstring segment by segment, as a binary pattern matches: each {@link read} takes the
 * next segment or answers undefined (no match), and the pattern matches when every segment read
 * and {@link done} is true.
 */
export class BitReader {
  private readonly bytes: Buffer;
  private readonly length: number;
  private pos = 0;

  constructor(bits: Buffer | BitBinary) {
    [this.bytes, this.length] = bitsOf(bits)!;
  }

  /**
   * The next segment of type `spec`, `size` units long (undefined: the type's default, 8 for
   * integer, 64 for float, the rest for binary and bitstring, whose bit count must then be a
   * multiple of the unit). Undefined when the bits do not match; nothing is consumed then.
   */
  read(spec: SegmentSpec, size: number | undefined): Term | undefined {
    const left = this.length - this.pos;
    switch (spec.type) {
      case 'integer': {
        const n = size === undefined ? 8 : sizeInBits(size, spec.unit);
        if (n === undefined || n > left) return undefined;
        if (n === 8 && (this.pos & 7) === 0 && !spec.signed) return this.bytes[(this.pos += 8) / 8 - 1]; // the common <<B, ...>>
        return integerFromBytes(this.take(n), n, isLittle(spec), spec.signed);
      }
      case 'float': {
        const n = size === undefined ? 64 : sizeInBits(size, spec.unit);
        if ((n !== 16 && n !== 32 && n !== 64) || n > left) return undefined;
        const x = floatFromBytes(slice(this.bytes, this.pos, n), n, isLittle(spec));
        if (x === undefined) return undefined;
        this.pos += n;
        return Number.isInteger(x) ? new ErlFloat(x) : x;
      }
      case 'binary':
      case 'bitstring': {
        const n = size === undefined ? (left % spec.unit === 0 ? left : undefined) : sizeInBits(size, spec.unit);
        if (n === undefined || n > left) return undefined;
        return bitstringTerm(this.take(n), n);
      }
      default:
        return this.readUtf(spec);
    }
  }

  /** True when every bit has been read. */
  get done(): boolean {
    return this.pos === this.length;
  }

  /** The bits not read yet. */
  rest(): Buffer | BitBinary {
    const n = this.length - this.pos;
    return bitstringTerm(slice(this.bytes, this.pos, n), n);
  }

  private take(n: number): Buffer {
    const out = slice(this.bytes, this.pos, n);
    this.pos += n;
    return out;
  }

  private byteAt(i: number): number | undefined {
    const from = this.pos + i * 8;
    return from + 8 <= this.length ? slice(this.bytes, from, 8)[0] : undefined;
  }

  private readUtf(spec: SegmentSpec): number | undefined {
    const little = isLittle(spec);
    if (spec.type === 'utf8') {
      const first = this.byteAt(0);
      const decoded = first === undefined ? undefined : decodeUtf8(first, (i) => this.byteAt(i));
      if (!decoded) return undefined;
      this.pos += decoded[1] * 8;
      return decoded[0];
    }
    if (spec.type === 'utf32') {
      if (this.length - this.pos < 32) return undefined;
      const c = integerFromBytes(slice(this.bytes, this.pos, 32), 32, little, false) as number;
      if (!isScalarValue(c)) return undefined;
      this.pos += 32;
      return c;
    }
    const unit = (k: number): number | undefined =>
      this.pos + 16 * (k + 1) <= this.length ? (integerFromBytes(slice(this.bytes, this.pos + 16 * k, 16), 16, little, false) as number) : undefined;
    const u = unit(0);
    if (u === undefined || (u >= 0xdc00 && u <= 0xdfff)) return undefined;
    if (u < 0xd800 || u > 0xdbff) {
      this.pos += 16;
      return u;
    }
    const v = unit(1);
    if (v === undefined || v < 0xdc00 || v > 0xdfff) return undefined;
    this.pos += 32;
    return 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00);
  }
}
