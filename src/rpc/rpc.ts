/**
 * `node.rpc`: kernel's rpc.erl client functions as OTP 25 builds them on erpc
 * (otp-distribution.md §7.4, §7.5): each returns what `rpc` returns, with failures as
 * `{badrpc, Reason}` Tuple terms rather than exceptions.
 */
import { Atom, atom, tuple, type Term, type TermInput } from '../term/types.js';
import { callOutcome, cast, ErpcError, mfaName, within, type CallOptions, type ErpcOutcome } from './erpc.js';
import { TIMEOUT } from '../process/mailbox.js';
import { CallerPool, type Spawner } from './caller-pool.js';
import { BADARG, EXIT, NOCONNECTION, NODEDOWN, TIMEOUT_REASON } from '../term/atoms.js';

const BADRPC = atom('badrpc');
const VALUE = atom('value');

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
    return rpcResult(await callOutcome(this.callers, node, m, f, args, options), nameOf(node), mfaName(m, f, args));
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
