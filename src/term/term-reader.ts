/**
 * The External Term Format reader: one pass over a Buffer, containers by recursion (fastest),
 * no intermediate arrays, binaries as views into the input unless `copyBinaries` is set. Every
 * length field is checked against the bytes that are left before anything is allocated.
 * `decode.ts` is the API over it; `deep-reader.ts` reads terms too deep for recursion.
 */
import { isUtf8 } from 'node:buffer';
import { DecodeError } from './errors.js';
import { Tag } from './tags.js';
import { Atom, BitBinary, ErlFloat, ErlFun, ExportFun, ImproperList, Pid, Port, Ref, Tuple, type Term } from './types.js';
import { encode } from './encode.js';

/** Options of `decode` and `decodeAt` (src/term/decode.ts). */
export interface DecodeOptions {
  /** Copy binary payloads out of the input instead of returning views into it (default false). */
  copyBinaries?: boolean;
  /**
   * Atoms of the distribution header's atom cache, indexed by ATOM_CACHE_REF (tag 82). Only the
   * distribution layer sets this; `binary_to_term` has no cache.
   */
  atomCache?: readonly (Atom | boolean)[];
}

const MAX_REF_WORDS = 5;

type BufferWithSlices = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

/**
 * The cursor over one input. Methods advance `pos`. Containers are read by recursion, which is
 * fastest; `DeepTermReader` (decode-deep.ts) reads them with an explicit stack instead.
 * @internal
 */
export class TermReader {
  protected readonly buf: BufferWithSlices;
  private readonly copy: boolean;
  private readonly atomCache: readonly (Atom | boolean)[] | undefined;
  /** ATOM_CACHE_REFs read so far: a fun that contains one cannot keep its bytes (see `funBody`). */
  private cacheRefsRead = 0;
  pos: number;

  constructor(buf: Buffer, offset: number, options?: DecodeOptions) {
    this.buf = buf as BufferWithSlices;
    this.pos = offset;
    this.copy = options?.copyBinaries === true;
    this.atomCache = options?.atomCache;
  }

  protected fail(message: string, tag?: number, at = this.pos): never {
    throw new DecodeError(message, at, tag);
  }

  /** Checks that `n` more bytes exist. */
  protected need(n: number, tag: number): void {
    if (this.pos + n > this.buf.length) this.fail(`truncated: needs ${n} bytes, ${this.buf.length - this.pos} left`, tag);
  }

  /** Checks a count read from the input against the bytes left, each item taking at least `minBytes`. */
  protected count(n: number, minBytes: number, tag: number): void {
    if (n * minBytes > this.buf.length - this.pos) this.fail(`length ${n} exceeds the ${this.buf.length - this.pos} bytes left`, tag);
  }

  protected u8(): number {
    return this.buf[this.pos++];
  }
  protected u16(): number {
    const b = this.buf, p = this.pos;
    this.pos = p + 2;
    return (b[p] << 8) | b[p + 1];
  }
  protected u32(): number {
    const b = this.buf, p = this.pos;
    this.pos = p + 4;
    return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  }

  term(): Term {
    if (this.pos >= this.buf.length) this.fail('truncated: a term was expected');
    const tag = this.buf[this.pos++];
    switch (tag) {
      case Tag.SMALL_INTEGER:
        this.need(1, tag);
        return this.u8();
      case Tag.INTEGER:
        this.need(4, tag);
        return this.u32() | 0;
      case Tag.SMALL_ATOM_UTF8:
      case Tag.ATOM_UTF8:
      case Tag.ATOM:
      case Tag.SMALL_ATOM:
      case Tag.ATOM_CACHE_REF:
        return this.atomBody(tag);
      case Tag.SMALL_TUPLE:
        this.need(1, tag);
        return this.tupleBody(this.u8(), tag);
      case Tag.LARGE_TUPLE:
        this.need(4, tag);
        return this.tupleBody(this.u32(), tag);
      case Tag.NIL:
        return [];
      case Tag.STRING:
        return this.stringBody();
      case Tag.LIST:
        return this.listBody();
      case Tag.BINARY:
        return this.binaryBody();
      case Tag.MAP:
        return this.mapBody();
      case Tag.NEW_FLOAT:
        return this.newFloatBody();
      case Tag.FLOAT:
        return this.oldFloatBody();
      case Tag.SMALL_BIG:
        this.need(1, tag);
        return this.bigBody(this.u8(), tag);
      case Tag.LARGE_BIG:
        this.need(4, tag);
        return this.bigBody(this.u32(), tag);
      case Tag.BIT_BINARY:
        return this.bitBinaryBody();
      case Tag.NEW_PID:
      case Tag.PID:
        return this.pidBody(tag);
      case Tag.NEWER_REFERENCE:
      case Tag.NEW_REFERENCE:
        return this.newRefBody(tag);
      case Tag.REFERENCE:
        return this.oldRefBody();
      case Tag.NEW_PORT:
      case Tag.PORT:
      case Tag.V4_PORT:
        return this.portBody(tag);
      case Tag.EXPORT:
        return this.exportBody();
      case Tag.NEW_FUN:
        return this.funBody();
      case Tag.COMPRESSED:
        return this.fail('a compressed term is only allowed at the top level', tag, this.pos - 1);
      default:
        return this.fail('unknown tag', tag, this.pos - 1);
    }
  }

