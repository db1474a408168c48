/**
 * How the pure term BIFs (erlang-terms.ts, erlang-conversions.ts) become `erlang` module
 * functions: each is written as `(...args) => Term | undefined`, where undefined means the
 * argument was wrong, and raises `badarg` with the BIF's own stack entry `[{erlang, F, Args, [{error_info, ...}]}]`,
 * as BEAM's BIFs do (erts/emulator/beam/bif.c's `BIF_ERROR(p, BADARG)`).
 */
import { BADARG } from '../term/atoms.js';
import type { Term } from '../term/types.js';
import { bifError } from '../process/exceptions.js';
import { arities, type BuiltinModule } from './registry.js';
import type { Process } from '../process/process.js';

/** A pure BIF: its result, or undefined for badarg. It may throw other errors itself. */
export type PureBif = (...args: Term[]) => Term | undefined;

/** `{ name: [arities, impl] }` as a BuiltinModule whose functions raise badarg for undefined. */
export function bifTable(defs: Record<string, [number[], PureBif]>): BuiltinModule {
  const out: Record<string, BuiltinModule[string]> = {};
  for (const [name, [list, impl]] of Object.entries(defs)) {
    out[name] = arities(list, (_self: Process, ...args: Term[]) => {
      const r = impl(...args);
      if (r === undefined) throw bifError(BADARG, 'erlang', name, args);
      return r;
    });
  }
  return out;
}
