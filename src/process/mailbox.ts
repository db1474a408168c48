/**
 * A process's mailbox: messages in arrival order and Erlang's selective receive (the first
 * message that matches, in order; the rest stay queued for a later receive).
 */
import type { Term, TermInput } from '../term/types.js';
import { exitWithoutStack } from './exceptions.js';

/** What {@link Mailbox.receive} resolves to when the timeout passes first (`after T -> …`). */
export const TIMEOUT: unique symbol = Symbol('noderl.timeout');
export type Timeout = typeof TIMEOUT;

/** Options of a receive. */
export interface ReceiveOptions {
  /** Only a message for which this returns true is taken (default: any). */
  match?: (message: Term) => boolean;
  /** Milliseconds before resolving with {@link TIMEOUT}; `0` polls; default: wait forever. */
  timeout?: number;
}

/**
 * Options of a receive whose `match` is a type guard: the message it takes is a `T`. The result
 * adds {@link Timeout} only when `timeout` is given.
 */
export interface GuardedReceiveOptions<T extends Term> extends ReceiveOptions {
  match: (message: Term) => message is T;
}

/**
 * The overloads of a receive (`Process.receive`, `Mailbox.receive`): a guard narrows the message,
 * and `TIMEOUT` is a possible result only with a `timeout`.
 */
export interface Receive {
  (): Promise<Term>;
  <T extends Term>(options: GuardedReceiveOptions<T> & { timeout?: undefined }): Promise<T>;
  <T extends Term>(options: GuardedReceiveOptions<T>): Promise<T | Timeout>;
  (options: ReceiveOptions & { timeout?: undefined }): Promise<Term>;
  (options?: ReceiveOptions): Promise<Term | Timeout>;
}

interface Waiter {
  match?: (message: Term) => boolean;
  resolve: (message: Term | Timeout) => void;
  reject: (err: unknown) => void;
}

/**
 * A value a process sends, as the signal carries it. A message to another node is encoded, and
 * arrives decoded as a {@link Term}; a local one is handed over as it is (no copy, as ERTS does not
 * copy within a node either), so a JS string sent locally arrives as that string. The signal types
 * (src/channel/control.ts) say `Term`; this is the one place that knows the difference.
 * @internal
 */
export function handedOver(value: TermInput): Term {
  return value as Term;
}

/** A process's queue of messages; the process table owns it (user code reaches it through `Process.receive`). */
export class Mailbox {
  private readonly queue: Term[] = [];
  private waiter?: Waiter;
  /** The exit reason of the process, once it is gone. */
  private closed = false;
  private closedReason: Term = 0;
  /**
   * One timer per mailbox, re-armed (`refresh`) by each receive with the same timeout rather than
   * made and cleared: a `gen_server:call` waits with a timeout every time, and a new Timeout per
   * receive cost ~400 bytes of garbage and two list operations. `timed` is the waiter it is for;
   * a receive that ends first unrefs it, and it goes off later, finding nothing to do.
   */
  private timer?: NodeJS.Timeout;
  private timerMs = -1;
  private timed?: Waiter;

  /** Messages waiting. */
  get size(): number {
    return this.queue.length;
  }

  /** True while a receive waits for a message (`process_info(P, status)` says `waiting`). */
  get waiting(): boolean {
    return this.waiter !== undefined;
  }

  /** The queued messages, oldest first, left in place (`process_info(P, messages)`). */
  messages(): Term[] {
    return [...this.queue];
  }

  /** Delivers a message; a waiting receive that matches it takes it at once. */
  push(message: Term): void {
    if (this.closed) return;
    const w = this.waiter;
    if (w && (!w.match || w.match(message))) {
      this.waiter = undefined;
      if (this.timed === w) this.disarm();
      w.resolve(message);
      return;
    }
    this.queue.push(message);
  }

  /** Takes the first matching message, waiting for one up to `timeout` ms. */
  receive(): Promise<Term>;
  receive<T extends Term>(options: GuardedReceiveOptions<T> & { timeout?: undefined }): Promise<T>;
  receive<T extends Term>(options: GuardedReceiveOptions<T>): Promise<T | Timeout>;
  receive(options: ReceiveOptions & { timeout?: undefined }): Promise<Term>;
  receive(options?: ReceiveOptions): Promise<Term | Timeout>;
  receive(options: ReceiveOptions = {}): Promise<Term | Timeout> {
    if (this.closed) return Promise.reject(exitWithoutStack(this.closedReason));
    if (this.waiter) return Promise.reject(new Error('a process can run one receive at a time'));
    const { match, timeout } = options;
    for (let i = 0; i < this.queue.length; i += 1) {
      if (!match || match(this.queue[i]!)) return Promise.resolve(this.queue.splice(i, 1)[0]!);
    }
    if (timeout !== undefined && timeout <= 0) return Promise.resolve(TIMEOUT);
    return new Promise((resolve, reject) => {
      const w: Waiter = { match, resolve, reject };
      if (timeout !== undefined && Number.isFinite(timeout)) this.arm(w, timeout);
      this.waiter = w;
    });
  }

  private arm(w: Waiter, ms: number): void {
    this.timed = w;
    if (this.timer !== undefined && this.timerMs === ms) {
      this.timer.refresh().ref();
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerMs = ms;
    this.timer = setTimeout(() => this.expire(), ms);
  }

  private disarm(): void {
    this.timed = undefined;
    this.timer!.unref(); // still pending: it must not keep Node running on its own
  }

  private expire(): void {
    const w = this.timed;
    if (w === undefined) return; // it was for a receive that ended before it went off
    this.timed = undefined;
    if (this.waiter === w) this.waiter = undefined;
    w.resolve(TIMEOUT);
  }

  /** Removes the queued messages for which `drop` returns true (`demonitor(Ref, [flush])`). */
  remove(drop: (message: Term) => boolean): void {
    for (let i = this.queue.length - 1; i >= 0; i -= 1) if (drop(this.queue[i]!)) this.queue.splice(i, 1);
  }

  /**
   * The process is gone with `reason`: drop the queue and fail a waiting receive with its
   * ProcessExit (made only then: most processes end with nobody waiting, an rpc served each time).
   */
  close(reason: Term): void {
    if (this.closed) return;
    this.closed = true;
    this.closedReason = reason;
    this.queue.length = 0;
    const w = this.waiter;
    this.waiter = undefined;
    this.timed = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (w) w.reject(exitWithoutStack(reason));
  }
}
