/**
 * Erlang numbers over the JS mapping, as the library modules need them: integers canonical
 * (`number` when safe, else `bigint`), floats as JS numbers with integral values wrapped in
 * `ErlFloat`, and the `+` that `lists:sum/1` and `lists:enumerate/2` do (erts' `erlang:'+'/2`).
 */
import { ErlFloat, type Term } from '../term/types.js';
import { isFloat, isInteger } from './guards.js';

/** The float term for `x`: an `ErlFloat` when integral, so `2.0` stays a float. */
export function floatTerm(x: number): Term {
  return Number.isInteger(x) || Object.is(x, -0) ? new ErlFloat(x) : x;
}

/** The canonical integer term for `n`: a `number` within the safe range, else a `bigint`. */
export function intTerm(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** True for an integer or a float. */
export function isNumber(t: Term): boolean {
  return isInteger(t) || isFloat(t);
}

/** The value of a number term as a JS double (a bigint rounds, as `float/1` does), or undefined. */
export function toDouble(t: Term): number | undefined {
  if (typeof t === 'number') return t + 0; // an integral JS -0 is the integer 0
  if (t instanceof ErlFloat) return t.value;
  if (typeof t === 'bigint') return Number(t);
  return undefined;
}

/** `A + B` on numbers, or undefined where BEAM raises `badarith` (a non-number, a float overflow). */
export function add(a: Term, b: Term): Term | undefined {
  if (isInteger(a) && isInteger(b)) {
    if (typeof a === 'number' && typeof b === 'number') {
      const s = a + b;
      if (Number.isSafeInteger(s)) return s;
    }
    return intTerm(BigInt(a) + BigInt(b));
  }
  const x = toDouble(a);
  const y = toDouble(b);
  if (x === undefined || y === undefined) return undefined;
  const s = x + y;
  return Number.isFinite(s) ? floatTerm(s) : undefined;
}
