/**
 * `global_name_server`: noderl's participant in OTP 25's `global` (kernel's global.erl, protocol
 * vsn 8). Every visible node runs one; hidden nodes take no part (OTP sends them nothing).
 *
 * State (OTP's #state and process dictionary):
 * - `known`: nodes in our partition with their protocol version; `pending`: nodes whose sync has
 *   begun (init_connect answered); `synced`: nodes we are in sync with; `removing`: nodes being
 *   dropped to prevent overlapping partitions.
 * - per peer being synced (`sessions`): MyTag (sent in init_connect), HisTag, the exchange
 *   bookkeeping (`waitLock`, `saveOps`), the lock id, a pre_connect init_connect that came early.
 * - `resolving`: the peer sessions with a name resolution allowed to run (OTP's resolvers).
 * - the name and lock tables (src/global/tables.ts), whose pids and holders this process monitors.
 *
 * Sync with a new visible peer (otp-distribution.md §8.3): nodeup → cast `init_connect`; its
 * `init_connect` → `his_the_locker` to the locker (src/global/locker.ts) and a plain
 * `init_connect_ack`; the lockers lock both partitions (`set_lock`/`del_lock` calls, `lock_set`
 * casts through this server); `lock_is_set` → cast `exchange` with our names; both `exchange`s →
 * resolve conflicts (src/global/resolvers.ts) → cast `resolved`; both `resolved` → apply the
 * operations, connect to the nodes the peer knew and cast them `in_sync` (`sync_others`), and have
 * the locker cast `new_nodes` to the nodes we knew before freeing the lock. Tags that do not match
 * cancel the session (`cancel_connect`) and start it again. Calls: `register`, `register_ext`,
 * `unregister`, `set_lock`, `del_lock`, `get_known`, `get_synced`, `get_protocol_version`, `sync`.
 * With prevent_overlapping_partitions: a lost connection to a known node is multicast as
 * `lost_connection`; one received makes us ask the lost node to disconnect (`remove_connection`).
 *
 * Not done: `global_group`, `register_name_external` links (names_ext are accepted, never sent),
 * the `{registrar, Fun}` call (an Erlang fun cannot run here; BEAM callers use their own server).
 */
import { Atom, atom, isTuple, Pid, Ref, tuple, type Term } from '../term/types.js';
import { equals } from '../term/compare.js';
import type { Process } from '../node/process.js';
import type { From } from '../node/gen-server.js';
import { castGns, GNS } from './multi-call.js';
import { GlobalTables } from './tables.js';
import { Locker } from './locker.js';
import { exchangeNames, resolveIt } from './resolvers.js';
import { A, asList, nodeOf, nodeVsn, VSN } from './protocol.js';
import { LostConnections } from './partitions.js';

/** What the server needs from its node. */
export interface NameServerHost {
  readonly me: string;
  readonly creation: number;
  spawn(fn: (self: Process) => unknown): Pid;
  connect(node: string): Promise<boolean>;
  disconnect(node: string): void;
  isAlive(pid: Pid): boolean;
  /** `rpc:call(Node, global, resolve_it, Args)`. */
  rpcResolve(node: string, args: Term[]): Promise<Term>;
  apply(self: Process, m: Atom, f: Atom, args: Term[]): Promise<Term>;
  log(line: string): void;
}

interface Session {
  myTag?: Term;
  hisTag?: Term;
  protVsn?: number;
  waitLock?: 'lock_is_set' | { names: Term };
  saveOps?: Term[] | { hisKnown: Term; hisResolved: Term };
  lockId?: Term;
  preConnect?: Term;
}

export class NameServer {
  readonly tables: GlobalTables;
  readonly locker: Locker;
  readonly known = new Map<string, number>();
  private readonly pending = new Map<string, number>();
  private readonly removing = new Set<string>();
  readonly synced = new Set<string>();
  private readonly sessions = new Map<string, Session>();
  private readonly resolving = new Map<string, Term>();
  private readonly lost = new LostConnections();
  private readonly syncWaiters = new Set<{ nodes: Set<string>; done: () => void }>();
  private nextTag = 1;
  private stopping = false;
  self?: Process;

