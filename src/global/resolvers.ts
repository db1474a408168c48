/**
 * Name conflicts (OTP's `exchange_names/4`, `resolve_it/4` and the three built-in resolvers).
 * When two partitions meet, the node with the smaller name compares the peer's names with its own;
 * for a name bound to two pids it asks the owner of its own pid to run that name's method,
 * `rpc:call(Owner, global, resolve_it, [Method, Name, PeerPid, OurPid])`, and turns the answer
 * into operations for both sides.
 */
import { Atom, atom, ExportFun, isTuple, Pid, tuple, type Term } from '../term/types.js';
import { equals } from '../term/compare.js';
import { type Process } from '../process/process.js';
import { CallError } from '../process/gen-call.js';
import type { GlobalTables } from './tables.js';
import { NAME_SERVER } from './multi-call.js';
import { GlobalAtom } from './protocol.js';
import { exitReasonOf } from '../process/exceptions.js';
import type { JsResolver } from './types.js';
import type { Apply } from '../modules/registry.js';

const INSERT = atom('insert');
const DELETE = atom('delete');
const NONE = atom('none');
const GLOBAL = atom('global');
const CONFLICT = atom('global_name_conflict');
const RESOLVE_IT = GlobalAtom.resolveIt;


/** The built-in resolver `fun global:Name/3`. */
export function builtinMethod(name: 'random_exit_name' | 'random_notify_name' | 'notify_all_name'): ExportFun {
  return new ExportFun(GLOBAL, atom(name), 3);
}

/** `minmax/2`: the pid on the smaller node first. */
function minmax(a: Pid, b: Pid): [Pid, Pid] {
  return a.node.name < b.node.name ? [a, b] : [b, a];
}

/** `global:random_exit_name/3`: keeps one, kills the other. */
export function randomExitName(self: Process, _name: Term, a: Pid, b: Pid): Pid {
  const [min, max] = minmax(a, b);
  self.exit(max, atom('kill'));
  return min;
}

/** `global:random_notify_name/3`: keeps one, tells the other `{global_name_conflict, Name}`. */
export function randomNotifyName(self: Process, name: Term, a: Pid, b: Pid): Pid {
  const [min, max] = minmax(a, b);
  self.send(max, tuple(CONFLICT, name));
  return min;
}

/** `global:notify_all_name/3`: drops the name, tells both `{global_name_conflict, Name, Other}`. */
export function notifyAllName(self: Process, name: Term, a: Pid, b: Pid): Atom {
  self.send(a, tuple(CONFLICT, name, b));
  self.send(b, tuple(CONFLICT, name, a));
  return NONE;
}

/**
 * `resolve_it/4`: `js`, the JS resolver kept with our name, or else `Method(Name, Pid1, Pid2)`
 * for any `fun M:F/3` through `apply` (which finds the three built-ins); a failure is the value
 * `{'EXIT', Reason}` (OTP's `catch`).
 */
export async function resolveIt(
  self: Process,
  method: Term,
  name: Term,
  a: Pid,
  b: Pid,
  apply: Apply,
  js?: JsResolver,
): Promise<Term> {
  try {
    if (js) return toTerm(await js(name, a, b, self));
    if (!(method instanceof ExportFun) || method.arity !== 3) return tuple(atom('EXIT'), tuple(atom('badfun'), method));
    return await apply(self, method.module, method.name, [name, a, b]);
  } catch (err) {
    return tuple(atom('EXIT'), exitReasonOf(err));
  }
}

/**
 * `global:resolve_it/4` as a peer's `rpc:call` runs it here: the local `global_name_server` runs
 * it, since it holds the names and so their JS resolvers (a node without one, hidden, has none).
 */
export async function resolveItOnNode(self: Process, nodeAtom: Atom, args: Term[], apply: Apply): Promise<Term> {
  const [method, name, a, b] = args;
  if (!(a instanceof Pid) || !(b instanceof Pid)) return tuple(atom('EXIT'), atom('function_clause'));
  try {
    return await self.call(tuple(NAME_SERVER, nodeAtom), tuple(RESOLVE_IT, method!, name!, a, b), Infinity);
  } catch (err) {
    if (err instanceof CallError && err.code === 'noproc') return resolveIt(self, method!, name!, a, b, apply);
    throw err;
  }
}

function toTerm(v: Pid | 'none'): Term {
  return v === 'none' ? NONE : v;
}

/** What resolving needs: who we are, our table, and how to run `resolve_it` on a pid's node. */
export interface ResolveContext {
  readonly me: string;
  readonly tables: GlobalTables;
  resolveOn(self: Process, owner: string, method: Term, name: Term, pid1: Pid, pid2: Pid): Promise<Term>;
}

/** `exchange_names/4`: `[Ops, Resolved]`, the operations for us and for the peer. */
export async function exchangeNames(self: Process, ctx: ResolveContext, names: Term, peer: string): Promise<[Term[], Term[]]> {
  const ops: Term[] = [];
  const resolved: Term[] = [];
  if (!Array.isArray(names) || isTuple(names)) return [ops, resolved];
  for (const entry of names) {
    if (!isTuple(entry) || entry.length !== 3 || !(entry[1] instanceof Pid)) continue;
    const [name, pid, method] = entry as unknown as [Term, Pid, Term];
    const ours = ctx.tables.lookup(name);
    if (ours && equals(ours.pid, pid)) continue;
    if (!ours) {
      ops.push(tuple(INSERT, tuple(name, pid, method)));
      continue;
    }
    if (!(ctx.me < peer)) continue; // the other node resolves it
    const answer = await ctx.resolveOn(self, ours.pid.node.name, ours.method, name, pid, ours.pid);
    if (answer instanceof Pid && equals(answer, pid)) ops.push(tuple(INSERT, tuple(name, pid, method)));
    else if (answer instanceof Pid && equals(answer, ours.pid)) resolved.push(tuple(INSERT, tuple(name, ours.pid, ours.method)));
    else if (isTuple(answer) && answer[0] === atom('badrpc')) ops.push(tuple(INSERT, tuple(name, pid, method)));
    else {
      ops.push(tuple(DELETE, name));
      resolved.push(tuple(DELETE, name));
    }
  }
  return [ops, resolved];
}
