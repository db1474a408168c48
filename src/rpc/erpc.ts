/**
 * erpc, both sides. Serving: `erpc:execute_call/4` and `execute_cast/3` (at the end of the file).
 * Calling, as OTP 23+ erpc.erl does it (otp-distribution.md §0 item 4, §7.4): one
 * SPAWN_REQUEST of `erpc:execute_call(Ref, M, F, A)` with `[monitor]`; the result comes back as
 * the monitor's DOWN reason `{Ref, return|throw|exit, X}` or `{Ref, error, R, Stack}`.
 *
 * Each call runs in a caller process of its own (src/rpc/caller-pool.ts), spawned with the
 * caller's group leader, so the remote function's output comes back there (§10). On a timeout the
 * monitor is demonitored (DEMONITOR_P) and the caller process ends, which demonitors a spawn reply
 * that comes too late — as erpc does, the remote process itself is left running, not killed
 * (§7.4 "Timeout").
 */
import { Atom, atom, isList, isTuple, Ref, tuple, type Term, type TermInput, type Tuple, toAtom } from '../term/types.js';
import { format } from '../term/format.js';
import { type Process } from '../process/process.js';
import { mfaName, SpawnError, type SpawnRequestOptions } from '../process/spawn-options.js';
import { TIMEOUT } from '../process/mailbox.js';
import { isDownOf } from '../process/gen.js';
import { CallerPool, type Spawner } from './caller-pool.js';
import { callError, ErlangError, exitReasonOf, exitWithoutStack, ProcessExit } from '../process/exceptions.js';
import { arities, type Apply, type BuiltinModule } from '../modules/registry.js';
import { sameRef } from '../process/local-identity.js';
import { BADARG, ERROR, INFINITY, KILLED, NOCONNECTION, OK, SPAWN_REPLY, TIMEOUT_REASON } from '../term/atoms.js';

export type { Spawner };
export { mfaName };

const ERPC = atom('erpc');
const EXECUTE_CALL = atom('execute_call');
const EXECUTE_CAST = atom('execute_cast');
const RETURN = atom('return');
const THROW = atom('throw');
const EXIT = atom('exit');
const EXCEPTION = atom('exception');
const SIGNAL = atom('signal');


/** How one erpc call ended: the four DOWN reasons of execute_call/4, a death of another kind, or erpc's own `{erpc, R}`. */
export type ErpcOutcome =
  | { kind: 'return'; value: Term }
  | { kind: 'throw'; value: Term }
  | { kind: 'exit'; reason: Term }
  | { kind: 'error'; reason: Term; stack: Term }
  /** The remote process died without execute_call's reason (killed, say): erpc raises exit `{signal, R}`. */
  | { kind: 'signal'; reason: Term }
  /** erpc's own failures, raised as error `{erpc, R}`: `timeout`, `noconnection`, `notsup`, `badarg`, a spawn refusal. */
  | { kind: 'erpc'; reason: Term };

/** Options of a call. */
export interface CallOptions {
  /** Milliseconds (an integer, or Infinity); default infinity. */
  timeout?: number;
}

/** The class of an Erlang exception, as `catch Class:Reason` names it. */
export type ErpcClass = 'error' | 'exit' | 'throw';

/**
 * What `erpc:call` raises, as a JS error: `class` and `raised` are exactly what
 * `catch Class:Raised` gives in Erlang (`error:{exception, undef, Stack}`, `exit:{exception, R}`,
 * `throw:T`, `error:{erpc, timeout}`, `exit:{signal, R}`); `reason` is the remote reason inside it
 * (or erpc's own `{erpc, R}`), `remoteStack` the remote stacktrace of an error.
 */
export class ErpcError extends Error {
  readonly code = 'ERR_NODERL_ERPC';
  readonly class: ErpcClass;
  constructor(
    erlangClass: ErpcClass,
    readonly reason: Term,
    readonly raised: Term,
    readonly remoteStack: Term[],
    readonly node: string,
    readonly mfa: string,
  ) {
    super(`erpc:call to ${node} of ${mfa} raised ${erlangClass}:${format(raised).slice(0, 500)}`);
    this.class = erlangClass;
    this.name = 'ErpcError';
  }
}

