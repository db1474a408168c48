/**
 * One pg scope's server, OTP 25's `pg` gen_server speaking its scope protocol with the scope
 * processes of the same name on other nodes (kernel/src/pg.erl):
 *
 * - `{discover, Peer}` (on start to every visible node, and on nodeup) is answered with
 *   `{'$gen_cast', {sync, Self, [{Group, LocalPids}]}}`, and an unknown peer is monitored and
 *   sent `{discover, Self}` back;
 * - a sync replaces all that is known of that peer; `{join, Peer, Group, PidOrPids}` and
 *   `{leave, Peer, PidOrPids, Groups}` update it, and are ignored from a peer not in sync (pg's
 *   guard against a node flickering up and down);
 * - local members are monitored: one that dies leaves all its groups everywhere; a peer scope's
 *   DOWN (its process ended, or `noconnection`) removes every member it had.
 *
 * Where OTP's scope raises badarg on a message it does not know (and so ends), this one logs and
 * drops it (src/pg/start.ts): a malformed message from a peer should not take every group down.
 */
import { Atom, atom, isList, isTuple, Pid, Ref, tuple, type Term, type Tuple } from '../term/types.js';
import { equals } from '../term/compare.js';
import { OK } from '../term/atoms.js';
import type { Process } from '../process/process.js';
import { isDown } from '../process/gen.js';
import { pidKey } from '../process/local-identity.js';
import { GroupTable, groupKey, subtractPids } from './groups.js';
import { MembershipMonitors } from './monitors.js';

const DISCOVER = atom('discover');
const SYNC = atom('sync');
const JOIN = atom('join');
const LEAVE = atom('leave');
const JOIN_LOCAL = atom('join_local');
const LEAVE_LOCAL = atom('leave_local');
const MONITOR = atom('monitor');
const DEMONITOR = atom('demonitor');
const NOT_JOINED = atom('not_joined');
const NODEUP = atom('nodeup');
const NODEDOWN = atom('nodedown');

/** A message this scope cannot take (logged and dropped by its server). */
export class PgProtocolError extends Error {
  constructor(scope: Atom, what: string) {
    super(`pg scope ${scope.name}: ${what}`);
    this.name = 'PgProtocolError';
  }
}

/** What a scope needs besides its own process. */
export interface ScopeHost {
  /** `erlang:send(Dest, Msg, [noconnect])`: dropped when `dest`'s node is not connected. */
  sendNoconnect(self: Process, dest: Pid | Tuple, message: Term): void;
}

interface LocalMember {
  pid: Pid;
  ref: Ref;
  /** The groups it joined, one entry per join, newest first. */
  groups: Term[];
}

interface PeerGroups {
  group: Term;
  pids: Pid[];
}

interface Peer {
  pid: Pid;
  ref: Ref;
  /** What the peer scope has told us, group by group (pg keeps it for fast syncs). */
  groups: Map<string, PeerGroups>;
}

export class PgScope {
  /** The scope's group table (OTP's ETS table named after the scope). */
  readonly table: GroupTable;
  private readonly monitors: MembershipMonitors;
  private readonly local = new Map<string, LocalMember>();
  private readonly remote = new Map<string, Peer>();
  private self!: Process;

  constructor(
    readonly scope: Atom,
    private readonly host: ScopeHost,
  ) {
    this.monitors = new MembershipMonitors((to, message) => host.sendNoconnect(this.self, to, message));
    this.table = new GroupTable((action, group, pids) => this.monitors.notify(action, group, pids));
  }

  /** pg's `init/1`: `{discover, Self}` to the scope on every visible node. */
  init(self: Process, visibleNodes: string[]): this {
    this.self = self;
    for (const node of visibleNodes) this.host.sendNoconnect(self, tuple(this.scope, atom(node)), tuple(DISCOVER, self.pid));
    return this;
  }

