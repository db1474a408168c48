/**
 * What the live views share: a refresh every interval, and how they end. SIGINT and SIGTERM are
 * taken over while a view runs, so the observing node stops cleanly (its connections closed, its
 * name unregistered) instead of the process dying with them.
 */
import type { Observer } from './observer.js';
import type { Snapshot, SortKey } from './snapshot.js';

/** A stop request: `promise` resolves on the first SIGINT or SIGTERM, or on `stop()`. */
export interface StopSignal {
  promise: Promise<void>;
  readonly stopped: boolean;
  stop(): void;
}

/** Resolves on the first SIGINT or SIGTERM (and takes them over, so the node stops cleanly). */
export function untilSignal(): StopSignal {
  let stopped = false;
  let finish = (): void => {};
  const promise = new Promise<void>((resolve) => {
    const done = (): void => {
      stopped = true;
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    finish = done;
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
  return { promise, get stopped() { return stopped; }, stop: () => finish() };
}

/**
 * Takes a snapshot every `interval` ms (the next one at once when a refresh took longer) and
 * hands it to `show`, until `stop` (default: the first SIGINT or SIGTERM).
 */
export async function refreshLoop(observer: Observer, interval: number, sort: () => SortKey, show: (snapshot: Snapshot) => void, stop: StopSignal = untilSignal()): Promise<void> {
  while (!stop.stopped) {
    const started = Date.now();
    const snapshot = await observer.snapshot(sort());
    if (stop.stopped) break;
    show(snapshot);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stop.promise, new Promise((r) => (timer = setTimeout(r, Math.max(0, interval - (Date.now() - started)))))]);
    clearTimeout(timer);
  }
}
