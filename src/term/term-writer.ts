/**
 * `TermWriter`: writes terms into its own `ByteWriter` buffer, containers by recursion (fastest).
 * `encode.ts` is the API over it; `deep-writer.ts` writes terms too deep for recursion.
 */
import { Tag } from './tags.js';
import { Atom, BitBinary, ErlFloat, ErlFun, ExportFun, ImproperList, Pid, Port, Ref, Tuple, type TermInput } from './types.js';
import { ByteWriter, SLACK } from './writer.js';

/** A binary this short fits, with its 5-byte header, in the room every term has (SLACK). */
const SHORT_BINARY = SLACK - 5;

/** Thrown for a value with no Erlang form; `encode` turns it into an `EncodeError` with the path. @internal */
export class Unencodable extends Error {}

/**
 * A `ByteWriter` that writes terms straight into its own buffer: one object, no indirection on
 * the hot path. The distribution's writers hold one rather than extend it (see `ByteWriter`).
 */
export class TermWriter extends ByteWriter {
  /** Write Latin-1 atoms as ATOM_EXT (minor version 1) instead of UTF-8. */
  latin1Atoms = false;

  term(t: TermInput): void {
    this.pos = this.termAt(t, this.pos);
  }

  /**
   * Writes `t` at `pos` and returns the position after it. The hot path: the position lives in
   * locals and return values rather than in the `pos` field, and room is checked once per term
   * (`SLACK` covers every fixed-size write). The functions on it are kept small, with the rarer
   * cases in functions of their own, so that V8 inlines them into one another (measured: past
   * its inlining budget, a call each costs more than any test saved).
   */
  termAt(t: TermInput, pos: number): number {
    if (pos > this.cap) pos = this.grow(pos, 0);
    if (typeof t === 'object' && t !== null) return this.writeObject(t, pos);
    if (typeof t === 'number') return this.writeNumber(t, pos);
    return this.writeOther(t, pos);
  }

  /**
   * `termAt` for an element of a tuple or list, with numbers (the commonest) dispatched here.
   * (Atoms are not: telling them apart here would walk the prototype chain of every binary and
   * map once more; `writeObject` tests cheaper things first.)
   */
  private writeElement(x: TermInput, pos: number): number {
    if (typeof x === 'number') {
      if (pos > this.cap) pos = this.grow(pos, 0);
      if ((x & 255) !== x) return this.writeNumber(x, pos);
      this.view.setUint16(pos, (Tag.SMALL_INTEGER << 8) | x);
      return pos + 2;
    }
    return this.termAt(x, pos);
  }

  private writeObject(t: object, pos: number): number {
    // Array.isArray and ArrayBuffer.isView test the object's type, where instanceof walks its
    // prototype chain (measured: the walk from a Buffer to see it is no Atom cost a fifth of
    // encoding a small tuple), so they go first. Tuple is an Array subclass.
    if (Array.isArray(t)) return t instanceof Tuple ? this.writeTuple(t, pos) : this.writeList(t, pos);
    if (ArrayBuffer.isView(t)) return this.writeView(t, pos);
    if (t instanceof Atom) return this.writeAtom(t, pos);
    return this.writeOtherObject(t, pos);
  }

  private writeOtherObject(t: object, pos: number): number {
    // Pids first: every control message of the distribution holds one or two.
    if (t instanceof Pid) return this.writePid(t, pos);
    if (t instanceof Map) return this.writeMap(t, pos);
    if (t instanceof ErlFloat) return this.writeFloat(t.value, pos);
    if (t instanceof Ref) return this.writeRef(t, pos);
    this.pos = pos;
    this.rareObject(t);
    return this.pos;
  }

  /** The object terms that are rare in messages, written through the `pos` field. */
  private rareObject(t: object): void {
    if (t instanceof ImproperList) return this.improperList(t);
    if (t instanceof BitBinary) return this.bitBinary(t);
    if (t instanceof Port) return this.port(t);
    if (t instanceof ExportFun) return this.exportFun(t);
    if (t instanceof ErlFun) return this.bytes(t.bytes);
    const proto = Object.getPrototypeOf(t);
    if (proto === Object.prototype || proto === null) return this.record(t as Record<string, TermInput>);
    throw new Unencodable(`a ${proto?.constructor?.name ?? 'object'} has no Erlang form`);
  }

  /** The terms that are neither objects nor numbers. */
  private writeOther(t: TermInput, pos: number): number {
    if (typeof t === 'string') return this.writeString(t, pos);
    if (typeof t === 'boolean') return this.writeAtom(t ? TRUE : FALSE, pos);
    if (t === undefined || t === null) return this.writeAtom(UNDEFINED, pos);
    if (typeof t === 'bigint') {
      this.pos = pos;
      this.bigint(t);
      return this.pos;
    }
    throw new Unencodable(`a ${typeof t} has no Erlang form`);
  }

