/**
 * The `math` module a noderl node serves (OTP 25 erts/emulator/beam/erl_math.c and
 * lib/stdlib/src/math.erl): every function takes integers or floats and returns a float; a
 * non-number is `badarg` and a result that is not finite (`math:log(0)`, `math:sqrt(-1)`,
 * `math:exp(1000)`) is `badarith`, as BEAM checks libm's results.
 *
 * The values come from V8's `Math` (fdlibm's algorithms), BEAM's from glibc's libm, which rounds
 * most results correctly: the two differ in the last bit for some arguments (`math:log(3)`,
 * `math:sin(-18)`). Exact: `pi`, `sqrt`, `ceil`, `floor`, `fmod` and every error.
 */
import { atom, tuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { callError, ErlangError } from '../process/exceptions.js';
import type { BuiltinModule, ModuleFunction } from './registry.js';
import { floatTerm, isNumber, toDouble } from './numbers.js';
import { erf, erfc } from './math-erf.js';

const BADARITH = atom('badarith');

/** A number argument as a double: badarg for a non-number, badarith for a bignum beyond the double range. */
function arg(name: string, args: Term[], t: Term): number {
  if (!isNumber(t)) throw callError(BADARG, 'math', name, args);
  const x = toDouble(t); // undefined for a bignum beyond the double range
  if (x === undefined || !Number.isFinite(x)) throw arith(name, args);
  return x;
}

function arith(name: string, args: Term[]): ErlangError {
  return new ErlangError(BADARITH, [tuple(atom('math'), atom(name), args, [])]);
}

/** The float result, or badarith (stack `{math, F, Args}`) when libm's result is NaN or infinite. */
function result(name: string, args: Term[], x: number): Term {
  const f = floatTerm(x);
  if (f === undefined) throw arith(name, args); // libm's NaN or infinity
  return f;
}

function unary(name: string, fn: (x: number) => number): ModuleFunction {
  return (_self, t) => result(name, [t!], fn(arg(name, [t!], t!)));
}

function binary(name: string, fn: (x: number, y: number) => number): ModuleFunction {
  return (_self, a, b) => {
    const args = [a!, b!];
    return result(name, args, fn(arg(name, args, a!), arg(name, args, b!)));
  };
}

const unaries: Record<string, (x: number) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
  sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh, asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh,
  exp: Math.exp, log: Math.log, log2: Math.log2, log10: Math.log10, sqrt: Math.sqrt,
  ceil: Math.ceil, floor: Math.floor, erf, erfc,
};

/** The `math` module. */
export const mathModule: BuiltinModule = {
  pi: () => Math.PI,
  ...Object.fromEntries(Object.entries(unaries).map(([name, fn]) => [name, unary(name, fn)])),
  atan2: binary('atan2', Math.atan2),
  pow: binary('pow', Math.pow),
  fmod: binary('fmod', (x, y) => x % y), // JS `%` on doubles is C's fmod
};
