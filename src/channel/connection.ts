/**
 * A connected peer, after the handshake (otp-distribution.md §4, §5): frames in and out, ticks,
 * and the liveness check that OTP's `dist_util:con_loop/2` does. Its API speaks {@link Signal}s
 * and {@link SpawnRequest}s, never control tuples: a frame is decoded into a signal (`control.ts`)
 * in the turn it arrives, and a signal is encoded into a control message for the outbox, so the
 * layers above never see an op code (as erl_dist's `channel.rs` hands out `message.rs` values).
 * A control message that is not one of §5's, or lacks its payload, closes the connection as ERTS
 * closes one that sends an invalid distribution message; the node keeps serving the others.
 *
 * Frames come in one of two modes, fixed by the negotiated flags (§4.2): header mode when
 * DIST_HDR_ATOM_CACHE or FRAGMENTS is negotiated (`131,68` headers with the atom cache, and
 * `131,69`/`131,70` fragments; `header.ts` reads them), else pass-through (`112` + terms with
 * their own `131`). noderl advertises both flags, so OTP peers use header mode; a peer that
 * advertises neither still gets pass-through. Writing is `outbox.ts`: small messages batched per
 * event-loop turn, big ones as fragments interleaved with ticks and other senders' messages.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { decodeAt, type DecodedAt, type DecodeOptions } from '../term/decode.js';
import { format } from '../term/format.js';
import { VERSION } from '../term/tags.js';
import { isTuple, type Atom, type Pid, type Ref, type Term, type Tuple } from '../term/types.js';
import { decodeSignal, decodeSpawnRequest, encodeSignal, encodeSpawnRequest, type Signal, type SignalTarget, type SpawnRequest } from './control.js';
import { DistFlag, hasFlag } from './flags.js';
import { FrameReader, DEFAULT_MAX_FRAME_SIZE } from './framing.js';
import type { HandshakeResult } from './handshake.js';
import { HeaderReader, PASS_THROUGH } from './header.js';
import { Outbox } from './outbox.js';
import { BusyLimit, DEFAULT_DIST_BUF_BUSY_LIMIT } from './busy-limit.js';

/** OTP's `net_tickintensity` default: ticks per ticktime, and silent intervals before the peer is dead. */
const TICK_INTENSITY = 4;

/** Options of a {@link Connection}. */
export interface ConnectionOptions {
  /** `net_ticktime` in ms (default 60 000): tick every ticktime/4; the peer is dead after ticktime of silence. */
  ticktimeMs?: number;
  /** Bound on one incoming frame (default 256 MiB). */
  maxFrameSize?: number;
  /** Bound on the bytes held for incomplete fragmented messages, all sequences together (default: `maxFrameSize`). */
  maxReassemblyBytes?: number;
  /** Queued bytes at which the connection is busy (OTP's `dist_buf_busy_limit`, default 1 MiB): see `busy-limit.ts`. */
  distBufBusyLimit?: number;
}

export interface ConnectionEvents {
  /**
   * A signal from the peer to `to`: one of our pids, a name registered here (REG_SEND, MONITOR_P
   * by name), or one of our aliases (ALIAS_SEND). The node drops what is not addressed to it.
   */
  signal: [to: Pid | Atom | Ref, signal: Signal];
  /** A SPAWN_REQUEST from the peer (its `erlang:spawn_request/5`), for the node to serve. */
  spawnRequest: [request: SpawnRequest];
  /** The connection is gone; `reason` says why (`connection_closed`, `net_tick_timeout`, a protocol error). */
  close: [reason: string];
  /** The bytes queued toward the peer reached `distBufBusyLimit`: senders wait (OTP's `busy_dist_port`). */
  busy: [queuedBytes: number];
  /** The queue dropped below the limit again: waiting senders go on. */
  unbusy: [queuedBytes: number];
}

/**
 * What a connection has carried, for `noderl observe` (`noderl_observe:connections/0`). Bytes are
 * the socket's (frames, ticks and the handshake); messages are control messages, ticks not counted.
 */
export interface ConnectionStats {
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  messagesOut: number;
  /** Milliseconds since the peer last sent anything (a tick at least every ticktime/4 from a live peer). */
  lastInputAgeMs: number;
  /** Bytes queued toward the peer and not yet taken by the kernel (BEAM's `send_pend`). */
  sendQueueBytes: number;
  /** The `net_ticktime` this connection runs with, ms. */
  ticktimeMs: number;
  /** True while the send queue holds at least `distBufBusyLimit` bytes. */
  busy: boolean;
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
  /** Set in header mode: the incoming atom cache and fragment reassembly. */
  private readonly headers?: HeaderReader;
  private readonly outbox: Outbox;
  private readonly busyLimit: BusyLimit;
  private readSinceTick = false;
  private silentIntervals = 0;
  private ticker: NodeJS.Timeout;
  private closedWith?: string;
  private messagesIn = 0;
  private messagesOut = 0;
  private lastInputAt = performance.now();
  private ticktimeMs: number;

