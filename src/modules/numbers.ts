/**
 * Erlang numbers over the JS term mapping (DESIGN.md "Term mapping"): integers are `number` while
 * safe and `bigint` beyond, floats are non-integral `number`s or `ErlFloat`s. These helpers keep
 * every result canonical, so the operators (operators.ts) and the term BIFs (erlang-terms.ts)
 * never hand out a bigint that fits a number, or an integral float as a bare `number`.
 * Mirrors the checks of erts/emulator/beam/erl_arith.c: a float result that is infinite or NaN is
 * `badarith` there (`ERTS_FP_ERROR`), and so here.
 */
import { ErlFloat, type Term } from '../term/types.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/** An integer in the canonical form: a `number` when safe, else a `bigint`. */
export function canonicalInt(n: bigint): number | bigint {
  return n >= MIN_SAFE && n <= MAX_SAFE ? Number(n) : n;
}

/** True for an Erlang integer (a safe-integer `number` or a `bigint`). */
export function isInteger(t: Term): t is number | bigint {
  return typeof t === 'bigint' || (typeof t === 'number' && Number.isInteger(t));
}

/** True for an Erlang float (a non-integral `number` or an `ErlFloat`). */
export function isFloatTerm(t: Term): boolean {
  return t instanceof ErlFloat || (typeof t === 'number' && !Number.isInteger(t));
}

/** True for any Erlang number. */
export function isNumber(t: Term): boolean {
  return typeof t === 'number' || typeof t === 'bigint' || t instanceof ErlFloat;
}

/** An integer as a bigint. */
export function toBig(n: number | bigint): bigint {
  return typeof n === 'bigint' ? n : BigInt(n);
}

/**
 * The double an Erlang number converts to, as erl_arith.c does before float arithmetic; an
 * integer too large for a double is `undefined` (BEAM's badarith on `1.0 + (1 bsl 1100)`).
 */
export function toDouble(t: Term): number | undefined {
  if (typeof t === 'number') return t + 0; // a bare JS -0 is the integer 0 (a float -0.0 is an ErlFloat)
  if (t instanceof ErlFloat) return t.value;
  if (typeof t === 'bigint') return bigToDouble(t);
  return undefined;
}

const DIGIT_BASE = 2 ** 64;
const DIGIT_MASK = (1n << 64n) - 1n;

/**
 * A bignum as BEAM's `big_to_double` (erts/emulator/beam/big.c) makes it: `d = d * 2^64 + digit`
 * over the 64-bit digits, most significant first, rounding at each step. That is not always the
 * correctly rounded `Number(n)` (it differs in the last bit for some 190-bit numbers), and erl's
 * answer is the one to give. Undefined when the value overflows a double.
 */
export function bigToDouble(n: bigint): number | undefined {
  let m = n < 0n ? -n : n;
  const digits: number[] = [];
  while (m > 0n) {
    digits.push(Number(m & DIGIT_MASK));
    m >>= 64n;
  }
  let d = 0;
  for (let i = digits.length - 1; i >= 0; i--) {
    d = d * DIGIT_BASE + digits[i];
    if (!Number.isFinite(d)) return undefined;
  }
  return n < 0n ? -d : d;
}

/** The float term for `x` (an `ErlFloat` when integral, so `2.0` stays a float); undefined for inf/NaN. */
export function floatTerm(x: number): number | ErlFloat | undefined {
  if (!Number.isFinite(x)) return undefined;
  return Number.isInteger(x) ? new ErlFloat(x) : x;
}

/** The integer nearest to a finite double's truncation, canonical (`trunc/1`). */
export function truncToInt(x: number): number | bigint {
  const t = Math.trunc(x);
  return Number.isSafeInteger(t) ? t + 0 : BigInt(t); // `+ 0` turns -0 into 0
}

/** `A + B` on numbers, as `lists:sum/1` does it, or undefined where BEAM raises `badarith` (a non-number, a float overflow). */
export function add(a: Term, b: Term): Term | undefined {
  if (isInteger(a) && isInteger(b)) {
    if (typeof a === 'number' && typeof b === 'number') {
      const s = a + b;
      if (Number.isSafeInteger(s)) return s;
    }
    return canonicalInt(toBig(a) + toBig(b));
  }
  const x = toDouble(a);
  const y = toDouble(b);
  if (x === undefined || y === undefined || !isNumber(a) || !isNumber(b)) return undefined;
  return floatTerm(x + y);
}
