/**
 * `node.rpc`: kernel's rpc.erl client functions as OTP 25 builds them on erpc
 * (otp-distribution.md §7.4, §7.5): each returns what `rpc` returns, with failures as
 * `{badrpc, Reason}` Tuple terms rather than exceptions.
 */
import { Atom, atom, ImproperList, isList, Ref, tuple, type Pid, type Term, type TermInput } from '../term/types.js';
import { callOutcome, cast, ErpcError, mfaName, timeoutOf, within, type CallOptions, type ErpcOutcome } from './erpc.js';
import { TIMEOUT } from '../process/mailbox.js';
import { CallerPool, type Spawner } from './caller-pool.js';
import { BADARG, EXIT, NOCONNECTION, NODEDOWN, TIMEOUT_REASON } from '../term/atoms.js';
import { callError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { arities, type BuiltinModule } from '../modules/registry.js';

const BADRPC = atom('badrpc');
const VALUE = atom('value');
const INFINITY = atom('infinity');

/** What `rpc:async_call/4` returns: a key for {@link Rpc.yield} and {@link Rpc.nbYield}. */
export class RpcKey {
  /** Set once the call ended. */
  private done?: { result: Term } | { error: unknown };
  /** @internal */
  readonly result: Promise<Term>;
  /** @internal */
  constructor(result: Promise<Term>) {
    this.result = result.then(
      (r) => ((this.done = { result: r }), r),
      (error: unknown) => {
        this.done = { error };
        throw error;
      },
    );
    this.result.catch(() => {}); // an error waits for yield to be asked
  }
  /** @internal */
  settled(): { result: Term } | { error: unknown } | undefined {
    return this.done;
  }
}

/**
 * The rpc result of an erpc outcome, as rpc.erl maps erpc's exceptions: a thrown value is
 * returned as is, exits and errors become `{badrpc, {'EXIT', …}}`, a lost connection
 * `{badrpc, nodedown}`; `{erpc, badarg}` raises badarg in the caller (thrown here as ErpcError).
 */
export function rpcResult(outcome: ErpcOutcome, node: string, mfa: string): Term {
  switch (outcome.kind) {
    case 'return':
    case 'throw':
      return outcome.value;
    case 'exit':
    case 'signal':
      return tuple(BADRPC, tuple(EXIT, outcome.reason));
    case 'error':
      return tuple(BADRPC, tuple(EXIT, tuple(outcome.reason, outcome.stack)));
    case 'erpc': {
      const r = outcome.reason;
      if (r === BADARG) throw new ErpcError('error', BADARG, BADARG, [], node, mfa);
      if (r === NOCONNECTION) return tuple(BADRPC, NODEDOWN);
      if (r === TIMEOUT_REASON || r === atom('notsup')) return tuple(BADRPC, r);
      return tuple(BADRPC, tuple(EXIT, r));
    }
  }
}

/** rpc's client functions for one node. `nodes` gives `[node() | nodes()]` for the calls that default to it. */
export class Rpc {
  constructor(
    private readonly spawn: Spawner,
    private readonly everyNode: () => string[],
    /** Shared with the node's `Erpc`: one set of idle callers is enough for both. */
    private readonly callers = new CallerPool(spawn),
  ) {}

  /** `rpc:call(Node, M, F, Args, Timeout)`: the value, or `{badrpc, Reason}`. */
  async call(node: string | Atom, m: string | Atom, f: string | Atom, args: TermInput[], options: CallOptions = {}): Promise<Term> {
    const outcome = await callOutcome(this.callers, node, m, f, args, options);
    // A value comes back as it is; the node and M:F/A are named only for the error that needs them.
    return outcome.kind === 'return' ? outcome.value : rpcResult(outcome, nameOf(node), mfaName(m, f, args));
  }

  /** `rpc:cast(Node, M, F, Args)`: runs it there, no answer; returns true. */
  cast(node: string | Atom, m: string | Atom, f: string | Atom, args: TermInput[]): true {
    cast(this.spawn, node, m, f, args);
    return true;
  }

  /** `rpc:async_call(Node, M, F, Args)`: the call starts now; its result waits for {@link yield} or {@link nbYield}. */
  asyncCall(node: string | Atom, m: string | Atom, f: string | Atom, args: TermInput[]): RpcKey {
    return new RpcKey(this.call(node, m, f, args));
  }

  /** `rpc:yield(Key)`: waits for the result of an async call. */
  yield(key: RpcKey): Promise<Term> {
    return key.result;
  }

  /** `rpc:nb_yield(Key, Timeout)`: `{value, Result}` when the call ended within `timeoutMs` (default 0), else the atom `timeout`. */
  async nbYield(key: RpcKey, timeoutMs = 0): Promise<Term> {
    const now = key.settled();
    if (now) {
      if ('error' in now) throw now.error;
      return tuple(VALUE, now.result);
    }
    const r = await within(key.result.then((v) => tuple(VALUE, v)), Date.now() + timeoutMs);
    return r === TIMEOUT ? TIMEOUT_REASON : r;
  }

  /**
   * `rpc:multicall(Nodes, M, F, Args, Timeout)`: `[Results, BadNodes]`, the results in the order of
   * the nodes that answered; a node that could not be reached or did not answer in time is a bad node.
   */
  async multicall(nodes: (string | Atom)[], m: string | Atom, f: string | Atom, args: TermInput[], options: CallOptions = {}): Promise<[Term[], Atom[]]> {
    const outcomes = await Promise.all(nodes.map((n) => callOutcome(this.callers, n, m, f, args, options)));
    const results: Term[] = [];
    const bad: Atom[] = [];
    outcomes.forEach((o, i) => {
      const node = nodes[i]!;
      if (o.kind === 'erpc' && (o.reason === NOCONNECTION || o.reason === TIMEOUT_REASON)) bad.push(node instanceof Atom ? node : atom(node));
      else results.push(rpcResult(o, nameOf(node), mfaName(m, f, args)));
    });
    return [results, bad];
  }

  /** `rpc:eval_everywhere(Nodes, M, F, Args)`: a cast to each node (default: this node and every visible one); returns `abcast`. */
  evalEverywhere(nodes: (string | Atom)[] | undefined, m: string | Atom, f: string | Atom, args: TermInput[]): Atom {
    for (const n of nodes ?? this.everyNode()) cast(this.spawn, n, m, f, args);
    return atom('abcast');
  }
}

function nameOf(node: string | Atom): string {
  return node instanceof Atom ? node.name : String(node);
}

// Serving: the `rpc` module evaluated code calls (a shell fun running here, `rpc:call(Me, M, F, A)`).

/**
 * The `rpc` module a noderl node serves: `call/4,5`, `block_call/4,5`, `cast/4`,
 * `multicall/3,4,5`, `eval_everywhere/3,4`, and `async_call/4`, `yield/1`, `nb_yield/1,2`, through `rpc`.
 */
export function rpcModule(rpc: Rpc, everyNode: () => string[]): BuiltinModule {
  const call = (fn: string) =>
    arities([4, 5], (_self: Process, node?: Term, m?: Term, f?: Term, args?: Term, t?: Term) => {
      const options = timeoutOf(t);
      if (!(node instanceof Atom) || !(m instanceof Atom) || !(f instanceof Atom) || !isList(args) || options === undefined) {
        throw callError(BADARG, 'rpc', fn, t === undefined ? [node!, m!, f!, args!] : [node!, m!, f!, args!, t]);
      }
      return rpc.call(node, m, f, args, options);
    });
  return {
    call: call('call'),
    block_call: call('block_call'),
    cast: (_self, node, m, f, args) => {
      if (!(node instanceof Atom) || !(m instanceof Atom) || !(f instanceof Atom) || !isList(args)) throw callError(BADARG, 'rpc', 'cast', [node!, m!, f!, args!]);
      return rpc.cast(node, m, f, args);
    },
    multicall: arities([3, 4, 5], async (_self: Process, ...a: Term[]) => {
      // multicall(M, F, A), (Nodes, M, F, A), (M, F, A, Timeout), (Nodes, M, F, A, Timeout)
      const withNodes = isList(a[0]);
      const nodes = withNodes ? (a[0] as Term[]) : everyNode().map((n) => atom(n));
      const [m, f, args, t] = withNodes ? a.slice(1) : a;
      const options = timeoutOf(t);
      if (!(m instanceof Atom) || !(f instanceof Atom) || !isList(args) || options === undefined || !nodes.every((n) => n instanceof Atom)) {
        throw callError(BADARG, 'rpc', 'multicall', a);
      }
      const [results, bad] = await rpc.multicall(nodes as Atom[], m, f, args, options);
      return tuple(results, bad);
    }),
    ...asyncCalls(rpc),
    eval_everywhere: arities([3, 4], (_self: Process, ...a: Term[]) => {
      const [nodes, m, f, args] = a.length === 4 ? a : [undefined, ...a];
      if (!(m instanceof Atom) || !(f instanceof Atom) || !isList(args) || (nodes !== undefined && !(isList(nodes) && nodes.every((n) => n instanceof Atom)))) {
        throw callError(BADARG, 'rpc', 'eval_everywhere', a);
      }
      return rpc.evalEverywhere(nodes as Atom[] | undefined, m, f, args);
    }),
  };
}

/**
 * `rpc:async_call/4`, `yield/1` and `nb_yield/1,2` for evaluated code. The key is what OTP 25's is
 * (erpc's request id, `[Ref | Ref]`); the call it names is kept until its result is taken, and
 * only the process that made it can take it: from another process, as on BEAM (where the reply
 * went to the caller's mailbox), yield waits for ever and nb_yield times out.
 */
function asyncCalls(rpc: Rpc): BuiltinModule {
  const calls = new Map<string, { key: RpcKey; owner: Pid }>();
  const refText = (r: Ref): string => `${r.node.name}.${r.ids.join('.')}.${r.creation}`;
  const idOf = (k: Term): string | undefined => (k instanceof ImproperList && k.elements.length === 1 && k.elements[0] instanceof Ref && k.tail instanceof Ref ? `${refText(k.elements[0])}|${refText(k.tail)}` : undefined);
  /** The call `k` names for `self`; undefined when it is not this process's; badarg for what is no key. */
  const callOf = (self: Process, k: Term, fn: string, args: Term[]): [string, RpcKey] | undefined => {
    const id = idOf(k);
    if (id === undefined) throw callError(BADARG, 'rpc', fn, args);
    const entry = calls.get(id);
    return entry && entry.owner.equals(self.pid) ? [id, entry.key] : undefined;
  };
  const never = new Promise<Term>(() => {});
  return {
    async_call: (self, node, m, f, args) => {
      if (!(node instanceof Atom) || !(m instanceof Atom) || !(f instanceof Atom) || !isList(args)) throw callError(BADARG, 'rpc', 'async_call', [node!, m!, f!, args!]);
      const k = new ImproperList([self.makeRef()], self.makeRef());
      calls.set(idOf(k)!, { key: rpc.asyncCall(node, m, f, args), owner: self.pid });
      return k;
    },
    yield: async (self, k) => {
      const found = callOf(self, k!, 'yield', [k!]);
      if (!found) return never;
      calls.delete(found[0]);
      return rpc.yield(found[1]);
    },
    nb_yield: arities([1, 2], async (self: Process, ...args: Term[]) => {
      const [k, t = 0] = args;
      if (t !== INFINITY && !(typeof t === 'number' && Number.isInteger(t) && t >= 0)) throw callError(BADARG, 'rpc', 'nb_yield', args);
      const found = callOf(self, k!, 'nb_yield', args);
      if (!found) return t === INFINITY ? never : new Promise<Term>((resolve) => setTimeout(() => resolve(TIMEOUT_REASON), t as number));
      const r = t === INFINITY ? tuple(VALUE, await rpc.yield(found[1])) : await rpc.nbYield(found[1], t as number);
      if (r !== TIMEOUT_REASON) calls.delete(found[0]);
      return r;
    }),
  };
}
