/**
 * How a noderl process ends and how Erlang exceptions travel as JS exceptions: `ProcessExit` is
 * `exit(Reason)`, `ErlangError` is class `error` with its stack, a JS throw of a non-Error value
 * is Erlang's `throw`. Every layer above raises these, so they sit at the bottom of the process
 * layer, beside nothing they would import.
 */
import { atom, tuple, toAtom, type Atom, type Term } from '../term/types.js';

/** Thrown by `self.exit(reason)` (and by a receive of a process that was killed): the process ends with `reason`. */
export class ProcessExit extends Error {
  constructor(readonly reason: Term) {
    super('process exited');
    this.name = 'ProcessExit';
  }
}

/** Error.stackTraceLimit may be set (not frozen, as a hardened realm leaves it). */
const STACK_LIMIT_WRITABLE = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')?.writable === true;

/**
 * A ProcessExit without a JS stack trace, for the runtime's own exits that nobody reads a stack
 * from: the exit that fails a finished process's pending receive, and erpc's result, which travels
 * as its process's exit reason. Capturing a stack in an async function measured ~5 µs here, two of
 * them on every rpc:call a node serves.
 */
export function exitWithoutStack(reason: Term): ProcessExit {
  if (!STACK_LIMIT_WRITABLE) return new ProcessExit(reason);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new ProcessExit(reason);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * An Erlang exception of class `error`: uncaught, the process exits `{Reason, Stack}` as on BEAM;
 * erpc and rex report it as an error, not an exit.
 */
export class ErlangError extends ProcessExit {
  constructor(
    readonly error: Term,
    readonly stacktrace: Term[],
  ) {
    super(tuple(error, stacktrace));
  }
}

/** `error(Reason)` raised in `M:F(Args)`: the stack `[{M, F, Args, []}]`. */
export function callError(reason: Term, module: string | Atom, fn: string | Atom, args: Term[]): ErlangError {
  return new ErlangError(reason, [tuple(toAtom(module), toAtom(fn), args, [])]);
}

/**
 * A BIF's error as BEAM (OTP 24 and later) raises it: the stack entry's location is
 * `[{error_info, #{module => Explainer}}]`, naming the module whose format_error/2 explains the
 * arguments in the shell (`*** argument 1: not an atom`): erl_erts_errors for `erlang`,
 * erl_stdlib_errors for the STDLIB modules.
 */
export function bifError(reason: Term, module: string | Atom, fn: string | Atom, args: Term[]): ErlangError {
  const m = toAtom(module);
  const explainer = atom(m.name === 'erlang' ? 'erl_erts_errors' : 'erl_stdlib_errors');
  const info = tuple(atom('error_info'), new Map<Term, Term>([[atom('module'), explainer]]));
  return new ErlangError(reason, [tuple(m, toAtom(fn), args, [info])]);
}

/**
 * `erlang:monitor_node/2,3` on a node that is not distributed: OTP raises the error `notalive`
 * (for `false` too). An {@link ErlangError}, so a process that does not catch it exits
 * `{notalive, [{erlang, monitor_node, Args, []}]}` as a BEAM process does.
 */
export class NotAliveError extends ErlangError {
  readonly code = 'ERR_NODERL_NOT_ALIVE';

  constructor(fn: string, args: Term[]) {
    super(atom('notalive'), [tuple(atom('erlang'), atom(fn), args, [])]);
    this.name = 'NotAliveError';
    this.message = `erlang:${fn}/${args.length}: the node is not alive (not distributed)`;
  }
}

/** The exit reason of a process function that threw: Erlang-shaped. */
export function exitReasonOf(err: unknown): Term {
  if (err instanceof ProcessExit) return err.reason;
  if (err instanceof Error) return tuple(atom('js_error'), Buffer.from(`${err.name}: ${err.message}`));
  if (err === undefined || typeof err === 'function' || typeof err === 'symbol') return tuple(atom('nocatch'), atom('undefined'));
  return tuple(atom('nocatch'), err as Term); // an uncaught throw(Term), as BEAM reports it
}
