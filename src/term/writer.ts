/**
 * The one byte writer for every wire format noderl emits: a grow-on-demand buffer with big-endian
 * integer writes. Encoders write into a reused scratch buffer and copy the result out once, so a
 * small term costs one pooled allocation. Large byte runs (binaries) are not copied into the
 * scratch buffer at all: the writer remembers where they go, and `take` copies each one once,
 * straight into the result.
 */
const INITIAL_SIZE = 64 * 1024;
/** A scratch buffer that grew past this is dropped after use rather than kept alive. */
const KEEP_LIMIT = 16 * 1024 * 1024;
/** Below this many bytes a JS loop copies faster than a native `set`/`copy` call (measured). */
const SMALL_COPY = 64;
/** The same for the final copy out, where the native call also has to set up a new view. */
const SMALL_TAKE = 256;
/**
 * Byte runs at least this long are deferred to `take` instead of copied into the scratch buffer
 * (measured on binary_1mib: two copies of 1 MiB plus a scratch buffer that grows to 2 MiB cost
 * more than 3x one copy).
 */
const DEFER_MIN = 4096;

/** A byte run that belongs at scratch offset `at` of the output. */
interface Deferred {
  at: number;
  bytes: Uint8Array;
}

export class ByteWriter {
  buf: Buffer;
  /** Bytes written into `buf`; deferred runs are not counted (see `length`). */
  pos = 0;
  private deferred: Deferred[] = [];
  private deferredLength = 0;

  constructor(size = INITIAL_SIZE) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    const b = this.buf, p = this.pos;
    b[p] = v >>> 8;
    b[p + 1] = v;
    this.pos = p + 2;
  }

  u32(v: number): void {
    this.ensure(4);
    const b = this.buf, p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  /** A tag byte followed by a 32-bit value: the most common shape in the term format. */
  tagU32(tag: number, v: number): void {
    this.ensure(5);
    const b = this.buf, p = this.pos;
    b[p] = tag;
    b[p + 1] = v >>> 24;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 8;
    b[p + 4] = v;
    this.pos = p + 5;
  }

  u64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64BE(v, this.pos);
    this.pos += 8;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** The length of the output so far, deferred runs included. */
  get length(): number {
    return this.pos + this.deferredLength;
  }

  /** Appends `src`. A long run is only referenced until `take`, so `src` must not change before then. */
  bytes(src: Uint8Array): void {
    const n = src.length;
    if (n >= DEFER_MIN) {
      this.deferred.push({ at: this.pos, bytes: src });
      this.deferredLength += n;
      return;
    }
    this.ensure(n);
    if (n < SMALL_COPY) {
      const b = this.buf, p = this.pos;
      for (let i = 0; i < n; i++) b[p + i] = src[i];
    } else {
      this.buf.set(src, this.pos);
    }
    this.pos += n;
  }

  /** The bytes written so far, copied into a buffer of their own. */
  take(): Buffer {
    const n = this.pos;
    if (this.deferred.length > 0) return this.takeWithDeferred();
    const out = Buffer.allocUnsafe(n);
    if (n < SMALL_TAKE) {
      const b = this.buf;
      for (let i = 0; i < n; i++) out[i] = b[i];
    } else {
      this.buf.copy(out, 0, 0, n);
    }
    return out;
  }

  private takeWithDeferred(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    let from = 0, to = 0;
    for (const { at, bytes } of this.deferred) {
      to += this.buf.copy(out, to, from, at);
      from = at;
      out.set(bytes, to);
      to += bytes.length;
    }
    this.buf.copy(out, to, from, this.pos);
    return out;
  }

  /** Empties the writer for reuse, dropping a buffer that grew very large. */
  reset(): void {
    this.pos = 0;
    if (this.deferred.length > 0) {
      this.deferred = [];
      this.deferredLength = 0;
    }
    if (this.buf.length > KEEP_LIMIT) this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
  }
}
