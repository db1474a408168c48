/**
 * The BIFs and library functions a noderl node serves without a code path, so the chapter's calls
 * work against it (DESIGN.md "Modules"): `erlang:node/0`, `erlang:nodes/0,1`, `erlang:is_alive/0`,
 * `erlang:apply/2,3`, `erlang:send/2`, `erlang:self/0`, `erlang:exit/1`, `erlang:error/1`,
 * `erlang:throw/1`, `erlang:get_cookie/0`, `net_kernel:connect_node/1`,
 * `net_kernel:get_net_ticktime/0`, `lists:sort/1`, `lists:reverse/1`, `timer:sleep/1`,
 * `io:format/1,2`, `io:put_chars/1`, `io:nl/0`, `init:stop/0`, `shell:start/0,1` (remote shells),
 * the `global` resolvers, and `erpc:execute_call/4` and `execute_cast/3`, which OTP's rpc and erpc
 * spawn on a peer. Each takes the process running it, as code-path functions do.
 */
import { compare } from '../term/compare.js';
import { Atom, atom, ErlFun, ExportFun, isList, Pid, tuple, type Term } from '../term/types.js';
import { notifyAllName, randomExitName, randomNotifyName, resolveItOnNode } from '../global/resolvers.js';
import { type Process } from '../process/process.js';
import type { Node } from '../node/node.js';
import { callError, ErlangError, exitReasonOf, ProcessExit } from '../process/exceptions.js';

const OK = atom('ok');
const UNDEF = atom('undef');
const BADARG = atom('badarg');
const ERROR = atom('error');

/** What the built-ins need from their node. */
export interface BuiltinContext {
  readonly nodeAtom: Atom;
  nodes(kind: 'visible' | 'hidden' | 'connected' | 'known'): string[];
  /** `init:stop/0`: stops the node soon after the call returns. */
  stop(): void;
  apply(self: Process, module: Atom, fn: Atom, args: Term[]): Promise<Term>;
  /** The node itself, for a shell a peer starts here (`shell:start`), whose helpers need it. */
  readonly node?: Node;
}

type Builtin = (ctx: BuiltinContext, self: Process, args: Term[]) => Term | Promise<Term>;



function nodesOf(ctx: BuiltinContext, arg: Term): Term {
  const kinds = isList(arg) ? arg : [arg];
  const out: Term[] = [];
  for (const k of kinds) {
    if (!(k instanceof Atom)) throw callError(BADARG, 'erlang', 'nodes', [arg]);
    if (k.name === 'this') out.push(ctx.nodeAtom);
    else if (k.name === 'visible' || k.name === 'hidden' || k.name === 'connected') out.push(...ctx.nodes(k.name).map(atom));
    else if (k.name === 'known') out.push(...ctx.nodes('known').map(atom)); // this node and every node seen this session
    else throw callError(BADARG, 'erlang', 'nodes', [arg]);
  }
  return out;
}

