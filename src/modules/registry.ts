/**
 * The modules a node serves, the noderl counterpart of the BEAM's loaded modules and code server:
 * built-in modules (`erlang`, `lists`, `io`, ...; services such as `erpc`, `global` and `shell`
 * register theirs), then the code path (src/modules/code-path.ts). A remote spawn, an rpc, an
 * erpc and `node.apply` all resolve `M:F/A` here; what neither has is `undef`, as on a BEAM node.
 *
 * Every module function has the shape a code-path module exports: `fn(self, ...args)`, where
 * `self` is the process running it; it may be async, and its result is the call's value.
 */
import { tuple, type Term } from '../term/types.js';
import { UNDEF } from '../term/atoms.js';
import { ErlangError } from '../process/exceptions.js';
import type { CodePath, ModuleFunction } from './code-path.js';
import type { Apply } from '../process/spawn.js';

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

export class ModuleRegistry {
  private readonly builtins = new Map<string, BuiltinModule>();

  constructor(private readonly codePath?: CodePath) {}

  /** Serves `module` from now on; a second module of the same name is a programming error. */
  register(module: string, functions: BuiltinModule): void {
    if (this.builtins.has(module)) throw new Error(`module ${module} is already registered`);
    this.builtins.set(module, functions);
  }

  /**
   * The function serving `module:fn/arity`, or undefined. Built-ins come first, so a code-path
   * module cannot shadow them, as sticky modules cannot be reloaded on BEAM.
   */
  async resolve(module: string, fn: string, arity: number): Promise<ModuleFunction | undefined> {
    const builtin = this.builtins.get(module);
    const f = builtin && Object.hasOwn(builtin, fn) ? builtin[fn] : undefined;
    if (f && serves(f, arity)) return f;
    return this.codePath?.resolve(module, fn, arity);
  }

  /** {@link Apply}: a missing function raises `{undef, [{M, F, Args, []}]}`, the reason BEAM gives. */
  readonly apply: Apply = async (self, m, f, args) => {
    const fn = await this.resolve(m.name, f.name, args.length);
    if (!fn) throw new ErlangError(UNDEF, [tuple(m, f, args, [])]);
    return (await fn(self, ...args)) as Term;
  };
}
