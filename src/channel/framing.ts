/**
 * Frames of a connected distribution channel (otp-distribution.md §4.1): `Len:32` + `Len` bytes;
 * `Len = 0` is a tick. The reader is a streaming parser: a frame may span any number of chunks
 * and a chunk may hold many frames. A frame is copied at most once (when it spans chunks), and a
 * frame longer than the configured bound is refused before anything is allocated for it.
 */

/** A frame longer than the bound, or bytes that cannot be a frame. */
export class FrameError extends Error {
  readonly code = 'ERR_NODERL_FRAME_TOO_LARGE';
  constructor(
    readonly length: number,
    readonly maxFrameSize: number,
  ) {
    super(`frame of ${length} bytes exceeds the bound of ${maxFrameSize} bytes`);
    this.name = 'FrameError';
  }
}

/** Default bound on one frame: 256 MiB (OTP has none; DESIGN.md asks for one). */
export const DEFAULT_MAX_FRAME_SIZE = 256 * 1024 * 1024;

/** The four bytes of a tick. */
export const TICK: Buffer = Buffer.alloc(4);

/** The `Len:32` prefix for a frame of `length` bytes. */
export function frameHeader(length: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(length, 0);
  return b;
}

/** Calls `onFrame` for each complete frame body and `onTick` for each tick, whatever the chunking. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  /** Body length of the frame being collected, once its 4-byte prefix is in. */
  private need = -1;

  constructor(
    private readonly onFrame: (body: Buffer) => void,
    private readonly onTick: () => void,
    private readonly maxFrameSize: number = DEFAULT_MAX_FRAME_SIZE,
  ) {}

  /** Bytes held for an incomplete frame. */
  get pending(): number {
    return this.bufferedBytes;
  }

  /** Feeds one chunk; throws `FrameError` for an oversized frame (the connection must close). */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.bufferedBytes > 0) {
      this.chunks.push(chunk);
      this.bufferedBytes += chunk.length;
      if (this.need < 0 && this.bufferedBytes < 4) return;
      if (this.need < 0) this.need = this.peekLength();
      if (this.bufferedBytes < 4 + this.need) return;
      // The frame is complete: join what is held (the only copy), then go on in this buffer.
      data = Buffer.concat(this.chunks, this.bufferedBytes);
      this.chunks = [];
      this.bufferedBytes = 0;
      this.need = -1;
    }
    let pos = 0;
    while (data.length - pos >= 4) {
      const len = data.readUInt32BE(pos);
      if (len > this.maxFrameSize) throw new FrameError(len, this.maxFrameSize);
      if (data.length - pos - 4 < len) break;
      if (len === 0) this.onTick();
      else this.onFrame(data.subarray(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    if (pos < data.length) {
      const tail = data.subarray(pos);
      this.chunks = [tail];
      this.bufferedBytes = tail.length;
      this.need = tail.length >= 4 ? tail.readUInt32BE(0) : -1;
    }
  }

  private peekLength(): number {
    const head = this.chunks.length === 1 || this.chunks[0]!.length >= 4 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const len = head.readUInt32BE(0);
    if (len > this.maxFrameSize) throw new FrameError(len, this.maxFrameSize);
    return len;
  }
}
