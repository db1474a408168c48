/**
 * Idle caller processes kept for `node.rpc` and `node.erpc` calls made from outside any process.
 * Spawning and ending a process per call cost about a fifth of a call's time (a Process, its
 * mailbox and maps, and the ProcessExit that ending one builds), so a process that finished a call
 * cleanly — its DOWN came, its mailbox is empty — waits for the next. One that timed out or holds
 * anything ends instead, and ending it takes down whatever it still holds (DEMONITOR_P for a late
 * spawn reply), as a fresh process per call would.
 */
import type { Pid } from '../term/types.js';
import { processInternals, type Process } from '../process/process.js';

/** Starts a process with the caller's group leader (`node.spawn` or `self.spawn`). */
export type Spawner = (fn: (self: Process) => unknown) => Pid;

/** One job for a caller process; resolves true when the process is clean enough to be kept. */
export type CallerJob = (self: Process) => Promise<boolean>;

interface Worker {
  self?: Process;
  next?: (job: CallerJob | undefined) => void;
}

/** Idle caller processes kept at most: enough for the usual handful of concurrent calls. */
const MAX_IDLE = 8;

export class CallerPool {
  private readonly idle: Worker[] = [];

  constructor(readonly spawn: Spawner) {}

  /** Runs `job` in an idle caller process, or a new one. */
  run(job: CallerJob): void {
    for (let w = this.idle.pop(); w; w = this.idle.pop()) {
      if (w.self?.alive && w.next) return w.next(job); // a node that stopped has ended its idle workers
    }
    const worker: Worker = {};
    this.spawn(async (self) => {
      worker.self = self;
      for (let next: CallerJob | undefined = job; next; next = await this.park(worker)) {
        if (!(await next(self)) || processInternals.mailbox(self).size !== 0 || !self.alive) return;
      }
    });
  }

  /** Waits for the next job; undefined ends the worker when the pool is full. */
  private park(worker: Worker): Promise<CallerJob | undefined> {
    if (this.idle.length >= MAX_IDLE) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      worker.next = (job) => {
        worker.next = undefined;
        resolve(job);
      };
      this.idle.push(worker);
    });
  }
}