  atom(a: Atom): void {
    this.ensure(0);
    this.pos = this.writeAtom(a, this.pos);
  }

  /** An atom at `pos`, which has `SLACK` bytes of room. */
  private writeAtom(a: Atom, pos: number): number {
    const n = a.etfUtf8.length;
    if (n > 8 || this.latin1Atoms) return this.writeLongAtom(a, pos);
    const v = this.view;
    v.setInt32(pos, a.etfWord0);
    v.setInt32(pos + 4, a.etfWord1);
    return pos + n;
  }

  /** `writeAtom` for an atom of more than 8 bytes, or in Latin-1 where it can be. */
  private writeLongAtom(a: Atom, pos: number): number {
    if (this.latin1Atoms && a.etfLatin1 !== null) return this.put(a.etfLatin1, pos);
    const n = a.etfUtf8.length;
    // The words run up to 3 bytes past the atom: SLACK covers them.
    if (pos + n > this.cap) pos = this.grow(pos, n);
    const words = a.etfWords, v = this.view;
    for (let i = 0; i < words.length; i++) v.setInt32(pos + 4 * i, words[i]!);
    return pos + n;
  }

  private writeNumber(n: number, pos: number): number {
    if ((n | 0) !== n) return this.writeOtherNumber(n, pos);
    if ((n & 255) === n) {
      this.view.setUint16(pos, (Tag.SMALL_INTEGER << 8) | n);
      return pos + 2;
    }
    this.buf[pos] = Tag.INTEGER;
    this.view.setInt32(pos + 1, n);
    return pos + 5;
  }

  /** A float, or an integer past 32 bits. */
  private writeOtherNumber(n: number, pos: number): number {
    if (!Number.isInteger(n)) return this.writeFloat(n, pos);
    if (!Number.isSafeInteger(n)) {
      this.pos = pos;
      this.bigint(BigInt(n));
      return this.pos;
    }
    // At most 7 digit bytes; a double holds it exactly, so no bigint is needed.
    const b = this.buf;
    let m = Math.abs(n), digits = 0;
    b[pos] = Tag.SMALL_BIG;
    b[pos + 2] = n < 0 ? 1 : 0;
    while (m > 0) {
      b[pos + 3 + digits++] = m % 256;
      m = Math.floor(m / 256);
    }
    b[pos + 1] = digits;
    return pos + 3 + digits;
  }

  private writeFloat(v: number, pos: number): number {
    if (!Number.isFinite(v)) throw new Unencodable(`${v} is not an Erlang float`);
    this.buf[pos] = Tag.NEW_FLOAT;
    this.view.setFloat64(pos + 1, v);
    return pos + 9;
  }

  /** A JS string is a UTF-8 binary (Elixir's convention). */
  private writeString(s: string, pos: number): number {
    // Room for the longest UTF-8 the string can have; near the end of the room, for its exact length.
    if (pos + 5 + s.length * 3 > this.cap) {
      const exact = 5 + Buffer.byteLength(s);
      if (pos + exact > this.cap) pos = this.grow(pos, exact);
    }
    const len = this.buf.write(s, pos + 5, 'utf8');
    this.buf[pos] = Tag.BINARY;
    this.view.setUint32(pos + 1, len);
    return pos + 5 + len;
  }

  /** A typed array or DataView: a binary when it is bytes. */
  private writeView(t: ArrayBufferView, pos: number): number {
    if (!(t instanceof Uint8Array)) return noErlangForm(t);
    const n = t.length;
    this.buf[pos] = Tag.BINARY;
    this.view.setUint32(pos + 1, n);
    if (n > SHORT_BINARY) return this.put(t, pos + 5);
    // Within the SLACK bytes that follow a room check: no check, no call.
    const b = this.buf;
    for (let i = 0; i < n; i++) b[pos + 5 + i] = t[i]!;
    return pos + 5 + n;
  }

  private writeTuple(t: Tuple, pos: number): number {
    const n = t.length;
    if (n <= 255) {
      this.view.setUint16(pos, (Tag.SMALL_TUPLE << 8) | n);
      pos += 2;
    } else {
      this.buf[pos] = Tag.LARGE_TUPLE;
      this.view.setUint32(pos + 1, n);
      pos += 5;
    }
    for (let i = 0; i < n; i++) pos = this.writeElement(t[i], pos);
    return pos;
  }

  private writeList(a: TermInput[], pos: number): number {
    const n = a.length;
    if (n === 0) {
      this.buf[pos] = Tag.NIL;
      return pos + 1;
    }
    if (n < 65536 && typeof a[0] === 'number') {
      if (pos + 3 + n > this.cap) pos = this.grow(pos, 3 + n);
      if (this.copyByteList(a, pos + 3)) {
        this.buf[pos] = Tag.STRING;
        this.view.setUint16(pos + 1, n);
        return pos + 3 + n;
      }
    }
    return this.writeProperList(a, pos);
  }

