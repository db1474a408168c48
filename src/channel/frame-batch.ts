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
import type { Term, Tuple } from '../term/types.js';
import { NORMAL_HEADER } from './header.js';

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
export class FrameBatch {
  /** The frames, back to back from 0 to `pos`. */
  private readonly w = new TermWriter();
  /** A buffer the socket has finished writing, to be the batch's next one (see `flushTo`). */
  private spare: Buffer | null = null;

  constructor() {
    // A frame in the batch must not point at a Buffer the caller may change: runs are copied.
    this.w.deferLongRuns = false;
  }

  /** The bytes in the batch. */
  get pos(): number {
    return this.w.pos;
  }

  /** The batch's buffer: its frames are the first `pos` bytes. */
  get buf(): Buffer {
    return this.w.buf;
  }

  /**
   * Appends `Len:32, 131,68,0, Control, Payload` (terms without their 131). False, with nothing
   * appended, when the control and payload take more than `maxData` bytes or fail to encode.
   */
  tryFrame(control: Tuple, payload: Term | undefined, maxData: number): boolean {
    const w = this.w, start = w.pos;
    const limit = start + 4 + NORMAL_HEADER.length + maxData;
    // The writer throws once a write would pass the limit; one of the few bytes a room check
    // covers may pass it unthrown, so the end is compared with it below.
    w.setLimit(limit);
    let end: number;
    try {
      end = w.put(NORMAL_HEADER, start + 4);
      end = w.termAt(control, end);
      if (payload !== undefined) end = w.termAt(payload, end);
    } catch {
      end = Infinity;
    } finally {
      w.setLimit(Infinity);
    }
    if (end > limit) {
      // The bytes before `start` stayed where they were (the writer only grows its buffer).
      w.pos = start;
      return false;
    }
    w.view.setUint32(start, end - start - 4);
    w.pos = end;
    return true;
  }

  /** Appends bytes that are already a frame (or part of one), with no bound. */
  raw(bytes: Uint8Array): void {
    this.w.bytes(bytes);
  }

  /** The frames so far, copied out. */
  take(): Buffer {
    return this.w.take();
  }

  /** Empties the batch. */
  reset(): void {
    this.w.reset();
  }

  /**
   * Hands the frames so far to `write` (a socket's) and empties the batch. A long batch is handed
   * over as it is, without a copy, and the batch goes on in another buffer; `write` calls `done`
   * once the bytes were written, and that buffer is then written into again.
   */
  flushTo(write: (bytes: Buffer, done: (err?: Error | null) => void) => void): void {
    const w = this.w, n = w.pos;
    if (n < HAND_OVER_MIN) {
      const bytes = w.take();
      w.reset();
      write(bytes, noop);
      return;
    }
    const block = w.buf;
    w.replaceBuffer(this.spare ?? Buffer.allocUnsafe(block.length <= SPARE_MAX ? block.length : FRESH_SIZE));
    this.spare = null;
    write(block.subarray(0, n), (err) => {
      if (!err && block.length <= SPARE_MAX) this.spare = block;
    });
  }
}

function noop(): void {}
