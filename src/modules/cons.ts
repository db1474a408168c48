/**
 * Erlang lists as cons cells, over the JS mapping (a proper list is an `Array`, `[a, b | T]` an
 * `ImproperList`): what `lists`, `proplists` and `string` need to walk a list as OTP's clauses do
 * (`[H|T]`, `[]`, anything else), and to rebuild one with any tail, as `++` and `reverse/2` do.
 */
import { ImproperList, isList, type Term } from '../term/types.js';
import { FUNCTION_CLAUSE } from '../term/atoms.js';
import { callError, type ErlangError } from '../process/exceptions.js';

/** A list seen as its cons cells' heads and the final tail (`[]` for a proper list). */
export interface Cells {
  readonly items: readonly Term[];
  readonly tail: Term;
}

const NIL: Term[] = [];

/** The heads and final tail of `t`; a term that is not a cons has no heads and is its own tail. */
export function cells(t: Term): Cells {
  if (isList(t)) return { items: t, tail: NIL };
  if (t instanceof ImproperList) return { items: t.elements, tail: t.tail };
  return { items: NIL, tail: t };
}

/** True for `[]`. */
export function isNil(t: Term): boolean {
  return isList(t) && t.length === 0;
}

/** True for what `is_list/1` accepts: `[]` or a cons cell (a proper or an improper list). */
export function isCons(t: Term): boolean {
  return isList(t) || t instanceof ImproperList;
}

/** `[items... | tail]` as a canonical term: an Array when the tail is a proper list. */
export function cons(items: readonly Term[], tail: Term): Term {
  if (isList(tail)) return items.length === 0 ? tail : [...items, ...tail];
  if (items.length === 0) return tail;
  if (tail instanceof ImproperList) return new ImproperList([...items, ...tail.elements], tail.tail);
  return new ImproperList([...items], tail);
}

/** The list from the `i`-th head on: `cons(items.slice(i), tail)`. */
export function restOf(c: Cells, i: number): Term {
  return i === 0 && c.items.length === 0 ? c.tail : cons(c.items.slice(i), c.tail);
}

/** `function_clause` raised in `m:f(Args)`, the stack's first entry OTP gives. */
export function clause(m: string, f: string, args: Term[]): ErlangError {
  return callError(FUNCTION_CLAUSE, m, f, args);
}
