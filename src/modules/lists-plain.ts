/**
 * The `lists` functions that take no fun and do not sort (OTP 25 lib/stdlib/src/lists.erl):
 * append, concat, delete, droplast, duplicate, flatten, flatlength, join, last, max, min, member,
 * nth, nthtail, prefix, suffix, reverse, seq, split, sublist, subtract, sum, zip, zip3, unzip,
 * unzip3, enumerate. Errors are OTP's: `function_clause` names the clause that failed and the
 * arguments it got there (`lists:last(1, x)` for `last([1|x])`), the BIFs raise `badarg`.
 */
import { Atom, atom, ErlFloat, isList, isTuple, tuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { compare, equals } from '../term/compare.js';
import { bifError, callError, ErlangError } from '../process/exceptions.js';
import { arities, type BuiltinModule } from './registry.js';
import { cells, clause, cons, isCons, isNil, restOf } from './cons.js';
import { isInteger } from './guards.js';
import { add, canonicalInt } from './numbers.js';
import { codePoints } from '../term/io-format.js';
import { printfScientific } from '../term/float-decimal.js';

const BADARITH = atom('badarith');
const fc = (f: string, ...args: Term[]): ErlangError => clause('lists', f, args);

/** `L1 ++ L2`, raising badarg as `erlang:'++'/2` does when `L1` is not a proper list. */
function append2(a: Term, b: Term): Term {
  if (!isList(a)) throw bifError(BADARG, 'erlang', '++', [a, b]);
  return cons(a, b);
}

/** `lists:reverse(L, T)`, the BIF: badarg with both arguments unless `L` is a proper list. */
export function reverse2(l: Term, t: Term): Term {
  if (!isList(l)) throw bifError(BADARG, 'lists', 'reverse', [l, t]);
  return cons([...l].reverse(), t);
}

/** `lists:reverse/1` as OTP 25 writes it: up to two heads matched, the rest through reverse/2. */
function reverse1(l: Term): Term {
  if (isList(l)) return l.length < 2 ? l : [...l].reverse();
  const c = cells(l);
  if (c.items.length < 2) throw fc('reverse', l);
  return reverse2(restOf(c, 2), [c.items[1]!, c.items[0]!]);
}

/**
 * `L1 ++ (L2 ++ (... ++ Last))` in one pass: the innermost `++` runs first, so the rightmost part
 * that is not a proper list is the one named in the badarg, with what it was appended to.
 */
export function appendAll(parts: readonly Term[]): Term {
  if (parts.length === 0) return [];
  const last = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) {
    if (!isList(parts[i]!)) throw bifError(BADARG, 'erlang', '++', [parts[i]!, appendAll(parts.slice(i + 1))]);
  }
  return cons((parts.slice(0, -1) as Term[][]).flat(), last);
}

/** append/1: `append([E]) -> E; append([H|T]) -> H ++ append(T); append([]) -> []`. */
function append1(l: Term): Term {
  const c = cells(l);
  if (c.items.length === 0 && !isNil(c.tail)) throw fc('append', l);
  if (!isNil(c.tail)) throw fc('append', c.tail); // the innermost append(T) fails first
  return appendAll(c.items);
}

/**
 * `lists:flatten`'s do_flatten/2, right to left as OTP evaluates it (the tail of a list before its
 * head), so an improper tail on the right fails first, with the flattened rest OTP has then.
 * Pushes onto `out` in reverse; the result is `cons(out.reverse(), base)`.
 */
function doFlatten(list: Term, out: Term[], base: Term): void {
  const c = cells(list);
  if (!isNil(c.tail)) throw fc('do_flatten', c.tail, cons([...out].reverse(), base));
  for (let i = c.items.length - 1; i >= 0; i--) {
    const h = c.items[i]!;
    if (isCons(h)) doFlatten(h, out, base);
    else out.push(h);
  }
}

function flatten(l: Term, base: Term): Term {
  const out: Term[] = [];
  doFlatten(l, out, base);
  return cons(out.reverse(), base);
}

