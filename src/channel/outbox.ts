/**
 * The write side of a connection: control messages become frames, and frames reach the socket.
 *
 * - Small messages queued in one event-loop turn are encoded back to back into one buffer
 *   (`frame-batch.ts`) and go out as one write in the next turn, or as soon as 256 KiB collect.
 * - In header mode, a message of more than 64 KiB of data is cut into fragments (§4.4) that are
 *   written a few at a time, only while the socket's buffer is short (`writableLength`, then
 *   `'drain'`), so ticks and other processes' messages get onto the wire between fragments: a
 *   100 MB message must not hold the link silent past the peer's ticktime (§4.5, §11 item 7).
 * - Erlang orders the signals between two processes, so a message from a sender whose earlier
 *   big message is still going out waits behind it; so does a message whose sender cannot be
 *   told from its control tuple, behind every big message.
 *
 * No atom cache on the way out: every header is `131,68,0` (OTP accepts 0 refs). One was built
 * for the batched frames (which do reach the wire in encoding order) and measured: it made small
 * messages as short as the BEAM's (46 bytes instead of 76) but noderl-to-BEAM ping-pong about
 * 30 µs slower at p50 (81/92/71 µs without, 147/117/104 with, same runs), so it was taken out.
 */
import type { Socket } from 'node:net';
import { encode } from '../term/encode.js';
import { Pid, type Term, type Tuple } from '../term/types.js';
import { ChunkedTermWriter } from './chunked-writer.js';
import { FrameBatch } from './frame-batch.js';
import { frameHeader, TICK } from './framing.js';
import { FRAGMENT_SIZE, NORMAL_HEADER, PASS_THROUGH, fragmentHeader } from './header.js';

/** The pass-through byte as a piece to write (one Buffer shared by every frame). */
const PASS_THROUGH_BYTE: Buffer = Buffer.of(PASS_THROUGH);
/** Fragments are written while less than this is waiting in the socket (4 fragments). */
const SOCKET_HIGH_WATER = 4 * FRAGMENT_SIZE;
/** A batch this long is written at once instead of at the end of the turn (bounds memory and latency). */
const BATCH_HIGH_WATER = 256 * 1024;

/** A message cut into fragments, written one fragment at a time. */
class FragmentedMessage {
  private fragId: bigint;
  private left: number;
  /** The part the next fragment starts in, and where in it. */
  private part = 0;
  private partOffset = 0;
  private readonly firstSize: number;

  constructor(
    readonly sender: string | null,
    private readonly seq: bigint,
    /** The data: control and payload terms without `131`, in order, in any number of pieces. */
    private readonly parts: Buffer[],
    total: number,
    private readonly fragmentSize: number,
  ) {
    this.left = total;
    // OTP decodes the control message from the start fragment alone, so that one holds all of it.
    this.firstSize = Math.max(fragmentSize, parts[0]!.length);
    this.fragId = BigInt(1 + Math.ceil((total - Math.min(this.firstSize, total)) / fragmentSize));
  }

  get done(): boolean {
    return this.left === 0;
  }

  /** The bytes of data not written yet. */
  get bytesLeft(): number {
    return this.left;
  }

  /** The next fragment's frame, as pieces to write in order (slices of the data, no copies). */
  next(): Buffer[] {
    const first = this.part === 0 && this.partOffset === 0;
    const n = Math.min(first ? this.firstSize : this.fragmentSize, this.left);
    const header = fragmentHeader(first, this.seq, this.fragId);
    const pieces = [frameHeader(header.length + n), header];
    for (let want = n; want > 0; ) {
      const p = this.parts[this.part]!;
      const take = Math.min(p.length - this.partOffset, want);
      pieces.push(p.subarray(this.partOffset, this.partOffset + take));
      want -= take;
      this.partOffset += take;
      if (this.partOffset === p.length) {
        this.part += 1;
        this.partOffset = 0;
      }
    }
    this.left -= n;
    this.fragId -= 1n;
    return pieces;
  }
}

/** A message that may not go out yet: its sender has a big message in flight. */
interface Waiting {
  sender: string | null;
  frame?: Buffer[];
  big?: FragmentedMessage;
}

/** Settled once: `then` on it queues a microtask (Node's `queueMicrotask` makes an AsyncResource and a bound function per call). */
const RESOLVED = Promise.resolve();