  /** An atom, or `true`/`false` as booleans. */
  private atomBody(tag: number): Atom | boolean {
    const b = this.buf;
    let len: number;
    if (tag === Tag.ATOM_CACHE_REF) {
      this.need(1, tag);
      const index = this.u8();
      const cached = this.atomCache?.[index];
      if (cached === undefined) this.fail(`atom cache index ${index} is not in the header`, tag, this.pos - 1);
      this.cacheRefsRead += 1;
      return cached;
    }
    if (tag === Tag.SMALL_ATOM_UTF8 || tag === Tag.SMALL_ATOM) {
      this.need(1, tag);
      len = this.u8();
    } else {
      this.need(2, tag);
      len = this.u16();
    }
    this.need(len, tag);
    const start = this.pos;
    this.pos += len;
    const known = knownAsciiAtom(b, start, len);
    if (known !== undefined) return known;
    const latin1 = tag === Tag.ATOM || tag === Tag.SMALL_ATOM;
    const name = latin1 ? b.latin1Slice(start, this.pos) : b.utf8Slice(start, this.pos);
    // U+FFFD is where a decoder replaced bad bytes; only then is the full check worth its cost.
    if (!latin1 && name.includes('\ufffd') && !isUtf8(b.subarray(start, this.pos))) {
      this.fail('atom is not valid UTF-8', tag, start);
    }
    if (len > 255 && [...name].length > 255) this.fail('atom longer than 255 characters', tag, start);
    const value = name === 'true' ? true : name === 'false' ? false : Atom.of(name);
    rememberAsciiAtom(b, start, len, value);
    return value;
  }

  /** An atom where the format requires one (node names, modules). */
  private atomField(what: string, tag: number): Atom {
    const at = this.pos;
    const a = this.term();
    if (typeof a === 'boolean') return Atom.of(String(a));
    if (!(a instanceof Atom)) this.fail(`${what} must be an atom`, tag, at);
    return a;
  }

  private tupleBody(arity: number, tag: number): Tuple {
    const t = this.newTuple(arity, tag);
    for (let i = 0; i < arity; i++) t[i] = this.term();
    return t;
  }

  protected newTuple(arity: number, tag: number): Tuple {
    this.count(arity, 1, tag);
    return new Tuple(arity);
  }

  protected stringBody(): number[] {
    this.need(2, Tag.STRING);
    const len = this.u16();
    this.need(len, Tag.STRING);
    const b = this.buf, out = new Array<number>(len);
    for (let i = 0, p = this.pos; i < len; i++) out[i] = b[p + i];
    this.pos += len;
    return out;
  }

  /**
   * LIST_EXT. A tail that is itself a LIST_EXT continues the same list (OTP accepts such
   * non-canonical input), so it is read in this loop rather than by recursion, and a long chain
   * of them costs no stack.
   */
  private listBody(): Term {
    const b = this.buf;
    const out = new Array<Term>(this.listLength());
    this.readElements(out, 0, out.length);
    while (b[this.pos] === Tag.LIST) {
      this.pos++;
      const from = out.length, more = this.listLength();
      out.length = from + more;
      this.readElements(out, from, more);
    }
    if (b[this.pos] === Tag.NIL) {
      this.pos++;
      return out;
    }
    return this.withTail(out, this.term());
  }

  /** A list's elements joined with a tail that is not NIL. */
  protected withTail(out: Term[], tail: Term): Term {
    if (out.length === 0) return tail; // [ | T] is T, as binary_to_term reads it
    if (Array.isArray(tail) && !(tail instanceof Tuple)) return out.concat(tail); // a STRING_EXT tail
    return new ImproperList(out, tail);
  }