/**
 * flatlength/2: `flatlength([H|T], L) when is_list(H) -> flatlength(H, flatlength(T, L))`, so
 * a list's own elements and tail count first, then its sublists from the right.
 */
function flatlength(list: Term, n: number): number {
  const c = cells(list);
  n += c.items.reduce((k: number, h) => (isCons(h) ? k : k + 1), 0);
  if (!isNil(c.tail)) throw fc('flatlength', c.tail, n);
  for (let i = c.items.length - 1; i >= 0; i--) if (isCons(c.items[i]!)) n = flatlength(c.items[i]!, n);
  return n;
}

/** OTP's thing_to_list/1, what concat/1 applies to each element. */
function thingToList(t: Term): Term {
  if (isInteger(t)) return [...String(t)].map((ch) => ch.charCodeAt(0));
  if (typeof t === 'number' || t instanceof ErlFloat) return [...printfScientific(Number(t), 20)].map((ch) => ch.charCodeAt(0));
  if (typeof t === 'boolean' || t instanceof Atom) return codePoints(String(t));
  if (isList(t)) return t;
  throw fc('thing_to_list', t);
}

/** `max/1`, `min/1`: the first of equal extremes stays (`H > Max` / `H < Min` replaces). */
function extreme(name: string, sign: 1 | -1) {
  return (_self: unknown, l: Term): Term => {
    const c = cells(l);
    if (c.items.length === 0) throw fc(name, l);
    let best = c.items[0]!;
    for (let i = 1; i < c.items.length; i++) if (compare(c.items[i]!, best) === sign) best = c.items[i]!;
    if (!isNil(c.tail)) throw fc(name, c.tail, best);
    return best;
  };
}

function nth(n: Term, l: Term): Term {
  let c = cells(l);
  let i = 0;
  for (;;) {
    if (i < c.items.length && n === 1) return c.items[i]!;
    if (i >= c.items.length || compare(n, 1) <= 0) throw fc('nth', n, restOf(c, i));
    const next = add(n, -1);
    if (next === undefined) throw new ErlangError(BADARITH, [tuple(atom('lists'), atom('nth'), 2, [])]);
    n = next;
    i++;
  }
}

function nthtail(n: Term, l: Term): Term {
  const c = cells(l);
  let i = 0;
  for (;;) {
    if (n === 0) return restOf(c, i);
    if (i >= c.items.length || !(n === 1 || (isInteger(n) && n > 1))) throw fc('nthtail', n, restOf(c, i));
    i++;
    n = add(n, -1)!;
  }
}

function prefix(p: Term, l: Term): boolean {
  const a = cells(p);
  const b = cells(l);
  let i = 0;
  for (; i < a.items.length && i < b.items.length && equals(a.items[i]!, b.items[i]!); i++);
  const restL = restOf(b, i);
  if (i === a.items.length && isNil(a.tail) && isCons(restL)) return true;
  if (i < a.items.length && isCons(restL)) return false;
  throw fc('prefix', restOf(a, i), restL);
}

/** `length/1`, badarg (from `erlang:length/1`) for anything but a proper list. */
function lengthOf(l: Term): number {
  if (!isList(l)) throw bifError(BADARG, 'erlang', 'length', [l]);
  return l.length;
}

function seq(first: Term, last: Term, inc: Term, arity: number): Term[] {
  const args = arity === 2 ? [first, last] : [first, last, inc];
  if (!isInteger(first) || !isInteger(last) || !isInteger(inc)) throw arity === 2 ? fc('seq', ...args) : bifError(BADARG, 'lists', 'seq', args);
  const [f, l, d] = [BigInt(first), BigInt(last), BigInt(inc)];
  if (arity === 2 && f - 1n > l) throw fc('seq', ...args);
  const up = d > 0n && f - d <= l;
  const down = d < 0n && f - d >= l;
  if (!up && !down) {
    if (d === 0n && f === l) return [first];
    throw bifError(BADARG, 'lists', 'seq', args);
  }
  const out: Term[] = [];
  if (Number.isSafeInteger(first) && Number.isSafeInteger(last) && Number.isSafeInteger(inc)) {
    for (let x = first as number; up ? x <= (last as number) : x >= (last as number); x += inc as number) out.push(x);
  } else {
    for (let x = f; up ? x <= l : x >= l; x += d) out.push(canonicalInt(x));
  }
  return out;
}