/** Frames and fragments for one connection's socket. */
export class Outbox {
  /** This turn's frames, back to back (`frame-batch.ts`). */
  private readonly batch = new FrameBatch();
  private readonly active: FragmentedMessage[] = [];
  private waiting: Waiting[] = [];
  private flushScheduled = false;
  private waitingForDrain = false;
  private nextSeq = 1n;
  /** Payloads in header mode: chunks instead of one growing buffer (see `chunked-writer.ts`). */
  private readonly payloads = new ChunkedTermWriter();
  private closed = false;
  /** True once anything was written since the last {@link tickIfIdle}. */
  private wrote = false;
  /** Called after each flush, when the queue may have moved into the socket (the connection's busy check). */
  onFlush?: () => void;

  constructor(
    private readonly socket: Socket,
    /** Header mode (DIST_HDR_ATOM_CACHE or FRAGMENTS negotiated), else pass-through frames. */
    private readonly headerMode: boolean,
    /** The peer's node name: pids on it are never the sender of what we write. */
    private readonly peer: string,
    private readonly fragmentSize: number = FRAGMENT_SIZE,
  ) {}

  /** Nothing is queued, in flight, or buffered in the socket. */
  get idle(): boolean {
    return this.batch.pos === 0 && this.active.length === 0 && this.waiting.length === 0 && this.socket.writableLength === 0;
  }

  /**
   * The bytes queued here or in the socket's buffer and not yet handed to the kernel: what BEAM's
   * `send_pend` socket statistic counts, and what grows when the peer stops reading.
   */
  get queuedBytes(): number {
    let bytes = this.batch.pos + this.socket.writableLength;
    for (const a of this.active) bytes += a.bytesLeft;
    for (const w of this.waiting) bytes += w.big ? w.big.bytesLeft : w.frame!.reduce((n, b) => n + b.length, 0);
    return bytes;
  }

  /** Encodes and queues a control message and its payload. */
  send(control: Tuple, payload?: Term): void {
    if (this.closed) return;
    // A small message goes straight into the batch unless its sender has something big ahead of
    // it; the common case (nothing big in flight) never looks for the sender.
    const sender = this.active.length === 0 && this.waiting.length === 0 ? undefined : senderOf(control, this.peer);
    if (this.headerMode && (sender === undefined || !this.blocked(sender)) && this.batch.tryFrame(control, payload, this.fragmentSize)) {
      return this.batched();
    }
    const c = encode(control);
    if (!this.headerMode) {
      // Pass-through: each term keeps its 131; no fragments exist in this mode.
      const p = payload === undefined ? undefined : encode(payload);
      const length = 1 + c.length + (p?.length ?? 0);
      return this.queueFrame(sender, p ? [frameHeader(length), PASS_THROUGH_BYTE, c, p] : [frameHeader(length), PASS_THROUGH_BYTE, c]);
    }
    const parts = [c.subarray(1)];
    let dataLength = parts[0]!.length;
    if (payload !== undefined) {
      const p = this.payloads.write(payload);
      for (const piece of p.pieces) parts.push(piece);
      dataLength += p.length;
    }
    if (dataLength <= this.fragmentSize) return this.queueFrame(sender, [frameHeader(NORMAL_HEADER.length + dataLength), NORMAL_HEADER, ...parts]);
    const big = new FragmentedMessage(sender === undefined ? senderOf(control, this.peer) : sender, this.nextSeq++, parts, dataLength, this.fragmentSize);
    if (this.blocked(big.sender)) this.waiting.push({ sender: big.sender, big });
    else this.active.push(big);
    this.scheduleFlush();
  }

  /** Every tick interval: writes a tick unless something was written since the last call or is waiting. */
  tickIfIdle(): void {
    if (!this.closed && !this.wrote && this.idle) this.socket.write(TICK);
    this.wrote = false;
  }

  /** Drops everything queued; later sends are ignored. */
  close(): void {
    this.closed = true;
    this.batch.reset();
    this.active.length = 0;
    this.waiting = [];
  }

  /** `sender`: undefined when nothing big was in flight as the message was sent (then it cannot be blocked). */
  private queueFrame(sender: string | null | undefined, frame: Buffer[]): void {
    if (sender !== undefined) {
      if (this.blocked(sender)) {
        this.waiting.push({ sender, frame });
        return;
      }
    }
    const length = frame.reduce((n, b) => n + b.length, 0);
    if (length < BATCH_HIGH_WATER) {
      for (const b of frame) this.batch.raw(b);
      return this.batched();
    }
    // A big pass-through frame (no fragments in that mode) is written as it is, after the batch
    // that is ahead of it, rather than copied into the batch.
    if (this.socket.destroyed) return;
    this.writeBatch();
    for (const b of frame) this.socket.write(b);
    this.wrote = true;
  }