/** The ErpcError erpc:call raises for `outcome`, or undefined when it returned. */
export function erpcErrorOf(outcome: ErpcOutcome, node: string, mfa: string): ErpcError | undefined {
  switch (outcome.kind) {
    case 'return':
      return undefined;
    case 'throw':
      return new ErpcError('throw', outcome.value, outcome.value, [], node, mfa);
    case 'exit':
      return new ErpcError('exit', outcome.reason, tuple(EXCEPTION, outcome.reason), [], node, mfa);
    case 'error':
      return new ErpcError('error', outcome.reason, tuple(EXCEPTION, outcome.reason, outcome.stack), listOf(outcome.stack), node, mfa);
    case 'signal':
      return new ErpcError('exit', outcome.reason, tuple(SIGNAL, outcome.reason), [], node, mfa);
    case 'erpc':
      return new ErpcError('error', tuple(ERPC, outcome.reason), tuple(ERPC, outcome.reason), [], node, mfa);
  }
}

/** `erpc:multicall`'s element for one node: `{ok, V}` or `{Class, Raised}`. */
export function multicallElement(outcome: ErpcOutcome): Term {
  if (outcome.kind === 'return') return tuple(OK, outcome.value);
  const err = erpcErrorOf(outcome, '', '')!;
  return tuple(atom(err.class), err.raised);
}

/**
 * Runs one erpc call in a caller process of `callers` and resolves to its outcome. Arguments that
 * are not an atom, atom and list are erpc's `badarg`, refused before anything is sent; a timeout
 * that is not a non-negative integer (or Infinity) throws RangeError.
 */
export function callOutcome(callers: CallerPool, node: string | Atom, m: string | Atom, f: string | Atom, args: TermInput[], options: CallOptions = {}): Promise<ErpcOutcome> {
  const timeout = options.timeout === Infinity ? undefined : options.timeout;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 0)) {
    throw new RangeError(`timeout must be a non-negative integer of ms, not ${String(timeout)}`);
  }
  if (!isAtomLike(node) || !isAtomLike(m) || !isAtomLike(f) || !isList(args)) {
    return Promise.resolve({ kind: 'erpc', reason: BADARG });
  }
  return new Promise((resolve) => {
    callers.run(async (self) => {
      let outcome: ErpcOutcome;
      try {
        outcome = await callIn(self, toAtom(node), toAtom(m), toAtom(f), args, timeout);
      } catch (err) {
        // Our own process was killed meanwhile: report it as erpc would see a dead caller.
        resolve({ kind: 'signal', reason: err instanceof ProcessExit ? err.reason : KILLED });
        return false;
      }
      resolve(outcome);
      return !(outcome.kind === 'erpc' && outcome.reason === TIMEOUT_REASON); // a timed-out caller ends, taking its monitor down
    });
  });
}

// As erpc.erl's call/5: a spawn_request with `monitor` and `{reply, error_only}`, then one receive
// for the spawn error or the DOWN that carries the result, under one timeout. A timeout takes the
// monitor down (DEMONITOR_P) and leaves the remote process running; a caller that timed out ends
// (callOutcome), which drops a spawn reply still to come.
async function callIn(self: Process, node: Atom, m: Atom, f: Atom, args: TermInput[], timeout: number | undefined): Promise<ErpcOutcome> {
  const ref = self.makeRef();
  let reqId: Ref;
  try {
    reqId = self.spawnRequest(node, ERPC, EXECUTE_CALL, [ref, m, f, args], ERPC_SPAWN);
  } catch (err) {
    if (err instanceof SpawnError) return { kind: 'erpc', reason: err.reason };
    throw err;
  }
  const got = await self.receive({ match: (msg) => isSpawnErrorOf(msg, reqId) || isDownOf(msg, reqId), timeout });
  if (got === TIMEOUT) {
    self.demonitor(reqId);
    return { kind: 'erpc', reason: TIMEOUT_REASON };
  }
  const answer = got as Tuple;
  return isDownOf(answer, reqId) ? outcomeOfDown(ref, answer[4]!) : { kind: 'erpc', reason: answer[3]! };
}

const ERPC_SPAWN: SpawnRequestOptions = Object.freeze({ monitor: true, reply: 'error_only' });

/** `{spawn_reply, ReqId, error, Reason}` of the request `reqId`. */
function isSpawnErrorOf(m: Term, reqId: Ref): boolean {
  return isTuple(m) && m.length === 4 && m[0] === SPAWN_REPLY && m[1] instanceof Ref && sameRef(m[1], reqId);
}