function split(n: Term, l: Term): Term {
  const c = cells(l);
  if (!isInteger(n) || n < 0 || !isCons(l) || n > c.items.length) throw callError(BADARG, 'lists', 'split', [n, l]);
  const k = Number(n);
  return tuple(c.items.slice(0, k), restOf(c, k));
}

/** sublist_2/2 of OTP 25: takes up to `n` heads; a list that ends early is fine, a non-list not. */
function sublist2(l: Term, n: Term): Term {
  const c = cells(l);
  const k = Number(n);
  const taken = c.items.slice(0, Math.max(0, k));
  if (taken.length < k && !isCons(restOf(c, taken.length))) throw fc('sublist_2', restOf(c, taken.length), k - taken.length);
  if (k < 0) throw fc('sublist_2', l, n);
  return taken;
}

function sublist3(l: Term, s: Term, n: Term): Term {
  const c = cells(l);
  let i = 0;
  for (; isInteger(s) && s >= 2 && i < c.items.length; i++) s = add(s, -1)!;
  const rest = restOf(c, i);
  if (s === 1 && isCons(rest) && isInteger(n) && n >= 0) return sublist2(rest, n);
  if (isInteger(s) && s >= 2 && isNil(rest)) return [];
  throw fc('sublist', rest, s, n);
}

function subtract(a: Term, b: Term): Term {
  if (!isList(a) || !isList(b)) throw bifError(BADARG, 'erlang', '--', [a, b]);
  const out = [...a];
  for (const x of b) {
    const i = out.findIndex((y) => equals(x, y));
    if (i >= 0) out.splice(i, 1);
  }
  return out;
}

function sum(l: Term): Term {
  const c = cells(l);
  let acc: Term = 0;
  for (const h of c.items) {
    const s = add(acc, h);
    if (s === undefined) throw bifError(BADARITH, 'erlang', '+', [acc, h]);
    acc = s;
  }
  if (!isNil(c.tail)) throw fc('sum', c.tail, acc);
  return acc;
}

/** zip/2, zip3/3: equal lengths, else function_clause with the lists where they part. */
function zipN(name: string, lists: Term[]): Term[] {
  const cs = lists.map(cells);
  const out: Term[] = [];
  for (let i = 0; ; i++) {
    if (cs.every((c) => i < c.items.length)) {
      out.push(tuple(...cs.map((c) => c.items[i]!)));
      continue;
    }
    if (cs.every((c) => i === c.items.length && isNil(c.tail))) return out;
    throw fc(name, ...cs.map((c) => restOf(c, i)));
  }
}

/** unzip/1, unzip3/1: tuples of size n, else function_clause with the reversed accumulators. */
function unzipN(name: string, n: number, l: Term): Term {
  const c = cells(l);
  const accs: Term[][] = Array.from({ length: n }, () => []);
  let i = 0;
  for (; i < c.items.length; i++) {
    const t = c.items[i]!;
    if (!isTuple(t) || t.length !== n) break;
    accs.forEach((acc, j) => acc.push(t[j]!));
  }
  if (i === c.items.length && isNil(c.tail)) return tuple(...accs);
  throw fc(name, restOf(c, i), ...accs.map((acc) => [...acc].reverse()));
}

function enumerate(index: Term, l: Term, arity: number): Term[] {
  if (!isInteger(index) || !isCons(l)) throw fc('enumerate', ...(arity === 1 ? [l] : [index, l]));
  const c = cells(l);
  let k: Term = index;
  const out = c.items.map((x) => {
    const t = tuple(k, x);
    k = add(k, 1)!;
    return t;
  });
  if (!isNil(c.tail)) throw fc('enumerate_1', k, c.tail);
  return out;
}

