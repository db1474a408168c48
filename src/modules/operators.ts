/**
 * Erlang's operators as functions: what the evaluator (src/erlang/) applies for `A + B`, `not X`,
 * `L1 ++ L2`, and what a peer reaches as `erlang:'+'/2`. Mirrors erts/emulator/beam/erl_arith.c
 * (integer arithmetic of any size, float arithmetic with `badarith` on overflow, `div`/`rem`
 * truncating, the bit operators), erl_bif_lists.c (`++`, `--`) and the comparison BIFs of
 * erts/emulator/beam/bif.c over src/term/compare.ts's term order. Errors are raised as BEAM
 * raises them: `badarith` or `badarg` with the stack `[{erlang, Op, Args, []}]`.
 */
import { Atom, atom, ErlFloat, ImproperList, isList, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { compare, equals } from '../term/compare.js';
import { bifError, type ErlangError } from '../process/exceptions.js';
import { canonicalInt, floatTerm, isInteger, toBig, toDouble } from './numbers.js';
import { arities, type BuiltinModule } from './registry.js';
import type { Process } from '../process/process.js';

const BADARITH = atom('badarith');
const SYSTEM_LIMIT = atom('system_limit');
/** ERTS's largest bignum: BIG_ARITY_MAX (2^24 - 1) 64-bit words (erts/emulator/beam/big.h). */
const MAX_BIG_BITS = (2 ** 24 - 1) * 64;

function opError(reason: Atom, op: Atom, args: Term[]): ErlangError {
  return bifError(reason, 'erlang', op, args);
}

/**
 * `A Op B` for a binary operator (`+ - * / div rem band bor bxor bsl bsr and or xor == /= =< <
 * >= > =:= =/= ++ --`), with BEAM's result and error.
 */
export function binaryOp(op: Atom, a: Term, b: Term): Term {
  let r: Term | undefined;
  switch (op.name) {
    case '+': case '-': case '*': case '/':
      r = arith(op.name, a, b);
      break;
    case 'div': case 'rem': case 'band': case 'bor': case 'bxor': case 'bsl': case 'bsr':
      r = integerOp(op, a, b);
      break;
    case '==': return compare(a, b) === 0;
    case '/=': return compare(a, b) !== 0;
    case '=<': return compare(a, b) <= 0;
    case '<': return compare(a, b) < 0;
    case '>=': return compare(a, b) >= 0;
    case '>': return compare(a, b) > 0;
    case '=:=': return equals(a, b);
    case '=/=': return !equals(a, b);
    case 'and': case 'or': case 'xor': {
      if (typeof a !== 'boolean' || typeof b !== 'boolean') throw opError(BADARG, op, [a, b]);
      return op.name === 'and' ? a && b : op.name === 'or' ? a || b : a !== b;
    }
    case '++':
      r = append(a, b);
      if (r === undefined) throw opError(BADARG, op, [a, b]);
      return r;
    case '--':
      r = subtract(a, b);
      if (r === undefined) throw opError(BADARG, op, [a, b]);
      return r;
    default:
      throw new TypeError(`not an Erlang binary operator: ${op.name}`);
  }
  if (r === undefined) throw opError(BADARITH, op, [a, b]);
  return r;
}

/** `Op A` for a unary operator (`- + not bnot`), with BEAM's result and error. */
export function unaryOp(op: Atom, a: Term): Term {
  switch (op.name) {
    case '-':
      if (typeof a === 'number') return 0 - a; // not `-a`: the integer 0 must not become -0
      if (typeof a === 'bigint') return canonicalInt(-a);
      if (a instanceof ErlFloat) return new ErlFloat(-a.value); // -(0.0) is -0.0, as on BEAM
      throw opError(BADARITH, op, [a]);
    case '+':
      if (typeof a === 'number' || typeof a === 'bigint' || a instanceof ErlFloat) return a;
      throw opError(BADARITH, op, [a]);
    case 'bnot':
      if (typeof a === 'number' && Number.isInteger(a) && a < Number.MAX_SAFE_INTEGER) return -a - 1;
      if (isInteger(a)) return canonicalInt(-toBig(a) - 1n);
      throw opError(BADARITH, op, [a]);
    case 'not':
      if (typeof a !== 'boolean') throw opError(BADARG, op, [a]);
      return !a;
    default:
      throw new TypeError(`not an Erlang unary operator: ${op.name}`);
  }
}

/** `+ - * /`; undefined means badarith. Two integers stay integers (except `/`), else floats. */
function arith(op: string, a: Term, b: Term): Term | undefined {
  if (op !== '/' && isInteger(a) && isInteger(b)) {
    if (typeof a === 'number' && typeof b === 'number') {
      const r = op === '+' ? a + b : op === '-' ? a - b : a * b;
      // A rounded result within the safe range is exact (every integer up to 2^53 is a double).
      if (Number.isSafeInteger(r)) return r + 0;
    }
    const x = toBig(a);
    const y = toBig(b);
    return canonicalInt(op === '+' ? x + y : op === '-' ? x - y : x * y);
  }
  const x = toDouble(a);
  const y = toDouble(b);
  if (x === undefined || y === undefined) return undefined;
  switch (op) {
    case '+': return floatTerm(x + y);
    case '-': return floatTerm(x - y);
    case '*': return floatTerm(x * y);
    default: return y === 0 ? undefined : floatTerm(x / y);
  }
}

/** `div rem band bor bxor bsl bsr`, integers only; undefined means badarith. */
function integerOp(op: Atom, a: Term, b: Term): Term | undefined {
  if (!isInteger(a) || !isInteger(b)) return undefined;
  const name = op.name;
  if (typeof a === 'number' && typeof b === 'number') {
    const small = smallIntegerOp(name, a, b);
    if (small !== undefined) return small;
  }
  const x = toBig(a);
  const y = toBig(b);
  switch (name) {
    case 'div': return y === 0n ? undefined : canonicalInt(x / y);
    case 'rem': return y === 0n ? undefined : canonicalInt(x % y);
    case 'band': return canonicalInt(x & y);
    case 'bor': return canonicalInt(x | y);
    case 'bxor': return canonicalInt(x ^ y);
    case 'bsl': return shift(op, a, b, x, y);
    default: return shift(op, a, b, x, -y);
  }
}

/** The fast path for two safe integers, or undefined to take the bigint path. */
function smallIntegerOp(name: string, a: number, b: number): number | undefined {
  switch (name) {
    case 'div': case 'rem': {
      if (b === 0) return undefined;
      const r = a % b; // exact for integers, with the dividend's sign as Erlang's rem
      return name === 'rem' ? r + 0 : (a - r) / b + 0;
    }
    case 'band': case 'bor': case 'bxor':
      if ((a | 0) !== a || (b | 0) !== b) return undefined; // JS bit operators are 32-bit
      return name === 'band' ? a & b : name === 'bor' ? a | b : a ^ b;
    default:
      return undefined;
  }
}

/** `x bsl n` (n < 0 shifts right); ERTS refuses results beyond its largest bignum (system_limit). */
function shift(op: Atom, a: Term, b: Term, x: bigint, n: bigint): Term {
  if (x === 0n) return 0;
  if (n <= 0n) {
    // Shifting right by more than the width leaves the sign: 0 or -1, as BEAM's bsr.
    const bits = BigInt(bitLength(x));
    return canonicalInt(-n > bits ? (x < 0n ? -1n : 0n) : x >> -n);
  }
  if (n + BigInt(bitLength(x)) > BigInt(MAX_BIG_BITS)) throw opError(SYSTEM_LIMIT, op, [a, b]);
  return canonicalInt(x << n);
}

function bitLength(x: bigint): number {
  return (x < 0n ? -x : x).toString(2).length;
}

/** `A ++ B`: undefined (badarg) when A is not a proper list; B may be anything. */
function append(a: Term, b: Term): Term | undefined {
  if (!isList(a)) return undefined;
  if (a.length === 0) return b;
  if (isList(b)) return b.length === 0 ? a : a.concat(b);
  if (b instanceof ImproperList) return new ImproperList(a.concat(b.elements), b.tail);
  return new ImproperList(a.slice(), b);
}

/**
 * `A -- B`: each element of B removes the first `=:=` element of A; undefined (badarg) unless
 * both are proper lists. Atoms, booleans and JS numbers (integers and non-integral floats, which
 * `=:=` tells apart by value alone) are counted in a Map instead of scanned, so large lists of
 * them take linear time, as OTP 22's erl_bif_lists.c made `--` for large inputs.
 */
function subtract(a: Term, b: Term): Term | undefined {
  if (!isList(a) || !isList(b)) return undefined;
  if (b.length === 0 || a.length === 0) return a;
  const counts = new Map<Term, number>();
  const others: Term[] = [];
  for (const x of b) {
    if (typeof x === 'number' || typeof x === 'boolean' || x instanceof Atom) {
      counts.set(x, (counts.get(x) ?? 0) + 1);
    } else {
      others.push(x);
    }
  }
  const out: Term[] = [];
  for (const x of a) {
    const n = counts.get(x);
    if (n !== undefined && n > 0) {
      counts.set(x, n - 1);
      continue;
    }
    if (others.length > 0 && !(typeof x === 'number' || typeof x === 'boolean')) {
      const i = others.findIndex((y) => equals(x, y));
      if (i >= 0) {
        others.splice(i, 1);
        continue;
      }
    }
    out.push(x);
  }
  return out;
}

const BINARY_NAMES = ['+', '-', '*', '/', 'div', 'rem', 'band', 'bor', 'bxor', 'bsl', 'bsr', 'and', 'or', 'xor', '==', '/=', '=<', '<', '>=', '>', '=:=', '=/=', '++', '--'];

function operatorTable(): BuiltinModule {
  const table: Record<string, BuiltinModule[string]> = {};
  for (const name of BINARY_NAMES) {
    const op = atom(name);
    table[name] = (_self: Process, a: Term, b: Term) => binaryOp(op, a, b);
  }
  for (const name of ['-', '+']) {
    const op = atom(name);
    table[name] = arities([1, 2], (_self: Process, a: Term, b?: Term) => (b === undefined ? unaryOp(op, a) : binaryOp(op, a, b)));
  }
  const not = atom('not');
  const bnot = atom('bnot');
  table.not = (_self: Process, a: Term) => unaryOp(not, a);
  table.bnot = (_self: Process, a: Term) => unaryOp(bnot, a);
  return table;
}

/** The operators as `erlang` functions (`erlang:'+'/1,2`, `erlang:'=:='/2`, ...), to spread into the `erlang` module. */
export const operatorsModule: BuiltinModule = operatorTable();
