/**
 * The `maps` module a noderl node serves (OTP 25 lib/stdlib/src/maps.erl and the erts map BIFs).
 * Errors are OTP's: `{badmap, M}` for a map argument that is not one, `{badkey, K}`, and `badarg`
 * for a fun of the wrong arity or a bad list. Keys are compared with `=:=` (1 and 1.0 are two
 * keys), and functions that list a map (`keys/1`, `to_list/1`, `fold/3`, iterators) go in BEAM's
 * order (term/map-order.ts): up to 32 keys the term order with every integer before every float,
 * beyond that the order of BEAM's hash trie.
 */
import { atom, ExportFun, ImproperList, isList, isTuple, tuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { mapKeyOf, NOT_FOUND } from '../term/compare.js';
import { mapListOrder, mapOrder } from '../term/map-order.js';
import { bifError, ErlangError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { arities, type ApplyFun, type BuiltinModule } from './registry.js';
import { cells, clause, isNil } from './cons.js';
import { isFunOf } from './guards.js';

type TermMap = Map<Term, Term>;
const NONE = atom('none');
const REMOVE = new ExportFun(atom('maps'), atom('remove'), 2);
const isMap = (m: Term): m is TermMap => m instanceof Map;
const err = (reason: Term, f: string, args: Term[]): ErlangError => bifError(reason, 'maps', f, args);
const badmap = (m: Term): Term => tuple(atom('badmap'), m);

/** `{badmap, M}` unless every one of `maps` is a map (the first offender is named). */
function needMaps(f: string, args: Term[], ...maps: Term[]): TermMap[] {
  for (const m of maps) if (!isMap(m)) throw err(badmap(m), f, args);
  return maps as TermMap[];
}

/** The entries in the order a BEAM iterator walks the map (term/map-order.ts). */
export function entriesOf(m: ReadonlyMap<Term, Term>): [Term, Term][] {
  return mapOrder([...m]);
}

/** The entries in the order `maps:to_list/1` gives them. */
const listed = (m: ReadonlyMap<Term, Term>): [Term, Term][] => mapListOrder([...m]);

/** `M#{K => V}` on a copy or in place: an `=:=` key already there keeps its place. */
function putIn(m: TermMap, k: Term, v: Term): TermMap {
  const old = mapKeyOf(m, k);
  m.set(old === NOT_FOUND ? k : old, v);
  return m;
}

function lookup(m: TermMap, k: Term): { found: boolean; value?: Term } {
  const key = mapKeyOf(m, k);
  return key === NOT_FOUND ? { found: false } : { found: true, value: m.get(key) };
}

function removed(m: TermMap, k: Term): TermMap {
  const key = mapKeyOf(m, k);
  const out = new Map(m);
  if (key !== NOT_FOUND) out.delete(key);
  return out;
}

/** A proper list of `{K, V}` pairs, else badarg as `maps:from_list/1` raises it. */
function pairsOf(l: Term, f: string, args: Term[]): [Term, Term][] {
  if (!isList(l) || !l.every((t) => isTuple(t) && t.length === 2)) throw err(BADARG, f, args);
  return (l as Term[][]).map((t) => [t[0]!, t[1]!]);
}

/** The entries behind a map or an iterator (`[0 | M]` or `{K, V, Next}`), or undefined. */
function iterated(t: Term): [Term, Term][] | undefined {
  if (isMap(t)) return entriesOf(t);
  if (t instanceof ImproperList && t.elements.length === 1 && t.elements[0] === 0 && isMap(t.tail)) return entriesOf(t.tail);
  const out: [Term, Term][] = [];
  for (;;) {
    if (t === NONE) return out;
    if (!isTuple(t) || t.length !== 3) return undefined;
    out.push([t[0]!, t[1]!]);
    t = t[2]!;
  }
}

/** `maps:next/1`: OTP 25 walks a small map in one step, the rest chained as `{K, V, Next}`. */
function next(it: Term): Term {
  if (it === NONE) return NONE;
  if (isTuple(it) && it.length === 3) return it;
  const entries = it instanceof ImproperList ? iterated(it) : undefined;
  if (!entries) throw err(BADARG, 'next', [it]);
  return entries.reduceRight((rest: Term, [k, v]) => tuple(k, v, rest), NONE);
}

/** `case Pred(K, V) of true -> ...; false -> ... end`. */
function bool(v: Term): boolean {
  if (typeof v !== 'boolean') throw new ErlangError(tuple(atom('case_clause'), v), []);
  return v;
}

/** The `maps` module: `applyFun` calls the funs given to `map/2`, `fold/3`, `update_with/3` and kin. */
export function mapsModule(applyFun: ApplyFun): BuiltinModule {
  /** Checks a (fun, map-or-iterator) pair as OTP does: a bad fun is badarg, then a bad map badmap. */
  const walk = (f: string, fun: Term, arity: number, m: Term, args: Term[]): [Term, Term][] => {
    if (!isFunOf(fun, arity)) throw err(BADARG, f, args);
    const entries = iterated(m);
    if (!entries) throw err(badmap(m), f, args);
    return entries;
  };
  const combine = async (self: Process, f: string, fun: Term, a: Term, b: Term, both: boolean): Promise<TermMap> => {
    const args = [fun, a, b];
    if (!isFunOf(fun, 3)) throw err(BADARG, f, args);
    const [m1, m2] = needMaps(f, args, a, b);
    const out = both ? new Map<Term, Term>() : new Map(m1);
    for (const [k, v2] of entriesOf(m2)) {
      const v1 = lookup(m1, k);
      if (v1.found) putIn(out, k, await applyFun(self, fun, [k, v1.value!, v2]));
      else if (!both) putIn(out, k, v2);
    }
    return out;
  };

  return {
    ...mapsPlain,
    filter: async (self, pred, m) => {
      const out = new Map<Term, Term>();
      for (const [k, v] of walk('filter', pred, 2, m, [pred, m])) if (bool(await applyFun(self, pred, [k, v]))) out.set(k, v);
      return out;
    },
    filtermap: async (self, fun, m) => {
      const out = new Map<Term, Term>();
      for (const [k, v] of walk('filtermap', fun, 2, m, [fun, m])) {
        const r = await applyFun(self, fun, [k, v]);
        if (r === true) out.set(k, v);
        else if (isTuple(r) && r.length === 2 && r[0] === true) out.set(k, r[1]!);
        else if (r !== false) throw new ErlangError(tuple(atom('case_clause'), r), []);
      }
      return out;
    },
    map: async (self, fun, m) => {
      const out = new Map<Term, Term>();
      for (const [k, v] of walk('map', fun, 2, m, [fun, m])) out.set(k, await applyFun(self, fun, [k, v]));
      return out;
    },
    fold: async (self, fun, acc, m) => {
      for (const [k, v] of walk('fold', fun, 3, m, [fun, acc, m])) acc = await applyFun(self, fun, [k, v, acc]);
      return acc;
    },
    foreach: async (self, fun, m) => {
      for (const [k, v] of walk('foreach', fun, 2, m, [fun, m])) await applyFun(self, fun, [k, v]);
      return atom('ok');
    },
    update_with: arities([3, 4], async (self: Process, k: Term, fun: Term, m: Term, m4?: Term) => {
      const args = m4 === undefined ? [k, fun, m] : [k, fun, m, m4];
      const map = m4 === undefined ? m : m4;
      if (!isFunOf(fun, 1)) throw err(BADARG, 'update_with', args);
      const [src] = needMaps('update_with', args, map);
      const old = lookup(src!, k);
      if (!old.found && m4 === undefined) throw err(tuple(atom('badkey'), k), 'update_with', args);
      return putIn(new Map(src), k, old.found ? await applyFun(self, fun, [old.value!]) : m);
    }),
    intersect_with: (self, fun, a, b) => combine(self, 'intersect_with', fun, a, b, true),
    merge_with: (self, fun, a, b) => combine(self, 'merge_with', fun, a, b, false),
    groups_from_list: arities([2, 3], async (self: Process, keyFun: Term, a: Term, b?: Term) => {
      const [valueFun, list] = b === undefined ? [undefined, a] : [a, b];
      const args = b === undefined ? [keyFun, a] : [keyFun, a, b];
      if (!isFunOf(keyFun, 1) || (valueFun !== undefined && !isFunOf(valueFun, 1)) || !isList(list)) throw err(BADARG, 'groups_from_list', args);
      const out = new Map<Term, Term>();
      for (const x of list) {
        const key = await applyFun(self, keyFun, [x]);
        const value = valueFun === undefined ? x : await applyFun(self, valueFun, [x]);
        const group = lookup(out, key);
        putIn(out, key, group.found ? [...(group.value as Term[]), value] : [value]);
      }
      return out;
    }),
  };
}

/** The `maps` functions that take no fun. */
const mapsPlain: BuiltinModule = {
  new: () => new Map(),
  size: (_self, m) => needMaps('size', [m], m)[0]!.size,
  is_key: (_self, k, m) => lookup(needMaps('is_key', [k, m], m)[0]!, k).found,
  get: arities([2, 3], (_self: Process, k: Term, m: Term, dflt?: Term) => {
    const args = dflt === undefined ? [k, m] : [k, m, dflt];
    const r = lookup(needMaps('get', args, m)[0]!, k);
    if (r.found) return r.value!;
    if (dflt === undefined) throw err(tuple(atom('badkey'), k), 'get', args);
    return dflt;
  }),
  find: (_self, k, m) => {
    const r = lookup(needMaps('find', [k, m], m)[0]!, k);
    return r.found ? tuple(atom('ok'), r.value!) : atom('error');
  },
  put: (_self, k, v, m) => putIn(new Map(needMaps('put', [k, v, m], m)[0]), k, v),
  remove: (_self, k, m) => removed(needMaps('remove', [k, m], m)[0]!, k),
  take: (_self, k, m) => {
    const map = needMaps('take', [k, m], m)[0]!;
    const r = lookup(map, k);
    return r.found ? tuple(r.value!, removed(map, k)) : atom('error');
  },
  update: (_self, k, v, m) => {
    const map = needMaps('update', [k, v, m], m)[0]!;
    if (!lookup(map, k).found) throw err(tuple(atom('badkey'), k), 'update', [k, v, m]);
    return putIn(new Map(map), k, v);
  },
  keys: (_self, m) => listed(needMaps('keys', [m], m)[0]!).map(([k]) => k),
  values: (_self, m) => listed(needMaps('values', [m], m)[0]!).map(([, v]) => v),
  to_list: (_self, m) => listed(needMaps('to_list', [m], m)[0]!).map(([k, v]) => tuple(k, v)),
  from_list: (_self, l) => pairsOf(l, 'from_list', [l]).reduce((m, [k, v]) => putIn(m, k, v), new Map<Term, Term>()),
  from_keys: (_self, l, v) => {
    if (!isList(l)) throw err(BADARG, 'from_keys', [l, v]);
    return l.reduce((m: TermMap, k) => putIn(m, k, v), new Map());
  },
  merge: (_self, a, b) => {
    const [m1, m2] = needMaps('merge', [a, b], a, b);
    return entriesOf(m2!).reduce((m, [k, v]) => putIn(m, k, v), new Map(m1));
  },
  intersect: (_self, a, b) => {
    const [m1, m2] = needMaps('intersect', [a, b], a, b);
    return new Map(entriesOf(m2!).filter(([k]) => lookup(m1!, k).found));
  },
  with: (_self, ks, m) => {
    if (!isList(ks) && !(ks instanceof ImproperList)) throw err(BADARG, 'with', [ks, m]);
    const map = needMaps('with', [ks, m], m)[0]!;
    const c = cells(ks);
    const out = new Map<Term, Term>();
    for (const k of c.items) {
      const r = lookup(map, k);
      if (r.found) putIn(out, k, r.value!);
    }
    if (!isNil(c.tail)) throw clause('maps', 'with_1', [c.tail, map]);
    return out;
  },
  without: (_self, ks, m) => {
    if (!isList(ks) && !(ks instanceof ImproperList)) throw err(BADARG, 'without', [ks, m]);
    let map = needMaps('without', [ks, m], m)[0]!;
    const c = cells(ks);
    for (const k of c.items) map = removed(map, k);
    if (!isNil(c.tail)) throw clause('lists', 'foldl_1', [REMOVE, map, c.tail]); // OTP folds fun maps:remove/2 over Ks
    return map;
  },
  iterator: (_self, m) => new ImproperList([0], needMaps('iterator', [m], m)[0]!),
  next: (_self, it) => next(it),
};