/** The functions of this file, to spread into `lists`. */
export const listsPlain: BuiltinModule = {
  append: arities([1, 2], (_self, a: Term, b?: Term) => (b === undefined ? append1(a) : append2(a, b))),
  concat: (_self, l) => {
    const c = cells(l);
    const parts = c.items.map(thingToList);
    if (!isNil(c.tail)) throw fc('flatmap_1', atom('thing_to_list'), c.tail);
    return appendAll([...parts, []]);
  },
  delete: (_self, x, l) => {
    const c = cells(l);
    const i = c.items.findIndex((y) => equals(x, y));
    if (i >= 0) return cons(c.items.slice(0, i), restOf(c, i + 1));
    if (!isNil(c.tail)) throw fc('delete', x, c.tail);
    return l;
  },
  droplast: (_self, l) => {
    const c = cells(l);
    if (c.items.length === 0 || !isNil(c.tail)) throw fc('droplast', c.items.length === 0 ? l : c.tail);
    return c.items.slice(0, -1);
  },
  duplicate: (_self, n, x) => {
    if (!isInteger(n) || n < 0) throw fc('duplicate', n, x);
    return new Array<Term>(Number(n)).fill(x);
  },
  flatten: arities([1, 2], (_self, l: Term, t?: Term) => {
    if (t === undefined) {
      if (!isCons(l)) throw fc('flatten', l);
      return flatten(l, []);
    }
    if (!isCons(l) || !isCons(t)) throw fc('flatten', l, t);
    return flatten(l, t);
  }),
  flatlength: (_self, l) => flatlength(l, 0),
  join: (_self, sep, l) => {
    const c = cells(l);
    if (c.items.length === 0 && !isNil(c.tail)) throw fc('join', sep, l);
    if (!isNil(c.tail)) throw fc('join_prepend', sep, c.tail);
    return c.items.flatMap((x, i) => (i === 0 ? [x] : [sep, x]));
  },
  last: (_self, l) => {
    const c = cells(l);
    if (c.items.length === 0) throw fc('last', l);
    if (!isNil(c.tail)) throw fc('last', c.items[c.items.length - 1]!, c.tail);
    return c.items[c.items.length - 1]!;
  },
  max: extreme('max', 1),
  min: extreme('min', -1),
  member: (_self, x, l) => {
    const c = cells(l);
    if (c.items.some((y) => equals(x, y))) return true;
    if (!isNil(c.tail)) throw bifError(BADARG, 'lists', 'member', [x, l]);
    return false;
  },
  nth: (_self, n, l) => nth(n, l),
  nthtail: (_self, n, l) => nthtail(n, l),
  prefix: (_self, p, l) => prefix(p, l),
  suffix: (_self, s, l) => {
    const delta = lengthOf(l) - lengthOf(s);
    return delta >= 0 && equals(nthtail(delta, l), s);
  },
  reverse: arities([1, 2], (_self, l: Term, t?: Term) => (t === undefined ? reverse1(l) : reverse2(l, t))),
  seq: arities([2, 3], (_self, f: Term, l: Term, inc?: Term) => seq(f, l, inc ?? 1, inc === undefined ? 2 : 3)),
  split: (_self, n, l) => split(n, l),
  sublist: arities([2, 3], (_self, l: Term, a: Term, b?: Term) => {
    if (b !== undefined) return sublist3(l, a, b);
    if (!isInteger(a) || !isCons(l)) throw fc('sublist', l, a);
    return sublist2(l, a);
  }),
  subtract: (_self, a, b) => subtract(a, b),
  sum: (_self, l) => sum(l),
  zip: (_self, a, b) => zipN('zip', [a, b]),
  zip3: (_self, a, b, c) => zipN('zip3', [a, b, c]),
  unzip: (_self, l) => unzipN('unzip', 2, l),
  unzip3: (_self, l) => unzipN('unzip3', 3, l),
  enumerate: arities([1, 2], (_self, a: Term, b?: Term) => (b === undefined ? enumerate(1, a, 1) : enumerate(a, b, 2))),
};
