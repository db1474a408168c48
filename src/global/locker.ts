/**
 * The locker, global's satellite process (OTP's `loop_the_locker`): for each peer that asked to
 * sync it waits a while, then locks `{global, sort([OurLocker, HisLocker])}` on its own partition
 * (the boss first, then the peer, then every known node), tells the peer's locker (through the
 * peer's `global_name_server`, protocol vsn ≥ 6) with `{lock_set, Self, true, Known, HisTag}`, and
 * waits for the peer's answer. With both partitions locked it tells our server `lock_is_set` and
 * keeps the lock until the server cancels it when the sync is done (running, just before the
 * locks go, the function that casts `new_nodes`, so those arrive before `del_lock`).
 *
 * It also answers the peer that locked first (`lock_set` arriving "spontaneously"). Both lockers
 * use the same lock id, so the nodes common to both partitions stay locked until both are done.
 */
import { atom, isTuple, Pid, tuple, type Term, type Tuple } from '../term/types.js';
import { compare, equals } from '../term/compare.js';
import { TIMEOUT } from '../process/mailbox.js';
import type { Process } from '../process/process.js';
import { castNameServer } from './multi-call.js';
import { deleteGlobalLock, setLockOnNodes, theBoss, type LockContext } from './locks.js';

const GLOBAL = atom('global');
const LOCK_SET = atom('lock_set');
const LOCK_IS_SET = atom('lock_is_set');
const HIS_THE_LOCKER = atom('his_the_locker');
const CANCEL = atom('cancel');

interface Him {
  node: string;
  locker: Pid;
  myTag: Term;
  hisTag: Term;
}

export interface LockerContext extends LockContext {
  /** The nodes our server knows (its `known` map's node keys). */
  known(): string[];
}

type LockId = [Term, Term];

export class Locker {
  private readonly cancelFns = new Map<number, () => void>();
  private nextFn = 1;
  pid?: Pid;

  constructor(private readonly ctx: LockerContext) {}

  /** The server's `{his_the_locker, …}`: a peer wants to sync. */
  hisTheLocker(self: Process, hisLocker: Pid, hisTag: Term, myTag: Term): void {
    if (this.pid) self.send(this.pid, tuple(HIS_THE_LOCKER, hisLocker, hisTag, myTag));
  }

  /** `cancel_locker`'s `{cancel, Node, Tag, Fun}`; `fn` runs in the locker before it frees the locks. */
  cancel(self: Process, node: string, tag: Term | undefined, fn?: () => void): void {
    if (!this.pid) return;
    let id = 0;
    if (fn) this.cancelFns.set((id = this.nextFn++), fn);
    self.send(this.pid, tuple(CANCEL, atom(node), tag ?? atom('undefined'), id));
  }

  /** The locker's body. */
  async run(self: Process): Promise<never> {
    this.pid = self.pid;
    let pending: Him[] = [];
    let justSynced = false;
    for (;;) {
      let m = await self.receive({ timeout: 0 });
      if (m === TIMEOUT) {
        const known = this.ctx.known();
        const timeout = pending.length === 0 ? undefined : justSynced ? 0 : known.length === 0 ? 200 : Math.min(1000 + 100 * known.length, 3000);
        justSynced = false;
        m = await self.receive({ timeout });
        if (m === TIMEOUT) {
          if (this.ctx.tables.isLockSet(GLOBAL)) continue;
          pending = pending.filter((h) => !known.includes(h.node));
          if (pending.length === 0) continue;
          const him = pending[Math.floor(Math.random() * pending.length)]!;
          if (await this.lockBoth(self, him)) {
            pending = pending.filter((h) => h !== him);
            justSynced = true;
          }
          continue;
        }
      }
      if (!isTuple(m)) continue;
      if (m[0] === HIS_THE_LOCKER && m.length === 4 && m[1] instanceof Pid) {
        pending.push({ node: m[1].node.name, locker: m[1], hisTag: m[2]!, myTag: m[3]! });
      } else if (m[0] === CANCEL && m.length === 4) {
        this.takeFn(m[3]); // a cancel outside a lock session has nothing to run
        const node = nodeName(m[1]);
        if (m[2] !== atom('undefined')) pending = pending.filter((h) => h.node !== node || !equals(h.myTag, m[2]!));
      } else if (m[0] === LOCK_SET && m.length === 5 && m[1] instanceof Pid && m[2] === true) {
        // The peer locked its side first: lock ours and answer.
        const from = m[1];
        const him = pending.find((h) => h.node === from.node.name);
        if (!him || !equals(him.myTag, m[4]!)) continue;
        const id = this.lockId(from);
        const set = await this.lockNodesSafely(self, id, []);
        this.sendLockSet(self, set, from, him.hisTag);
        if (!set) continue;
        const known = [this.ctx.me, ...this.ctx.known()];
        castNameServer(self, this.ctx.me, tuple(LOCK_IS_SET, atom(him.node), him.myTag, tuple(id[0], id[1])));
        await this.waitCancel(self, him.node, id, him.myTag, known);
        pending = pending.filter((h) => h !== him);
        justSynced = true;
      }
    }
  }