  /** A `gen_server:call` to the scope; returns the reply. */
  handleCall(request: Term, caller: Pid): Term {
    if (request === MONITOR) {
      const ref = this.self.monitor(caller); // monitors the watcher: its ref tags the notifications
      this.monitors.watchScope(ref, caller);
      return tuple(ref, this.table.snapshot());
    }
    if (!isTuple(request)) throw new PgProtocolError(this.scope, 'unknown call');
    const [tag, a, b] = request;
    if (tag === JOIN_LOCAL && request.length === 3) return this.joinLocal(a!, b!);
    if (tag === LEAVE_LOCAL && request.length === 3) return this.leaveLocal(a!, b!);
    if (tag === MONITOR && request.length === 2) {
      const members = this.table.members(a!).slice();
      const ref = this.self.monitor(caller);
      this.monitors.watchGroup(ref, caller, a!);
      return tuple(ref, members);
    }
    if (tag === DEMONITOR && request.length === 2 && a instanceof Ref) {
      if (!this.monitors.drop(a)) return false;
      this.self.demonitor(a);
      return OK;
    }
    throw new PgProtocolError(this.scope, 'unknown call');
  }

  /** `{sync, Peer, Groups}`, the one cast pg takes. */
  handleCast(message: Term): void {
    if (!(isTuple(message) && message.length === 3 && message[0] === SYNC && message[1] instanceof Pid && isList(message[2]))) {
      throw new PgProtocolError(this.scope, 'unknown cast');
    }
    this.sync(message[1], message[2]);
  }

  handleInfo(message: Term): void {
    if (isDown(message)) return this.down(message[1], message[3]);
    if (!isTuple(message)) throw new PgProtocolError(this.scope, 'unknown message');
    const [tag, a, b, c] = message;
    if (tag === JOIN && message.length === 4 && a instanceof Pid) return this.joinRemote(a, b!, pidsOf(this.scope, c!));
    if (tag === LEAVE && message.length === 4 && a instanceof Pid && isList(c)) return this.leaveRemote(a, pidsOf(this.scope, b!), c);
    // {discover, Peer, Vsn} is OTP 26's form; OTP 25 knows only {discover, Peer}. Both are taken.
    if (tag === DISCOVER && (message.length === 2 || message.length === 3) && a instanceof Pid) return this.discover(a);
    if (tag === NODEUP && message.length === 2 && a instanceof Atom) {
      if (a !== this.self.pid.node) this.self.send(tuple(this.scope, a), tuple(DISCOVER, this.self.pid));
      return;
    }
    if (tag === NODEDOWN && message.length === 2) return; // the peer scope's DOWN does the work
    throw new PgProtocolError(this.scope, 'unknown message');
  }

  private joinLocal(group: Term, pidOrPids: Term): Term {
    const pids = pidsOf(this.scope, pidOrPids);
    for (const pid of pids) {
      const member = this.local.get(pidKey(pid));
      if (member) member.groups.unshift(group);
      else this.local.set(pidKey(pid), { pid, ref: this.self.monitor(pid), groups: [group] });
    }
    this.table.joinLocal(group, pids);
    this.broadcast(tuple(JOIN, this.self.pid, group, pidOrPids));
    return OK;
  }

  private leaveLocal(group: Term, pidOrPids: Term): Term {
    const pids = pidsOf(this.scope, pidOrPids);
    let changed = false;
    for (const pid of pids) changed = this.leaveLocalPid(pid, group) || changed;
    if (!changed) return NOT_JOINED;
    this.table.leaveLocal(group, pids);
    this.broadcast(tuple(LEAVE, this.self.pid, pidOrPids, [group]));
    return OK;
  }

  /** pg's `leave_local/3` for one pid: one of its joins of `group` goes; the last one demonitors. */
  private leaveLocalPid(pid: Pid, group: Term): boolean {
    const key = pidKey(pid);
    const member = this.local.get(key);
    const i = member ? member.groups.findIndex((g) => equals(g, group)) : -1;
    if (!member || i < 0) return false;
    member.groups.splice(i, 1);
    if (member.groups.length === 0) {
      this.self.demonitor(member.ref);
      this.local.delete(key);
    }
    return true;
  }

  private joinRemote(peerPid: Pid, group: Term, pids: Pid[]): void {
    const peer = this.remote.get(pidKey(peerPid));
    if (!peer) return; // not in sync with us: the join raced a nodedown (pg.erl's guard)
    this.table.joinRemote(group, pids);
    const key = groupKey(group);
    const known = peer.groups.get(key);
    peer.groups.set(key, { group, pids: [...pids, ...(known?.pids ?? [])] });
  }

