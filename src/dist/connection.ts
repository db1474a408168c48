/**
 * A connected peer, after the handshake (otp-distribution.md §4, §5): frames in and out, ticks,
 * and the liveness check that OTP's `dist_util:con_loop/2` does.
 *
 * Frames are pass-through (`112` + `131`-prefixed control tuple + optional `131`-prefixed
 * payload): noderl does not advertise DIST_HDR_ATOM_CACHE or FRAGMENTS yet, and without both the
 * peer sends pass-through frames only (§4.2). Writes are queued and go out together once per
 * event-loop turn (one corked write burst), so a burst of sends costs one syscall, not one each.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { decodeAt } from '../term/decode.js';
import { encode } from '../term/encode.js';
import { isTuple, type Term, type Tuple } from '../term/types.js';
import { DistFlag, hasFlag } from './flags.js';
import { FrameReader, frameHeader, TICK, DEFAULT_MAX_FRAME_SIZE } from './framing.js';
import type { HandshakeResult } from './handshake.js';

const PASS_THROUGH = 112;
const VERSION = 131;
/** OTP's `net_tickintensity` default: ticks per ticktime, and silent intervals before the peer is dead. */
const TICK_INTENSITY = 4;

/** Options of a {@link Connection}. */
export interface ConnectionOptions {
  /** `net_ticktime` in ms (default 60 000): tick every ticktime/4; the peer is dead after ticktime of silence. */
  ticktimeMs?: number;
  /** Bound on one incoming frame (default 256 MiB). */
  maxFrameSize?: number;
}

export interface ConnectionEvents {
  /** A control message, with its payload for the ops that carry one. */
  message: [control: Tuple, payload: Term | undefined];
  /** The connection is gone; `reason` says why (`connection_closed`, `net_tick_timeout`, a protocol error). */
  close: [reason: string];
}

/** One distribution connection to a peer node. */
export class Connection extends EventEmitter<ConnectionEvents> {
  /** The peer's node name. */
  readonly peer: string;
  /** The negotiated (AND-ed) flags. */
  readonly flags: bigint;
  /** The peer's creation, from the handshake. */
  readonly peerCreation: number;
  private readonly reader: FrameReader;
  private queue: Buffer[] = [];
  private flushScheduled = false;
  private wroteSinceTick = false;
  private readSinceTick = false;
  private silentIntervals = 0;
  private readonly ticker: NodeJS.Timeout;
  private closedWith?: string;

  constructor(
    private readonly socket: Socket,
    handshake: HandshakeResult,
    options: ConnectionOptions = {},
  ) {
    super();
    this.peer = handshake.peerName;
    this.flags = handshake.flags;
    this.peerCreation = handshake.peerCreation;
    this.reader = new FrameReader(
      (body) => this.onFrame(body),
      () => {},
      options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
    );
    const ticktimeMs = options.ticktimeMs ?? 60_000;
    this.ticker = setInterval(() => this.tick(), ticktimeMs / TICK_INTENSITY);
    this.ticker.unref();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close('connection_closed'));
    if (handshake.rest.length > 0) setImmediate(() => this.onData(handshake.rest));
  }

  /** True when both sides are published (a visible connection); else it is hidden. */
  get visible(): boolean {
    return hasFlag(this.flags, DistFlag.PUBLISHED);
  }

  /** True until the connection closed. */
  get open(): boolean {
    return this.closedWith === undefined;
  }

  /** Queues a control message (and payload) for this turn's write. */
  send(control: Tuple, payload?: Term): void {
    if (!this.open) return;
    const parts = [encode(control)];
    if (payload !== undefined) parts.push(encode(payload));
    let length = 1;
    for (const p of parts) length += p.length;
    this.queue.push(frameHeader(length), Buffer.of(PASS_THROUGH), ...parts);
    this.scheduleFlush();
  }

  /** Closes the connection; `close` is emitted once with the first reason. */
  close(reason = 'disconnected'): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    clearInterval(this.ticker);
    this.socket.destroy();
    this.emit('close', reason);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.open || this.queue.length === 0) return;
    const queue = this.queue;
    this.queue = [];
    this.socket.cork();
    for (const b of queue) this.socket.write(b);
    this.socket.uncork();
    this.wroteSinceTick = true;
  }

  /** Every ticktime/4 (`dist_util:con_loop` on `tick`): write a tick if idle; drop a peer silent for a whole ticktime. */
  private tick(): void {
    if (!this.open) return;
    if (!this.wroteSinceTick && this.queue.length === 0 && this.socket.writableLength === 0) this.socket.write(TICK);
    this.wroteSinceTick = false;
    // Partial progress on a big frame counts as life too (§4.5: OTP does not tick while sending one).
    if (this.readSinceTick) this.silentIntervals = 0;
    else this.silentIntervals += 1;
    this.readSinceTick = false;
    if (this.silentIntervals >= TICK_INTENSITY) this.close('net_tick_timeout');
  }

  private onData(chunk: Buffer): void {
    if (!this.open) return;
    this.readSinceTick = true;
    try {
      this.reader.push(chunk);
    } catch (err) {
      this.close(`bad frame: ${(err as Error).message}`);
    }
  }

  private onFrame(body: Buffer): void {
    if (!this.open) return;
    let control: Tuple;
    let payload: Term | undefined;
    try {
      if (body[0] !== PASS_THROUGH) throw new Error(`frame starts with ${body[0]}, not pass-through 112 (header mode was not negotiated)`);
      if (body[1] !== VERSION) throw new Error(`control message starts with ${body[1]}, not 131`);
      const decoded = decodeAt(body, 2);
      if (!isTuple(decoded.term) || decoded.term.length === 0) throw new Error('control message is not a non-empty tuple');
      control = decoded.term;
      if (decoded.end < body.length) {
        if (body[decoded.end] !== VERSION) throw new Error(`payload starts with ${body[decoded.end]}, not 131`);
        payload = decodeAt(body, decoded.end + 1).term;
      }
    } catch (err) {
      this.close(`bad message: ${(err as Error).message}`);
      return;
    }
    this.emit('message', control, payload);
  }
}
