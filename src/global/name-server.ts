/**
 * `global_name_server`: noderl's participant in OTP 25's `global` (kernel's global.erl, protocol
 * vsn 8). Every visible node runs one; hidden nodes take no part (OTP sends them nothing).
 *
 * State (OTP's #state): `known`, the nodes in our partition with their protocol version;
 * `synced`, the nodes we are in sync with; `removing`, nodes being dropped to prevent overlapping
 * partitions; the sync sessions with peers (src/global/sync-session.ts); the name and lock tables
 * (src/global/tables.ts), whose pids and holders this process monitors.
 *
 * Calls: `register`, `register_ext`, `unregister`, `set_lock`, `del_lock`, `get_known`,
 * `get_synced`, `get_protocol_version`, `get_names_ext`, `sync`. `{registrar, Fun}` is not served:
 * OTP's API sends it only to the caller's own node's server, so no peer ever sends it here
 * (docs/otp-facts.md). With prevent_overlapping_partitions (on in OTP 25) a lost connection to a
 * known node is multicast as `lost_connection`; one received makes us ask the lost node to
 * disconnect (`remove_connection`). With `connectAll: false` (`erl -connect_all false`) nodeups
 * start no sync and lost connections are neither reported nor obeyed, as in OTP.
 *
 * Not done: `global_group`.
 */
import { Atom, atom, isTuple, Pid, Ref, tuple, type Term } from '../term/types.js';
import { equals } from '../term/compare.js';
import type { Process } from '../process/process.js';
import type { From } from '../otp/gen-server.js';
import { NAME_SERVER } from './multi-call.js';
import { GlobalTables } from './tables.js';
import { Locker } from './locker.js';
import { resolveIt } from './resolvers.js';
import { GlobalAtom, asList, VSN } from './protocol.js';
import { LostConnections } from './partitions.js';
import { SyncSessions } from './sync-session.js';

/** What the server needs from its node. */
export interface NameServerHost {
  readonly me: string;
  readonly creation: number;
  /** `erl -connect_all` (default true). */
  readonly connectAll?: boolean;
  spawn(fn: (self: Process) => unknown): Pid;
  connect(node: string): Promise<boolean>;
  disconnect(node: string): void;
  isAlive(pid: Pid): boolean;
  /** `rpc:call(Node, global, resolve_it, Args)`. */
  rpcResolve(node: string, args: Term[]): Promise<Term>;
  apply(self: Process, m: Atom, f: Atom, args: Term[]): Promise<Term>;
  log(line: string): void;
}

export class NameServer {
  readonly tables: GlobalTables;
  readonly locker: Locker;
  readonly known = new Map<string, number>();
  readonly synced = new Set<string>();
  private readonly removing = new Set<string>();
  private readonly syncs: SyncSessions;
  private readonly lost = new LostConnections();
  private readonly syncWaiters = new Set<{ nodes: Set<string>; done: () => void; fail: (err: Error) => void }>();
  private stopping = false;
  self?: Process;

  /** This node's name. */
  get me(): string {
    return this.host.me;
  }

  constructor(readonly host: NameServerHost) {
    this.tables = new GlobalTables({
      me: host.me,
      monitor: (pid) => this.self!.monitor(pid),
      demonitor: (ref) => void this.self?.demonitor(ref),
      link: (pid) => this.self!.link(pid),
      unlink: (pid) => this.self?.unlink(pid),
    });
    this.locker = new Locker({ me: host.me, tables: this.tables, known: () => [...this.known.keys()] });
    const server = this;
    this.syncs = new SyncSessions({
      me: host.me,
      get self() {
        return server.self!;
      },
      known: this.known,
      synced: this.synced,
      locker: this.locker,
      tables: this.tables,
      takesPart: () => this.takesPart(),
      spawn: (fn) => host.spawn(fn),
      connect: (n) => host.connect(n),
      namesList: () => this.tables.entries().map((e) => tuple(e.name, e.pid, e.method)),
      namesExt: () => this.namesExt(),
      doOps: (ops, extraInfo, namesExt) => this.doOps(ops, extraInfo, namesExt),
      resolveOn: (self, owner, method, name, a, b) => this.resolveOn(self, owner, method, name, a, b),
      notifySyncers: (node) => this.notifySyncers(node),
    });
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
    return new Promise((resolve, reject) => this.syncWaiters.add({ nodes: waiting, done: resolve, fail: reject }));
  }

  markStopping(): void {
    this.stopping = true;
  }

  /** The server is ending (its process is about to go): `sync()` callers still waiting get `reason`. */
  end(reason: Error): void {
    this.stopping = true;
    for (const w of this.syncWaiters) w.fail(reason);
    this.syncWaiters.clear();
  }

  private takesPart(): boolean {
    return !this.stopping && this.host.connectAll !== false;
  }

  // ---------------------------------------------------------------- calls

