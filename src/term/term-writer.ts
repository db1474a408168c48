/**
 * `TermWriter`: writes terms into its own `ByteWriter` buffer, containers by recursion (fastest).
 * `encode.ts` is the API over it; `deep-writer.ts` writes terms too deep for recursion.
 */
import { Tag } from './tags.js';
import { Atom, BitBinary, ErlFloat, ErlFun, ExportFun, ImproperList, Pid, Port, Ref, Tuple, type TermInput } from './types.js';
import { ByteWriter } from './writer.js';

/** Thrown for a value with no Erlang form; `encode` turns it into an `EncodeError` with the path. @internal */
export class Unencodable extends Error {}

/**
 * A `ByteWriter` that writes terms. The distribution layer will subclass it to send atoms as
 * atom-cache references (override `atom`). Terms are written straight into the writer's own
 * buffer: one object, no indirection on the hot path.
 */
export class TermWriter extends ByteWriter {
  /** Write Latin-1 atoms as ATOM_EXT (minor version 1) instead of UTF-8. */
  latin1Atoms = false;

  term(t: TermInput): void {
    switch (typeof t) {
      case 'number':
        return Number.isInteger(t) ? this.integer(t) : this.float(t);
      case 'string':
        return this.string(t);
      case 'boolean':
        return this.atom(t ? TRUE : FALSE);
      case 'bigint':
        return this.bigint(t);
      case 'undefined':
        return this.atom(UNDEFINED);
      case 'object':
        return this.object(t);
      default:
        throw new Unencodable(`a ${typeof t} has no Erlang form`);
    }
  }

  private object(t: object | null): void {
    if (t === null) return this.atom(UNDEFINED);
    // Tuple is an Array subclass, so it is told apart here.
    if (Array.isArray(t)) return t instanceof Tuple ? this.tuple(t) : this.list(t);
    if (t instanceof Atom) return this.atom(t);
    if (t instanceof Uint8Array) return this.binary(t);
    if (t instanceof Map) return this.map(t);
    if (t instanceof ErlFloat) return this.float(t.value);
    if (t instanceof Pid) return this.pid(t);
    if (t instanceof Ref) return this.ref(t);
    if (t instanceof ImproperList) return this.improperList(t);
    if (t instanceof BitBinary) return this.bitBinary(t);
    if (t instanceof Port) return this.port(t);
    if (t instanceof ExportFun) return this.exportFun(t);
    if (t instanceof ErlFun) return this.bytes(t.bytes);
    const proto = Object.getPrototypeOf(t);
    if (proto === Object.prototype || proto === null) return this.record(t as Record<string, TermInput>);
    throw new Unencodable(`a ${proto?.constructor?.name ?? 'object'} has no Erlang form`);
  }

  atom(a: Atom): void {
    this.bytes(this.latin1Atoms && a.etfLatin1 !== null ? a.etfLatin1 : a.etfUtf8);
  }

  private integer(n: number): void {
    const w = this;
    if (n >= 0 && n <= 255) {
      w.ensure(2);
      w.buf[w.pos++] = Tag.SMALL_INTEGER;
      w.buf[w.pos++] = n;
    } else if (n >= -2147483648 && n <= 2147483647) {
      w.tagU32(Tag.INTEGER, n);
    } else if (Number.isSafeInteger(n)) {
      // At most 7 digit bytes; a double holds it exactly, so no bigint is needed.
      let m = Math.abs(n), digits = 0;
      w.ensure(10);
      const b = w.buf, start = w.pos;
      b[start] = Tag.SMALL_BIG;
      b[start + 2] = n < 0 ? 1 : 0;
      while (m > 0) {
        b[start + 3 + digits++] = m % 256;
        m = Math.floor(m / 256);
      }
      b[start + 1] = digits;
      w.pos = start + 3 + digits;
    } else {
      this.bigint(BigInt(n));
    }
  }

  private bigint(n: bigint): void {
    if (n >= -2147483648n && n <= 2147483647n) return this.integer(Number(n));
    const negative = n < 0n;
    let hex = (negative ? -n : n).toString(16);
    if (hex.length & 1) hex = '0' + hex;
    const digits = Buffer.from(hex, 'hex').reverse();
    const w = this;
    if (digits.length <= 255) {
      w.u8(Tag.SMALL_BIG);
      w.u8(digits.length);
    } else {
      w.tagU32(Tag.LARGE_BIG, digits.length);
    }
    w.u8(negative ? 1 : 0);
    w.bytes(digits);
  }

  private float(v: number): void {
    if (!Number.isFinite(v)) throw new Unencodable(`${v} is not an Erlang float`);
    this.u8(Tag.NEW_FLOAT);
    this.f64(v);
  }

  /** A JS string is a UTF-8 binary (Elixir's convention). */
  private string(s: string): void {
    const w = this;
    w.ensure(5 + s.length * 3);
    const len = w.buf.write(s, w.pos + 5, 'utf8');
    w.tagU32(Tag.BINARY, len);
    w.pos += len;
  }

  private binary(b: Uint8Array): void {
    this.tagU32(Tag.BINARY, b.length);
    this.bytes(b);
  }

