/**
 * A process's mailbox: messages in arrival order and Erlang's selective receive (the first
 * message that matches, in order; the rest stay queued for a later receive).
 */
import type { Term } from '../term/types.js';

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

interface Waiter {
  match?: (message: Term) => boolean;
  resolve: (message: Term | Timeout) => void;
  reject: (err: unknown) => void;
  timer?: NodeJS.Timeout;
}

export class Mailbox {
  private readonly queue: Term[] = [];
  private waiter?: Waiter;
  private closedWith?: unknown;

  /** Messages waiting. */
  get size(): number {
    return this.queue.length;
  }

  /** Delivers a message; a waiting receive that matches it takes it at once. */
  push(message: Term): void {
    if (this.closedWith !== undefined) return;
    const w = this.waiter;
    if (w && (!w.match || w.match(message))) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.resolve(message);
      return;
    }
    this.queue.push(message);
  }

  /** Takes the first matching message, waiting for one up to `timeout` ms. */
  receive(options: ReceiveOptions = {}): Promise<Term | Timeout> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    if (this.waiter) return Promise.reject(new Error('a process can run one receive at a time'));
    const { match, timeout } = options;
    for (let i = 0; i < this.queue.length; i += 1) {
      if (!match || match(this.queue[i]!)) return Promise.resolve(this.queue.splice(i, 1)[0]!);
    }
    if (timeout !== undefined && timeout <= 0) return Promise.resolve(TIMEOUT);
    return new Promise((resolve, reject) => {
      const w: Waiter = { match, resolve, reject };
      if (timeout !== undefined && Number.isFinite(timeout)) {
        w.timer = setTimeout(() => {
          if (this.waiter === w) this.waiter = undefined;
          resolve(TIMEOUT);
        }, timeout);
      }
      this.waiter = w;
    });
  }

  /** Removes the queued messages for which `drop` returns true (`demonitor(Ref, [flush])`). */
  remove(drop: (message: Term) => boolean): void {
    for (let i = this.queue.length - 1; i >= 0; i -= 1) if (drop(this.queue[i]!)) this.queue.splice(i, 1);
  }

  /** The process is gone: drop the queue and fail a waiting receive with `err`. */
  close(err: unknown): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = err;
    this.queue.length = 0;
    const w = this.waiter;
    this.waiter = undefined;
    if (w) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }
}