  handleCall(req: Term, from: From): Term | undefined {
    if (!isTuple(req)) return undefined;
    const [tag] = req;
    if (tag === GlobalAtom.register && req.length === 4 && req[2] instanceof Pid) return this.register(req[1]!, req[2], req[3]!, undefined, from.pid);
    if (tag === GlobalAtom.registerExt && req.length === 5 && req[2] instanceof Pid && req[4] instanceof Atom) return this.register(req[1]!, req[2], req[3]!, req[4].name, from.pid);
    if (tag === GlobalAtom.unregister && req.length === 2) {
      this.tables.delete(req[1]!);
      return GlobalAtom.ok;
    }
    if ((tag === GlobalAtom.setLock || tag === GlobalAtom.delLock) && req.length === 2 && isTuple(req[1]) && req[1].length === 2) {
      const [resource, requester] = req[1] as unknown as [Term, Term];
      if (tag === GlobalAtom.setLock) return this.tables.setLock(resource, requester, from.pid);
      this.tables.delLock(resource, requester, from.pid);
      return true;
    }
    if (tag === atom('sync') && req.length === 2 && Array.isArray(req[1])) {
      void this.sync((req[1] as Term[]).filter((n): n is Atom => n instanceof Atom).map((n) => n.name)).then(() => from.reply(GlobalAtom.ok));
      return undefined;
    }
    if (tag === GlobalAtom.resolveIt && req.length === 5 && req[3] instanceof Pid && req[4] instanceof Pid) {
      const [, method, name, a, b] = req as unknown as [Term, Term, Term, Pid, Pid];
      this.host.spawn(async (self) => from.reply(await this.resolveOn(self, this.host.me, method, name, a, b)));
      return undefined;
    }
    return undefined; // OTP logs an unexpected call and gives no reply
  }

  /** Calls without arguments. */
  handleAtomCall(req: Term): Term | undefined {
    if (req === atom('get_known')) return this.syncs.knownList();
    if (req === atom('get_synced')) return [...this.synced].map((n) => atom(n));
    if (req === atom('get_protocol_version')) return VSN;
    if (req === atom('get_names_ext')) return this.namesExt();
    return undefined;
  }

  /** `{register, …}` and `{register_ext, …, RegNode}`: always `yes`, as OTP answers. */
  private register(name: Term, pid: Pid, method: Term, regNode: string | undefined, fromPid: Pid): Term {
    this.insName(name, pid, method, regNode, fromPid, []);
    return GlobalAtom.yes;
  }

  // ---------------------------------------------------------------- casts

  handleCast(msg: Term): void {
    if (!isTuple(msg)) return;
    const tag = msg[0];
    const node = msg[1] instanceof Atom ? msg[1].name : undefined;
    const s = this.syncs;
    if (tag === GlobalAtom.initConnect && msg.length === 4 && msg[2] instanceof Atom) return s.initConnect(msg[2].name, msg[1]!, msg[3]!);
    if (!node) {
      if (tag === GlobalAtom.lockSet && (msg.length === 5 || msg.length === 4) && msg[1] instanceof Pid) this.lockSet(msg[1], msg);
      return; // async_del_name, async_del_lock (pre-R14 nodes) and garbage
    }
    if (tag === GlobalAtom.lockIsSet && msg.length === 4) return s.lockIsSet(node, msg[2]!, msg[3]!);
    if (tag === GlobalAtom.exchange && msg.length === 5) return s.exchangeFrom(node, msg[2]!, msg[4]!);
    if (tag === GlobalAtom.exchangeOps && msg.length === 5) return s.exchangeOps(node, msg[2]!, asList(msg[3]), asList(msg[4]));
    if (tag === GlobalAtom.resolved && msg.length === 7) return s.resolved(node, msg[2]!, msg[3]!, msg[5]!, msg[6]!);
    if (tag === GlobalAtom.newNodes && msg.length === 6) return s.newNodes(msg[2]!, msg[3]!, msg[4]!, msg[5]!);
    if (tag === GlobalAtom.inSync && msg.length === 3) return s.inSync(node);
  }

  /** A peer's locker answering ours (vsn ≥ 8 carries our tag; a stale one is dropped). */
  private lockSet(from: Pid, msg: Term[]): void {
    if (msg.length === 5 && !this.syncs.lockSetMatches(from.node.name, msg[4]!)) return;
    if (this.locker.pid) this.self!.send(this.locker.pid, msg as unknown as Term);
  }

  // ---------------------------------------------------------------- plain messages

  handleInfo(msg: Term): void {
    if (!isTuple(msg)) return;
    const tag = msg[0];
    const node = msg[1] instanceof Atom ? msg[1].name : undefined;
    if (tag === GlobalAtom.down && msg.length === 5 && msg[1] instanceof Ref) return this.tables.down(msg[1]);
    if (!node) return; // an 'EXIT' from a pid linked by register_ext, and garbage
    if (tag === GlobalAtom.nodeup) return this.syncs.nodeup(node);
    if (tag === GlobalAtom.nodedown || tag === GlobalAtom.extraNodedown) return this.nodedown(node);
    if (tag === GlobalAtom.initConnectAck && msg.length === 4) return this.syncs.initConnectAck(node, msg[2]!, msg[3]!);
    if (tag === GlobalAtom.cancelConnect && msg.length === 3) return this.syncs.cancelConnect(node, msg[2]!);
    if (tag === GlobalAtom.lostConnection && msg.length === 5 && msg[4] instanceof Atom) return this.onLostConnection(msg as unknown as Term[]);
    if (tag === GlobalAtom.removeConnection && msg.length === 2) return this.onRemoveConnection(node);
  }