  protected listLength(): number {
    this.need(4, Tag.LIST);
    const len = this.u32();
    this.count(len, 1, Tag.LIST);
    return len;
  }

  private readElements(out: Term[], from: number, len: number): void {
    const b = this.buf, end = b.length;
    for (let i = from; i < from + len; i++) {
      // Fast path for integer elements (lists of numbers are common and have no nesting).
      const p = this.pos, tag = b[p];
      if (tag === Tag.SMALL_INTEGER && p + 1 < end) {
        out[i] = b[p + 1];
        this.pos = p + 2;
      } else if (tag === Tag.INTEGER && p + 4 < end) {
        out[i] = (b[p + 1] << 24) | (b[p + 2] << 16) | (b[p + 3] << 8) | b[p + 4];
        this.pos = p + 5;
      } else {
        out[i] = this.term();
      }
    }
  }

  private slice(len: number): Buffer {
    const start = this.pos;
    this.pos += len;
    if (!this.copy) return this.buf.subarray(start, this.pos);
    const out = Buffer.allocUnsafe(len);
    this.buf.copy(out, 0, start, this.pos);
    return out;
  }

  private binaryBody(): Buffer {
    this.need(4, Tag.BINARY);
    const len = this.u32();
    this.need(len, Tag.BINARY);
    return this.slice(len);
  }

  private bitBinaryBody(): Buffer | BitBinary {
    const tag = Tag.BIT_BINARY;
    this.need(5, tag);
    const len = this.u32();
    const bits = this.u8();
    this.need(len, tag);
    if (len === 0) {
      if (bits !== 0) this.fail(`${bits} bits used in the last byte of an empty bitstring`, tag);
      return Buffer.alloc(0);
    }
    if (bits < 1 || bits > 8) this.fail(`bits in last byte must be 1..8, got ${bits}`, tag);
    if (bits === 8) return this.slice(len);
    const mask = (0xff << (8 - bits)) & 0xff;
    if ((this.buf[this.pos + len - 1] & ~mask) === 0) return new BitBinary(this.slice(len), bits);
    // OTP ignores the unused low bits; clear them in a copy so equal bitstrings have equal bytes.
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    out[len - 1] &= mask;
    return new BitBinary(out, bits);
  }

  private mapBody(): Map<Term, Term> {
    const arity = this.mapArity();
    const m = new MapBuilder(arity);
    for (let i = 0; i < arity; i++) {
      const at = this.pos;
      const key = this.term();
      this.addEntry(m, key, this.term(), at);
    }
    return m.map;
  }

  protected mapArity(): number {
    this.need(4, Tag.MAP);
    const arity = this.u32();
    this.count(arity, 2, Tag.MAP);
    return arity;
  }

  /** Adds one entry, refusing a key already there, as binary_to_term does (badarg). */
  protected addEntry(m: MapBuilder, key: Term, value: Term, at: number): void {
    if (typeof key === 'object' && !(key instanceof Atom)) {
      // Buffers, tuples, lists… are distinct JS objects even when equal as terms. Their canonical
      // encoding finds twins in linear time (a pairwise `equals` made a map with many binary keys
      // quadratic).
      m.structuralKeys ??= new Set();
      const bytes = encode(key).toString('latin1', 1);
      if (m.structuralKeys.has(bytes)) this.fail('duplicate map key', Tag.MAP, at);
      m.structuralKeys.add(bytes);
    } else if (m.map.has(key)) {
      this.fail('duplicate map key', Tag.MAP, at);
    }
    m.map.set(key, value);
  }

  private newFloatBody(): number | ErlFloat {
    this.need(8, Tag.NEW_FLOAT);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return this.floatValue(v, Tag.NEW_FLOAT);
  }

  private oldFloatBody(): number | ErlFloat {
    this.need(31, Tag.FLOAT);
    // OTP reads up to the first NUL and wants digits, a point (or comma), digits, and an optional
    // exponent; anything else is badarg (checked against OTP 25's binary_to_term).
    const raw = this.buf.latin1Slice(this.pos, this.pos + 31);
    const nul = raw.indexOf('\0');
    const text = nul < 0 ? '' : raw.slice(0, nul);
    if (!/^[-+]?\d+[.,]\d+([eE][-+]?\d+)?$/.test(text)) this.fail(`bad float text ${JSON.stringify(raw.replace(/\0+$/, ''))}`, Tag.FLOAT);
    this.pos += 31;
    return this.floatValue(Number(text.replace(',', '.')), Tag.FLOAT);
  }

