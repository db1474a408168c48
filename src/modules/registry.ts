/**
 * The modules a node serves, the noderl counterpart of the BEAM's loaded modules and code server:
 * built-in modules (`erlang`, `lists`, `io`, ...; services such as `erpc`, `global` and `shell`
 * register theirs), then the code path (src/modules/code-path.ts). A remote spawn, an rpc, an
 * erpc and `node.apply` all resolve `M:F/A` here; what neither has is `undef`, as on a BEAM node.
 *
 * Every module function has the shape a code-path module exports: `fn(self, ...args)`, where
 * `self` is the process running it; it may be async, and its result is the call's value.
 */
import { atom, ErlFun, ExportFun, tuple, type Term } from '../term/types.js';
import { UNDEF } from '../term/atoms.js';
import { ErlangError } from '../process/exceptions.js';
import type { CodePath, ModuleFunction } from './code-path.js';
import type { Apply } from '../process/spawn.js';
import type { Process } from '../process/process.js';

export type { ModuleFunction };

/** `apply(M, F, Args)` run by `self`: resolves to the value; `undef` when no module serves `M:F/A`. */
export type { Apply };

/**
 * A built-in module: its functions by Erlang name. A function serves the one arity its declared
 * parameters give (`length - 1`, for `self`), or the arities {@link arities} lists for one that
 * serves several (`io:format/1,2`), so `erlang:node/5` is `undef` as on BEAM.
 */
export type BuiltinModule = Readonly<Record<string, ModuleFunction>>;

/** Marks `fn` as serving each of `list` (a function with optional or rest parameters). */
export function arities<F extends ModuleFunction>(list: number[], fn: F): F {
  return Object.assign(fn, { arities: list });
}

function serves(fn: ModuleFunction, arity: number): boolean {
  const list = (fn as { arities?: number[] }).arities;
  return list ? list.includes(arity) : Math.max(fn.length, 1) - 1 === arity; // `() => x` serves arity 0 too
}

/** Applies a fun to `args` in `self`: `Fun(Args...)`, `erlang:apply/2`, what `lists:map/2` calls. */
export type ApplyFun = (self: Process, fun: Term, args: Term[]) => Promise<Term>;

/**
 * Runs a closure the node can run (the Erlang evaluator's, src/erlang/: an `erl_eval` fun from a
 * BEAM shell, or one it made), or returns undefined for a closure compiled into a module this node
 * does not have.
 */
export type ClosureRunner = (self: Process, fun: ErlFun, args: Term[]) => Promise<Term> | undefined;

export class ModuleRegistry {
  private readonly builtins = new Map<string, BuiltinModule>();
  private closures?: ClosureRunner;

  constructor(private readonly codePath?: CodePath) {}

  /** Serves `module` from now on; a second module of the same name is a programming error. */
  register(module: string, functions: BuiltinModule): void {
    if (this.builtins.has(module)) throw new Error(`module ${module} is already registered`);
    this.builtins.set(module, functions);
  }

  /** Closures from now on run through `runner` (the evaluator installs itself). */
  runClosures(runner: ClosureRunner): void {
    this.closures = runner;
  }

  /**
   * Closures are refused from now on (`refuseFuns`): only the modules run. A refused closure
   * raises `{refused_fun, Fun}` in the process that applied it, after `onRefused` (a log line).
   */
  refuseClosures(onRefused: (self: Process, fun: ErlFun) => void): void {
    this.closures = (self, fun, args) => {
      onRefused(self, fun);
      throw new ErlangError(tuple(atom('refused_fun'), fun), [tuple(fun, args, [])]);
    };
  }

  /**
   * The function serving `module:fn/arity`, or undefined. Built-ins come first, so a code-path
   * module cannot shadow them, as sticky modules cannot be reloaded on BEAM.
   */
  async resolve(module: string, fn: string, arity: number): Promise<ModuleFunction | undefined> {
    return this.builtin(module, fn, arity) ?? this.codePath?.resolve(module, fn, arity);
  }

  /** The built-in serving `module:fn/arity`, found without waiting (the hot path of rpc and spawn). */
  private builtin(module: string, fn: string, arity: number): ModuleFunction | undefined {
    const builtin = this.builtins.get(module);
    const f = builtin && Object.hasOwn(builtin, fn) ? builtin[fn] : undefined;
    return f && serves(f, arity) ? f : undefined;
  }

  /** {@link Apply}: a missing function raises `{undef, [{M, F, Args, []}]}`, the reason BEAM gives. */
  readonly apply: Apply = async (self, m, f, args) => {
    const fn = this.builtin(m.name, f.name, args.length) ?? (await this.codePath?.resolve(m.name, f.name, args.length));
    if (!fn) throw new ErlangError(UNDEF, [tuple(m, f, args, [])]);
    return (await fn(self, ...args)) as Term;
  };

  /**
   * {@link ApplyFun}: `fun M:F/A` through the modules; a closure through the closure runner; a
   * closure nobody can run is `undef`, as on a node without its module; anything else `{badfun, F}`,
   * a wrong number of arguments `{badarity, {F, Args}}`, as BEAM raises them.
   */
  readonly applyFun: ApplyFun = async (self, fun, args) => {
    if (fun instanceof ExportFun) {
      if (fun.arity !== args.length) throw new ErlangError(tuple(atom('badarity'), tuple(fun, args)), []);
      return this.apply(self, fun.module, fun.name, args);
    }
    if (fun instanceof ErlFun) {
      const running = this.closures?.(self, fun, args);
      if (running) return running;
      if (fun.arity !== args.length) throw new ErlangError(tuple(atom('badarity'), tuple(fun, args)), []);
      throw new ErlangError(UNDEF, [tuple(fun, args, [])]);
    }
    throw new ErlangError(tuple(atom('badfun'), fun), []);
  };
}