  // ---------------------------------------------------------------- names

  private resolveOn(self: Process, owner: string, method: Term, name: Term, a: Pid, b: Pid): Promise<Term> {
    if (owner !== this.host.me) return this.host.rpcResolve(owner, [method, name, a, b]);
    const ours = this.tables.lookup(name);
    return resolveIt(self, method, name, a, b, this.host.apply, ours && equals(ours.pid, b) ? ours.resolver : undefined);
  }

  /** `get_names_ext/0`: `{Name, Pid, RegNode}` of the names registered with register_name_external. */
  private namesExt(): Term[] {
    return this.tables.entries().flatMap((e) => (e.regNode === undefined ? [] : [tuple(e.name, e.pid, atom(e.regNode))]));
  }

  /** `do_ops/5`: inserts (external ones when `namesExt` lists them) and deletes from a sync. */
  private doOps(ops: Term[], extraInfo: Term, namesExt: Term): void {
    const ext = asList(namesExt).filter((e): e is Term[] => isTuple(e) && e.length === 3 && e[2] instanceof Atom);
    for (const op of ops) {
      if (!isTuple(op) || op.length !== 2) continue;
      if (op[0] === GlobalAtom.insert && isTuple(op[1]) && op[1].length === 3 && op[1][1] instanceof Pid) {
        const [name, pid, method] = op[1] as unknown as [Term, Pid, Term];
        const x = ext.find((e) => equals(e[0]!, name) && equals(e[1]!, pid));
        this.insName(name, pid, method, x ? (x[2] as Atom).name : undefined, undefined, extraInfo);
      } else if (op[0] === GlobalAtom.delete) this.tables.delete(op[1]!);
    }
  }

  /** `ins_name` + `lock_still_set`: a registration whose lock has gone (its node restarted) is undone. */
  private insName(name: Term, pid: Pid, method: Term, regNode: string | undefined, fromPid: Pid | undefined, extraInfo: Term): void {
    this.tables.insert(name, pid, method, regNode);
    const lock = this.tables.lockEntry(GlobalAtom.global);
    let still: boolean;
    if (!lock) still = !this.tables.globalLockDown;
    else if (fromPid) still = lock.holders.some((h) => equals(h.pid, fromPid));
    else {
      const id = asList(extraInfo).find((e) => isTuple(e) && e[0] === GlobalAtom.lock);
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

  /** `nodedown` (and the `extra_nodedown` of a node sync_others could not reach). */
  private nodedown(node: string): void {
    this.notifySyncers(node);
    this.handleNodedown(node, 'disconnected');
  }

  /** `handle_nodedown/3`. */
  private handleNodedown(node: string, what: 'disconnected' | 'remove_connection'): void {
    this.syncs.nodedown(node);
    if (what === 'remove_connection') this.removing.add(node);
    else if (this.removing.has(node)) this.removing.delete(node);
    else if (this.known.has(node)) this.informConnectionLoss(node);
    this.known.delete(node);
    this.synced.delete(node);
  }

  /** `inform_connection_loss/2`: prevent_overlapping_partitions is on in OTP 25. */
  private informConnectionLoss(node: string): void {
    if (this.takesPart()) this.multicast(this.lost.report(this.host.me, this.host.creation, node), node);
  }

  private multicast(msg: Term, except: string): void {
    for (const n of [...this.known.keys(), ...this.syncs.pending.keys()]) if (n !== except) this.self!.send(tuple(NAME_SERVER, atom(n)), msg);
  }

  private isPotentiallyKnown(node: string): boolean {
    return this.known.has(node) || this.syncs.pending.has(node);
  }

  private onLostConnection(msg: Term[]): void {
    if (this.host.connectAll === false) return; // OTP acts on it only with connect_all
    const report = this.lost.firstSeen(msg);
    if (!report) return;
    this.multicast(msg as unknown as Term, report.reporter);
    const rm = report.lost === this.host.me ? report.reporter : report.lost;
    if (!this.isPotentiallyKnown(rm)) return;
    this.self!.send(tuple(NAME_SERVER, atom(rm)), tuple(GlobalAtom.removeConnection, atom(this.host.me)));
    this.host.log(`'global' at node ${this.host.me} requested disconnect from node ${rm} in order to prevent overlapping partitions`);
    this.handleNodedown(rm, 'remove_connection');
  }

  private onRemoveConnection(node: string): void {
    if (!this.isPotentiallyKnown(node)) return;
    this.host.disconnect(node);
    this.handleNodedown(node, 'remove_connection');
    this.host.log(`'global' at node ${this.host.me} disconnected node ${node} in order to prevent overlapping partitions`);
  }
}
