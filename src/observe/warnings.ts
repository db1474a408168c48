/**
 * The warnings of a snapshot: a peer whose ticks come late, a send queue that keeps growing or
 * does not drain, a node that does not answer. A live peer sends something at least every
 * net_ticktime/4 (a tick when it has nothing else), and is dropped after a whole net_ticktime of
 * silence; so silence of half a ticktime (two ticks missed) is worth a line while there is still
 * time to look. A BEAM node's send queue as `inet:getstat/2` sees it (`send_pend`, the port's
 * queue) stops growing once the port is busy, since ERTS then holds the rest in the connection's
 * own buffer; so a queue that stays full while nothing more is written counts too.
 */
import type { ConnectionReport, NodeReport } from './snapshot.js';

/** Refreshes a send queue is looked at over: this many samples, all queued, make a warning. */
const SAMPLES = 3;

interface Sample {
  queued: number;
  sent: number | null;
}

/** Keeps the send queues seen in the last refreshes, to tell a stuck or growing queue from a busy one. */
export class QueueHistory {
  private readonly samples = new Map<string, Sample[]>();

  /** Records `c`'s queue as `node` sees it; the warning it deserves, if any. */
  judge(node: string, c: ConnectionReport): string | undefined {
    if (c.sendQueueBytes === null) return undefined;
    const key = `${node} ${c.peer}`;
    const list = this.samples.get(key) ?? [];
    list.push({ queued: c.sendQueueBytes, sent: c.bytesOut });
    if (list.length > SAMPLES) list.shift();
    this.samples.set(key, list);
    if (list.length < SAMPLES || list.some((s) => s.queued === 0)) return undefined;
    const queued = list.map((s) => s.queued);
    if (queued.every((q, i) => i === 0 || q > queued[i - 1]!)) return `${node}: send queue to ${c.peer} keeps growing: ${queued.join(', ')} bytes`;
    if (list[0]!.sent !== null && list.every((s) => s.sent === list[0]!.sent)) {
      return `${node}: send queue to ${c.peer} does not drain: ${queued.at(-1)} bytes waiting, nothing sent for ${SAMPLES} refreshes`;
    }
    return undefined;
  }
}

/** The warning lines for `cluster`, recording its send queues in `queues`. */
export function warningsOf(cluster: readonly NodeReport[], queues: QueueHistory): string[] {
  const out: string[] = [];
  for (const n of cluster) {
    if (n.state === 'unresponsive') out.push(`${n.node} did not answer: ${n.error ?? 'timeout'}`);
    if (n.state !== 'up') continue;
    const ticktimeMs = (n.netTicktime ?? 60) * 1000;
    for (const c of n.connections) {
      if (c.lastInputAgeMs !== null && c.lastInputAgeMs >= ticktimeMs / 2) {
        out.push(`${n.node}: nothing from ${c.peer} for ${(c.lastInputAgeMs / 1000).toFixed(1)} s (ticks due every ${ticktimeMs / 4000} s; dropped after ${ticktimeMs / 1000} s)`);
      }
      const queue = queues.judge(n.node, c);
      if (queue !== undefined) out.push(queue);
    }
  }
  return out;
}
