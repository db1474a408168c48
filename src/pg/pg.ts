/**
 * `node.pg`: OTP's `pg` process groups (kernel's pg.erl, OTP 23+), what Phoenix.PubSub runs on.
 * A scope is a process registered under the scope's name on every node that runs it; the default
 * scope `pg` runs on every noderl node unless `Node.start({ pg: false })`, as on a BEAM node
 * started with `-kernel start_pg true`. Membership changes go through the scope process (a
 * `gen_server:call`), reads come straight from its table, as pg's ETS reads do.
 *
 *   await node.pg.join(atom('news'), self.pid);      // pg:join(news, self())
 *   node.pg.getMembers(atom('news'));                // every member, on every node
 *   const chat = node.pg.scope('chat');              // another scope (started with node.pg.start('chat'))
 */
import { atom, isTuple, Pid, Ref, toAtom, tuple, type Atom, type Term, type TermInput } from '../term/types.js';
import { OK } from '../term/atoms.js';
import { TIMEOUT } from '../process/mailbox.js';
import { callError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { startScope, type PgNode, type RunningScope } from './start.js';
import type { GroupTable } from './groups.js';

/** The default scope, `pg` (pg.erl's `?DEFAULT_SCOPE`). */
export const DEFAULT_SCOPE = atom('pg');
const JOIN_LOCAL = atom('join_local');
const LEAVE_LOCAL = atom('leave_local');
const MONITOR = atom('monitor');
const DEMONITOR = atom('demonitor');

/** The scopes running on one node, by name. */
export class PgScopes {
  private readonly running = new Map<Atom, RunningScope>();

  constructor(readonly node: PgNode) {}

  /** `pg:start(Scope)`: resolves to the scope's pid; rejects with `GenServerStartError({already_started, Pid})`. */
  start(scope: Atom): Promise<Pid> {
    return startScope(this.node, scope, (r) => this.running.set(scope, r));
  }

  /** The table of `scope` while its process runs (OTP's ETS table goes with its owner). */
  table(scope: Atom): GroupTable | undefined {
    const r = this.running.get(scope);
    if (!r) return undefined;
    if (this.node.isAlive(r.pid)) return r.scope.table;
    this.running.delete(scope);
    return undefined;
  }
}

/** A `pid() | [pid()]` of this node, or `{nolocal, Bad}` as pg's `ensure_local/1` raises it. */
export function ensureLocal(pidOrPids: Pid | readonly Pid[] | Term, isLocal: (pid: Pid) => boolean, fn: string, args: Term[]): void {
  const list = Array.isArray(pidOrPids) && !isTuple(pidOrPids) ? (pidOrPids as Term[]) : [pidOrPids as Term];
  for (const p of list) if (!(p instanceof Pid && isLocal(p))) throw callError(tuple(atom('nolocal'), p), 'pg', fn, args);
}

/** A `{Ref, Groups}` or `{Ref, Members}` reply of the scope's monitor calls. */
function monitorReply<T>(reply: Term): { ref: Ref; value: T } {
  if (!(isTuple(reply) && reply.length === 2 && reply[0] instanceof Ref)) throw new Error(`pg monitor: unexpected reply`);
  return { ref: reply[0], value: reply[1] as T };
}

/** The pg API bound to one scope (`node.pg` is bound to `pg`; `node.pg.scope(name)` to another). */
export class Pg {
  constructor(
    private readonly scopes: PgScopes,
    /** The scope this facade works on. */
    readonly scopeName: Atom = DEFAULT_SCOPE,
  ) {}

  /** The same API on the scope `name`. */
  scope(name: string | Atom): Pg {
    return new Pg(this.scopes, toAtom(name));
  }

  /** `pg:start(Scope)`: starts another scope here; rejects with `GenServerStartError` when it runs already. */
  start(scope: string | Atom): Promise<Pid> {
    return this.scopes.start(toAtom(scope));
  }

  /**
   * `pg:join(Scope, Group, PidOrPids)`: local processes join `group` (a process may join a group
   * more than once, and is then listed as many times). Resolves once the scope took it; peers
   * learn it right after. Throws `ErlangError({nolocal, Pid})` for a pid of another node.
   */
  async join(group: TermInput, pids: Pid | readonly Pid[]): Promise<void> {
    ensureLocal(pids, this.isLocal, 'join', [this.scopeName]);
    await this.scopes.node.call(this.scopeName, tuple(JOIN_LOCAL, group, pids instanceof Pid ? pids : [...pids]), Infinity);
  }

  /** `pg:leave(Scope, Group, PidOrPids)`: one join of each pid is undone; `'not_joined'` when none of them had joined. */
  async leave(group: TermInput, pids: Pid | readonly Pid[]): Promise<'ok' | 'not_joined'> {
    ensureLocal(pids, this.isLocal, 'leave', [this.scopeName]);
    const r = await this.scopes.node.call(this.scopeName, tuple(LEAVE_LOCAL, group, pids instanceof Pid ? pids : [...pids]), Infinity);
    return r === OK ? 'ok' : 'not_joined';
  }

  /** `pg:get_members(Scope, Group)`: the members on every node, in pg's order; [] when none (or no scope). */
  getMembers(group: TermInput): Pid[] {
    return this.scopes.table(this.scopeName)?.members(group).slice() ?? [];
  }

  /** `pg:get_local_members(Scope, Group)`. */
  getLocalMembers(group: TermInput): Pid[] {
    return this.scopes.table(this.scopeName)?.localMembers(group).slice() ?? [];
  }

  /** `pg:which_groups(Scope)`: every group with members (in no particular order, as ETS lists them). */
  whichGroups(): Term[] {
    return this.scopes.table(this.scopeName)?.groups() ?? [];
  }

  /** `pg:which_local_groups(Scope)`: the groups with members on this node. */
  whichLocalGroups(): Term[] {
    return this.scopes.table(this.scopeName)?.localGroups() ?? [];
  }

  /**
   * `pg:monitor_scope(Scope)` (OTP 25.1+) made by `self`: the groups now, and from then on `self`
   * gets `{Ref, join | leave, Group, Pids}` for every change, until `demonitor`.
   */
  async monitorScope(self: Process): Promise<{ ref: Ref; groups: Map<Term, Term> }> {
    const { ref, value } = monitorReply<Map<Term, Term>>(await self.call(this.scopeName, MONITOR, Infinity));
    return { ref, groups: value };
  }

  /** `pg:monitor(Scope, Group)` made by `self`: the members now, then `{Ref, join | leave, Group, Pids}` for that group. */
  async monitor(self: Process, group: TermInput): Promise<{ ref: Ref; members: Pid[] }> {
    const { ref, value } = monitorReply<Pid[]>(await self.call(this.scopeName, tuple(MONITOR, group), Infinity));
    return { ref, members: value };
  }

  /** `pg:demonitor(Scope, Ref)`: false when `ref` was no monitor; notifications already queued are flushed. */
  async demonitor(self: Process, ref: Ref): Promise<boolean> {
    if ((await self.call(this.scopeName, tuple(DEMONITOR, ref), Infinity)) !== OK) return false;
    await flushNotifications(self, ref);
    return true;
  }

  private isLocal = (pid: Pid): boolean => pid.node === this.scopes.node.nodeAtom;
}

/** pg's `flush/1`: drops the `{Ref, join | leave, _, _}` already in `self`'s mailbox. */
export async function flushNotifications(self: Process, ref: Ref): Promise<void> {
  const mine = (m: Term): boolean => isTuple(m) && m.length === 4 && m[0] instanceof Ref && m[0].equals(ref) && (m[1] === atom('join') || m[1] === atom('leave'));
  while ((await self.receive({ match: mine, timeout: 0 })) !== TIMEOUT);
}