  /** This node's name. */
  get me(): string {
    return this.host.me;
  }

  constructor(readonly host: NameServerHost) {
    this.tables = new GlobalTables({
      monitor: (pid) => this.self!.monitor(pid),
      demonitor: (ref) => void this.self?.demonitor(ref),
    });
    this.locker = new Locker({ me: host.me, tables: this.tables, known: () => [...this.known.keys()] });
  }

  /** `whereis_name/1`: a pid of ours that has died is not there any more. */
  where(name: Term): Pid | undefined {
    const e = this.tables.lookup(name);
    if (!e) return undefined;
    if (e.pid.node.name === this.host.me && !this.host.isAlive(e.pid)) return undefined;
    return e.pid;
  }

  /** `global:sync/0`: resolves when we are in sync with every node connected now (or it went). */
  sync(nodes: string[]): Promise<void> {
    const waiting = new Set(nodes.filter((n) => !this.synced.has(n) && n !== this.host.me));
    if (waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.add({ nodes: waiting, done: resolve }));
  }

  markStopping(): void {
    this.stopping = true;
  }

  // ---------------------------------------------------------------- calls

  handleCall(req: Term, from: From): Term | undefined {
    if (!isTuple(req)) return this.unexpected('call', req);
    const [tag] = req;
    if (tag === A.register && req.length === 4 && req[2] instanceof Pid) {
      this.insName(req[1]!, req[2], req[3]!, from.pid, []);
      return A.yes;
    }
    if (tag === A.registerExt && req.length === 5 && req[2] instanceof Pid) {
      this.insName(req[1]!, req[2], req[3]!, from.pid, []);
      return A.yes;
    }
    if (tag === A.unregister && req.length === 2) {
      this.tables.delete(req[1]!);
      return A.ok;
    }
    if ((tag === A.setLock || tag === A.delLock) && req.length === 2 && isTuple(req[1]) && req[1].length === 2) {
      const [resource, requester] = req[1] as unknown as [Term, Term];
      if (tag === A.setLock) return this.tables.setLock(resource, requester, from.pid);
      this.tables.delLock(resource, requester, from.pid);
      return true;
    }
    if (tag === atom('sync') && req.length === 2 && Array.isArray(req[1])) {
      void this.sync((req[1] as Term[]).filter((n): n is Atom => n instanceof Atom).map((n) => n.name)).then(() => from.reply(A.ok));
      return undefined;
    }
    return this.unexpected('call', req);
  }

  /** Calls without arguments. */
  handleAtomCall(req: Term): Term | undefined {
    if (req === atom('get_known')) return this.knownList();
    if (req === atom('get_synced')) return [...this.synced].map((n) => atom(n));
    if (req === atom('get_protocol_version')) return VSN;
    if (req === atom('get_names_ext')) return [];
    return this.unexpected('call', req);
  }

  // ---------------------------------------------------------------- casts