  private leaveRemote(peerPid: Pid, pids: Pid[], groups: Term[]): void {
    const peer = this.remote.get(pidKey(peerPid));
    if (!peer) return;
    this.table.leaveRemote(pids, groups);
    for (const group of groups) {
      const key = groupKey(group);
      const known = peer.groups.get(key);
      if (!known) continue;
      const rest = subtractPids(known.pids, pids);
      if (rest.length === 0) peer.groups.delete(key);
      else peer.groups.set(key, { group: known.group, pids: rest });
    }
  }

  private discover(peerPid: Pid): void {
    this.self.send(peerPid, tuple(atom('$gen_cast'), tuple(SYNC, this.self.pid, this.localGroups())));
    if (this.remote.has(pidKey(peerPid))) return;
    this.remote.set(pidKey(peerPid), { pid: peerPid, ref: this.self.monitor(peerPid), groups: new Map() });
    this.host.sendNoconnect(this.self, peerPid, tuple(DISCOVER, this.self.pid));
  }

  /** pg's `handle_sync`: the peer's groups replace what we knew of it. */
  private sync(peerPid: Pid, groups: Term[]): void {
    const key = pidKey(peerPid);
    const peer = this.remote.get(key) ?? { pid: peerPid, ref: this.self.monitor(peerPid), groups: new Map<string, PeerGroups>() };
    const old = new Map(peer.groups);
    const next = new Map<string, PeerGroups>();
    for (const entry of groups) {
      if (!(isTuple(entry) && entry.length === 2)) throw new PgProtocolError(this.scope, 'bad sync');
      const group = entry[0]!;
      const pids = pidsOf(this.scope, entry[1]!);
      const gk = groupKey(group);
      next.set(gk, { group, pids });
      const before = old.get(gk);
      old.delete(gk);
      if (!before) this.table.joinRemote(group, pids);
      else if (!equals(before.pids, pids)) this.table.replaceRemote(group, before.pids, pids);
    }
    for (const gone of old.values()) this.table.leaveRemote(gone.pids, [gone.group]);
    this.remote.set(key, { ...peer, groups: next });
  }

  private down(ref: Ref, object: Term): void {
    if (object instanceof Pid) {
      const key = pidKey(object);
      const member = this.local.get(key);
      if (member && member.ref.equals(ref)) {
        this.local.delete(key);
        for (const group of member.groups) this.table.leaveLocal(group, [object]);
        this.broadcast(tuple(LEAVE, this.self.pid, object, member.groups));
        return;
      }
      const peer = this.remote.get(key);
      if (peer && peer.ref.equals(ref)) {
        this.remote.delete(key);
        for (const g of peer.groups.values()) this.table.leaveRemote(g.pids, [g.group]);
        return;
      }
    }
    this.monitors.drop(ref); // a watcher went
  }

  /** pg's `all_local_pids/1`: `[{Group, [Pid]}]` of this node's members, for a sync. */
  private localGroups(): Term[] {
    const byGroup = new Map<string, PeerGroups>();
    for (const member of this.local.values()) {
      for (const group of member.groups) {
        const key = groupKey(group);
        const entry = byGroup.get(key) ?? { group, pids: [] };
        entry.pids.unshift(member.pid);
        byGroup.set(key, entry);
      }
    }
    return [...byGroup.values()].map((g) => tuple(g.group, g.pids));
  }

  private broadcast(message: Term): void {
    for (const peer of this.remote.values()) this.host.sendNoconnect(this.self, peer.pid, message);
  }
}

/** A `pid() | [pid()]` from a message, as a list. */
function pidsOf(scope: Atom, pidOrPids: Term): Pid[] {
  if (pidOrPids instanceof Pid) return [pidOrPids];
  if (isList(pidOrPids) && pidOrPids.every((p) => p instanceof Pid)) return pidOrPids as Pid[];
  throw new PgProtocolError(scope, 'not a pid or a list of pids');
}