/** The outcome a DOWN reason carries (erpc.erl's `result/4`). */
export function outcomeOfDown(ref: Ref, reason: Term): ErpcOutcome {
  if (isTuple(reason) && reason[0] instanceof Ref && sameRef(reason[0], ref)) {
    if (reason.length === 3 && reason[1] === RETURN) return { kind: 'return', value: reason[2]! };
    if (reason.length === 3 && reason[1] === THROW) return { kind: 'throw', value: reason[2]! };
    if (reason.length === 3 && reason[1] === EXIT) return { kind: 'exit', reason: reason[2]! };
    if (reason.length === 4 && reason[1] === ERROR) return { kind: 'error', reason: reason[2]!, stack: reason[3]! };
    // {Ref, error, {erpc, R}}: execute_call refused its own arguments.
    if (reason.length === 3 && reason[1] === ERROR && isTuple(reason[2]) && reason[2].length === 2 && reason[2][0] === ERPC) {
      return { kind: 'erpc', reason: reason[2][1]! };
    }
  }
  if (reason === NOCONNECTION) return { kind: 'erpc', reason: NOCONNECTION };
  return { kind: 'signal', reason };
}

/**
 * `erpc:cast(N, M, F, A)`: a SPAWN_REQUEST of `erpc:execute_cast/3` with no options; nothing comes
 * back (a refused spawn is dropped, as erpc drops it).
 */
export function cast(spawn: Spawner, node: string | Atom, m: string | Atom, f: string | Atom, args: TermInput[]): void {
  if (!isAtomLike(node) || !isAtomLike(m) || !isAtomLike(f) || !isList(args)) {
    throw new ErpcError('error', tuple(ERPC, BADARG), tuple(ERPC, BADARG), [], String(node), 'erpc:cast/4');
  }
  spawn(async (self) => {
    await self.spawnRemote(node, ERPC, EXECUTE_CAST, [toAtom(m), toAtom(f), args]).catch(() => {});
  });
}

/** Resolves to `promise`'s value, or TIMEOUT once `deadline` (ms since the epoch) passes. */
export function within<T>(promise: Promise<T>, deadline: number | undefined): Promise<T | typeof TIMEOUT> {
  if (deadline === undefined) return promise;
  // One promise and one timer, not Promise.race's array, second promise and async frame: every
  // rpc with a timeout waits for its spawn reply through here. A rejection that comes after the
  // timeout is taken here too (it settles nothing then).
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), TIMEOUT);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (err: unknown) => (clearTimeout(timer), reject(err)),
    );
  });
}

function isAtomLike(x: unknown): x is string | Atom {
  return typeof x === 'string' || x instanceof Atom;
}

function listOf(stack: Term): Term[] {
  return isList(stack) ? stack : [];
}

/**
 * `node.erpc`: erpc's client functions. `call` resolves to the value or throws {@link ErpcError};
 * `multicall` resolves to one `{ok, V}` or `{Class, Reason}` per node, in order, as erpc:multicall.
 */
export class Erpc {
  constructor(
    private readonly spawn: Spawner,
    private readonly callers = new CallerPool(spawn),
  ) {}

  /** `erpc:call(Node, M, F, Args, Timeout)`. */
  async call(node: string | Atom, m: string | Atom, f: string | Atom, args: TermInput[], options: CallOptions = {}): Promise<Term> {
    const outcome = await callOutcome(this.callers, node, m, f, args, options);
    if (outcome.kind === 'return') return outcome.value;
    throw erpcErrorOf(outcome, String(node instanceof Atom ? node.name : node), mfaName(m, f, args));
  }

  /** `erpc:cast(Node, M, F, Args)`: returns at once. */
  cast(node: string | Atom, m: string | Atom, f: string | Atom, args: TermInput[]): void {
    cast(this.spawn, node, m, f, args);
  }

  /** `erpc:multicall(Nodes, M, F, Args, Timeout)`: the calls run in parallel, one deadline for all. */
  async multicall(nodes: (string | Atom)[], m: string | Atom, f: string | Atom, args: TermInput[], options: CallOptions = {}): Promise<Term[]> {
    const outcomes = await Promise.all(nodes.map((n) => callOutcome(this.callers, n, m, f, args, options)));
    return outcomes.map(multicallElement);
  }
}

