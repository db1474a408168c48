/**
 * The guard tests the library modules need, over the JS term mapping: `is_integer/1`,
 * `is_float/1`, `is_function/2` (erts' guard BIFs).
 */
import { ErlFloat, ErlFun, ExportFun, type Term } from '../term/types.js';

/** True for an Erlang float (a non-integral JS number or an `ErlFloat`). */
export function isFloat(t: Term): boolean {
  return t instanceof ErlFloat || (typeof t === 'number' && !Number.isInteger(t));
}

/** True for an Erlang integer (an integral JS number or a bigint). */
export function isInteger(t: Term): t is number | bigint {
  return typeof t === 'bigint' || (typeof t === 'number' && Number.isInteger(t));
}

/** True for what `is_function(F, Arity)` accepts. */
export function isFunOf(f: Term, arity: number): boolean {
  return (f instanceof ExportFun || f instanceof ErlFun) && f.arity === arity;
}
