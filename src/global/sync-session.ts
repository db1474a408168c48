/**
 * The sync of two partitions, `global_name_server`'s side (global.erl's "Connection algorithm",
 * protocol vsn 8; otp-distribution.md §8.3). Per peer being synced a session keeps MyTag (sent in
 * init_connect), HisTag, the exchange bookkeeping (`waitLock`, `saveOps`), the lock id and an
 * init_connect that came before our nodeup; `pending` holds the peers whose init_connect we
 * answered and `resolving` the sessions allowed to run a name resolution (OTP's resolvers).
 *
 * nodeup → cast `init_connect`; its `init_connect` → `his_the_locker` to the locker
 * (src/global/locker.ts) and a plain `init_connect_ack`; the lockers lock both partitions;
 * `lock_is_set` → cast `exchange` with our names; both `exchange`s → resolve conflicts
 * (src/global/resolvers.ts) → cast `resolved`; both `resolved` → apply the operations, connect to
 * the nodes the peer knew and cast them `in_sync` (`sync_others`), and have the locker cast
 * `new_nodes` to the nodes we knew before freeing the lock. Tags that do not match cancel the
 * session (`cancel_connect`) and start it again.
 */
import { atom, isTuple, Pid, tuple, type Term } from '../term/types.js';
import { equals } from '../term/compare.js';
import { type Process } from '../process/process.js';
import { castNameServer, NAME_SERVER } from './multi-call.js';
import type { Locker } from './locker.js';
import type { GlobalTables } from './tables.js';
import { exchangeNames } from './resolvers.js';
import { GlobalAtom, asList, nodeOf, nodeVsn, VSN } from './protocol.js';
import { KILL } from '../term/atoms.js';

/** What a sync needs from the name server. */
export interface SyncHost {
  readonly me: string;
  readonly self: Process;
  readonly known: Map<string, number>;
  readonly synced: Set<string>;
  readonly locker: Locker;
  readonly tables: GlobalTables;
  /** False while the node stops, and always with `connectAll: false` (OTP ignores nodeup then). */
  takesPart(): boolean;
  spawn(fn: (self: Process) => unknown): Pid;
  connect(node: string): Promise<boolean>;
  /** Our names as `exchange` sends them, and the external ones as `resolved`/`new_nodes` do. */
  namesList(): Term[];
  namesExt(): Term[];
  /** `do_ops/5`. */
  doOps(ops: Term[], extraInfo: Term, namesExt: Term): void;
  /** `resolve_it` on the node that owns our pid. */
  resolveOn(self: Process, owner: string, method: Term, name: Term, a: Pid, b: Pid): Promise<Term>;
  /** `{synced, [Node]}` to the syncers. */
  notifySyncers(node: string): void;
}

interface Session {
  myTag?: Term;
  hisTag?: Term;
  protVsn?: number;
  waitLock?: 'lock_is_set' | { names: Term };
  saveOps?: Term[] | { hisKnown: Term; hisResolved: Term; namesExt: Term };
  lockId?: Term;
  /** The process `exchange` started to resolve the names (OTP's resolver), while it runs. */
  resolver?: Pid;
  preConnect?: { vsn: Term; initMsg: Term };
}

export class SyncSessions {
  /** Peers whose init_connect we answered, with their protocol version (OTP's `{pending, N}`). */
  readonly pending = new Map<string, number>();
  private readonly sessions = new Map<string, Session>();
  private readonly resolving = new Map<string, Term>();
  private nextTag = 1;

  constructor(private readonly gns: SyncHost) {}

  private session(node: string): Session {
    let s = this.sessions.get(node);
    if (!s) this.sessions.set(node, (s = {}));
    return s;
  }

  /** `handle_nodeup/2`. */
  nodeup(node: string): void {
    if (!this.gns.takesPart() || this.gns.known.has(node) || this.resolving.has(node)) return;
    const s = this.session(node);
    const early = s.preConnect;
    s.preConnect = undefined;
    const myTag = this.nextTag++;
    s.myTag = myTag;
    const knownMap = new Map<Term, Term>([...this.gns.known].map(([n, v]) => [atom(n), v]));
    const initMsg = tuple(GlobalAtom.locker, atom('no_longer_a_pid'), knownMap, this.gns.locker.pid!);
    castNameServer(this.gns.self, node, tuple(GlobalAtom.initConnect, tuple(VSN, myTag), atom(this.gns.me), initMsg));
    this.resolving.set(node, myTag);
    if (early) this.initConnect(node, early.vsn, early.initMsg); // resend_pre_connect
  }

