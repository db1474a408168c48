/**
 * The `erlang` BIFs a peer calls on a noderl node (DESIGN.md "Modules"): the chapter's
 * `node()`, `nodes()`, `is_alive()`, and what rpc and erpc callers reach for (`apply/2,3`,
 * `send/2`, `self/0`, `exit/1`, `error/1`, `throw/1`, `get_cookie/0`).
 */
import { Atom, atom, isList, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { callError, ProcessExit } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { isDestination } from '../process/router.js';
import { arities, type Apply, type ApplyFun, type BuiltinModule } from './registry.js';

/** What `erlang` needs of its node. */
export interface ErlangHost {
  /** The node's name now (it changes with net_kernel:start/stop). */
  nodeAtom(): Atom;
  nodes(kind: 'visible' | 'hidden' | 'connected' | 'known'): string[];
  /** `erlang:get_cookie/0`: `nocookie` while the node is not distributed, as OTP. */
  cookie(): string;
  apply: Apply;
  applyFun: ApplyFun;
}

export function erlangModule(host: ErlangHost): BuiltinModule {
  return {
    node: () => host.nodeAtom(),
    nodes: arities([0, 1], (_self: Process, kind?: Term) => (kind === undefined ? host.nodes('visible').map(atom) : nodesOf(host, kind))),
    is_alive: () => host.nodeAtom().name !== 'nonode@nohost', // false until net_kernel:start
    get_cookie: () => atom(host.cookie()),
    send: (self, dest, msg) => {
      if (!isDestination(dest!)) throw callError(BADARG, 'erlang', 'send', [dest!, msg!]);
      self.send(dest, msg!);
      return msg;
    },
    self: (self) => self.pid,
    exit: (_self, reason) => {
      throw new ProcessExit(reason!);
    },
    error: (_self, reason) => {
      throw callError(reason!, 'erlang', 'error', [reason!]); // BEAM's stack: [{erlang, error, [R], []}]
    },
    throw: (_self, value) => {
      throw value; // a JS throw of a non-Error value is Erlang's throw (see erpc's failure, exitReasonOf)
    },
    apply: arities([2, 3], (self: Process, a?: Term, b?: Term, c?: Term) => (c === undefined ? applyFun(host, self, a!, b!) : applyMfa(host, self, a!, b!, c))),
  };
}

/** `erlang:nodes/1`: one kind or a list of kinds (`this`, `visible`, `hidden`, `connected`, `known`). */
function nodesOf(host: ErlangHost, arg: Term): Term {
  const kinds = isList(arg) ? arg : [arg];
  const out: Term[] = [];
  for (const k of kinds) {
    if (!(k instanceof Atom)) throw callError(BADARG, 'erlang', 'nodes', [arg]);
    if (k.name === 'this') out.push(host.nodeAtom());
    else if (k.name === 'visible' || k.name === 'hidden' || k.name === 'connected' || k.name === 'known') out.push(...host.nodes(k.name).map(atom));
    else throw callError(BADARG, 'erlang', 'nodes', [arg]);
  }
  return out;
}

function applyMfa(host: ErlangHost, self: Process, m: Term, f: Term, args: Term): Promise<Term> {
  if (!(m instanceof Atom) || !(f instanceof Atom) || !isList(args)) throw callError(BADARG, 'erlang', 'apply', [m, f, args]);
  return host.apply(self, m, f, args);
}

function applyFun(host: ErlangHost, self: Process, fun: Term, args: Term): Promise<Term> {
  if (!isList(args)) throw callError(BADARG, 'erlang', 'apply', [fun, args]);
  return host.applyFun(self, fun, args);
}