  private bitBinary(b: BitBinary): void {
    const w = this, n = b.bytes.length;
    w.tagU32(Tag.BIT_BINARY, n);
    w.u8(b.bits);
    w.bytes(b.bytes.subarray(0, n - 1));
    // OTP zeroes the unused low bits of the last byte; do the same so equal terms give equal bytes.
    w.u8(b.bytes[n - 1] & (0xff << (8 - b.bits)));
  }

  private list(a: TermInput[]): void {
    const n = a.length;
    if (n === 0) return this.u8(Tag.NIL);
    if (n < 65536 && isByteList(a)) {
      const w = this;
      w.ensure(3 + n);
      w.buf[w.pos++] = Tag.STRING;
      w.u16(n);
      for (let i = 0; i < n; i++) w.buf[w.pos++] = a[i] as number;
      return;
    }
    const w = this;
    w.tagU32(Tag.LIST, n);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      // Inline the 32-bit integer case: lists of numbers are common and this skips two calls.
      if (typeof x === 'number' && (x | 0) === x) {
        if (x >= 0 && x <= 255) {
          w.ensure(2);
          w.buf[w.pos] = Tag.SMALL_INTEGER;
          w.buf[w.pos + 1] = x;
          w.pos += 2;
        } else {
          w.tagU32(Tag.INTEGER, x);
        }
      } else {
        this.term(x);
      }
    }
    w.u8(Tag.NIL);
  }

  private improperList(l: ImproperList): void {
    if (l.elements.length === 0) return this.term(l.tail);
    this.tagU32(Tag.LIST, l.elements.length);
    for (const e of l.elements) this.term(e);
    this.term(l.tail);
  }

  private tuple(t: Tuple): void {
    const n = t.length;
    if (n <= 255) {
      this.u8(Tag.SMALL_TUPLE);
      this.u8(n);
    } else {
      this.tagU32(Tag.LARGE_TUPLE, n);
    }
    for (let i = 0; i < n; i++) this.term(t[i]);
  }

  private map(m: Map<TermInput, TermInput>): void {
    this.tagU32(Tag.MAP, m.size);
    // forEach, not for-of: the iterator allocates an [key, value] array per entry.
    m.forEach(this.mapEntry);
  }

  private readonly mapEntry = (v: TermInput, k: TermInput): void => {
    this.term(k);
    this.term(v);
  };

  /** A plain object is a map with atom keys. */
  private record(o: Record<string, TermInput>): void {
    const keys = Object.keys(o);
    this.tagU32(Tag.MAP, keys.length);
    for (const k of keys) {
      this.atom(Atom.of(k));
      this.term(o[k]);
    }
  }

  private pid(p: Pid): void {
    if (!(isU32(p.id) && isU32(p.serial) && isU32(p.creation))) throw new Unencodable('a Pid needs 32-bit unsigned id, serial and creation');
    this.u8(Tag.NEW_PID);
    this.atom(p.node);
    this.u32(p.id);
    this.u32(p.serial);
    this.u32(p.creation);
  }

  private ref(r: Ref): void {
    if (r.ids.length > 5 || !r.ids.every(isU32) || !isU32(r.creation)) {
      throw new Unencodable('a Ref needs at most 5 32-bit unsigned ids and a 32-bit creation');
    }
    this.u8(Tag.NEWER_REFERENCE);
    this.u16(r.ids.length);
    this.atom(r.node);
    this.u32(r.creation);
    for (const id of r.ids) this.u32(id);
  }

  private port(p: Port): void {
    const validId = typeof p.id === 'bigint' ? p.id >= 0n && p.id < 1n << 64n : Number.isSafeInteger(p.id) && p.id >= 0;
    if (!validId || !isU32(p.creation)) throw new Unencodable('a Port needs a 64-bit unsigned id and a 32-bit creation');
    // OTP 25 writes NEW_PORT_EXT only for ids below 2^28 (its port-number width) and V4_PORT_EXT above.
    const wide = typeof p.id === 'bigint' || p.id > 0x0fffffff;
    this.u8(wide ? Tag.V4_PORT : Tag.NEW_PORT);
    this.atom(p.node);
    if (wide) {
      this.ensure(8);
      this.buf.writeBigUInt64BE(BigInt(p.id), this.pos);
      this.pos += 8;
    } else {
      this.u32(p.id as number);
    }
    this.u32(p.creation);
  }

  private exportFun(f: ExportFun): void {
    if (!(Number.isInteger(f.arity) && f.arity >= 0 && f.arity <= 0xffffffff)) throw new Unencodable('an ExportFun arity must be a non-negative integer');
    this.u8(Tag.EXPORT);
    this.atom(f.module);
    this.atom(f.name);
    this.integer(f.arity);
  }
}

function isU32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

/** An array that OTP would write as STRING_EXT: integers 0..255. @internal */
export function isByteList(a: TermInput[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number' || (x & 255) !== x) return false;
  }
  return true;
}

const TRUE = Atom.of('true');
const FALSE = Atom.of('false');
const UNDEFINED = Atom.of('undefined');