const BUILTINS: Record<string, Builtin> = {
  'erlang:node/0': (ctx) => ctx.nodeAtom,
  'erlang:nodes/0': (ctx) => ctx.nodes('visible').map(atom),
  'erlang:nodes/1': (ctx, _self, [kind]) => nodesOf(ctx, kind!),
  'erlang:is_alive/0': (ctx) => ctx.nodeAtom.name !== 'nonode@nohost', // false until net_kernel:start
  // nocookie while the node is not distributed, as OTP (Node.getCookie).
  'erlang:get_cookie/0': (ctx) => atom(ctx.node?.getCookie() ?? 'nocookie'),
  // ignored on a node that is not distributed, as OTP (src/node/net-kernel.ts).
  'net_kernel:connect_node/1': async (ctx, _self, [peer]) => {
    if (!(peer instanceof Atom)) throw callError(atom('function_clause'), 'net_kernel', 'connect_node', [peer!]);
    const r = ctx.node ? await ctx.node.netKernel.connectNode(peer) : 'ignored';
    return typeof r === 'string' ? atom(r) : r;
  },
  'net_kernel:get_net_ticktime/0': (ctx) => {
    const t = ctx.node?.netKernel.getNetTicktime() ?? 'ignored';
    return typeof t === 'string' ? atom(t) : t;
  },
  'erlang:send/2': (_ctx, self, [dest, msg]) => (self.send(dest!, msg!), msg!),
  'erlang:self/0': (_ctx, self) => self.pid,
  'erlang:exit/1': (_ctx, _self, [reason]) => {
    throw new ProcessExit(reason!);
  },
  'erlang:error/1': (_ctx, _self, [reason]) => {
    throw callError(reason!, 'erlang', 'error', [reason!]); // BEAM's stack: [{erlang, error, [R], []}]
  },
  'erlang:throw/1': (_ctx, _self, [value]) => {
    throw value; // a JS throw of a non-Error value is Erlang's throw (see erpcFailure, exitReasonOf)
  },
  'erlang:apply/3': (ctx, self, [m, f, args]) => {
    if (!(m instanceof Atom) || !(f instanceof Atom) || !isList(args!)) throw callError(BADARG, 'erlang', 'apply', [m!, f!, args!]);
    return ctx.apply(self, m, f, args);
  },
  'erlang:apply/2': (ctx, self, [fun, args]) => {
    if (!isList(args!)) throw callError(BADARG, 'erlang', 'apply', [fun!, args!]);
    if (fun instanceof ExportFun) {
      if (fun.arity !== args.length) throw new ErlangError(tuple(atom('badarity'), tuple(fun, args)), []);
      return ctx.apply(self, fun.module, fun.name, args);
    }
    // A closure's code lives in a BEAM module noderl cannot load: the call is undef, as on a node without that module.
    if (fun instanceof ErlFun) throw new ErlangError(UNDEF, [tuple(fun, args, [])]);
    throw new ErlangError(tuple(atom('badfun'), fun!), []);
  },
  'lists:sort/1': (_ctx, _self, [list]) => {
    if (!isList(list!)) throw callError(atom('function_clause'), 'lists', 'sort', [list!]);
    return [...list].sort(compare);
  },
  'lists:reverse/1': (_ctx, _self, [list]) => {
    if (!isList(list!)) throw callError(BADARG, 'lists', 'reverse', [list!]);
    return [...list].reverse();
  },
  'timer:sleep/1': async (_ctx, self, [ms]) => {
    const forever = ms === atom('infinity');
    if (!forever && (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0)) throw callError(atom('function_clause'), 'timer', 'sleep', [ms!]);
    await self.receive({ match: () => false, timeout: forever ? undefined : (ms as number) });
    return OK;
  },
  'io:format/1': async (_ctx, self, [fmt]) => (await self.format(fmt!, []), OK),
  'io:format/2': async (_ctx, self, [fmt, args]) => {
    if (!isList(args!)) throw callError(BADARG, 'io', 'format', [fmt!, args!]);
    await self.format(fmt!, args);
    return OK;
  },
  'io:put_chars/1': async (_ctx, self, [chars]) => (await self.print(chars as Buffer), OK),
  'io:nl/0': async (_ctx, self) => (await self.print('\n'), OK),
  'init:stop/0': (ctx) => (ctx.stop(), OK),
  // A remote shell here (erl -remsh, noderl remsh): a noderl shell whose group leader is the caller's (src/shell/served.ts).
  'shell:start/0': async (ctx, self) => (await import('../shell/served.js')).startServedShell(ctx, self),
  'shell:start/1': async (ctx, self) => (await import('../shell/served.js')).startServedShell(ctx, self),
  // OTP resolves a global name conflict with rpc:call(Owner, global, resolve_it, …) (src/global/resolvers.ts).
  'global:resolve_it/4': (ctx, self, args) => resolveItOnNode(self, ctx.nodeAtom, args, ctx.apply),
  'global:random_exit_name/3': (_ctx, self, [name, p1, p2]) => randomExitName(self, name!, p1 as Pid, p2 as Pid),
  'global:random_notify_name/3': (_ctx, self, [name, p1, p2]) => randomNotifyName(self, name!, p1 as Pid, p2 as Pid),
  'global:notify_all_name/3': (_ctx, self, [name, p1, p2]) => notifyAllName(self, name!, p1 as Pid, p2 as Pid),
  // rpc:call and erpc:call in OTP 23+ are a SPAWN_REQUEST of these (otp-distribution.md §0 item 4).
  'erpc:execute_call/4': async (ctx, self, [ref, m, f, a]) => {
    if (!(m instanceof Atom) || !(f instanceof Atom) || !isList(a!)) throw new ProcessExit(tuple(ref!, ERROR, tuple(atom('erpc'), BADARG)));
    let reply: Term;
    try {
      reply = tuple(ref!, atom('return'), await ctx.apply(self, m, f, a));
    } catch (err) {
      reply = erpcFailure(ref!, err);
    }
    throw new ProcessExit(reply); // the result travels as the exit reason in the monitor's DOWN
  },
  'erpc:execute_cast/3': async (ctx, self, [m, f, a]) => {
    if (!(m instanceof Atom) || !(f instanceof Atom) || !isList(a!)) throw callError(BADARG, 'erpc', 'execute_cast', [m!, f!, a!]);
    await ctx.apply(self, m, f, a);
    return OK;
  },
};

/** How erpc:execute_call/4 reports a call that did not return: `{Ref, throw|exit, R}` or `{Ref, error, R, Stack}`. */
export function erpcFailure(ref: Term, err: unknown): Term {
  if (err instanceof ErlangError) return tuple(ref, ERROR, err.error, err.stacktrace);
  if (err instanceof ProcessExit) return tuple(ref, atom('exit'), err.reason);
  if (err instanceof Error) return tuple(ref, ERROR, exitReasonOf(err), []);
  return tuple(ref, atom('throw'), err === undefined ? atom('undefined') : (err as Term)); // a JS throw of a value is Erlang's throw
}

/** The built-in serving `module:fn/arity`, bound to its node, or undefined. */
export function builtin(module: string, fn: string, arity: number): Builtin | undefined {
  return BUILTINS[`${module}:${fn}/${arity}`];
}
