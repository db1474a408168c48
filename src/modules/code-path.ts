/**
 * The code path: a folder of ES modules, one per Erlang module (`modules/echo.js` is `echo`),
 * the noderl counterpart of the BEAM's code server (code_server.erl). A module is imported the
 * first time one of its functions is called and kept.
 *
 * An exported function serves `M:F/Arity` when it declares at most Arity + 1 parameters: it is
 * called as `fn(self, ...args)`, where `self` is the process running it, and may be async. Its
 * result is the call's value (ignored by spawn).
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Term } from '../term/types.js';
import type { Process } from '../process/process.js';

/** A function on the code path, and the shape of every module function (src/modules/registry.ts): `self`, then the Erlang arguments. */
export type ModuleFunction = (self: Process, ...args: Term[]) => unknown;

export class CodePath {
  private readonly loaded = new Map<string, Promise<Record<string, unknown> | undefined>>();
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** The function serving `module:fn/arity`, or undefined (undef). */
  async resolve(module: string, fn: string, arity: number): Promise<ModuleFunction | undefined> {
    const exports = await this.load(module);
    const f = exports && Object.hasOwn(exports, fn) ? exports[fn] : undefined;
    return typeof f === 'function' && f.length <= arity + 1 ? (f as ModuleFunction) : undefined;
  }

  private load(module: string): Promise<Record<string, unknown> | undefined> {
    // A peer names the module: never let it reach outside the folder.
    if (!/^[A-Za-z0-9_@$-][A-Za-z0-9_@$.-]*$/.test(module) || module.includes('..')) return Promise.resolve(undefined);
    let p = this.loaded.get(module);
    if (!p) {
      p = import(pathToFileURL(join(this.dir, `${module}.js`)).href).then(
        (m: Record<string, unknown>) => m,
        (err: NodeJS.ErrnoException) => {
          this.loaded.delete(module); // a module added later is found then
          if (err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(`${module}.js`)) return undefined;
          throw err; // a module that does not load is an error of its own, not undef
        },
      );
      this.loaded.set(module, p);
    }
    return p;
  }
}
