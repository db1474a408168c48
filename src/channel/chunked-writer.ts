/**
 * Encodes the terms of an outgoing message (no `131`, as header mode wants them) into a list of
 * pieces instead of one contiguous buffer, for the fragment writer in `outbox.ts`.
 *
 * Why not `encode()`: its scratch buffer doubles (copying what it holds each time) and the result
 * is copied out once more, all into fresh memory. For a ~100 MB list of 1 KiB binaries that blocked
 * the event loop for 1.5–2.9 s on the test machine (first-touch page faults dominate), which a
 * peer with net_ticktime 4 does not survive reliably. Here the bytes go into fixed-size chunks,
 * each touched once, and a long binary is copied once into a piece of its own (copied, not
 * referenced, so a caller changing a Buffer after sending cannot change the message).
 *
 * Small messages (the common case) come out as one copied buffer and the chunk is reused.
 */
import { encode } from '../term/encode.js';
import { TermWriter } from '../term/term-writer.js';
import { SLACK, type ByteWriter, type Overflow } from '../term/writer.js';
import type { Term } from '../term/types.js';

const CHUNK_SIZE = 1024 * 1024;
/** A run at least this long gets a piece of its own instead of a place in a chunk. */
const OWN_PIECE = 64 * 1024;
/** Results up to this size are copied out, so the chunk can be reused for the next message. */
const COPY_OUT = 64 * 1024;

/** @internal */
export class ChunkedTermWriter implements Overflow {
  private readonly w = new TermWriter(CHUNK_SIZE);
  private pieces: Buffer[] = [];
  private total = 0;
  /** Where the unsealed bytes of the current chunk start. */
  private base = 0;

  constructor() {
    this.w.overflow = this;
  }

  /** The chunk is full: what it holds becomes a piece, and a new chunk takes the rest. */
  room(w: ByteWriter, pos: number, n: number): number {
    this.seal(pos);
    w.replaceBuffer(Buffer.allocUnsafe(Math.max(CHUNK_SIZE, n + SLACK)));
    this.base = 0;
    return 0;
  }

  /** A run of 4 KiB or more: into the chunk when short, else copied into a piece of its own. */
  longRun(w: ByteWriter, src: Uint8Array, pos: number): number {
    if (src.length < OWN_PIECE) {
      if (pos + src.length > w.cap) pos = w.grow(pos, src.length);
      return w.copyAt(src, pos);
    }
    this.seal(pos);
    const copy = Buffer.allocUnsafe(src.length);
    copy.set(src);
    this.pieces.push(copy);
    this.total += copy.length;
    return pos;
  }

  /** The bytes of the current chunk before `pos` become a piece. */
  private seal(pos: number): void {
    if (pos === this.base) return;
    this.pieces.push(this.w.buf.subarray(this.base, pos));
    this.total += pos - this.base;
    this.base = pos;
  }

  /**
   * `term`'s bytes without `131`, as pieces in order. A value with no Erlang form, or a term too
   * deep for recursion, is handed to `encode()`, which throws its `EncodeError` with the path or
   * writes the deep term.
   */
  write(term: Term): { pieces: Buffer[]; length: number } {
    const w = this.w;
    this.pieces = [];
    this.total = 0;
    this.base = w.pos = 0;
    let end: number;
    try {
      end = w.termAt(term, 0);
    } catch {
      this.base = w.pos = 0;
      const bytes = encode(term).subarray(1);
      return { pieces: [bytes], length: bytes.length };
    }
    this.seal(end);
    const { pieces, total } = this;
    this.pieces = [];
    this.base = w.pos = 0;
    if (total <= COPY_OUT) {
      // Nothing refers to the chunk any more: it is reused.
      const one = pieces.length === 1 ? Buffer.from(pieces[0]!) : Buffer.concat(pieces, total);
      return { pieces: [one], length: total };
    }
    // The pieces refer to the chunk until they are written: the next message gets a new one.
    w.replaceBuffer(Buffer.allocUnsafe(CHUNK_SIZE));
    return { pieces, length: total };
  }
}