  handleCast(msg: Term): void {
    if (!isTuple(msg)) return void this.unexpected('cast', msg);
    const tag = msg[0];
    const node = msg[1] instanceof Atom ? msg[1].name : undefined;
    if (tag === A.initConnect && msg.length === 4 && msg[2] instanceof Atom) return this.initConnectFrom(msg[2].name, msg[1]!, msg[3]!);
    if (tag === A.lockIsSet && msg.length === 4 && node) return this.onLockIsSet(node, msg[2]!, msg[3]!);
    if (tag === A.exchange && msg.length === 5 && node) return this.onExchange(node, msg[2]!, msg[4]!);
    if (tag === A.exchangeOps && msg.length === 5 && node) return this.onExchangeOps(node, msg[2]!, msg[3] as Term[], msg[4] as Term[]);
    if (tag === A.resolved && msg.length === 7 && node) return this.onResolved(node, msg[2]!, msg[3]!, msg[6]!);
    if (tag === A.newNodes && msg.length === 6 && node) return this.onNewNodes(node, msg[2]!, msg[4]!, msg[5]!);
    if (tag === A.inSync && msg.length === 3 && node) return this.onInSync(node);
    if (tag === A.lockSet && (msg.length === 5 || msg.length === 4) && msg[1] instanceof Pid) {
      const s = this.sessions.get(msg[1].node.name);
      if (msg.length === 5 && (!s || !equals(s.myTag ?? A.unused, msg[4]!))) return;
      if (this.locker.pid) this.self!.send(this.locker.pid, msg);
      return;
    }
    if (tag === atom('async_del_name') || tag === atom('async_del_lock')) return;
    this.unexpected('cast', msg);
  }

  // ---------------------------------------------------------------- plain messages

  handleInfo(msg: Term): void {
    if (!isTuple(msg)) return void this.unexpected('info', msg);
    const tag = msg[0];
    const node = msg[1] instanceof Atom ? msg[1].name : undefined;
    if (tag === A.down && msg.length === 5 && msg[1] instanceof Ref) return this.tables.down(msg[1]);
    if (tag === A.nodeup && node) return this.handleNodeup(node);
    if (tag === A.nodedown && node) return this.onNodedown(node);
    if (tag === A.extraNodedown && node) {
      this.notifySyncers(node);
      return this.handleNodedown(node, 'disconnected');
    }
    if (tag === A.initConnectAck && msg.length === 4 && node) return this.onInitConnectAck(node, msg[2]!, msg[3]!);
    if (tag === A.cancelConnect && msg.length === 3 && node) return this.onCancelConnect(node, msg[2]!);
    if (tag === A.lostConnection && msg.length === 5 && node && msg[4] instanceof Atom) return this.onLostConnection(msg as unknown as Term[]);
    if (tag === A.removeConnection && msg.length === 2 && node) return this.onRemoveConnection(node);
    this.unexpected('info', msg);
  }

  private unexpected(kind: string, msg: Term): undefined {
    void kind;
    void msg;
    return undefined; // OTP logs a warning and carries on; so do we, quietly
  }

  // ---------------------------------------------------------------- the sync protocol

  private session(node: string): Session {
    let s = this.sessions.get(node);
    if (!s) this.sessions.set(node, (s = {}));
    return s;
  }

  /** `handle_nodeup/2`. */
  private handleNodeup(node: string): void {
    if (this.stopping || this.known.has(node) || this.resolving.has(node)) return;
    const s = this.session(node);
    const early = s.preConnect;
    s.preConnect = undefined;
    const myTag = this.nextTag++;
    s.myTag = myTag;
    const knownMap = new Map<Term, Term>([...this.known].map(([n, v]) => [atom(n), v]));
    const initMsg = tuple(A.locker, atom('no_longer_a_pid'), knownMap, this.locker.pid!);
    castGns(this.self!, node, tuple(A.initConnect, tuple(VSN, myTag), atom(this.host.me), initMsg));
    this.resolving.set(node, myTag);
    if (early) this.handleCast(early); // resend_pre_connect
  }

