/**
 * `erlang:monitor_node/2` bookkeeping: which processes asked to hear of a node's connection going
 * down, and how many times (each `monitor_node(N, true)` adds one `{nodedown, N}` message;
 * `monitor_node(N, false)` takes one back). Nothing goes on the wire (otp-distribution.md §7.3).
 */
import type { Pid } from '../term/types.js';
import { pidKey } from './local-identity.js';

interface Watch {
  pid: Pid;
  count: number;
}

export class NodeMonitors {
  private readonly byNode = new Map<string, Map<string, Watch>>();

  add(node: string, pid: Pid): void {
    let watches = this.byNode.get(node);
    if (!watches) this.byNode.set(node, (watches = new Map()));
    const w = watches.get(pidKey(pid));
    if (w) w.count += 1;
    else watches.set(pidKey(pid), { pid, count: 1 });
  }

  /** Takes one monitor of `pid` on `node` back; true when there was one. */
  remove(node: string, pid: Pid): boolean {
    const watches = this.byNode.get(node);
    const w = watches?.get(pidKey(pid));
    if (!watches || !w) return false;
    if (--w.count === 0) watches.delete(pidKey(pid));
    if (watches.size === 0) this.byNode.delete(node);
    return true;
  }

  /** The connection to `node` went down: every watcher, once per monitor; all of them end. */
  fire(node: string): Pid[] {
    const watches = this.byNode.get(node);
    this.byNode.delete(node);
    const out: Pid[] = [];
    for (const w of watches?.values() ?? []) for (let i = 0; i < w.count; i += 1) out.push(w.pid);
    return out;
  }

  /** A process ended: its node monitors go with it. */
  forget(pid: Pid): void {
    const key = pidKey(pid);
    for (const [node, watches] of this.byNode) {
      watches.delete(key);
      if (watches.size === 0) this.byNode.delete(node);
    }
  }
}
