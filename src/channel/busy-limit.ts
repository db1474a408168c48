/**
 * A connection's busy state: OTP's `dist_buf_busy_limit` (`erl +zdbbl KB`, 1024 KB by default).
 * The connection is busy while the bytes queued toward the peer and not yet taken by the kernel
 * (`Outbox.queuedBytes`) are at least the limit, which is what happens when the peer stops
 * reading: its TCP window closes, the kernel's buffers fill, and then the queue grows.
 *
 * As ERTS does it (dist.c, `erts_dsig_send`): a message is always queued, and the sender finds
 * out afterwards that the connection is busy; an Erlang sender is then suspended until the queue
 * drops below the limit. A JS function cannot be suspended from outside, so here the sender gets
 * a promise ({@link BusyLimit.whenNotBusy}) that resolves at that moment, or when the connection
 * closes (its queue is freed then). `erlang:send/3` with `nosuspend` asks {@link BusyLimit.busy}
 * first and does not send at all, as ERTS's `erts_dsig_prepare` answers `nosuspend`.
 *
 * The queue shrinks only when the socket hands bytes to the kernel (the outbox moving a batch or
 * a fragment into the socket does not change the total), so while busy the queue is measured
 * again when the socket has written out everything it held (the callback of an empty write,
 * which Node calls in order after the writes before it), and after each of the outbox's flushes.
 */
import type { Socket } from 'node:net';

/** OTP's default `+zdbbl 1024`: 1 MiB. */
export const DEFAULT_DIST_BUF_BUSY_LIMIT = 1024 * 1024;

const EMPTY = Buffer.alloc(0);
const RESOLVED: Promise<void> = Promise.resolve();

/** Told when the connection becomes busy, and when it is not busy any more. */
export type BusyListener = (busy: boolean, queuedBytes: number) => void;

/** The busy flag of one connection's queue, and the senders waiting for it to clear. */
export class BusyLimit {
  #busy = false;
  #closed = false;
  /** An empty write is waiting for the socket to write out what is ahead of it. */
  #watching = false;
  #waiters?: { promise: Promise<void>; resolve: () => void };

  constructor(
    private readonly socket: Socket,
    /** The bytes queued toward the peer now. */
    private readonly queuedBytes: () => number,
    /** Busy at this many queued bytes or more. */
    readonly limit: number,
    private readonly listener: BusyListener,
  ) {}

  /** True while the queue holds at least {@link limit} bytes. */
  get busy(): boolean {
    return this.#busy;
  }

  /** After a message was queued: true when the connection can take more, false when it is now busy. */
  queued(): boolean {
    if (this.#busy) return false;
    if (this.#closed) return true;
    const bytes = this.queuedBytes();
    if (bytes < this.limit) return true;
    this.#busy = true;
    this.listener(true, bytes);
    this.watch();
    return false;
  }

  /** The queue may have shrunk (a flush, a write finished): clears the busy flag once it is below the limit. */
  recheck(): void {
    if (!this.#busy || this.#closed) return;
    const bytes = this.queuedBytes();
    if (bytes >= this.limit) return this.watch();
    this.#busy = false;
    this.release();
    this.listener(false, bytes);
  }

  /** Resolves at once when not busy, else once the queue dropped below the limit or the connection closed. */
  whenNotBusy(): Promise<void> {
    if (!this.#busy) return RESOLVED;
    if (!this.#waiters) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#waiters = { promise, resolve };
    }
    return this.#waiters.promise;
  }

  /** The connection closed: its queue is gone, so nobody waits any more. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#busy = false;
    this.release();
  }

  private release(): void {
    const waiters = this.#waiters;
    this.#waiters = undefined;
    waiters?.resolve();
  }

  /**
   * Measures again once the socket has written out what it holds now. With nothing in the socket
   * the outbox's next flush (always scheduled while it holds bytes) calls {@link recheck} instead:
   * an empty write on an empty socket would call back at once, over and over, until then.
   */
  private watch(): void {
    if (this.#watching || this.#closed || this.socket.writableLength === 0 || this.socket.destroyed) return;
    this.#watching = true;
    this.socket.write(EMPTY, () => {
      this.#watching = false;
      this.recheck();
    });
  }
}
