/**
 * The frames one connection writes in one event-loop turn, encoded back to back into one buffer:
 * a burst of small messages costs one `socket.write` of one Buffer, not four small Buffers per
 * message (each a stream entry of its own, then a long `writev`). The throughput bench measured
 * that per-chunk overhead as the sender's main cost (GC and stream bookkeeping, not encoding).
 *
 * Only small messages take this path: `tryFrame` gives up, leaving the batch as it was, when a
 * message would exceed one fragment's data (it then goes out as fragments) or cannot be encoded
 * here (an `EncodeError` with its path, or a term deeper than the JS stack, comes from the slow
 * path instead).
 */
import { TermWriter } from '../term/term-writer.js';
import { SLACK } from '../term/writer.js';
import type { Term, Tuple } from '../term/types.js';
import { NORMAL_HEADER } from './header.js';

class TooBig extends Error {}
const TOO_BIG = new TooBig();

/**
 * A batch at least this long is handed to the socket as it is instead of copied out: a copy
 * needs fresh memory as long again, and the socket's buffer can be written into again once the
 * socket is done with it (measured: the copy and its fresh 256 KiB cost more than encoding a
 * small message). Below it, the copy comes from Node's pool.
 */
const HAND_OVER_MIN = 4096;
/** A handed-over buffer longer than this is not written into again, so that a spike does not stay. */
const SPARE_MAX = 1024 * 1024;
const FRESH_SIZE = 64 * 1024;

/** @internal */
export class FrameBatch extends TermWriter {
  /** While a frame is written: the position it must not pass. */
  private limit = Infinity;
  /** A buffer the socket has finished writing, to be the batch's next one (see `flushTo`). */
  private spare: Buffer | null = null;

  /**
   * Hands the frames so far to `write` (a socket's) and empties the batch. A long batch is handed
   * over as it is, without a copy, and the batch goes on in another buffer; `write` calls `done`
   * once the bytes were written, and that buffer is then written into again.
   */
  flushTo(write: (bytes: Buffer, done: (err?: Error | null) => void) => void): void {
    const n = this.pos;
    if (n < HAND_OVER_MIN) {
      const bytes = this.take();
      this.reset();
      write(bytes, noop);
      return;
    }
    const block = this.buf;
    this.setBuffer(this.spare ?? Buffer.allocUnsafe(block.length <= SPARE_MAX ? block.length : FRESH_SIZE));
    this.spare = null;
    this.pos = 0;
    write(block.subarray(0, n), (err) => {
      if (!err && block.length <= SPARE_MAX) this.spare = block;
    });
  }

  /**
   * Appends `Len:32, 131,68,0, Control, Payload` (terms without their 131). False, with nothing
   * appended, when the control and payload take more than `maxData` bytes or fail to encode.
   */
  tryFrame(control: Tuple, payload: Term | undefined, maxData: number): boolean {
    const start = this.pos;
    const limit = start + 4 + NORMAL_HEADER.length + maxData;
    this.limit = limit;
    // A write of up to SLACK bytes may follow each room check: `cap` stops at the limit so that
    // one past it is noticed at the next check (in `grow`), and the end is checked exactly below.
    if (this.cap > limit) this.cap = limit;
    let end: number;
    try {
      end = this.put(NORMAL_HEADER, start + 4);
      end = this.termAt(control, end);
      if (payload !== undefined) end = this.termAt(payload, end);
    } catch {
      end = Infinity;
    } finally {
      this.limit = Infinity;
      this.cap = this.buf.length - SLACK;
    }
    if (end > limit) {
      // Nothing past `start` is kept, and the bytes before it did not move (see `grow`).
      this.pos = start;
      return false;
    }
    this.view.setUint32(start, end - start - 4);
    this.pos = end;
    return true;
  }

  /** Appends bytes that are already a frame (or part of one), with no bound. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  override grow(pos: number, n: number): number {
    if (pos + n > this.limit) throw TOO_BIG;
    const at = super.grow(pos, n);
    if (this.cap > this.limit) this.cap = this.limit;
    return at;
  }

  /** Copied, never deferred: a frame in the batch must not point at a Buffer the caller may change. */
  override put(src: Uint8Array, pos: number): number {
    if (pos + src.length > this.cap) pos = this.grow(pos, src.length);
    return this.copyAt(src, pos);
  }
}

function noop(): void {}