  /** `init_connect/6`. */
  private initConnectFrom(node: string, vsn: Term, initMsg: Term): void {
    if (!isTuple(vsn) || vsn.length < 2 || typeof vsn[0] !== 'number') return; // OTP logs "Illegal global protocol version"
    const hisVsn = vsn[0];
    const hisTag = vsn[1]!;
    const s = this.session(node);
    if (this.pending.has(node)) {
      this.sendCancelConnectMessage(node, hisTag);
      this.restartConnect(node, s.myTag);
    }
    const s1 = this.session(node);
    s1.protVsn = Math.min(hisVsn, VSN);
    s1.hisTag = hisTag;
    if (this.resolving.has(node)) {
      if (!isTuple(initMsg) || initMsg.length !== 4 || !(initMsg[3] instanceof Pid)) return;
      this.locker.hisTheLocker(this.self!, initMsg[3], hisTag, s1.myTag!);
      this.self!.send(tuple(GNS, atom(node)), tuple(A.initConnectAck, atom(this.host.me), hisTag, s1.myTag!));
      this.pending.set(node, hisVsn);
    } else {
      s1.preConnect = tuple(A.initConnect, vsn, atom(node), initMsg);
    }
  }

  private onInitConnectAck(node: string, hisMyTag: Term, hisHisTag: Term): void {
    const s = this.sessions.get(node);
    if (s && s.myTag !== undefined && s.hisTag !== undefined && equals(s.myTag, hisMyTag) && equals(s.hisTag, hisHisTag)) return;
    this.sendCancelConnectMessage(node, hisHisTag);
    this.restartConnect(node, s?.myTag);
  }

  private onCancelConnect(node: string, myTag: Term): void {
    const s = this.sessions.get(node);
    if (!s || s.myTag === undefined || !equals(s.myTag, myTag)) return;
    this.restartConnect(node, myTag);
  }

  private restartConnect(node: string, myTag: Term | undefined): void {
    this.cancelLocker(node, myTag);
    this.sessions.delete(node);
    this.pending.delete(node);
    if (typeof myTag === 'number') this.handleNodeup(node);
  }

  private sendCancelConnectMessage(node: string, hisTag: Term | undefined): void {
    this.self!.send(tuple(GNS, atom(node)), tuple(A.cancelConnect, atom(this.host.me), hisTag ?? atom('undefined')));
  }

  /** `cancel_locker/4`: ends the locker's session with `node` (running `fn` first) and the resolver. */
  private cancelLocker(node: string, tag: Term | undefined, fn?: () => void): void {
    this.locker.cancel(this.self!, node, tag, fn);
    const s = this.sessions.get(node);
    if (this.pending.has(node) && s?.myTag !== undefined && tag !== undefined && equals(s.myTag, tag)) this.sendCancelConnectMessage(node, s.hisTag);
    const r = this.resolving.get(node);
    if (r !== undefined && tag !== undefined && equals(r, tag)) this.resolving.delete(node);
  }

  private tagOk(node: string, myTag: Term): Session | undefined {
    const s = this.sessions.get(node);
    if (s?.myTag !== undefined && equals(s.myTag, myTag)) return s;
    this.cancelLocker(node, myTag);
    return undefined;
  }

  private onLockIsSet(node: string, myTag: Term, lockId: Term): void {
    const s = this.tagOk(node, myTag);
    if (!s) return;
    castGns(this.self!, node, tuple(A.exchange, atom(this.host.me), this.namesList(), [], s.hisTag!));
    s.lockId = lockId;
    const waiting = s.waitLock;
    s.waitLock = 'lock_is_set';
    if (waiting !== undefined && waiting !== 'lock_is_set') this.exchange(node, s, waiting.names);
  }

  private onExchange(node: string, names: Term, myTag: Term): void {
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
    const server = this.self!.pid;
    this.host.spawn(async (self) => {
      const [ops, resolved] = await exchangeNames(self, { me: this.host.me, tables: this.tables, resolveOn: (p, owner, m, n, a, b) => this.resolveOn(p, owner, m, n, a, b) }, names, node);
      self.send(server, tuple(atom('$gen_cast'), tuple(A.exchangeOps, atom(node), tag, ops, resolved)));
    });
  }

  private resolveOn(self: Process, owner: string, method: Term, name: Term, a: Pid, b: Pid): Promise<Term> {
    if (owner === this.host.me) return resolveIt(self, method, name, a, b, this.host.apply);
    return this.host.rpcResolve(owner, [method, name, a, b]);
  }

