/**
 * The `proplists` module a noderl node serves (OTP 25 lib/stdlib/src/proplists.erl). A property
 * is an atom `K` (short for `{K, true}`) or a tuple whose first element is the key; keys match with
 * `=:=`. A list that is not proper fails where OTP's clause does (`function_clause` in the
 * function with the tail it reached).
 */
import { atom, Atom, isList, isTuple, tuple, type Term } from '../term/types.js';
import { UNDEFINED } from '../term/atoms.js';
import { equals } from '../term/compare.js';
import { ErlangError } from '../process/exceptions.js';
import { arities, type BuiltinModule } from './registry.js';
import { cells, clause, isNil } from './cons.js';
import { mapListOrder } from '../term/map-order.js';

const isAtom = (t: Term): boolean => t instanceof Atom || typeof t === 'boolean';

/** How property `p` answers for `key`: `'atom'` (`K`), `'tuple'` (`{K, ...}`), or undefined. */
function matches(p: Term, key: Term): 'atom' | 'tuple' | undefined {
  if (isAtom(p) && p === key) return 'atom';
  if (isTuple(p) && p.length >= 1 && equals(p[0]!, key)) return 'tuple';
  return undefined;
}

/**
 * Walks `list` as OTP's `f(Key, [P|Ps], ...)` clauses do: `visit` returns true to stop; an
 * improper tail fails as `proplists:f(Key, Tail, ...extra)`.
 */
function walk(f: string, key: Term, list: Term, extra: Term[], visit: (p: Term, how: 'atom' | 'tuple' | undefined) => boolean): void {
  const c = cells(list);
  for (const p of c.items) if (visit(p, matches(p, key))) return;
  if (!isNil(c.tail)) throw clause('proplists', f, [key, c.tail, ...extra]);
}

/** `{K, true}` becomes `K`, as property/1 and compact/1 write it. */
function property1(p: Term): Term {
  return isTuple(p) && p.length === 2 && isAtom(p[0]!) && p[1] === true ? p[0]! : p;
}

function getValue(key: Term, list: Term, dflt: Term, arity: number): Term {
  let out = dflt;
  walk('get_value', key, list, arity === 3 ? [dflt] : [UNDEFINED], (p, how) => {
    if (!how) return false;
    out = how === 'atom' ? true : (p as Term[]).length === 2 ? (p as Term[])[1]! : dflt;
    return true;
  });
  return out;
}

/** The `proplists` module. */
export const proplistsModule: BuiltinModule = {
  property: arities([1, 2], (_self, a: Term, b?: Term) => {
    if (b === undefined) return property1(a);
    return isAtom(a) && b === true ? a : tuple(a, b);
  }),
  unfold: (_self, l) => {
    const c = cells(l);
    const out = c.items.map((p) => (isAtom(p) ? tuple(p, true) : p));
    if (!isNil(c.tail)) throw clause('proplists', 'unfold', [c.tail]);
    return out;
  },
  compact: (_self, l) => {
    const c = cells(l);
    if (!isNil(c.tail)) throw new ErlangError(tuple(atom('bad_generator'), c.tail), []); // [property(P) || P <- List]
    return c.items.map(property1);
  },
  lookup: (_self, key, l) => {
    let out: Term = atom('none');
    walk('lookup', key, l, [], (p, how) => (how ? ((out = how === 'atom' ? tuple(key, true) : p), true) : false));
    return out;
  },
  lookup_all: (_self, key, l) => {
    const out: Term[] = [];
    walk('lookup_all', key, l, [], (p, how) => (how && out.push(how === 'atom' ? tuple(key, true) : p), false));
    return out;
  },
  is_defined: (_self, key, l) => {
    let out = false;
    walk('is_defined', key, l, [], (_p, how) => (out = how !== undefined));
    return out;
  },
  get_value: arities([2, 3], (_self, key: Term, l: Term, dflt?: Term) => getValue(key, l, dflt ?? UNDEFINED, dflt === undefined ? 2 : 3)),
  get_all_values: (_self, key, l) => {
    const out: Term[] = [];
    walk('get_all_values', key, l, [], (p, how) => {
      if (how === 'atom') out.push(true);
      else if (how === 'tuple' && (p as Term[]).length === 2) out.push((p as Term[])[1]!);
      return false;
    });
    return out;
  },
  get_bool: (_self, key, l) => {
    let out = false;
    walk('get_bool', key, l, [], (p, how) => {
      if (!how) return false;
      out = how === 'atom' || ((p as Term[]).length === 2 && (p as Term[])[1] === true);
      return true;
    });
    return out;
  },
  get_keys: (_self, l) => {
    const c = cells(l);
    const keys: Term[] = [];
    for (const p of c.items) {
      const k = isAtom(p) ? p : isTuple(p) && p.length >= 1 ? p[0]! : undefined;
      if (k !== undefined && !keys.some((o) => equals(o, k))) keys.push(k);
    }
    if (!isNil(c.tail)) throw clause('proplists', 'get_keys', [c.tail, atom('sets')]);
    return keys;
  },
  delete: (_self, key, l) => {
    const out: Term[] = [];
    walk('delete', key, l, [], (p, how) => (how || out.push(p), false));
    return out;
  },
  from_map: (_self, m) => {
    if (!(m instanceof Map)) throw new ErlangError(tuple(atom('badmap'), m), []);
    return mapListOrder([...m]).map(([k, v]) => tuple(k, v)); // maps:to_list/1
  },
  to_map: (_self, l) => {
    if (!isList(l)) throw new ErlangError(atom('function_clause'), []);
    const out = new Map<Term, Term>();
    // lists:foldr over the list: the first occurrence of a key wins.
    for (let i = l.length - 1; i >= 0; i--) {
      const p = l[i]!;
      if (isTuple(p) && p.length === 2) setKey(out, p[0]!, p[1]!);
      else if (isTuple(p) && p.length >= 1) deleteKey(out, p[0]!);
      else if (isAtom(p)) setKey(out, p, true);
    }
    return out;
  },
};

function setKey(m: Map<Term, Term>, k: Term, v: Term): void {
  deleteKey(m, k);
  m.set(k, v);
}

function deleteKey(m: Map<Term, Term>, k: Term): void {
  for (const key of m.keys()) if (equals(key, k)) m.delete(key);
}
