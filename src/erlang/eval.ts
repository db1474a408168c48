/**
 * The evaluator's public face: {@link evalExprs} (what `erl_eval:exprs/2` is to the Erlang shell)
 * and {@link closureRunner} (what a node installs with `registry.runClosures(...)` so that
 * `erl_eval` funs from a BEAM shell, and funs the evaluator made, run wherever a fun is applied:
 * a remote spawn's `erlang:apply(Fun, [])`, an rpc, `lists:map/2`).
 */
import type { ErlFun, Term } from '../term/types.js';
import type { ClosureRunner } from '../modules/registry.js';
import type { Process } from '../process/process.js';
import { readExprs } from './ast.js';
import { compiler } from './compile.js';
import { badArity, callFun } from './funs.js';
import type { Host } from './runtime.js';
import { adoptShellFun } from './shell-fun.js';
import { force, forceBindings } from './list-view.js';

export { EvalFun } from './funs.js';
export type { Host, LocalCall, LocalHandler } from './runtime.js';

/** Options of {@link closureRunner}. */
export interface ClosureRunnerOptions {
  /**
   * Whether funs that arrive from other nodes (`erl_eval` closures) run; false refuses them
   * (undefined from the runner: the caller raises undef). Funs this node made always run.
   */
  acceptIncoming?: boolean;
}

/**
 * The closure runner for a node's module registry: runs an `erl_eval` fun (from a BEAM shell, or
 * made by the evaluator) with `args`; undefined for any other closure (a fun of a BEAM module this
 * node does not have: the registry raises undef, as BEAM does without the module).
 */
export function closureRunner(registry: Host, options: ClosureRunnerOptions = {}): ClosureRunner {
  const host: Host = { apply: registry.apply, applyFun: registry.applyFun };
  return (self: Process, fun: ErlFun, args: Term[]): Promise<Term> | undefined => {
    const own = adoptIfAllowed(fun, options.acceptIncoming ?? true);
    if (!own) return undefined;
    if (own.arity !== args.length) return Promise.reject(badArity(fun, args));
    try {
      return Promise.resolve(callFun(own, args, { self, host })).then(force); // a view does not leave the evaluator
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

function adoptIfAllowed(fun: ErlFun, incoming: boolean) {
  const own = adoptShellFun(fun, compiler);
  return own && (incoming || own === fun) ? own : undefined;
}

/** The value of a sequence of expressions, and the bindings after it. */
export interface EvalResult {
  value: Term;
  bindings: Map<string, Term>;
}

/**
 * Evaluates `exprs` (the abstract format, `erl_parse:parse_exprs/1`'s list) in `self` with
 * `bindings` (left unchanged: the result has the new ones), as `erl_eval:exprs/2` does. Errors
 * are raised as BEAM raises them (ErlangError, ProcessExit, a thrown term).
 */
export async function evalExprs(self: Process, exprs: Term, bindings: Map<string, Term>, ctx: Host): Promise<EvalResult> {
  const body = compiler.body(readExprs(exprs), false);
  const env = new Map(bindings);
  const value = await body(env, { self, host: { apply: ctx.apply, applyFun: ctx.applyFun, local: ctx.local } });
  forceBindings(env);
  return { value: force(value), bindings: env };
}