  private onExchangeOps(node: string, myTag: Term, ops: Term[], resolved: Term[]): void {
    const s = this.tagOk(node, myTag);
    if (!s) return;
    castGns(this.self!, node, tuple(A.resolved, atom(this.host.me), resolved, this.knownList(), A.unused, [], s.hisTag!));
    const saved = s.saveOps;
    s.saveOps = ops;
    if (saved && !Array.isArray(saved)) this.resolvedWith(node, s, saved.hisResolved, saved.hisKnown);
  }

  private onResolved(node: string, hisResolved: Term, hisKnown: Term, myTag: Term): void {
    const s = this.tagOk(node, myTag);
    if (!s) return;
    if (Array.isArray(s.saveOps)) this.resolvedWith(node, s, hisResolved, hisKnown);
    else s.saveOps = { hisKnown, hisResolved };
  }

  /** `resolved/5`: both sides resolved; apply, mesh, tell the nodes we knew, free the lock. */
  private resolvedWith(node: string, s: Session, hisResolved: Term, hisKnown: Term): void {
    const ops = [...(s.saveOps as Term[]), ...asList(hisResolved)];
    const knownBefore = [...this.known.keys()];
    const newNodes = [tuple(atom(node), this.pending.get(node) ?? s.protVsn ?? VSN), ...asList(hisKnown)].map((e) => nodeVsn(e, this.known));
    const hisKnownNodes = asList(hisKnown).map(nodeOf).filter((n): n is string => n !== undefined && n !== this.host.me);
    this.syncOthers(hisKnownNodes);
    const extraInfo = [tuple(A.vsn, s.protVsn ?? VSN), tuple(A.lock, s.lockId ?? atom('undefined'))];
    this.doOps(ops, extraInfo);
    this.notifySyncers(node);
    for (const n of hisKnownNodes) this.cancelResolvedLocker(n);
    const newNodesMsg = tuple(A.newNodes, atom(this.host.me), ops, [], newNodes.map(([n, v]) => tuple(atom(n), v)), extraInfo);
    const self = this.self!;
    this.cancelResolvedLocker(node, () => {
      for (const n of knownBefore) castGns(self, n, newNodesMsg);
    });
    this.addToKnown(newNodes);
    this.synced.add(node);
  }

  private cancelResolvedLocker(node: string, fn?: () => void): void {
    const tag = this.sessions.get(node)?.myTag;
    this.pending.delete(node);
    this.cancelLocker(node, tag, fn);
    this.sessions.delete(node);
  }

  private onNewNodes(_node: string, ops: Term, nodes: Term, extraInfo: Term): void {
    const added = this.addToKnown(asList(nodes).map((e) => nodeVsn(e, this.known)));
    this.syncOthers(added);
    this.doOps(asList(ops), extraInfo);
  }

  private onInSync(node: string): void {
    this.notifySyncers(node);
    this.synced.add(node);
    this.pending.delete(node);
    this.cancelLocker(node, this.sessions.get(node)?.myTag);
    this.sessions.delete(node);
  }

  /** `sync_others/1`: connect to each node and tell it we are in sync. */
  private syncOthers(nodes: string[]): void {
    const server = this.self!.pid;
    for (const n of nodes) {
      this.host.spawn(async (self) => {
        if (await this.host.connect(n)) castGns(self, n, tuple(A.inSync, atom(this.host.me), true));
        else self.send(server, tuple(A.extraNodedown, atom(n)));
      });
    }
  }

  /** `add_to_known/2`: the nodes that were new. */
  private addToKnown(nodes: Array<[string, number]>): string[] {
    const added: string[] = [];
    for (const [n, v] of nodes) {
      if (n === this.host.me || this.known.has(n)) continue;
      this.known.set(n, v);
      added.push(n);
    }
    return added;
  }