  /** `init_connect/6`. */
  initConnect(node: string, vsn: Term, initMsg: Term): void {
    if (!isTuple(vsn) || vsn.length < 2 || typeof vsn[0] !== 'number') return; // OTP logs "Illegal global protocol version"
    const hisVsn = vsn[0];
    const hisTag = vsn[1]!;
    if (this.pending.has(node)) {
      this.sendCancelConnect(node, hisTag);
      this.restart(node, this.sessions.get(node)?.myTag);
    }
    const s = this.session(node);
    s.protVsn = Math.min(hisVsn, VSN);
    s.hisTag = hisTag;
    if (!this.resolving.has(node)) {
      s.preConnect = { vsn, initMsg };
      return;
    }
    if (!isTuple(initMsg) || initMsg.length !== 4 || !(initMsg[3] instanceof Pid)) return;
    this.gns.locker.hisTheLocker(this.gns.self, initMsg[3], hisTag, s.myTag!);
    this.gns.self.send(tuple(NAME_SERVER, atom(node)), tuple(GlobalAtom.initConnectAck, atom(this.gns.me), hisTag, s.myTag!));
    this.pending.set(node, hisVsn);
  }

  initConnectAck(node: string, hisMyTag: Term, hisHisTag: Term): void {
    const s = this.sessions.get(node);
    if (s && s.myTag !== undefined && s.hisTag !== undefined && equals(s.myTag, hisMyTag) && equals(s.hisTag, hisHisTag)) return;
    this.sendCancelConnect(node, hisHisTag);
    this.restart(node, s?.myTag);
  }

  cancelConnect(node: string, myTag: Term): void {
    const s = this.sessions.get(node);
    if (s?.myTag !== undefined && equals(s.myTag, myTag)) this.restart(node, myTag);
  }

  /** `restart_connect/3`. */
  private restart(node: string, myTag: Term | undefined): void {
    this.cancelLocker(node, myTag);
    this.sessions.delete(node);
    this.pending.delete(node);
    if (typeof myTag === 'number') this.nodeup(node);
  }

  private sendCancelConnect(node: string, hisTag: Term | undefined): void {
    this.gns.self.send(tuple(NAME_SERVER, atom(node)), tuple(GlobalAtom.cancelConnect, atom(this.gns.me), hisTag ?? atom('undefined')));
  }

  /** `cancel_locker/4`: ends the locker's session with `node` (running `fn` first) and the resolver. */
  private cancelLocker(node: string, tag: Term | undefined, fn?: () => void): void {
    this.gns.locker.cancel(this.gns.self, node, tag, fn);
    const s = this.sessions.get(node);
    if (this.pending.has(node) && s?.myTag !== undefined && tag !== undefined && equals(s.myTag, tag)) this.sendCancelConnect(node, s.hisTag);
    const r = this.resolving.get(node);
    if (r !== undefined && tag !== undefined && equals(r, tag)) {
      // OTP's `exit(Resolver, kill)`: a resolution of a cancelled session must not go on (it may be
      // waiting on a resolve_it at the pid's node) nor cast its outcome.
      if (s?.resolver) this.gns.self.exit(s.resolver, KILL);
      if (s) s.resolver = undefined;
      this.resolving.delete(node);
    }
  }

  /** `cancel_resolved_locker/3` (and `in_sync`): the session with `node` is over. */
  end(node: string, fn?: () => void): void {
    const tag = this.sessions.get(node)?.myTag;
    this.pending.delete(node);
    this.cancelLocker(node, tag, fn);
    this.sessions.delete(node);
  }

  /** `handle_nodedown/3`'s part: everything about a sync with `node` goes. */
  nodedown(node: string): void {
    this.cancelLocker(node, this.sessions.get(node)?.myTag);
    this.sessions.delete(node);
    this.resolving.delete(node);
    this.pending.delete(node);
  }

  /** The session for a message carrying our tag; a wrong tag cancels the old session. */
  private tagOk(node: string, myTag: Term): Session | undefined {
    const s = this.sessions.get(node);
    if (s?.myTag !== undefined && equals(s.myTag, myTag)) return s;
    this.cancelLocker(node, myTag);
    return undefined;
  }

  /** The locker's `lock_set` through us: dropped unless it carries our current tag. */
  lockSetMatches(node: string, tag: Term): boolean {
    const s = this.sessions.get(node);
    return s !== undefined && equals(s.myTag ?? GlobalAtom.unused, tag);
  }

  lockIsSet(node: string, myTag: Term, lockId: Term): void {
    const s = this.tagOk(node, myTag);
    if (!s) return;
    castNameServer(this.gns.self, node, tuple(GlobalAtom.exchange, atom(this.gns.me), this.gns.namesList(), [], s.hisTag!));
    s.lockId = lockId;
    const waiting = s.waitLock;
    s.waitLock = 'lock_is_set';
    if (waiting !== undefined && waiting !== 'lock_is_set') this.exchange(node, s, waiting.names);
  }