  /** LIST_EXT: the elements, then NIL. */
  private writeProperList(a: TermInput[], pos: number): number {
    const n = a.length;
    this.buf[pos] = Tag.LIST;
    this.view.setUint32(pos + 1, n);
    pos += 5;
    for (let i = 0; i < n; i++) {
      const x = a[i];
      // Lists of numbers are common: the 32-bit integer case is written here, without a call.
      if (typeof x === 'number' && (x | 0) === x) {
        if (pos > this.cap) pos = this.grow(pos, 0);
        if ((x & 255) === x) {
          this.view.setUint16(pos, (Tag.SMALL_INTEGER << 8) | x);
          pos += 2;
        } else {
          this.buf[pos] = Tag.INTEGER;
          this.view.setInt32(pos + 1, x);
          pos += 5;
        }
      } else {
        pos = this.writeElement(x, pos);
      }
    }
    if (pos > this.cap) pos = this.grow(pos, 0);
    this.buf[pos] = Tag.NIL;
    return pos + 1;
  }

  /**
   * Copies the list's elements to `pos` as bytes, as STRING_EXT holds them, while checking that
   * they are bytes (one pass, not a check and then a copy); false at the first that is not.
   */
  private copyByteList(a: TermInput[], pos: number): boolean {
    const b = this.buf;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x !== 'number' || (x & 255) !== x) return false;
      b[pos + i] = x;
    }
    return true;
  }

  private writeMap(m: Map<TermInput, TermInput>, pos: number): number {
    this.buf[pos] = Tag.MAP;
    this.view.setUint32(pos + 1, m.size);
    pos += 5;
    // Two iterators side by side rather than `for (const [k, v] of m)`, whose entry arrays V8
    // allocated (measured: 15% of writing map10).
    const keys = m.keys(), values = m.values();
    for (let i = m.size; i > 0; i--) {
      pos = this.writeElement(keys.next().value as TermInput, pos);
      pos = this.termAt(values.next().value as TermInput, pos);
    }
    return pos;
  }

  /** An integer through the `pos` field. */
  private integer(n: number): void {
    this.ensure(0);
    this.pos = this.writeNumber(n, this.pos);
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

  private bitBinary(b: BitBinary): void {
    const w = this, n = b.bytes.length;
    w.tagU32(Tag.BIT_BINARY, n);
    w.u8(b.bits);
    w.bytes(b.bytes.subarray(0, n - 1));
    // OTP zeroes the unused low bits of the last byte; do the same so equal terms give equal bytes.
    w.u8(b.bytes[n - 1] & (0xff << (8 - b.bits)));
  }

  private improperList(l: ImproperList): void {
    if (l.elements.length === 0) return this.term(l.tail);
    this.tagU32(Tag.LIST, l.elements.length);
    for (const e of l.elements) this.term(e);
    this.term(l.tail);
  }

  /** A plain object is a map with atom keys. */
  private record(o: Record<string, TermInput>): void {
    const keys = Object.keys(o);
    this.tagU32(Tag.MAP, keys.length);
    for (const k of keys) {
      this.atom(Atom.of(k));
      this.term(o[k]);
    }
  }

  /** NEW_PID_EXT at `pos`, which has `SLACK` bytes of room. */
  private writePid(p: Pid, pos: number): number {
    if (!(isU32(p.id) && isU32(p.serial) && isU32(p.creation))) throw new Unencodable('a Pid needs 32-bit unsigned id, serial and creation');
    this.buf[pos] = Tag.NEW_PID;
    pos = this.writeAtom(p.node, pos + 1);
    if (pos > this.cap) pos = this.grow(pos, 0);
    const v = this.view;
    v.setUint32(pos, p.id);
    v.setUint32(pos + 4, p.serial);
    v.setUint32(pos + 8, p.creation);
    return pos + 12;
  }

  /** NEWER_REFERENCE_EXT at `pos`, which has `SLACK` bytes of room. */
  private writeRef(r: Ref, pos: number): number {
    const ids = r.ids, n = ids.length;
    let valid = n <= 5 && isU32(r.creation);
    for (let i = 0; valid && i < n; i++) valid = isU32(ids[i]!);
    if (!valid) throw new Unencodable('a Ref needs at most 5 32-bit unsigned ids and a 32-bit creation');
    this.buf[pos] = Tag.NEWER_REFERENCE;
    this.view.setUint16(pos + 1, n);
    pos = this.writeAtom(r.node, pos + 3);
    if (pos > this.cap) pos = this.grow(pos, 0);
    const v = this.view;
    v.setUint32(pos, r.creation);
    for (let i = 0; i < n; i++) v.setUint32(pos + 4 + 4 * i, ids[i]!);
    return pos + 4 + 4 * n;
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

/** Throws for an object of a class with no Erlang form. */
function noErlangForm(t: object): never {
  throw new Unencodable(`a ${t.constructor?.name ?? 'object'} has no Erlang form`);
}

function isU32(n: number): boolean {
  return n >>> 0 === n;
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

