/**
 * Setting and deleting a global lock on a set of nodes, as `global:set_lock_on_nodes/2`,
 * `check_replies/3` and `delete_global_lock/2` do: one multi_call `{set_lock, Id}`; a single
 * `false` undoes the nodes that said `true`. The boss (the greatest node name) is locked first and
 * freed last, so two lockers in one partition meet at the boss instead of deadlocking.
 */
import { atom, tuple, type Term } from '../term/types.js';
import type { Process } from '../process/process.js';
import { multiCallNameServer } from './multi-call.js';
import type { GlobalTables } from './tables.js';

const SET_LOCK = atom('set_lock');
const DEL_LOCK = atom('del_lock');

/** What lock code needs: the node's name and its server's tables (for the local probe). */
export interface LockContext {
  readonly me: string;
  readonly tables: GlobalTables;
}

/** `lists:max/1` of node names (atoms compare as text). */
export function theBoss(nodes: readonly string[]): string {
  return nodes.reduce((a, b) => (b > a ? b : a));
}

/** `set_lock_on_nodes/2` with `Id = {ResourceId, RequesterId}`. */
export async function setLockOnNodes(self: Process, ctx: LockContext, id: [Term, Term], nodes: readonly string[]): Promise<boolean> {
  if (nodes.length === 0) return true;
  // local_lock_check: probe our own table before bothering the others.
  if (nodes.length > 1 && nodes.includes(ctx.me) && ctx.tables.canSetLock(id[0], id[1]) === false) return false;
  const replies = await multiCallNameServer(self, nodes, tuple(SET_LOCK, tuple(id[0], id[1])));
  if (replies.every(([, r]) => r === true)) return true;
  if (replies.length > 1) {
    const yes = replies.filter(([, r]) => r === true).map(([n]) => n);
    await multiCallNameServer(self, yes, tuple(DEL_LOCK, tuple(id[0], id[1])));
  }
  return false;
}

/** `global:del_lock(Id, Nodes)`. */
export async function delLockOnNodes(self: Process, id: [Term, Term], nodes: readonly string[]): Promise<void> {
  if (nodes.length > 0) await multiCallNameServer(self, nodes, tuple(DEL_LOCK, tuple(id[0], id[1])));
}

/** `delete_global_lock/2`: every node but the boss, then the boss. */
export async function deleteGlobalLock(self: Process, id: [Term, Term], nodes: readonly string[]): Promise<void> {
  if (nodes.length === 0) return;
  const boss = theBoss(nodes);
  await delLockOnNodes(self, id, nodes.filter((n) => n !== boss));
  await delLockOnNodes(self, id, [boss]);
}

/** `random_sleep/1`: 1/4 s first, doubling up to 8 s. */
export function randomSleepMs(times: number): number {
  const max = times > 5 ? 8000 : ((1 << times) * 1000) / 8;
  return 1 + Math.floor(Math.random() * max);
}
