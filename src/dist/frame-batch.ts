/**
 * The frames one connection writes in one event-loop turn, encoded back to back into one buffer:
 * a burst of small messages costs one `socket.write` of one Buffer, not four small Buffers per
 * message (each a stream entry of its own, then a long `writev`). The throughput bench measured
 * that per-chunk overhead as the sender's main cost (GC and stream bookkeeping, not encoding).
 *
 * Only small messages take this path: `tryFrame` gives up, leaving the batch as it was, when a
 * message would exceed one fragment's data (it then goes out as fragments) or cannot be encoded
 * here (an `EncodeError` with its path, or a term deeper than the JS stack, comes from the slow
 * path instead). Frames here use the connection's outgoing atom cache (`atom-cache-writer.ts`):
 * the terms are written first, with atoms as refs, and the header with the refs goes before them.
 */
import { TermWriter } from '../term/term-writer.js';
import type { Term, Tuple } from '../term/types.js';
import { AtomRefWriter, OutgoingAtomCache } from './atom-cache-writer.js';

class TooBig extends Error {}
const TOO_BIG = new TooBig();

/** A term writer that refuses to pass a byte bound (the message then goes out as fragments). */
class BoundedRefWriter extends AtomRefWriter {
  limit = Infinity;

  override ensure(n: number): void {
    if (this.pos + n > this.limit) throw TOO_BIG;
    super.ensure(n);
  }

  /** Copied, never deferred: the bytes are copied into the batch right after. */
  override bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }
}

/** @internal */
export class FrameBatch extends TermWriter {
  /** Control and payload of the message being added, atoms as cache refs. */
  private readonly terms = new BoundedRefWriter();

  /** `cache`: the connection's outgoing atom cache; without it headers carry 0 refs. */
  constructor(private readonly cache?: OutgoingAtomCache) {
    super();
  }

  /**
   * Appends `Len:32, 131,68, atom-cache refs, Control, Payload` (terms without their 131). False,
   * with nothing appended and the cache untouched, when the control and payload take more than
   * `maxData` bytes or fail to encode.
   */
  tryFrame(control: Tuple, payload: Term | undefined, maxData: number): boolean {
    const t = this.terms;
    t.begin();
    t.limit = maxData;
    try {
      t.term(control);
      if (payload !== undefined) t.term(payload);
    } catch {
      return false;
    } finally {
      t.limit = Infinity;
    }
    const start = this.pos;
    this.u32(0);
    if (this.cache) this.cache.writeHeader(this, t.refs);
    else this.raw(NO_REFS);
    this.ensure(t.pos);
    this.pos += t.buf.copy(this.buf, this.pos, 0, t.pos);
    this.buf.writeUInt32BE(this.pos - start - 4, start);
    return true;
  }

  /** Appends bytes that are already a frame (or part of one). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
}

/** `131, 68, 0`: a normal header with no atom-cache refs. */
const NO_REFS = Buffer.of(131, 68, 0);
