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

class TooBig extends Error {}
const TOO_BIG = new TooBig();

/** @internal */
export class FrameBatch extends TermWriter {
  /** While a frame is written: the position it must not pass. */
  private limit = Infinity;

  /**
   * Appends `Len:32, 131,68,0, Control, Payload` (terms without their 131). False, with nothing
   * appended, when the control and payload take more than `maxData` bytes or fail to encode.
   */
  tryFrame(control: Tuple, payload: Term | undefined, maxData: number): boolean {
    const start = this.pos;
    this.limit = start + 4 + NORMAL_HEADER.length + maxData;
    try {
      this.u32(0);
      this.bytes(NORMAL_HEADER);
      this.term(control);
      if (payload !== undefined) this.term(payload);
    } catch {
      this.pos = start;
      return false;
    } finally {
      this.limit = Infinity;
    }
    this.buf.writeUInt32BE(this.pos - start - 4, start);
    return true;
  }

  /** Appends bytes that are already a frame (or part of one), with no bound. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  override ensure(n: number): void {
    if (this.pos + n > this.limit) throw TOO_BIG;
    super.ensure(n);
  }

  /** Copied, never deferred: a frame in the batch must not point at a Buffer the caller may change. */
  override bytes(src: Uint8Array): void {
    this.raw(src);
  }
}
