/**
 * The one byte writer for every wire format noderl emits: a grow-on-demand buffer with big-endian
 * integer writes. Large byte runs (binaries) are not copied into the buffer at all: the writer
 * remembers where they go, and `take` copies each one once, straight into the result.
 *
 * Hot paths (the term writer) keep the position in a local and check for room once per term:
 * the buffer always has {@link SLACK} bytes past `cap`, so a write of up to that many bytes at a
 * position at most `cap` needs no check of its own. Multi-byte values go through a `DataView`,
 * one big-endian store each instead of a store per byte (measured: a quarter of the encoder's time
 * on nested terms was byte stores).
 */
import { markAsUntransferable } from 'node:worker_threads';

const INITIAL_SIZE = 64 * 1024;
/** Room past `cap` that every buffer keeps, so short writes after one check need no other. */
export const SLACK = 32;
/**
 * Byte runs at least this long are deferred to `take` instead of copied into the buffer
 * (measured on binary_1mib: two copies of 1 MiB plus a buffer that grows to 2 MiB cost more than
 * 3x one copy), or given to `overflow`.
 */
export const DEFER_MIN = 4096;
/** A buffer that grew past this is dropped after use rather than kept alive. */
const KEEP_LIMIT = 16 * 1024 * 1024;
/** Below this many bytes a JS loop copies faster than a native `set`/`copy` call (measured). */
const SMALL_COPY = 64;
/** The same for the final copy out, where the native call also has to set up a new view. */
const SMALL_TAKE = 256;
/**
 * `takeShared` hands out at most this many bytes as a view; a longer output is copied out, and
 * the block it was written in is written into again. Measured in the codec bench's process:
 * 4 KiB results as views of fresh 64 KiB blocks ran from 66 k/s to 240 k/s batch to batch, as
 * copies into Node's allocations (the block staying warm) from 154 k/s to 217 k/s; below 1 KiB
 * the view's saved allocation and copy are most of the cost of a small term.
 */
const SHARE_MAX = 1024;

/**
 * Where a writer's bytes go when its buffer is full, instead of a larger buffer, and long runs
 * with them (the distribution's chunked payload writer). Only called off the hot path.
 * @internal
 */
export interface Overflow {
  /** Takes over the bytes before `pos` and gives the writer a new buffer with room for `n` (as `grow`). */
  room(w: ByteWriter, pos: number, n: number): number;
  /** Writes a run of `DEFER_MIN` bytes or more at `pos`; returns the position after it. */
  longRun(w: ByteWriter, src: Uint8Array, pos: number): number;
}

/** Thrown by `grow` when a write would pass the writer's `limit`. @internal */
export class LimitPassed extends Error {}
const LIMIT_PASSED = new LimitPassed('the output would pass its limit');

/** A byte run that belongs `at` bytes into the output. */
interface Deferred {
  at: number;
  bytes: Uint8Array;
}

/**
 * A `Buffer` over memory the writer owns, made without Node's checks: `Buffer.from(arrayBuffer,
 * offset, length)` costs twice as much (measured, 31 vs 16 ns), which is most of what encoding a
 * small term costs. Its prototype chain runs through `Buffer.prototype`, so it is a `Buffer`
 * (`Buffer.isBuffer`, every method) like any other.
 */
class SharedBuffer extends Uint8Array {
  // Explicit, as Node's own FastBuffer has it: V8 inlines this constructor where it does not
  // inline the implicit one (measured).
  constructor(memory: ArrayBuffer, offset: number, length: number) {
    super(memory, offset, length);
  }
}
Object.setPrototypeOf(SharedBuffer.prototype, Buffer.prototype);
// As Node's FastBuffer: `constructor` is Buffer (what util.inspect prints, what subarray makes).
Object.defineProperty(SharedBuffer.prototype, 'constructor', { value: Buffer, writable: true, configurable: true });

/**
 * Every writer of terms is this one class (and `TermWriter`), never a subclass: V8 then sees one
 * shape of object on the hot path. What differs between writers are the fields `limit`,
 * `overflow` and `deferLongRuns` (measured: with three writer classes sharing the hot path,
 * encode() ran 15–25% slower).
 */
export class ByteWriter {
  buf!: Buffer;
  /** Big-endian stores into `buf`. */
  view!: DataView;
  /** The last position at which `SLACK` bytes may be written without a check. */
  cap = 0;
  /** Where the next byte goes in `buf`; deferred runs are not counted (see `length`). */
  pos = 0;
  /**
   * Where the output being written starts in `buf`: 0, except after {@link takeShared} handed
   * out the bytes before it (which are never written again).
   */
  private start = 0;
  /** The position no write may pass: `grow` throws `LimitPassed` instead (see `setLimit`). */
  private limit = Infinity;
  /** Where the bytes go when the buffer is full, instead of a larger buffer; null to grow. */
  overflow: Overflow | null = null;
  /** Long byte runs are only referenced until `take` (false: copied, as a caller's buffer may change). */
  deferLongRuns = true;
  private deferred: Deferred[] = [];
  private deferredLength = 0;
  /** `buf.buffer` and `buf.byteOffset`, kept: the getters are calls into the runtime (measured). */
  private memory!: ArrayBuffer;
  private memoryOffset = 0;
  /** The last `memory` that `takeShared` handed views of. */
  private shared: ArrayBuffer | null = null;

  /** `size`: the bytes the output will most likely need; the buffer grows past it when they do not fit. */
  constructor(size = INITIAL_SIZE) {
    this.setBuffer(Buffer.allocUnsafe(size + SLACK));
  }

  private setBuffer(buf: Buffer): void {
    this.buf = buf;
    this.memory = buf.buffer as ArrayBuffer;
    this.memoryOffset = buf.byteOffset;
    this.view = new DataView(this.memory, this.memoryOffset, buf.length);
    this.cap = Math.min(buf.length - SLACK, this.limit);
  }