  exchangeFrom(node: string, names: Term, myTag: Term): void {
    const s = this.tagOk(node, myTag);
    if (s) this.exchange(node, s, names);
  }

  /** `exchange/3`: with our lock set, resolve the names in a process of its own. */
  private exchange(node: string, s: Session, names: Term): void {
    if (s.waitLock !== 'lock_is_set') {
      s.waitLock = { names };
      return;
    }
    s.waitLock = undefined;
    const tag = s.myTag!;
    const server = this.gns.self.pid;
    const ctx = { me: this.gns.me, tables: this.gns.tables, resolveOn: this.gns.resolveOn };
    s.resolver = this.gns.spawn(async (self) => {
      const [ops, resolved] = await exchangeNames(self, ctx, names, node);
      self.send(server, tuple(atom('$gen_cast'), tuple(GlobalAtom.exchangeOps, atom(node), tag, ops, resolved)));
    });
  }

  exchangeOps(node: string, myTag: Term, ops: Term[], resolved: Term[]): void {
    const s = this.tagOk(node, myTag);
    if (!s) return;
    s.resolver = undefined; // it has ended
    castNameServer(this.gns.self, node, tuple(GlobalAtom.resolved, atom(this.gns.me), resolved, this.knownList(), GlobalAtom.unused, this.gns.namesExt(), s.hisTag!));
    const saved = s.saveOps;
    s.saveOps = ops;
    if (saved && !Array.isArray(saved)) this.bothResolved(node, s, saved);
  }

  resolved(node: string, hisResolved: Term, hisKnown: Term, namesExt: Term, myTag: Term): void {
    const s = this.tagOk(node, myTag);
    if (!s) return;
    if (Array.isArray(s.saveOps)) this.bothResolved(node, s, { hisResolved, hisKnown, namesExt });
    else s.saveOps = { hisKnown, hisResolved, namesExt };
  }

  /** `resolved/5`: both sides resolved; apply, mesh, tell the nodes we knew, free the lock. */
  private bothResolved(node: string, s: Session, his: { hisResolved: Term; hisKnown: Term; namesExt: Term }): void {
    const ops = [...(s.saveOps as Term[]), ...asList(his.hisResolved)];
    const knownBefore = [...this.gns.known.keys()];
    const newNodes = [tuple(atom(node), this.pending.get(node) ?? s.protVsn ?? VSN), ...asList(his.hisKnown)].map((e) => nodeVsn(e, this.gns.known));
    const hisKnownNodes = asList(his.hisKnown).map(nodeOf).filter((n): n is string => n !== undefined && n !== this.gns.me);
    this.syncOthers(hisKnownNodes);
    const extraInfo = [tuple(GlobalAtom.vsn, s.protVsn ?? VSN), tuple(GlobalAtom.lock, s.lockId ?? atom('undefined'))];
    this.gns.doOps(ops, extraInfo, his.namesExt);
    this.gns.notifySyncers(node);
    for (const n of hisKnownNodes) this.end(n);
    const newNodesMsg = tuple(GlobalAtom.newNodes, atom(this.gns.me), ops, his.namesExt, newNodes.map(([n, v]) => tuple(atom(n), v)), extraInfo);
    const self = this.gns.self;
    this.end(node, () => {
      for (const n of knownBefore) castNameServer(self, n, newNodesMsg);
    });
    this.addToKnown(newNodes);
    this.gns.synced.add(node);
  }

  newNodes(ops: Term, namesExt: Term, nodes: Term, extraInfo: Term): void {
    const added = this.addToKnown(asList(nodes).map((e) => nodeVsn(e, this.gns.known)));
    this.syncOthers(added);
    this.gns.doOps(asList(ops), extraInfo, namesExt);
  }

  inSync(node: string): void {
    this.gns.notifySyncers(node);
    this.gns.synced.add(node);
    this.end(node);
  }

  /** `sync_others/1`: connect to each node and tell it we are in sync. */
  private syncOthers(nodes: string[]): void {
    const server = this.gns.self.pid;
    for (const n of nodes) {
      this.gns.spawn(async (self) => {
        if (await this.gns.connect(n)) castNameServer(self, n, tuple(GlobalAtom.inSync, atom(this.gns.me), true));
        else self.send(server, tuple(GlobalAtom.extraNodedown, atom(n)));
      });
    }
  }

  /** `add_to_known/2`: the nodes that were new. */
  private addToKnown(nodes: Array<[string, number]>): string[] {
    const added: string[] = [];
    for (const [n, v] of nodes) {
      if (n === this.gns.me || this.gns.known.has(n)) continue;
      this.gns.known.set(n, v);
      added.push(n);
    }
    return added;
  }

  knownList(): Term[] {
    return [...this.gns.known].map(([n, v]) => tuple(atom(n), v));
  }
}