  private readonly writeBlock = (bytes: Buffer, done: (err?: Error | null) => void): void => {
    this.socket.write(bytes, done);
  };

  private batched(): void {
    if (this.batch.pos >= BATCH_HIGH_WATER) this.writeBatch();
    this.scheduleFlush();
  }

  private writeBatch(): void {
    if (this.batch.pos === 0 || this.socket.destroyed) return;
    this.batch.flushTo(this.writeBlock);
    this.wrote = true;
  }

  /** True when a message from `sender` must wait: something of its own (or of unknown origin) is ahead of it. */
  private blocked(sender: string | null, ahead: Waiting[] = this.waiting): boolean {
    for (const w of ahead) if (w.sender === null || w.sender === sender) return true;
    if (sender === null) return this.active.length > 0;
    for (const a of this.active) if (a.sender === null || a.sender === sender) return true;
    return false;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    void RESOLVED.then(this.flushAfterMicrotasks);
  }

  /**
   * The flush runs once this turn's microtasks have all run (a nextTick queued from a microtask
   * runs after the microtask queue is empty): every process the turn woke has sent what it will,
   * and a served rpc's SPAWN_REPLY and DOWN go out in one write. Not `setImmediate`: its own
   * macrotask made Node.js drain its tick queue a second time per round trip (a new Map in every
   * drain, ~0.5 KB of garbage per round trip on each side).
   */
  private readonly flushAfterMicrotasks = (): void => void process.nextTick(this.flushNow);

  /** {@link flush}, bound once rather than a new closure every turn. */
  private readonly flushNow = (): void => this.flush();

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.socket.destroyed) return;
    // The usual turn is one write of the batch: corking it would only queue it in the stream
    // first (an entry object, and a new buffer list when uncorked) on every round trip.
    if (this.active.length === 0) {
      this.writeBatch();
      this.onFlush?.();
      return;
    }
    const socket = this.socket;
    socket.cork();
    this.writeBatch();
    this.writeFragments();
    socket.uncork();
    this.onFlush?.();
    if (this.active.length === 0) return;
    if (socket.writableLength >= SOCKET_HIGH_WATER) {
      // A write returned false on the way here, so 'drain' will come once the buffer empties.
      if (!this.waitingForDrain) {
        this.waitingForDrain = true;
        socket.once('drain', () => {
          this.waitingForDrain = false;
          this.scheduleFlush();
        });
      }
    } else {
      this.scheduleFlush();
    }
  }

  /** Fragments of the big messages in turn, while the socket's buffer is short. */
  private writeFragments(): void {
    let i = 0;
    while (this.active.length > 0 && this.socket.writableLength < SOCKET_HIGH_WATER) {
      if (i >= this.active.length) i = 0;
      const big = this.active[i]!;
      for (const piece of big.next()) this.socket.write(piece);
      this.wrote = true;
      if (big.done) {
        this.active.splice(i, 1);
        this.release();
      } else {
        i += 1;
      }
    }
  }

  /** After a big message finished: what waited behind it and is no longer blocked goes out, in order. */
  private release(): void {
    const still: Waiting[] = [];
    for (const w of this.waiting) {
      if (this.blocked(w.sender, still)) still.push(w);
      else if (w.big) this.active.push(w.big);
      else for (const b of w.frame!) this.socket.write(b);
    }
    this.waiting = still;
  }
}

/**
 * The local process a control message comes from: the first pid among its first fields that is
 * not on the peer (SEND_SENDER, REG_SEND, LINK, EXIT, MONITOR_P, UNLINK_ID, SPAWN_REQUEST all
 * carry one there). Null when there is none (a DOWN for a monitor by name, a plain SEND).
 */
export function senderOf(control: Tuple, peer: string): string | null {
  const end = Math.min(control.length, 4);
  for (let i = 1; i < end; i++) {
    const x = control[i];
    if (x instanceof Pid && x.node.name !== peer) return `${x.id}.${x.serial}.${x.creation}`;
  }
  return null;
}
