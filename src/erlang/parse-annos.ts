/**
 * Annotations of tokens and abstract forms as erl_parse (OTP 25) reads them: erl_anno:location/1,
 * text/1 and end_location/1, and erl_parse's first_anno/1 and last_anno/1, which give a match, a
 * call, a clause or a list cell the annotation of its leftmost (or rightmost) part.
 */
import { Atom, isList, isTuple, tuple, type Term } from '../term/types.js';
import { compare } from '../term/compare.js';
import { deepChars } from './token-text.js';

/** An annotation's property list entry (`[{text, T}, {location, L}]` when scanned with `text`). */
function annoProperty(anno: Term, key: string): Term | undefined {
  if (!isList(anno)) return undefined;
  for (const p of anno) {
    if (isTuple(p) && p.length === 2 && p[0] instanceof Atom && p[0].name === key) return p[1];
  }
  return undefined;
}

/** erl_anno:location/1: a line, or `{Line, Column}`. */
export function annoLocation(anno: Term): Term {
  if (isList(anno)) return annoProperty(anno, 'location') ?? 0;
  return anno;
}

/** erl_anno:text/1: the token's source text, when it was scanned with the `text` option. */
export function annoText(anno: Term): string | undefined {
  const text = annoProperty(anno, 'text');
  return text === undefined ? undefined : deepChars(text);
}

/** erl_anno:end_location/1: where the token's text ends, or undefined without text. */
export function annoEndLocation(anno: Term): Term | undefined {
  const text = annoText(anno);
  if (text === undefined) return undefined;
  const loc = annoLocation(anno);
  const lines = text.split('\n');
  const line = lineOf(loc) + lines.length - 1;
  if (!isTuple(loc)) return line;
  const last = Array.from(lines[lines.length - 1]).length;
  return tuple(line, lines.length === 1 ? (loc[1] as number) + last : last + 1);
}

function lineOf(loc: Term): number {
  return (isTuple(loc) ? loc[0] : loc) as number;
}

/**
 * erl_parse:loc_lte/2: a bare line counts as `{Line, 1}`; anything else compares in term order
 * (last_anno/1 hands it whole annotations, text and all, and erl compares those as terms).
 */
function locLte(a: Term, b: Term): boolean {
  const x = typeof a === 'number' ? tuple(a, 1) : a;
  const y = typeof b === 'number' ? tuple(b, 1) : b;
  return compare(x, y) <= 0;
}

const STOP = Symbol('stop');

/**
 * Visits the annotations of an abstract form in erl_parse:modify_anno1/3's order (a node's own
 * annotation, then its parts left to right; a binary element's type list is not visited).
 */
function visitAnnos(node: Term, visit: (anno: Term) => void): void {
  if (isList(node)) {
    for (const e of node) visitAnnos(e, visit);
    return;
  }
  if (!isTuple(node) || node.length < 2) return;
  const tag = node[0] instanceof Atom ? node[0].name : '';
  if (tag === 'function') {
    if (node.length === 4) for (let i = 1; i < 4; i++) visitAnnos(node[i], visit);
    return;
  }
  if (tag === 'clauses' && node.length === 2) return visitAnnos(node[1], visit);
  if (node.length > 6) return;
  visit(node[1]);
  const last = tag === 'bin_element' ? 4 : node.length;
  for (let i = 2; i < last; i++) visitAnnos(node[i], visit);
}

/** erl_parse:first_anno/1: the annotation of the leftmost part, walking while locations do not grow. */
export function firstAnno(node: Term): Term {
  let acc = (node as Term[])[1];
  try {
    visitAnnos(node, (anno) => {
      if (!locLte(annoLocation(anno), annoLocation(acc))) throw STOP;
      acc = anno;
    });
  } catch (e) {
    if (e !== STOP) throw e;
  }
  return acc;
}

/** erl_parse:last_anno/1: the greatest annotation, moved to its text's end when it has text. */
export function lastAnno(node: Term): Term {
  let acc: Term | undefined;
  visitAnnos(node, (anno) => {
    if (acc === undefined || !locLte(anno, acc)) acc = anno;
  });
  const anno = acc as Term;
  const end = annoEndLocation(anno);
  if (end === undefined) return anno;
  return (anno as Term[]).map((p) => (isTuple(p) && p[0] instanceof Atom && p[0].name === 'location' ? tuple(p[0], end) : p));
}
