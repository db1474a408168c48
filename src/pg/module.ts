/**
 * The `pg` module a noderl node serves, so `rpc:call(N, pg, join, [G, P])` and the Erlang
 * evaluator reach its scopes as on a BEAM node: `start/1`, `start_link/0,1`, `join/2,3`,
 * `leave/2,3`, `get_members/1,2`, `get_local_members/1,2`, `which_groups/0,1`,
 * `which_local_groups/0,1`, `monitor_scope/0,1`, `monitor/1,2`, `demonitor/1,2`, with pg.erl's
 * guards and errors (`function_clause`, `{nolocal, Pid}`, a call to a scope that does not run
 * exits `{noproc, {gen_server, call, …}}`, `which_groups` of one raises ets's badarg).
 */
import { Atom, atom, isList, Pid, Ref, tuple, type Term } from '../term/types.js';
import { BADARG, ERROR, FUNCTION_CLAUSE, OK } from '../term/atoms.js';
import { callError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { GenServerStartError } from '../otp/gen-server.js';
import { arities, type BuiltinModule } from '../modules/registry.js';
import { DEFAULT_SCOPE, ensureLocal, flushNotifications, type PgScopes } from './pg.js';

const JOIN_LOCAL = atom('join_local');
const LEAVE_LOCAL = atom('leave_local');
const MONITOR = atom('monitor');
const DEMONITOR = atom('demonitor');

/** `[Scope | Rest]` from the arguments of an `F/N, F/N+1` pair: the short form uses the default scope. */
function scoped(args: Term[], short: number): [Term, ...Term[]] {
  return args.length === short ? [DEFAULT_SCOPE, ...args] : (args as [Term, ...Term[]]);
}

export function pgModule(scopes: PgScopes): BuiltinModule {
  const tableOf = (scope: Term) => (scope instanceof Atom ? scopes.table(scope) : undefined);
  const start = async (self: Process, scope: Term | undefined, link: boolean, fn: string): Promise<Term> => {
    if (!(scope instanceof Atom)) throw callError(FUNCTION_CLAUSE, 'pg', fn, [scope ?? DEFAULT_SCOPE]);
    try {
      const pid = await scopes.start(scope);
      if (link) self.link(pid);
      return tuple(OK, pid);
    } catch (err) {
      if (err instanceof GenServerStartError) return tuple(ERROR, err.reason);
      throw err;
    }
  };
  const change = (fn: 'join' | 'leave', tag: Atom) =>
    arities([2, 3], async (self: Process, ...args: Term[]) => {
      const [scope, group, pids] = scoped(args, 2);
      const full = [scope, group!, pids!];
      if (!(pids instanceof Pid || isList(pids))) throw callError(FUNCTION_CLAUSE, 'pg', fn, full);
      ensureLocal(pids, (p) => p.node === scopes.node.nodeAtom, fn, full);
      return self.call(scope as Atom, tuple(tag, group!, pids), Infinity);
    });
  const groups = (fn: string, local: boolean) =>
    arities([0, 1], (_self: Process, scope: Term = DEFAULT_SCOPE) => {
      if (!(scope instanceof Atom)) throw callError(FUNCTION_CLAUSE, 'pg', fn, [scope]);
      const table = tableOf(scope);
      // OTP reads the scope's ETS table, which is not there when the scope does not run.
      if (!table) throw callError(BADARG, 'ets', local ? 'select' : 'match', [scope]);
      return local ? table.localGroups() : table.groups();
    });
  const members = (local: boolean) =>
    arities([1, 2], (_self: Process, ...args: Term[]) => {
      const [scope, group] = scoped(args, 1);
      const table = tableOf(scope);
      return (local ? table?.localMembers(group!) : table?.members(group!))?.slice() ?? [];
    });
  return {
    start: (self, scope) => start(self, scope, false, 'start'),
    start_link: arities([0, 1], (self: Process, scope: Term = DEFAULT_SCOPE) => start(self, scope, true, 'start_link')),
    join: change('join', JOIN_LOCAL),
    leave: change('leave', LEAVE_LOCAL),
    get_members: members(false),
    get_local_members: members(true),
    which_groups: groups('which_groups', false),
    which_local_groups: groups('which_local_groups', true),
    monitor_scope: arities([0, 1], (self: Process, scope: Term = DEFAULT_SCOPE) => self.call(scope as Atom, MONITOR, Infinity)),
    monitor: arities([1, 2], (self: Process, ...args: Term[]) => {
      const [scope, group] = scoped(args, 1);
      return self.call(scope as Atom, tuple(MONITOR, group!), Infinity);
    }),
    demonitor: arities([1, 2], async (self: Process, ...args: Term[]) => {
      const [scope, ref] = scoped(args, 1);
      if ((await self.call(scope as Atom, tuple(DEMONITOR, ref!), Infinity)) !== OK) return false;
      if (ref instanceof Ref) await flushNotifications(self, ref);
      return OK;
    }),
  };
}