  /** `select_node/1` for one peer: lock our side with his node, tell him, wait for his side. */
  private async lockBoth(self: Process, him: Him): Promise<boolean> {
    const id = this.lockId(him.locker);
    if (!(await this.lockNodesSafely(self, id, [him.node]))) return false;
    const known1 = [this.ctx.me, him.node, ...this.ctx.known()];
    this.sendLockSet(self, true, him.locker, him.hisTag);
    for (;;) {
      const m = await self.receive({
        match: (x): x is Tuple =>
          isTuple(x) &&
          ((x[0] === LOCK_SET && x.length === 5 && x[1] instanceof Pid && x[1].node.name === him.node) ||
            (x[0] === CANCEL && x.length === 4 && nodeName(x[1]) === him.node && equals(x[2]!, him.myTag))),
      });
      if (m[0] === CANCEL) {
        this.takeFn(m[3])?.();
        await deleteGlobalLock(self, id, known1);
        return true; // the session is over either way
      }
      if (!equals(m[4]!, him.myTag)) continue; // an old session's answer
      if (m[2] !== true) {
        await deleteGlobalLock(self, id, known1);
        return false;
      }
      castNameServer(self, this.ctx.me, tuple(LOCK_IS_SET, atom(him.node), him.myTag, tuple(id[0], id[1])));
      await this.waitCancel(self, him.node, id, him.myTag, known1);
      return true;
    }
  }

  private async waitCancel(self: Process, node: string, id: LockId, myTag: Term, known: string[]): Promise<void> {
    const m = await self.receive({
      match: (x): x is Tuple => isTuple(x) && x[0] === CANCEL && x.length === 4 && nodeName(x[1]) === node && equals(x[2]!, myTag),
    });
    this.takeFn(m[3])?.();
    await deleteGlobalLock(self, id, [...new Set(known)]);
  }

  private takeFn(id: Term | undefined): (() => void) | undefined {
    if (typeof id !== 'number') return undefined;
    const fn = this.cancelFns.get(id);
    this.cancelFns.delete(id);
    return fn;
  }

  /** `locker_lock_id/2`: both lockers compute the same id. */
  private lockId(his: Pid): LockId {
    return [GLOBAL, [this.pid!, his].sort(compare)];
  }

  /** `lock_nodes_safely/3`. */
  private async lockNodesSafely(self: Process, id: LockId, extra: string[]): Promise<boolean> {
    const me = this.ctx.me;
    const boss = theBoss([me, ...this.ctx.known()]);
    if (boss !== me && this.ctx.tables.canSetLock(id[0], id[1]) === false) return false;
    if (!(await setLockOnNodes(self, this.ctx, id, [boss]))) return false;
    const second = [me, ...extra].filter((n) => n !== boss);
    if (!(await setLockOnNodes(self, this.ctx, id, second))) {
      await deleteGlobalLock(self, id, [boss]);
      return false;
    }
    const rest = this.ctx.known().filter((n) => n !== boss);
    if (!(await setLockOnNodes(self, this.ctx, id, rest))) {
      await deleteGlobalLock(self, id, [boss, ...second]);
      return false;
    }
    return true;
  }

  /** `send_lock_set/5` (vsn 8): a cast through the peer's server. */
  private sendLockSet(self: Process, set: boolean, his: Pid, hisTag: Term): void {
    castNameServer(self, his.node.name, tuple(LOCK_SET, self.pid, set, this.ctx.known().map((n) => atom(n)), hisTag));
  }
}

function nodeName(t: Term | undefined): string | undefined {
  return t !== undefined && t !== null && typeof t === 'object' && 'name' in t && typeof (t as { name: unknown }).name === 'string' ? (t as { name: string }).name : undefined;
}