  private knownList(): Term[] {
    return [...this.known].map(([n, v]) => tuple(atom(n), v));
  }

  private namesList(): Term[] {
    return this.tables.entries().map((e) => tuple(e.name, e.pid, e.method));
  }

  /** `do_ops/5`. */
  private doOps(ops: Term[], extraInfo: Term): void {
    for (const op of ops) {
      if (!isTuple(op) || op.length !== 2) continue;
      if (op[0] === A.insert && isTuple(op[1]) && op[1].length === 3 && op[1][1] instanceof Pid) this.insName(op[1][0]!, op[1][1], op[1][2]!, undefined, extraInfo);
      else if (op[0] === A.delete) this.tables.delete(op[1]!);
    }
  }

  /** `ins_name` + `lock_still_set`: a registration whose lock has gone (its node restarted) is undone. */
  private insName(name: Term, pid: Pid, method: Term, fromPid: Pid | undefined, extraInfo: Term): void {
    this.tables.insert(name, pid, method);
    const lock = this.tables.lockEntry(A.global);
    let still: boolean;
    if (!lock) still = !this.tables.globalLockDown;
    else if (fromPid) still = lock.holders.some((h) => equals(h.pid, fromPid));
    else {
      const id = asList(extraInfo).find((e) => isTuple(e) && e[0] === A.lock);
      still = isTuple(id) && isTuple(id[1]) && equals(id[1][1]!, lock.requester);
    }
    if (!still) this.tables.delete(name);
  }

  private notifySyncers(node: string): void {
    for (const w of this.syncWaiters) {
      w.nodes.delete(node);
      if (w.nodes.size === 0) {
        this.syncWaiters.delete(w);
        w.done();
      }
    }
  }

  // ---------------------------------------------------------------- nodedown and partitions

  private onNodedown(node: string): void {
    this.notifySyncers(node);
    this.handleNodedown(node, 'disconnected');
  }

  /** `handle_nodedown/3`. */
  private handleNodedown(node: string, what: 'disconnected' | 'remove_connection'): void {
    this.cancelLocker(node, this.sessions.get(node)?.myTag);
    this.sessions.delete(node);
    this.resolving.delete(node);
    if (what === 'remove_connection') this.removing.add(node);
    else if (this.removing.has(node)) this.removing.delete(node);
    else if (this.known.has(node)) this.informConnectionLoss(node);
    this.pending.delete(node);
    this.known.delete(node);
    this.synced.delete(node);
  }

  /** `inform_connection_loss/2`: prevent_overlapping_partitions is on in OTP 25. */
  private informConnectionLoss(node: string): void {
    if (this.stopping) return;
    this.multicast(this.lost.report(this.host.me, this.host.creation, node), node);
  }

  private multicast(msg: Term, except: string): void {
    for (const n of [...this.known.keys(), ...this.pending.keys()]) if (n !== except) this.self!.send(tuple(GNS, atom(n)), msg);
  }

  private onLostConnection(msg: Term[]): void {
    const report = this.lost.firstSeen(msg);
    if (!report) return;
    this.multicast(msg as unknown as Term, report.reporter);
    const rm = report.lost === this.host.me ? report.reporter : report.lost;
    if (!this.known.has(rm) && !this.pending.has(rm)) return;
    this.self!.send(tuple(GNS, atom(rm)), tuple(A.removeConnection, atom(this.host.me)));
    this.host.log(`'global' at node ${this.host.me} requested disconnect from node ${rm} in order to prevent overlapping partitions`);
    this.handleNodedown(rm, 'remove_connection');
  }

  private onRemoveConnection(node: string): void {
    if (!this.known.has(node) && !this.pending.has(node)) return;
    this.host.disconnect(node);
    this.handleNodedown(node, 'remove_connection');
    this.host.log(`'global' at node ${this.host.me} disconnected node ${node} in order to prevent overlapping partitions`);
  }
}