  constructor(
    private readonly socket: Socket,
    handshake: HandshakeResult,
    options: ConnectionOptions = {},
  ) {
    super();
    this.peer = handshake.peerName;
    this.flags = handshake.flags;
    this.peerCreation = handshake.peerCreation;
    const maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.reader = new FrameReader(
      (body) => this.onFrame(body),
      () => {},
      maxFrameSize,
    );
    const headerMode = hasFlag(this.flags, DistFlag.DIST_HDR_ATOM_CACHE) || hasFlag(this.flags, DistFlag.FRAGMENTS);
    if (headerMode) this.headers = new HeaderReader(options.maxReassemblyBytes ?? maxFrameSize);
    this.outbox = new Outbox(socket, headerMode, this.peer);
    const outbox = this.outbox;
    this.busyLimit = new BusyLimit(socket, () => outbox.queuedBytes, options.distBufBusyLimit ?? DEFAULT_DIST_BUF_BUSY_LIMIT, (busy, bytes) => this.emit(busy ? 'busy' : 'unbusy', bytes));
    outbox.onFlush = () => this.busyLimit.recheck();
    this.ticktimeMs = options.ticktimeMs ?? 60_000;
    this.ticker = this.startTicker(this.ticktimeMs);
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

  /**
   * Queues `signal` to `to` for this turn's write, in the form the negotiated flags allow; a big
   * one goes out in fragments. A signal the peer has no form for is dropped, as ERTS drops it
   * (an alias send without ALIAS, an unlink ack without UNLINK_ID: see `encodeSignal`).
   * The signal is always queued; the result says whether the connection can take more: false
   * when it is busy now, and a sender that BEAM would suspend awaits {@link whenNotBusy}.
   */
  sendSignal(to: SignalTarget, signal: Signal): boolean {
    if (!this.open) return true;
    const out = encodeSignal(to, signal, this.flags);
    if (!out) return !this.busyLimit.busy;
    this.messagesOut += 1;
    this.outbox.send(out[0], out[1]);
    return this.busyLimit.queued();
  }

  /**
   * True while the bytes queued toward the peer are at least `distBufBusyLimit` (OTP's
   * `dist_buf_busy_limit`): BEAM suspends a process that sends here, and `erlang:send/3` with
   * `nosuspend` does not send.
   */
  get busy(): boolean {
    return this.busyLimit.busy;
  }

  /** The busy limit, bytes. */
  get distBufBusyLimit(): number {
    return this.busyLimit.limit;
  }

  /** Resolves at once when not {@link busy}; else once the queue dropped below the limit, or the connection closed. */
  whenNotBusy(): Promise<void> {
    return this.busyLimit.whenNotBusy();
  }

  /** The connection's counters now. */
  stats(): ConnectionStats {
    return {
      bytesIn: this.socket.bytesRead,
      bytesOut: this.socket.bytesWritten,
      messagesIn: this.messagesIn,
      messagesOut: this.messagesOut,
      lastInputAgeMs: Math.round(performance.now() - this.lastInputAt),
      sendQueueBytes: this.open ? this.outbox.queuedBytes : 0,
      ticktimeMs: this.ticktimeMs,
      busy: this.busyLimit.busy,
    };
  }

  /** Queues a SPAWN_REQUEST (`erlang:spawn_request/5` toward the peer); the answer comes back as a `spawn_reply` signal. */
  requestSpawn(request: SpawnRequest): void {
    if (!this.open) return;
    const [control, args] = encodeSpawnRequest(request);
    this.messagesOut += 1;
    this.outbox.send(control, args);
    this.busyLimit.queued();
  }

  /** Closes the connection; `close` is emitted once with the first reason. */
  close(reason = 'disconnected'): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    clearInterval(this.ticker);
    this.outbox.close();
    this.busyLimit.close();
    this.socket.destroy();
    this.emit('close', reason);
  }

  /**
   * A new `net_ticktime` for this connection: ticks every `ms`/4 from now on, and the silence
   * count starts again, so the switch itself never drops a peer (OTP's transition period, shortened).
   */
  setTicktime(ms: number): void {
    if (!this.open) return;
    clearInterval(this.ticker);
    this.silentIntervals = 0;
    this.ticktimeMs = ms;
    this.ticker = this.startTicker(ms);
  }

  private startTicker(ticktimeMs: number): NodeJS.Timeout {
    const ticker = setInterval(() => this.tick(), ticktimeMs / TICK_INTENSITY);
    ticker.unref();
    return ticker;
  }

