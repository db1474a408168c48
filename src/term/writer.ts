/**
 * The one byte writer for every wire format noderl emits: a grow-on-demand buffer with big-endian
 * integer writes. Encoders write into a reused scratch buffer and copy the result out once, so a
 * small term costs one pooled allocation.
 */
const INITIAL_SIZE = 64 * 1024;
/** A scratch buffer that grew past this is dropped after use rather than kept alive. */
const KEEP_LIMIT = 16 * 1024 * 1024;
/** Below this many bytes a JS loop copies faster than a native `set`/`copy` call (measured). */
const SMALL_COPY = 64;
/** The same for the final copy out, where the native call also has to set up a new view. */
const SMALL_TAKE = 256;

export class ByteWriter {
  buf: Buffer;
  pos = 0;

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

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  bytes(src: Uint8Array): void {
    const n = src.length;
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
    const out = Buffer.allocUnsafe(n);
    if (n < SMALL_TAKE) {
      const b = this.buf;
      for (let i = 0; i < n; i++) out[i] = b[i];
    } else {
      this.buf.copy(out, 0, 0, n);
    }
    return out;
  }

  /** Empties the writer for reuse, dropping a buffer that grew very large. */
  reset(): void {
    this.pos = 0;
    if (this.buf.length > KEEP_LIMIT) this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
  }
}