// The serving side: OTP 23+'s rpc:call and erpc:call are a SPAWN_REQUEST of execute_call/4 on this
// node (otp-distribution.md §0 item 4), erpc:cast one of execute_cast/3.

/** A timeout argument as rpc and erpc take it: ms, or `infinity`; undefined when it is neither. */
export function timeoutOf(t: Term | undefined): CallOptions | undefined {
  if (t === undefined || t === INFINITY) return {};
  return typeof t === 'number' && Number.isInteger(t) && t >= 0 ? { timeout: t } : undefined;
}

/**
 * The `erpc` module a noderl node serves: `execute_call/4` and `execute_cast/3` (what peers spawn,
 * run through `apply`), and the client's `call/4,5`, `cast/4`, `multicall/4,5` for evaluated code,
 * through `client`; an erpc failure is raised here with the class and reason erpc raises.
 */
export function erpcModule(apply: Apply, client: Erpc): BuiltinModule {
  const args4 = (fn: string, a: Term[]): [Atom, Atom, Term[], CallOptions] => {
    const [m, f, args, t] = a;
    const options = timeoutOf(t);
    if (!(m instanceof Atom) || !(f instanceof Atom) || !isList(args) || options === undefined) throw callError(BADARG, 'erpc', fn, a);
    return [m, f, args, options];
  };
  return {
    call: arities([4, 5], async (_self: Process, node?: Term, ...rest: Term[]) => {
      const [m, f, args, options] = args4('call', rest);
      if (!(node instanceof Atom)) throw callError(BADARG, 'erpc', 'call', [node!, ...rest]);
      try {
        return await client.call(node, m, f, args, options);
      } catch (err) {
        throw err instanceof ErpcError ? raised(err) : err;
      }
    }),
    cast: (_self, node, m, f, args) => {
      if (!(node instanceof Atom)) throw callError(BADARG, 'erpc', 'cast', [node!, m!, f!, args!]);
      const [mm, ff, aa] = args4('cast', [m!, f!, args!]);
      client.cast(node, mm, ff, aa);
      return OK;
    },
    multicall: arities([4, 5], (_self: Process, nodes?: Term, ...rest: Term[]) => {
      const [m, f, args, options] = args4('multicall', rest);
      if (!isList(nodes) || !nodes.every((n) => n instanceof Atom)) throw callError(BADARG, 'erpc', 'multicall', [nodes!, ...rest]);
      return client.multicall(nodes as Atom[], m, f, args, options);
    }),
    execute_call: async (self, ref, m, f, a) => {
      if (!(m instanceof Atom) || !(f instanceof Atom) || !isList(a)) throw new ProcessExit(tuple(ref!, ERROR, tuple(ERPC, BADARG)));
      let reply: Term;
      try {
        reply = tuple(ref!, RETURN, await apply(self, m, f, a));
      } catch (err) {
        reply = executeFailure(ref!, err);
      }
      throw exitWithoutStack(reply); // the result travels as the exit reason in the monitor's DOWN
    },
    execute_cast: async (self, m, f, a) => {
      if (!(m instanceof Atom) || !(f instanceof Atom) || !isList(a)) throw callError(BADARG, 'erpc', 'execute_cast', [m!, f!, a!]);
      await apply(self, m, f, a);
      return OK;
    },
  };
}

/** An erpc failure as Erlang raises it in the caller: `catch Class:Raised` gives the error's class and `raised`. */
function raised(err: ErpcError): unknown {
  if (err.class === 'error') return new ErlangError(err.raised, []);
  if (err.class === 'exit') return new ProcessExit(err.raised);
  return err.raised; // a JS throw of a value is Erlang's throw
}

/** How execute_call/4 reports a call that did not return: `{Ref, throw|exit, R}` or `{Ref, error, R, Stack}`. */
function executeFailure(ref: Term, err: unknown): Term {
  if (err instanceof ErlangError) return tuple(ref, ERROR, err.error, err.stacktrace);
  if (err instanceof ProcessExit) return tuple(ref, EXIT, err.reason);
  if (err instanceof Error) return tuple(ref, ERROR, exitReasonOf(err), []);
  return tuple(ref, THROW, err === undefined ? atom('undefined') : (err as Term)); // a JS throw of a value is Erlang's throw
}
