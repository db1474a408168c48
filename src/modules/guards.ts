/**
 * The guard tests the library modules need, over the JS term mapping: `is_integer/1`,
 * `is_float/1` (numbers.ts has them), `is_function/2` (erts' guard BIFs).
 */
import { ErlFun, ExportFun, type Term } from '../term/types.js';

export { isFloatTerm as isFloat, isInteger } from './numbers.js';

/** True for what `is_function(F, Arity)` accepts. */
export function isFunOf(f: Term, arity: number): boolean {
  return (f instanceof ExportFun || f instanceof ErlFun) && f.arity === arity;
}