  /**
   * Bounds the output (a frame's length): a write that would pass `limit` throws `LimitPassed`,
   * except one of at most `SLACK` bytes after a room check, which the caller finds by comparing
   * its end with the limit. `Infinity` lifts the bound.
   */
  setLimit(limit: number): void {
    this.limit = limit;
    this.cap = Math.min(this.buf.length - SLACK, limit);
  }

  /** A new buffer to write into; `setBuffer` for the writers that hand theirs over. */
  replaceBuffer(buf: Buffer): void {
    this.setBuffer(buf);
    this.start = this.pos = 0;
  }

  /**
   * Makes room for `n` bytes (and `SLACK` more) at `pos`, the position the caller was about to
   * write at, and returns the position to write them at instead: the bytes written so far may
   * have moved to a new buffer, or gone to `overflow`.
   */
  grow(pos: number, n: number): number {
    if (pos + n > this.limit) throw LIMIT_PASSED;
    if (this.overflow !== null) return this.overflow.room(this, pos, n);
    const used = pos - this.start;
    // As large again as the buffer was, or more: but only its own size when most of it holds
    // outputs already handed out (see takeShared), which are not copied.
    let size = this.buf.length;
    while (size < used + n + SLACK) size *= 2;
    const old = this.buf;
    this.setBuffer(Buffer.allocUnsafe(size));
    old.copy(this.buf, 0, this.start, pos);
    this.start = 0;
    return used;
  }

  /** Makes room for `n` more bytes at `pos` (the field). */
  ensure(n: number): void {
    if (this.pos + n > this.cap) this.pos = this.grow(this.pos, n);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
  }

  /** A tag byte followed by a 32-bit value: the most common shape in the term format. */
  tagU32(tag: number, v: number): void {
    this.ensure(5);
    this.buf[this.pos] = tag;
    this.view.setUint32(this.pos + 1, v);
    this.pos += 5;
  }

  u64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v);
    this.pos += 8;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  /** The length of the output so far, deferred runs included. */
  get length(): number {
    return this.pos - this.start + this.deferredLength;
  }

  /** Appends `src`. A long run is only referenced until `take`, so `src` must not change before then. */
  bytes(src: Uint8Array): void {
    this.pos = this.put(src, this.pos);
  }

  /** `bytes` at `pos`; returns the position after them. */
  put(src: Uint8Array, pos: number): number {
    const n = src.length;
    if (n >= DEFER_MIN) {
      if (this.overflow !== null) return this.overflow.longRun(this, src, pos);
      if (this.deferLongRuns) {
        this.deferred.push({ at: pos - this.start, bytes: src });
        this.deferredLength += n;
        return pos;
      }
    }
    if (pos + n > this.cap) pos = this.grow(pos, n);
    return this.copyAt(src, pos);
  }

  /** Copies `src` to `pos`, where there is room for it; returns the position after it. */
  copyAt(src: Uint8Array, pos: number): number {
    const n = src.length;
    if (n < SMALL_COPY) {
      const b = this.buf;
      for (let i = 0; i < n; i++) b[pos + i] = src[i];
    } else {
      this.buf.set(src, pos);
    }
    return pos + n;
  }

  /** The bytes written so far, copied into a buffer of their own. */
  take(): Buffer {
    if (this.deferred.length > 0) return this.takeWithDeferred();
    const from = this.start, n = this.pos - from;
    const out = Buffer.allocUnsafe(n);
    if (n < SMALL_TAKE) {
      const b = this.buf;
      for (let i = 0; i < n; i++) out[i] = b[from + i];
    } else {
      this.buf.copy(out, 0, from, this.pos);
    }
    return out;
  }

  /**
   * The bytes written so far, as a view of the writer's own buffer when they are few: the writer
   * never writes there again and carries on after them (8-byte aligned, as Node's pool does). A
   * small output so costs one view and no copy, as a Buffer from Node's pool does, and like one
   * it keeps its whole block of memory alive. Longer outputs are copied out, as by `take`. The
   * writer is left empty either way.
   */
  takeShared(): Buffer {
    const from = this.start, end = this.pos;
    if (this.deferred.length > 0 || end - from > SHARE_MAX) {
      const out = this.take();
      this.reset();
      return out;
    }
    if (this.shared !== this.memory) {
      // As Node does with its pool: a holder of one view must not detach everyone's memory by
      // transferring it to a worker (it is copied instead).
      markAsUntransferable(this.memory);
      this.shared = this.memory;
    }
    const out = new SharedBuffer(this.memory, this.memoryOffset + from, end - from) as Buffer;
    const next = (end + 7) & ~7;
    if (next + SHARE_MAX > this.cap) {
      this.setBuffer(Buffer.allocUnsafeSlow(INITIAL_SIZE + SLACK));
      this.start = this.pos = 0;
    } else {
      this.start = this.pos = next;
    }
    return out;
  }

  private takeWithDeferred(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    const base = this.start;
    let from = base, to = 0;
    for (const { at, bytes } of this.deferred) {
      to += this.buf.copy(out, to, from, base + at);
      from = base + at;
      out.set(bytes, to);
      to += bytes.length;
    }
    this.buf.copy(out, to, from, this.pos);
    return out;
  }

  /** Empties the writer for reuse, dropping a buffer that grew very large. */
  reset(): void {
    this.pos = this.start;
    if (this.deferred.length > 0) {
      this.deferred = [];
      this.deferredLength = 0;
    }
    if (this.buf.length > KEEP_LIMIT) {
      this.setBuffer(Buffer.allocUnsafe(INITIAL_SIZE + SLACK));
      this.start = this.pos = 0;
    }
  }
}