  /** Every ticktime/4 (`dist_util:con_loop` on `tick`): write a tick if idle; drop a peer silent for a whole ticktime. */
  private tick(): void {
    if (!this.open) return;
    this.outbox.tickIfIdle();
    // Partial progress on a big frame counts as life too (§4.5: OTP does not tick while sending one).
    if (this.readSinceTick) this.silentIntervals = 0;
    else this.silentIntervals += 1;
    this.readSinceTick = false;
    if (this.silentIntervals >= TICK_INTENSITY) this.close('net_tick_timeout');
  }

  private onData(chunk: Buffer): void {
    if (!this.open) return;
    this.readSinceTick = true;
    this.lastInputAt = performance.now();
    try {
      this.reader.push(chunk);
    } catch (err) {
      this.close(`bad frame: ${(err as Error).message}`);
    }
  }

  private onFrame(body: Buffer): void {
    if (!this.open) return;
    let bytes = body;
    let offset: number;
    let atomCache: (Atom | boolean)[] | undefined;
    if (this.headers) {
      try {
        const message = this.headers.frame(body);
        if (message === undefined) return; // a fragment of a message still being reassembled
        ({ bytes, offset, refs: atomCache } = message);
      } catch (err) {
        this.close(`bad header: ${(err as Error).message}`);
        return;
      }
    } else {
      if (body[0] !== PASS_THROUGH) {
        this.close(`bad frame: starts with ${body[0]}, not pass-through 112 (header mode was not negotiated)`);
        return;
      }
      offset = 1;
    }
    let control: Tuple;
    let payload: Term | undefined;
    try {
      ({ control, payload } = decodeMessage(bytes, offset, atomCache));
      MESSAGE.control = NO_CONTROL; // nothing kept alive past its delivery
      MESSAGE.payload = undefined;
    } catch (err) {
      this.close(`bad message: ${(err as Error).message}`);
      return;
    }
    this.deliver(control, payload);
  }

  /** The one place a control message becomes an event (otp-distribution.md §5). */
  private deliver(control: Tuple, payload: Term | undefined): void {
    this.messagesIn += 1;
    const spawn = decodeSpawnRequest(control, payload);
    if (spawn) {
      this.emit('spawnRequest', spawn);
      return;
    }
    const incoming = decodeSignal(control, payload);
    if (!incoming) {
      // As ERTS does with an invalid distribution message: the connection goes, the node stays.
      this.close(`bad control message: ${format(control).slice(0, 200)}${payload === undefined ? ' (no payload)' : ''}`);
      return;
    }
    this.emit('signal', incoming.to, incoming.signal);
  }
}

/**
 * The control tuple and optional payload at `offset`: each with its own `131` in pass-through
 * mode (no `atomCache`), without it after a header, where ATOM_CACHE_REFs resolve through `atomCache`.
 * The answer is written into `MESSAGE` (the caller takes it at once): every message arriving
 * went through four small objects here, a tenth of what a `gen_server:call` leaves for the GC.
 */
function decodeMessage(bytes: Buffer, offset: number, atomCache: (Atom | boolean)[] | undefined): DecodedMessage {
  const passThrough = atomCache === undefined;
  let pos = offset;
  if (passThrough) {
    if (bytes[pos] !== VERSION) throw new Error(`control message starts with ${bytes[pos]}, not 131`);
    pos += 1;
  }
  CACHE_OPTIONS.atomCache = atomCache;
  const options = passThrough ? undefined : CACHE_OPTIONS;
  const control = decodeAt(bytes, pos, options, AT).term;
  if (!isTuple(control) || control.length === 0) throw new Error('control message is not a non-empty tuple');
  let payload: Term | undefined;
  pos = AT.end;
  if (pos < bytes.length) {
    if (passThrough) {
      if (bytes[pos] !== VERSION) throw new Error(`payload starts with ${bytes[pos]}, not 131`);
      pos += 1;
    } else if (bytes[pos] === VERSION) {
      throw new Error('payload starts with 131 after a header');
    }
    payload = decodeAt(bytes, pos, options, AT).term;
  }
  CACHE_OPTIONS.atomCache = undefined;
  AT.term = 0; // the payload is not kept alive here
  MESSAGE.control = control;
  MESSAGE.payload = payload;
  return MESSAGE;
}

interface DecodedMessage {
  control: Tuple;
  payload: Term | undefined;
}

const CACHE_OPTIONS: DecodeOptions = { atomCache: undefined };
const AT: DecodedAt = { term: 0, end: 0 };
const NO_CONTROL = [] as unknown as Tuple;
const MESSAGE: DecodedMessage = { control: NO_CONTROL, payload: undefined };
