/**
 * The `erlang` BIFs a peer calls on a noderl node (DESIGN.md "Modules"): the chapter's
 * `node()`, `nodes()`, `is_alive()`, and what rpc and erpc callers reach for (`apply/2,3`,
 * `send/2`, `self/0`, `exit/1`, `error/1`, `throw/1`, `get_cookie/0`).
 */
import { Atom, atom, isList, Pid, Port, Ref, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { bifError, callError, ProcessExit } from '../process/exceptions.js';
import { SENT, type Process } from '../process/process.js';
import { isDestination } from '../process/router.js';
import { arities, type Apply, type ApplyFun, type BuiltinModule } from './registry.js';

/** What `erlang` needs of its node. */
export interface ErlangHost {
  /** The node's name now (it changes with net_kernel:start/stop). */
  nodeAtom(): Atom;
  nodes(kind: 'visible' | 'hidden' | 'connected' | 'known'): string[];
  /** `erlang:get_cookie/0,1`: `nocookie` while the node is not distributed, as OTP. */
  cookie(peer?: string): string;
  /** `erlang:set_cookie/1,2`. */
  setCookie(cookie: string, peer?: string): void;
  /** `erlang:disconnect_node/1`: true when a connection was closed. */
  disconnect(peer: string): boolean;
  apply: Apply;
  applyFun: ApplyFun;
}

export function erlangModule(host: ErlangHost): BuiltinModule {
  return {
    node: arities([0, 1], (_self: Process, x?: Term) => (x === undefined ? host.nodeAtom() : nodeOf(x))),
    nodes: arities([0, 1], (_self: Process, kind?: Term) => (kind === undefined ? host.nodes('visible').map(atom) : nodesOf(host, kind))),
    is_alive: () => host.nodeAtom().name !== 'nonode@nohost', // false until net_kernel:start
    get_cookie: arities([0, 1], (_self: Process, peer?: Term) => {
      if (peer !== undefined && !(peer instanceof Atom)) throw bifError(BADARG, 'erlang', 'get_cookie', [peer]);
      return atom(host.cookie(peer?.name));
    }),
    set_cookie: arities([1, 2], (_self: Process, a?: Term, b?: Term) => {
      const [peer, cookie] = b === undefined ? [undefined, a] : [a, b];
      if (!(cookie instanceof Atom) || (peer !== undefined && !(peer instanceof Atom))) throw bifError(BADARG, 'erlang', 'set_cookie', b === undefined ? [a!] : [a!, b]);
      host.setCookie(cookie.name, peer?.name);
      return true;
    }),
    disconnect_node: (_self, peer) => {
      if (!(peer instanceof Atom)) throw bifError(BADARG, 'erlang', 'disconnect_node', [peer!]);
      return host.disconnect(peer.name);
    },
    // A send to a busy connection returns once it is not busy, as BEAM suspends the sender
    // (src/channel/busy-limit.ts); send/3's nosuspend and noconnect answer instead of sending.
    send: arities([2, 3], (self: Process, dest?: Term, msg?: Term, options?: Term) => {
      const args = options === undefined ? [dest!, msg!] : [dest!, msg!, options];
      const opts = options === undefined ? {} : sendOptions(options, ['nosuspend', 'noconnect']);
      if (!isDestination(dest!) || opts === undefined) throw bifError(BADARG, 'erlang', 'send', args);
      if (options === undefined) {
        const waiting = self.send(dest, msg!);
        return waiting === SENT ? msg : waiting.then(() => msg);
      }
      const outcome = self.sendWithOptions(dest, msg!, opts);
      return typeof outcome === 'string' ? atom(outcome) : outcome.then(atom);
    }),
    send_nosuspend: arities([2, 3], (self: Process, dest?: Term, msg?: Term, options?: Term) => {
      const opts = options === undefined ? {} : sendOptions(options, ['noconnect']);
      if (!isDestination(dest!) || opts === undefined) throw bifError(BADARG, 'erlang', 'send_nosuspend', options === undefined ? [dest!, msg!] : [dest!, msg!, options]);
      return self.sendNosuspend(dest, msg!, opts);
    }),
    self: (self) => self.pid,
    exit: arities([1, 2], (self: Process, a?: Term, b?: Term) => {
      if (b === undefined) throw new ProcessExit(a!);
      if (!(a instanceof Pid)) throw bifError(BADARG, 'erlang', 'exit', [a!, b]);
      self.exit(a, b);
      return true;
    }),
    error: (_self, reason) => {
      throw callError(reason!, 'erlang', 'error', [reason!]); // BEAM's stack: [{erlang, error, [R], []}]
    },
    throw: (_self, value) => {
      throw value; // a JS throw of a non-Error value is Erlang's throw (see erpc's failure, exitReasonOf)
    },
    apply: arities([2, 3], (self: Process, a?: Term, b?: Term, c?: Term) => (c === undefined ? applyFun(host, self, a!, b!) : applyMfa(host, self, a!, b!, c))),
  };
}

/** `erlang:send/3`'s (or `send_nosuspend/3`'s) option list; undefined (badarg) for anything else. */
function sendOptions(options: Term, allowed: string[]): { nosuspend?: boolean; noconnect?: boolean } | undefined {
  if (!isList(options)) return undefined;
  const out: { nosuspend?: boolean; noconnect?: boolean } = {};
  for (const o of options) {
    if (!(o instanceof Atom) || !allowed.includes(o.name)) return undefined;
    out[o.name as 'nosuspend' | 'noconnect'] = true;
  }
  return out;
}

/** `node(Arg)`: the node a pid, ref or port names; badarg for anything else. */
function nodeOf(x: Term): Atom {
  if (x instanceof Pid || x instanceof Ref || x instanceof Port) return x.node;
  throw bifError(BADARG, 'erlang', 'node', [x]);
}

/** `erlang:nodes/1`: one kind or a list of kinds (`this`, `visible`, `hidden`, `connected`, `known`). */
function nodesOf(host: ErlangHost, arg: Term): Term {
  const kinds = isList(arg) ? arg : [arg];
  const out: Term[] = [];
  for (const k of kinds) {
    if (!(k instanceof Atom)) throw bifError(BADARG, 'erlang', 'nodes', [arg]);
    if (k.name === 'this') out.push(host.nodeAtom());
    else if (k.name === 'visible' || k.name === 'hidden' || k.name === 'connected' || k.name === 'known') out.push(...host.nodes(k.name).map(atom));
    else throw bifError(BADARG, 'erlang', 'nodes', [arg]);
  }
  return out;
}

function applyMfa(host: ErlangHost, self: Process, m: Term, f: Term, args: Term): Promise<Term> {
  if (!(m instanceof Atom) || !(f instanceof Atom) || !isList(args)) throw bifError(BADARG, 'erlang', 'apply', [m, f, args]);
  return host.apply(self, m, f, args);
}

function applyFun(host: ErlangHost, self: Process, fun: Term, args: Term): Promise<Term> {
  if (!isList(args)) throw bifError(BADARG, 'erlang', 'apply', [fun, args]);
  return host.applyFun(self, fun, args);
}