  private floatValue(v: number, tag: number): number | ErlFloat {
    if (!Number.isFinite(v)) this.fail('NaN and infinities are not Erlang floats', tag, this.pos - 8);
    return Number.isInteger(v) ? new ErlFloat(v) : v;
  }

  private bigBody(n: number, tag: number): number | bigint {
    this.need(n + 1, tag);
    // OTP treats any non-zero sign byte as negative.
    const negative = this.u8() !== 0;
    const b = this.buf, start = this.pos;
    this.pos += n;
    if (n <= 6) {
      // Up to 48 bits: exact in a double, no bigint needed.
      let v = 0;
      for (let i = n - 1; i >= 0; i--) v = v * 256 + b[start + i];
      return negative && v !== 0 ? -v : v;
    }
    const hex = Buffer.from(b.subarray(start, this.pos)).reverse().toString('hex');
    const big = BigInt('0x' + hex);
    const signed = negative ? -big : big;
    const small = Number(signed);
    return Number.isSafeInteger(small) ? small : signed;
  }

  private pidBody(tag: number): Pid {
    const node = this.atomField('pid node', tag);
    const wide = tag === Tag.NEW_PID;
    this.need(wide ? 12 : 9, tag);
    const id = this.u32(), serial = this.u32();
    return new Pid(node, id, serial, wide ? this.u32() : this.oldCreation(tag));
  }

  private newRefBody(tag: number): Ref {
    this.need(2, tag);
    const len = this.u16();
    if (len > MAX_REF_WORDS) this.fail(`reference with ${len} words (at most ${MAX_REF_WORDS})`, tag, this.pos - 2);
    const node = this.atomField('reference node', tag);
    const wide = tag === Tag.NEWER_REFERENCE;
    this.need((wide ? 4 : 1) + 4 * len, tag);
    const creation = wide ? this.u32() : this.oldCreation(tag);
    const ids = this.refWords(len);
    if (!wide) this.oldRefWord(ids[0], tag);
    return new Ref(node, ids, creation);
  }

  /**
   * A ref's words in an array of exactly their number: a local ref has 3 (OTP 25) or 4, and a
   * push onto `[]` would reserve room for 17, ~150 bytes of garbage per ref on every call's reply.
   */
  private refWords(len: number): number[] {
    if (len === 3) return [this.u32(), this.u32(), this.u32()];
    const ids = new Array<number>(len);
    for (let i = 0; i < len; i++) ids[i] = this.u32();
    return ids;
  }

  private oldRefBody(): Ref {
    const node = this.atomField('reference node', Tag.REFERENCE);
    this.need(5, Tag.REFERENCE);
    const id = this.oldRefWord(this.u32(), Tag.REFERENCE);
    return new Ref(node, [id], this.oldCreation(Tag.REFERENCE));
  }

  /** The 8-bit creation of the old pid, port and reference tags: OTP 25 accepts only 0..3 there. */
  private oldCreation(tag: number): number {
    const c = this.u8();
    if (c > 3) this.fail(`creation ${c} in an old-format identifier (0..3 allowed)`, tag, this.pos - 1);
    return c;
  }

  /** The first word of an old-format reference is 18 bits in OTP 25. */
  private oldRefWord(word: number, tag: number): number {
    if (word >= 1 << 18) this.fail(`first reference word ${word} exceeds 18 bits in an old-format reference`, tag);
    return word;
  }

  private portBody(tag: number): Port {
    const node = this.atomField('port node', tag);
    if (tag === Tag.V4_PORT) {
      this.need(12, tag);
      const big = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      const id = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      return new Port(node, id, this.u32());
    }
    const wide = tag === Tag.NEW_PORT;
    this.need(wide ? 8 : 5, tag);
    const id = this.u32();
    return new Port(node, id, wide ? this.u32() : this.oldCreation(tag));
  }

  private exportBody(): ExportFun {
    const tag = Tag.EXPORT;
    const module = this.atomField('fun module', tag);
    const fn = this.atomField('fun name', tag);
    const at = this.pos;
    const arity = this.term();
    if (typeof arity !== 'number' || !Number.isInteger(arity) || arity < 0) this.fail('fun arity must be a non-negative integer', tag, at);
    return new ExportFun(module, fn, arity);
  }

