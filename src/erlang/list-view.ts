/**
 * Lists the evaluator holds without copying them. Proper lists are JS arrays, so the tail of one
 * (`[H | T]` in a pattern) or a list with one more element in front (`[H | T]` in an expression)
 * would be a copy of the whole rest: recursion over a list written in a shell fun would be
 * quadratic. Inside the evaluator such a list is a {@link ListView} instead: the elements of an
 * array from an index, then what follows. A view lives only where the evaluator alone looks at
 * it (the arguments of a call to an evaluator fun, the variables its clause heads bind, the value
 * it returns to another evaluator call); everything else gets {@link force}'s plain term, built
 * once per view.
 */
import { ImproperList, isList, type Term } from '../term/types.js';

/** `items[start..]` (never empty), then `rest`: a list, another view, or an improper tail. */
export class ListView {
  /** The plain list, once something needed it. */
  private plain: Term | undefined;

  constructor(
    readonly items: readonly Term[],
    readonly start: number,
    readonly rest: Term | ListView,
  ) {}

  /** The list as a term: an array, or an ImproperList when it does not end in `[]`. */
  force(): Term {
    if (this.plain !== undefined) return this.plain;
    const out: Term[] = [];
    let cur: Term | ListView = this;
    while (cur instanceof ListView && cur.plain === undefined) {
      for (let i = cur.start; i < cur.items.length; i++) out.push(cur.items[i]!);
      cur = cur.rest;
    }
    let end: Term = cur instanceof ListView ? cur.plain! : cur;
    if (isList(end)) {
      for (const e of end) out.push(e);
      end = [];
    } else if (end instanceof ImproperList) {
      for (const e of end.elements) out.push(e);
      end = end.tail;
    }
    this.plain = isList(end) ? out : new ImproperList(out, end);
    return this.plain;
  }
}

/** A term the evaluator may hold: a plain term or a view. */
export type Held = Term | ListView;

/** `v` as a plain term. */
export function force(v: Held): Term {
  return v instanceof ListView ? v.force() : v;
}

/** `[heads... | tail]` without copying `tail` (`heads` is not empty). */
export function prepend(heads: readonly Term[], tail: Held): ListView {
  return new ListView(heads, 0, tail);
}

/**
 * The first `k` elements of the list `v` and what follows them (a view when `lazy`, else a plain
 * term), or undefined when `v` is not a list of at least `k` elements.
 */
export function splitList(v: Held, k: number, lazy: boolean): { heads: Term[]; rest: Held } | undefined {
  let items: readonly Term[], i: number, rest: Held;
  if (v instanceof ListView) [items, i, rest] = [v.items, v.start, v.rest];
  else if (isList(v)) [items, i, rest] = [v, 0, []];
  else if (v instanceof ImproperList) [items, i, rest] = [v.elements, 0, v.tail];
  else return undefined;
  const heads: Term[] = [];
  while (heads.length < k) {
    if (i < items.length) {
      heads.push(items[i++]!);
      continue;
    }
    if (rest instanceof ListView) [items, i, rest] = [rest.items, rest.start, rest.rest];
    else if (isList(rest) && rest.length > 0) [items, i, rest] = [rest, 0, []];
    else if (rest instanceof ImproperList) [items, i, rest] = [rest.elements, 0, rest.tail];
    else return undefined;
  }
  const after: Held = i < items.length ? new ListView(items, i, rest) : rest;
  return { heads, rest: lazy ? after : force(after) };
}

/** Replaces the views among `env`'s values by their terms, before code outside the evaluator reads it. */
export function forceBindings(env: Map<string, Term>): void {
  for (const [name, v] of env) if ((v as Held) instanceof ListView) env.set(name, (v as unknown as ListView).force());
}
