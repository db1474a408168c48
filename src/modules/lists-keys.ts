/**
 * The `lists` functions over lists of tuples by key position (OTP 25 lib/stdlib/src/lists.erl):
 * keyfind/3, keymember/3 and keysearch/3 (BIFs: `badarg` with their arguments), keydelete/3,
 * keyreplace/4, keystore/4, keytake/3 (guarded clauses: `function_clause` where they fail).
 * Keys compare with `==`, as OTP's `element(N, H) == Key` guards and the BIFs do.
 */
import { atom, isTuple, tuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { compare } from '../term/compare.js';
import { bifError, type ErlangError } from '../process/exceptions.js';
import type { BuiltinModule } from './registry.js';
import { cells, clause, cons, isNil, restOf, type Cells } from './cons.js';
import { isInteger } from './guards.js';

const VALUE = atom('value');
const fc = (f: string, ...args: Term[]): ErlangError => clause('lists', f, args);

function hasKey(t: Term, key: Term, n: number): boolean {
  return isTuple(t) && t.length >= n && compare(t[n - 1]!, key) === 0;
}

/** The BIFs' search: the index of the first tuple with the key, -1 when none; badarg as the BIF raises it. */
function bifFind(name: string, key: Term, n: Term, l: Term): { c: Cells; i: number } {
  const c = cells(l);
  if (!isInteger(n) || n < 1) throw bifError(BADARG, 'lists', name, [key, n, l]);
  const i = c.items.findIndex((t) => hasKey(t, key, Number(n)));
  if (i < 0 && !isNil(c.tail)) throw bifError(BADARG, 'lists', name, [key, n, l]);
  return { c, i };
}

/** The guarded functions' search: function_clause as `helper(Key, N, Tail, ...)` on an improper list. */
function guardedFind(helper: string, key: Term, n: number, l: Term, extra: (c: Cells) => Term[]): { c: Cells; i: number } {
  const c = cells(l);
  const i = c.items.findIndex((t) => hasKey(t, key, n));
  if (i < 0 && !isNil(c.tail)) throw fc(helper, key, n, c.tail, ...extra(c));
  return { c, i };
}

const positive = (n: Term): boolean => isInteger(n) && n > 0;

/** The key functions, to spread into `lists`. */
export const listsKeys: BuiltinModule = {
  keyfind: (_self, key, n, l) => {
    const { c, i } = bifFind('keyfind', key, n, l);
    return i < 0 ? false : c.items[i]!;
  },
  keymember: (_self, key, n, l) => bifFind('keymember', key, n, l).i >= 0,
  keysearch: (_self, key, n, l) => {
    const { c, i } = bifFind('keysearch', key, n, l);
    return i < 0 ? false : tuple(VALUE, c.items[i]!);
  },
  keydelete: (_self, key, n, l) => {
    if (!positive(n)) throw fc('keydelete', key, n, l);
    const { c, i } = guardedFind('keydelete3', key, Number(n), l, () => []);
    return i < 0 ? l : cons(c.items.slice(0, i), restOf(c, i + 1));
  },
  keyreplace: (_self, key, n, l, t) => {
    if (!positive(n) || !isTuple(t)) throw fc('keyreplace', key, n, l, t);
    const { c, i } = guardedFind('keyreplace3', key, Number(n), l, () => [t]);
    return i < 0 ? l : cons([...c.items.slice(0, i), t], restOf(c, i + 1));
  },
  keystore: (_self, key, n, l, t) => {
    if (!positive(n) || !isTuple(t)) throw fc('keystore', key, n, l, t);
    const { c, i } = guardedFind('keystore2', key, Number(n), l, () => [t]);
    return i < 0 ? [...c.items, t] : cons([...c.items.slice(0, i), t], restOf(c, i + 1));
  },
  keytake: (_self, key, n, l) => {
    if (!positive(n)) throw fc('keytake', key, n, l);
    const { c, i } = guardedFind('keytake', key, Number(n), l, (cs) => [[...cs.items].reverse()]);
    return i < 0 ? false : tuple(VALUE, c.items[i]!, cons(c.items.slice(0, i), restOf(c, i + 1)));
  },
};