  private funBody(): ErlFun {
    const tag = Tag.NEW_FUN;
    const start = this.pos - 1;
    const refsBefore = this.cacheRefsRead;
    this.need(4 + 1 + 16 + 4 + 4, tag);
    this.pos += 4; // Size: OTP ignores it and reads the fields, so do we.
    const arity = this.u8();
    const uniq = Buffer.from(this.buf.subarray(this.pos, this.pos + 16));
    this.pos += 16;
    const index = this.u32();
    const numFree = this.u32();
    this.count(numFree, 1, tag);
    const module = this.atomField('fun module', tag);
    const oldIndex = this.intField('fun old index', tag);
    const oldUniq = this.intField('fun old uniq', tag);
    const at = this.pos;
    const pid = this.term();
    if (!(pid instanceof Pid)) this.fail('fun creator must be a pid', tag, at);
    const freeVars: Term[] = [];
    for (let i = 0; i < numFree; i++) freeVars.push(this.term());
    // Bytes holding ATOM_CACHE_REFs mean nothing outside the message they came in, so such a fun
    // (any fun a BEAM sends over a connection with the atom cache) is re-encoded from its fields.
    const bytes =
      this.cacheRefsRead === refsBefore
        ? Buffer.from(this.buf.subarray(start, this.pos))
        : encodeFunFields(arity, uniq, index, module, oldIndex, oldUniq, pid, freeVars);
    return new ErlFun(bytes, module, arity, index, uniq, oldIndex, oldUniq, pid, freeVars);
  }

  private intField(what: string, tag: number): number {
    const at = this.pos;
    const v = this.term();
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`${what} must be an integer`, tag, at);
    return v;
  }
}

/** NEW_FUN_EXT from a closure's fields, every atom written in full. */
/** A NEW_FUN_EXT from its fields (tag 112 included), for a fun whose bytes must be made. */
export function encodeFunFields(arity: number, uniq: Buffer, index: number, module: Atom, oldIndex: number, oldUniq: number, pid: Pid, freeVars: Term[]): Buffer {
  const tail = [module, oldIndex, oldUniq, pid, ...freeVars].map((t) => encode(t).subarray(1));
  const head = Buffer.alloc(1 + 4 + 1 + 16 + 4 + 4);
  let size = head.length - 1;
  for (const t of tail) size += t.length;
  head[0] = Tag.NEW_FUN;
  head.writeUInt32BE(size, 1); // Size counts itself and everything after it
  head[5] = arity;
  uniq.copy(head, 6);
  head.writeUInt32BE(index, 22);
  head.writeUInt32BE(freeVars.length, 26);
  return Buffer.concat([head, ...tail]);
}

/** A map being decoded, with the canonical forms of its non-primitive keys. @internal */
export class MapBuilder {
  readonly map = new Map<Term, Term>();
  structuralKeys: Set<string> | undefined;
  constructor(readonly arity: number) {}
}

/*
 * A direct-mapped cache from an atom's bytes to its value. Messages repeat the same few atoms, and
 * finding one here costs a hash and a byte compare instead of a string allocation and a table
 * lookup (measured: about a third of small_tuple's decode time). Only ASCII names are cached, so
 * the Latin-1 and UTF-8 atom tags share entries.
 */
const ATOM_SLOTS = 2048;
const MAX_CACHED_LEN = 64;
const slotBytes: (Buffer | undefined)[] = new Array(ATOM_SLOTS).fill(undefined);
const slotValues: (Atom | boolean)[] = new Array(ATOM_SLOTS).fill(false);

function atomSlot(b: Buffer, start: number, len: number): number {
  let h = len;
  for (let i = 0; i < len; i++) h = (Math.imul(h, 31) + b[start + i]) | 0;
  return (h ^ (h >>> 11)) & (ATOM_SLOTS - 1);
}

function knownAsciiAtom(b: Buffer, start: number, len: number): Atom | boolean | undefined {
  if (len > MAX_CACHED_LEN) return undefined;
  const slot = atomSlot(b, start, len);
  const bytes = slotBytes[slot];
  if (bytes === undefined || bytes.length !== len) return undefined;
  for (let i = 0; i < len; i++) if (bytes[i] !== b[start + i]) return undefined;
  return slotValues[slot];
}

function rememberAsciiAtom(b: Buffer, start: number, len: number, value: Atom | boolean): void {
  if (len > MAX_CACHED_LEN) return;
  for (let i = 0; i < len; i++) if (b[start + i] > 127) return;
  const slot = atomSlot(b, start, len);
  slotBytes[slot] = Buffer.from(b.subarray(start, start + len));
  slotValues[slot] = value;
}
