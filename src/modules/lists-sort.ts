/**
 * The sorting and merging `lists` functions (OTP 25 lib/stdlib/src/lists.erl): sort/1,2,
 * usort/1,2, merge/1,2,3, umerge/1,2,3, keysort/2, ukeysort/2, keymerge/3, ukeymerge/3.
 *
 * sort/2, usort/1,2, keysort/2 and ukeysort/2 are stable in OTP (usort keeps the first of equal
 * elements) and its merges take from the first list on ties: these do the same, so results match
 * OTP's (for merges: on sorted inputs, which is what OTP specifies). sort/1 is not stable for `==`
 * terms in OTP; lists-sort1.ts follows its algorithm. keysort/2 has the same trait for elements
 * that are `==` as whole terms ({x, 1} and {x, 1.0}): there noderl keeps input order, OTP may not. Errors on a list that is not proper are OTP's reasons, but the stack
 * names the exported function, not OTP's internal helper (`split_2/5` and kin).
 */
import { atom, isList, isTuple, tuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { compare } from '../term/compare.js';
import { callError, ErlangError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { arities, type ApplyFun, type BuiltinModule } from './registry.js';
import { cells, clause, isNil } from './cons.js';
import { isFunOf, isInteger } from './guards.js';
import { otpSort } from './lists-sort1.js';

const fc = (f: string, ...args: Term[]): ErlangError => clause('lists', f, args);

/** `Fun(A, B)` of an ordering fun: true when `A` may come before `B`. */
type Le = (a: Term, b: Term) => Promise<boolean>;

/** `Fun(A, B)` through `applyFun`, `{case_clause, V}` for a non-boolean as OTP's `case` raises. */
function ordering(applyFun: ApplyFun, self: Process, fun: Term): Le {
  return async (a, b) => {
    const v = await applyFun(self, fun, [a, b]);
    if (typeof v !== 'boolean') throw new ErlangError(tuple(atom('case_clause'), v), []);
    return v;
  };
}

async function mergeBy(a: readonly Term[], b: readonly Term[], le: Le): Promise<Term[]> {
  const out: Term[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push((await le(a[i]!, b[j]!)) ? a[i++]! : b[j++]!);
  return out.concat(a.slice(i), b.slice(j));
}

/** A stable merge sort through an async ordering fun. */
async function sortBy(items: readonly Term[], le: Le): Promise<Term[]> {
  if (items.length < 2) return [...items];
  const mid = items.length >> 1;
  return mergeBy(await sortBy(items.slice(0, mid), le), await sortBy(items.slice(mid), le), le);
}

/** Drops each element equal (both ways under `le`) to the one kept before it. */
async function uniqBy(sorted: readonly Term[], le: Le): Promise<Term[]> {
  const out: Term[] = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (out.length > 0 && (await le(x, last!)) && (await le(last!, x))) continue;
    out.push(x);
  }
  return out;
}

/** Removes adjacent `==` duplicates of a sorted list, keeping the first. */
function uniqSorted(sorted: readonly Term[], key: (t: Term) => Term = (t) => t): Term[] {
  return sorted.filter((x, i) => i === 0 || compare(key(sorted[i - 1]!), key(x)) !== 0);
}



/** `element(N, T)` as keysort's callers raise it. */
function keyOf(n: number, t: Term): Term {
  if (!isTuple(t) || t.length < n) throw callError(BADARG, 'erlang', 'element', [n, t]);
  return t[n - 1]!;
}

function keySorted(name: string, n: Term, l: Term, unique: boolean): Term {
  if (!isInteger(n) || n <= 0) throw fc(name, n, l);
  const c = cells(l);
  if (c.items.length === 0 && !isNil(c.tail)) throw new ErlangError(tuple(atom('case_clause'), l), []);
  if (c.items.length < 2 && isNil(c.tail)) return l;
  if (!isNil(c.tail)) throw fc(name, n, l);
  const k = Number(n);
  const keyed = c.items.map((t) => [keyOf(k, t), t] as const);
  const sorted = keyed.sort((a, b) => compare(a[0], b[0])).map(([, t]) => t);
  return unique ? uniqSorted(sorted, (t) => (t as Term[])[k - 1]!) : sorted;
}

function keyMerged(name: string, n: Term, a: Term, b: Term, unique: boolean): Term {
  if (!isInteger(n) || n <= 0) throw fc(name, n, a, b);
  if (isNil(b)) return a;
  if (!isList(b)) throw new ErlangError(tuple(atom('case_clause'), b), []);
  if (!isList(a)) throw fc(name, n, a, b);
  const k = Number(n);
  const out: Term[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const order = compare(keyOf(k, a[i]!), keyOf(k, b[j]!));
    if (order <= 0) out.push(a[i++]!);
    else out.push(b[j++]!);
    if (unique && order === 0) j++;
  }
  return out.concat(a.slice(i), b.slice(j));
}

/** A proper list of proper lists (merge/1's argument), else function_clause as `name`. */
function listOfLists(name: string, l: Term, args: Term[]): Term[][] {
  if (!isList(l) || !l.every(isList)) throw fc(name, ...args);
  return l as Term[][];
}

/** The sorting functions of `lists`; the ones taking an ordering fun call it through `applyFun`. */
export function listsSort(applyFun: ApplyFun): BuiltinModule {
  const withFun = (name: string, unique: boolean) => async (self: Process, fun: Term, l: Term) => {
    const short = isList(l) && l.length < 2;
    if (!isFunOf(fun, 2) && (unique || short || !isList(l))) throw fc(name, fun, l);
    if (!isList(l)) throw fc(name, fun, l);
    const le = ordering(applyFun, self, fun);
    const sorted = await sortBy(l, le);
    return unique ? uniqBy(sorted, le) : sorted;
  };
  const merge3 = (name: string, unique: boolean) => async (self: Process, fun: Term, a: Term, b: Term) => {
    if (!isFunOf(fun, 2) || !(isList(b) && (isNil(b) || isList(a)))) throw fc(name, fun, a, b);
    if (isNil(b)) return a;
    const le = ordering(applyFun, self, fun);
    const merged = await mergeBy(a as Term[], b, le);
    return unique ? uniqBy(merged, le) : merged;
  };
  return {
    sort: arities([1, 2], (self: Process, a: Term, b?: Term) => {
      if (b !== undefined) return withFun('sort', false)(self, a, b);
      if (!isList(a)) throw fc('sort', a);
      return otpSort(a);
    }),
    usort: arities([1, 2], (self: Process, a: Term, b?: Term) => {
      if (b !== undefined) return withFun('usort', true)(self, a, b);
      if (!isList(a)) throw fc('usort', a);
      return uniqSorted([...a].sort(compare));
    }),
    merge: arities([1, 2, 3], async (self: Process, a: Term, b?: Term, c?: Term) => {
      if (c !== undefined) return merge3('merge', false)(self, a, b!, c);
      if (b === undefined) return listOfLists('mergel', a, [a, []]).reduce((x, y) => mergeSync(x, y, false), []);
      return merge2(a, b, false);
    }),
    umerge: arities([1, 2, 3], async (self: Process, a: Term, b?: Term, c?: Term) => {
      if (c !== undefined) return merge3('umerge', true)(self, a, b!, c);
      if (b === undefined) return listOfLists('umergel', a, [a]).reduce((x, y) => mergeSync(x, y, true), []);
      return merge2(a, b, true);
    }),
    merge3: (_self, a, b, c) => mergeThree(a, b, c, false),
    umerge3: (_self, a, b, c) => mergeThree(a, b, c, true),
    keysort: (_self, n, l) => keySorted('keysort', n, l, false),
    ukeysort: (_self, n, l) => keySorted('ukeysort', n, l, true),
    keymerge: (_self, n, a, b) => keyMerged('keymerge', n, a, b, false),
    ukeymerge: (_self, n, a, b) => keyMerged('ukeymerge', n, a, b, true),
  };
}

/** merge/2 (`merge(T1, []) -> T1`) and umerge/2 (`umerge([], T2) -> T2`); else both must be lists. */
function merge2(a: Term, b: Term, unique: boolean): Term {
  if (!unique && isNil(b)) return a;
  if (unique && isNil(a)) return b;
  if (!isList(b) || !isList(a)) throw fc(unique ? 'umerge' : 'merge', a, b);
  return mergeSync(a, b, unique);
}

/** merge3/3 and umerge3/3: with an empty second or third list, merge/2 of the others, as OTP. */
function mergeThree(a: Term, b: Term, c: Term, unique: boolean): Term {
  if (isNil(b)) return merge2(a, c, unique);
  if (isNil(c)) return merge2(a, b, unique);
  if (!isList(a) || !isList(b) || !isList(c)) throw fc(unique ? 'umerge3' : 'merge3', a, b, c);
  return mergeSync(a, mergeSync(b, c, unique), unique);
}

/** merge/2 and umerge/2 by the term order: ties take the first list's element (umerge drops the other). */
function mergeSync(a: readonly Term[], b: readonly Term[], unique: boolean): Term[] {
  const out: Term[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const order = compare(a[i]!, b[j]!);
    out.push(order <= 0 ? a[i++]! : b[j++]!);
    if (unique && order === 0) j++;
  }
  return out.concat(a.slice(i), b.slice(j));
}
