/**
 * The warnings of a snapshot: a peer whose ticks come late, a send queue that keeps growing, a
 * node that does not answer. A live peer sends something at least every net_ticktime/4 (a tick
 * when it has nothing else), and is dropped after a whole net_ticktime of silence; so silence of
 * half a ticktime (two ticks missed) is worth a line while there is still time to look.
 */
import type { NodeReport } from './snapshot.js';

/** Samples of a send queue kept per connection; this many rising in a row make a warning. */
const RISING_SAMPLES = 3;

/** Keeps the send queues seen in the last refreshes, to tell a growing queue from a busy one. */
export class QueueHistory {
  private readonly samples = new Map<string, number[]>();

  /** Records `bytes` for `node`'s connection to `peer`; true when the last samples only rose. */
  rising(node: string, peer: string, bytes: number): boolean {
    const key = `${node} ${peer}`;
    const list = this.samples.get(key) ?? [];
    list.push(bytes);
    if (list.length > RISING_SAMPLES) list.shift();
    this.samples.set(key, list);
    return list.length === RISING_SAMPLES && list.every((b, i) => i === 0 || b > list[i - 1]!);
  }

  /** The samples behind a warning, oldest first. */
  recent(node: string, peer: string): readonly number[] {
    return this.samples.get(`${node} ${peer}`) ?? [];
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
      if (c.sendQueueBytes !== null && queues.rising(n.node, c.peer, c.sendQueueBytes)) {
        out.push(`${n.node}: send queue to ${c.peer} keeps growing: ${queues.recent(n.node, c.peer).join(', ')} bytes`);
      }
    }
  }
  return out;
}
