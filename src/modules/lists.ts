/**
 * The `lists` module a noderl node serves (OTP 25 lib/stdlib/src/lists.erl): the functions taking
 * funs are here, the rest in lists-plain.ts, lists-keys.ts and lists-sort.ts. Errors follow
 * OTP 25's clauses: a fun of the wrong arity fails the exported function's guard
 * (`function_clause`), a predicate returning a non-boolean raises `{case_clause, V}` (`filter/2`,
 * a comprehension, `{bad_filter, V}`), and an improper list fails in the helper OTP recurses
 * through (`lists:map_1(F, Tail)`), with the arguments it has there.
 */
import { atom, isTuple, tuple, type Term } from '../term/types.js';
import { mapGet } from '../term/compare.js';
import { BADARG, OK } from '../term/atoms.js';
import { bifError, ErlangError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { arities, type ApplyFun, type BuiltinModule } from './registry.js';
import { cells, clause, isNil, restOf, type Cells } from './cons.js';
import { appendAll, listsPlain } from './lists-plain.js';
import { listsKeys } from './lists-keys.js';
import { listsSort } from './lists-sort.js';
import { isFunOf, isInteger } from './guards.js';

const fc = (f: string, ...args: Term[]): ErlangError => clause('lists', f, args);
const raise = (tag: string, v: Term): ErlangError => new ErlangError(tuple(atom(tag), v), []);

/** `case Pred(X) of true -> ...; false -> ... end`: a non-boolean is `{case_clause, V}`. */
function bool(v: Term): boolean {
  if (typeof v !== 'boolean') throw raise('case_clause', v);
  return v;
}

/**
 * The end of a walk: nothing for `[]`; for another tail, the error of OTP's entry clause when the
 * argument itself was no list (`top`), else of the helper it recursed into (`tail`).
 */
function end(c: Cells, list: Term, top: (l: Term) => ErlangError, tail: (t: Term) => ErlangError): void {
  if (isNil(c.tail)) return;
  throw c.items.length === 0 ? top(list) : tail(c.tail);
}

const caseClause = (l: Term): ErlangError => raise('case_clause', l);

/** The `lists` module: `applyFun` calls the funs given to `map/2`, `foldl/3`, `sort/2` and kin. */
export function listsModule(applyFun: ApplyFun): BuiltinModule {
  const call = (self: Process, f: Term, ...args: Term[]): Promise<Term> => applyFun(self, f, args);

  /** all/2 and any/2: stop at the first `stop` result. */
  const quantifier = (name: string, stop: boolean) => async (self: Process, p: Term, l: Term) => {
    if (!isFunOf(p, 1)) throw fc(name, p, l);
    const c = cells(l);
    for (const x of c.items) if (bool(await call(self, p, x)) === stop) return stop;
    end(c, l, caseClause, (t) => fc(`${name}_1`, p, t));
    return !stop;
  };

  /** dropwhile/2, takewhile/2, splitwith/2: the index of the first element failing `p`. */
  const prefixWhile = async (self: Process, name: string, p: Term, l: Term, acc: boolean): Promise<{ c: Cells; i: number }> => {
    if (!isFunOf(p, 1)) throw fc(name, p, l);
    const c = cells(l);
    for (let i = 0; i < c.items.length; i++) if (!bool(await call(self, p, c.items[i]!))) return { c, i };
    const helper = `${name}_1`;
    if (!isNil(c.tail)) throw acc ? fc(helper, p, c.tail, [...c.items].reverse()) : fc(helper, p, c.tail);
    return { c, i: c.items.length };
  };

  const funs: BuiltinModule = {
    all: quantifier('all', false),
    any: quantifier('any', true),
    map: async (self, f, l) => {
      if (!isFunOf(f, 1)) throw fc('map', f, l);
      const c = cells(l);
      const out: Term[] = [];
      for (const x of c.items) out.push(await call(self, f, x));
      end(c, l, caseClause, (t) => fc('map_1', f, t));
      return out;
    },
    foldl: async (self, f, acc, l) => {
      if (!isFunOf(f, 2)) throw fc('foldl', f, acc, l);
      const c = cells(l);
      for (const x of c.items) acc = await call(self, f, x, acc);
      end(c, l, caseClause, (t) => fc('foldl_1', f, acc, t));
      return acc;
    },
    foldr: async (self, f, acc, l) => {
      if (!isFunOf(f, 2)) throw fc('foldr', f, acc, l);
      const c = cells(l);
      if (!isNil(c.tail)) throw fc('foldr_1', f, acc, c.tail); // body-recursive: the tail is reached first
      for (let i = c.items.length - 1; i >= 0; i--) acc = await call(self, f, c.items[i]!, acc);
      return acc;
    },
    filter: async (self, p, l) => {
      if (!isFunOf(p, 1)) throw fc('filter', p, l);
      const c = cells(l);
      const out: Term[] = [];
      for (const x of c.items) {
        const v = await call(self, p, x);
        if (typeof v !== 'boolean') throw raise('bad_filter', v); // [E || E <- L, Pred(E)]
        if (v) out.push(x);
      }
      if (!isNil(c.tail)) throw raise('bad_generator', c.tail);
      return out;
    },
    filtermap: async (self, f, l) => {
      if (!isFunOf(f, 1)) throw fc('filtermap', f, l);
      const c = cells(l);
      const out: Term[] = [];
      for (const x of c.items) {
        const v = await call(self, f, x);
        if (v === true) out.push(x);
        else if (isTuple(v) && v.length === 2 && v[0] === true) out.push(v[1]!);
        else if (v !== false) throw raise('case_clause', v);
      }
      if (!isNil(c.tail)) throw fc('filtermap_1', f, c.tail);
      return out;
    },
    foreach: async (self, f, l) => {
      if (!isFunOf(f, 1)) throw fc('foreach', f, l);
      const c = cells(l);
      for (const x of c.items) await call(self, f, x);
      if (!isNil(c.tail)) throw fc('foreach_1', f, c.tail);
      return OK;
    },
    dropwhile: async (self, p, l) => {
      const { c, i } = await prefixWhile(self, 'dropwhile', p, l, false);
      return restOf(c, i);
    },
    takewhile: async (self, p, l) => {
      const { c, i } = await prefixWhile(self, 'takewhile', p, l, false);
      return c.items.slice(0, i);
    },
    splitwith: async (self, p, l) => {
      const { c, i } = await prefixWhile(self, 'splitwith', p, l, true);
      return tuple(c.items.slice(0, i), restOf(c, i));
    },
    partition: async (self, p, l) => {
      if (!isFunOf(p, 1)) throw fc('partition', p, l);
      const c = cells(l);
      const [yes, no]: Term[][] = [[], []];
      for (const x of c.items) (bool(await call(self, p, x)) ? yes : no).push(x);
      if (!isNil(c.tail)) throw fc('partition_1', p, c.tail, [...yes].reverse(), [...no].reverse());
      return tuple(yes, no);
    },
    search: async (self, p, l) => {
      if (!isFunOf(p, 1)) throw fc('search', p, l);
      const c = cells(l);
      for (const x of c.items) if (bool(await call(self, p, x))) return tuple(atom('value'), x);
      if (!isNil(c.tail)) throw fc('search_1', p, c.tail);
      return false;
    },
    mapfoldl: async (self, f, acc, l) => {
      if (!isFunOf(f, 2)) throw fc('mapfoldl', f, acc, l);
      const c = cells(l);
      const out: Term[] = [];
      for (const x of c.items) [acc] = pair(await call(self, f, x, acc), out);
      if (!isNil(c.tail)) throw fc('mapfoldl_1', f, acc, c.tail);
      return tuple(out, acc);
    },
    mapfoldr: async (self, f, acc, l) => {
      if (!isFunOf(f, 2)) throw fc('mapfoldr', f, acc, l);
      const c = cells(l);
      if (!isNil(c.tail)) throw fc('mapfoldr_1', f, acc, c.tail);
      const out: Term[] = [];
      for (let i = c.items.length - 1; i >= 0; i--) [acc] = pair(await call(self, f, c.items[i]!, acc), out);
      return tuple(out.reverse(), acc);
    },
    flatmap: async (self, f, l) => {
      if (!isFunOf(f, 1)) throw fc('flatmap', f, l);
      const c = cells(l);
      const parts: Term[] = [];
      for (const x of c.items) parts.push(await call(self, f, x));
      if (!isNil(c.tail)) throw fc('flatmap_1', f, c.tail);
      return appendAll([...parts, []]); // F(H) ++ flatmap_1(F, T)
    },
    uniq: arities([1, 2], async (self: Process, a: Term, b?: Term) => {
      const [f, l] = b === undefined ? [undefined, a] : [a, b];
      if (f !== undefined && !isFunOf(f, 1)) throw fc('uniq', f, l);
      const c = cells(l);
      const seen = new Map<Term, Term>(); // the map OTP keeps of what it has seen (uniq_1/2, uniq_2/3)
      const out: Term[] = [];
      for (const x of c.items) {
        const key = f === undefined ? x : await call(self, f, x);
        if (mapGet(seen, key) === undefined) (seen.set(key, true), out.push(x));
      }
      if (!isNil(c.tail)) throw f === undefined ? fc('uniq_1', c.tail, seen) : fc('uniq_2', c.tail, f, seen);
      return out;
    }),
    keymap: async (self, f, n, l) => {
      const c = cells(l);
      const out: Term[] = [];
      for (const t of c.items) {
        if (!isInteger(n) || !isTuple(t) || n < 1 || n > t.length) throw bifError(BADARG, 'erlang', 'element', [n, t]);
        const k = Number(n) - 1;
        const v = await call(self, f, t[k]!);
        out.push(tuple(...t.slice(0, k), v, ...t.slice(k + 1)));
      }
      if (!isNil(c.tail) || !isInteger(n) || n < 1 || !isFunOf(f, 1)) throw fc('keymap', f, n, isNil(c.tail) ? [] : c.tail);
      return out;
    },
    zipwith: (self, f, a, b) => zipWith(self, 'zipwith', f, [a, b]),
    zipwith3: (self, f, a, b, c) => zipWith(self, 'zipwith3', f, [a, b, c]),
  };

  /** zipwith/3, zipwith3/4: `F` on the heads while every list has one; all must end together. */
  async function zipWith(self: Process, name: string, f: Term, lists: Term[]): Promise<Term> {
    const cs = lists.map(cells);
    const out: Term[] = [];
    for (let i = 0; ; i++) {
      if (cs.every((c) => i < c.items.length)) {
        out.push(await applyFun(self, f, cs.map((c) => c.items[i]!)));
        continue;
      }
      if (isFunOf(f, lists.length) && cs.every((c) => i === c.items.length && isNil(c.tail))) return out;
      throw fc(name, f, ...cs.map((c) => restOf(c, i)));
    }
  }

  return { ...listsPlain, ...listsKeys, ...listsSort(applyFun), ...funs };
}

/** `{Y, Acc} = F(X, Acc0)` of mapfoldl/mapfoldr: pushes `Y`, returns `[Acc]`; `{badmatch, R}` otherwise. */
function pair(r: Term, out: Term[]): [Term] {
  if (!isTuple(r) || r.length !== 2) throw raise('badmatch', r);
  out.push(r[0]!);
  return [r[1]!];
}
