/**
 * What evaluated code runs with: the environment of bindings, the running process and the module
 * registry, the shape of compiled code, and the helpers that keep evaluation synchronous until
 * something really waits. A compiled expression returns its value directly when it can (an
 * arithmetic loop never touches the microtask queue) and a Promise only once a call or a receive
 * suspends; combinators chain on a Promise only when they meet one. This is the noderl side of
 * `erl_eval:expr/6`'s `{value, V, Bs}`.
 */
import { atom, tuple, type Atom, type Term } from '../term/types.js';
import { ErlangError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import type { Apply, ApplyFun } from '../modules/registry.js';

/**
 * Bindings: variable name to value. Erlang variables are bound once, so one Map per function
 * activation is enough. In a fun's activation a value may be a ListView (list-view.ts) typed as
 * a Term: compiled code reads it forced, and code outside the evaluator gets forceBindings'.
 */
export type Env = Map<string, Term>;

/** The module functions evaluated code calls: the registry's `apply` and `applyFun`. */
export interface Host {
  apply: Apply;
  applyFun: ApplyFun;
  /** Local calls that are not auto-imported BIFs (the shell's commands); without it they are undef. */
  local?: LocalHandler;
}

/** A local call `f(A1, ..., An)` as a {@link LocalHandler} sees it: unevaluated, as erl_eval's `{eval, F}` handlers get it. */
export interface LocalCall {
  name: Atom;
  args: readonly import('./ast.js').Expr[];
  /** The bindings in scope: a handler may remove some (the shell's `f(X)`). */
  env: Env;
  rt: Rt;
  /** The value of an argument (or any expression) in the call's scope. */
  evaluate(e: import('./ast.js').Expr): Value;
}

/**
 * What erl_eval's LocalFunctionHandler is to the shell: the value of a local call, or undefined
 * when the handler has no such function (the call is then undef).
 */
export type LocalHandler = (call: LocalCall) => Value | undefined;

/** The run-time context: the process running the code (its mailbox, its pid) and the host. */
export interface Rt {
  self: Process;
  host: Host;
}

/** A value now, or later. */
export type Value = Term | Promise<Term>;

/**
 * Compiled code. In tail position it may return a {@link TailCall} (typed as a Term, which it
 * never escapes as: the fun call trampoline consumes it).
 */
export type Code = (env: Env, rt: Rt) => Value;

/** A call in tail position, returned to the trampoline instead of growing the JS stack. */
export class TailCall {
  constructor(
    readonly fun: Term,
    readonly args: Term[],
  ) {}
}

/** `k(v)`, now if `v` is a value, once it resolves if it is a Promise. */
export function then<A, T>(v: A | Promise<A>, k: (a: A) => T | Promise<T>): T | Promise<T> {
  return v instanceof Promise ? v.then(k) : k(v);
}

/** Runs `codes` left to right (Erlang's argument order in erl_eval); the values, synchronously when none waits. */
export function all(codes: readonly Code[], env: Env, rt: Rt): Term[] | Promise<Term[]> {
  const out = new Array<Term>(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const v = codes[i](env, rt);
    if (v instanceof Promise) return allAsync(codes, env, rt, out, i, v);
    out[i] = v;
  }
  return out;
}

async function allAsync(codes: readonly Code[], env: Env, rt: Rt, out: Term[], i: number, p: Promise<Term>): Promise<Term[]> {
  out[i] = await p;
  for (i++; i < codes.length; i++) out[i] = await codes[i](env, rt);
  return out;
}

/** A body `E1, ..., En`: the value of the last; the last runs in whatever position the body has. */
export function sequence(codes: readonly Code[]): Code {
  const n = codes.length;
  if (n === 1) return codes[0];
  return (env, rt) => {
    for (let i = 0; i < n - 1; i++) {
      const v = codes[i](env, rt);
      if (v instanceof Promise) return sequenceAsync(codes, env, rt, i, v);
    }
    return codes[n - 1](env, rt);
  };
}

async function sequenceAsync(codes: readonly Code[], env: Env, rt: Rt, i: number, p: Promise<Term>): Promise<Term> {
  await p;
  for (i++; i < codes.length - 1; i++) await codes[i](env, rt);
  return codes[codes.length - 1](env, rt);
}

/** Calls `fn` on each item in order, synchronously until one returns a Promise. */
export function each<T>(items: readonly T[], fn: (x: T) => void | Promise<void>): void | Promise<void> {
  for (let i = 0; i < items.length; i++) {
    const r = fn(items[i]);
    if (r instanceof Promise) return eachAsync(items, fn, i, r);
  }
}

async function eachAsync<T>(items: readonly T[], fn: (x: T) => void | Promise<void>, i: number, p: Promise<void>): Promise<void> {
  await p;
  for (i++; i < items.length; i++) await fn(items[i]);
}

const ERL_EVAL = atom('erl_eval');

/**
 * An error raised by the evaluator itself (`{badmatch, V}`, `if_clause`, ...). BEAM's stack
 * names erl_eval's own function; ours names `erl_eval:Where/Arity` likewise, so the exit reason
 * `{Reason, Stack}` has the shape a BEAM node's has.
 */
export function evalError(reason: Term, where = 'expr', arity: number | Term[] = 6): ErlangError {
  return new ErlangError(reason, [tuple(ERL_EVAL, atom(where), arity, [])]);
}

/** `{Tag, Value}` raised as erl_eval raises it. */
export function evalError2(tag: string, value: Term, where?: string): ErlangError {
  return evalError(tuple(atom(tag), value), where);
}

/** `undef` for a local function the node does not have: erl_eval's `[{erl_eval, Name, Arity, []}]`. */
export function undefLocal(name: Atom, arity: number): ErlangError {
  return new ErlangError(atom('undef'), [tuple(ERL_EVAL, name, arity, [])]);
}

/** Synchronous code: a guard, a pattern's size or key expression. */
export type SyncCode = (env: Env, rt: Rt) => Term;

/**
 * The compiler as the parts that compile patterns and control forms see it (passed in rather
 * than imported, so compile.ts and those parts do not import each other).
 */
export interface Compiler {
  /** An expression in body position; `tail` when its value is the enclosing fun's. */
  expr(e: import('./ast.js').Expr, tail: boolean): Code;
  /** A body `E1, ..., En`. */
  body(es: readonly import('./ast.js').Expr[], tail: boolean): Code;
  /** An expression with guard semantics: synchronous, guard BIFs only. */
  guard(e: import('./ast.js').Expr): SyncCode;
}
