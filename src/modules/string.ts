/**
 * A first part of the `string` module a noderl node serves (OTP 25 lib/stdlib/src/string.erl):
 * the Unicode-aware functions over chardata, counting grapheme clusters, and `tokens/2` of the
 * old list API. Results take the input's kind (binary in, binaries out; a list in, lists out);
 * `pad/2,3,4` and `replace/3,4` return OTP's deep chardata. Not chardata is `badarg` (OTP raises
 * a function_clause deep in unicode_util for some), `to_integer/1` and `to_float/1` answer
 * `{error, badarg}` as OTP does.
 */
import { atom, Atom, tuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { callError } from '../process/exceptions.js';
import { arities, type BuiltinModule } from './registry.js';
import { clause } from './cons.js';
import { isInteger } from './guards.js';
import { canonicalInt, floatTerm } from './numbers.js';
import { boundaries, clusters, clusterTerm, matches, readChars, textOf, toKind, type Chars } from './chardata.js';
import { casefold, lowercase, titlecase, uppercase } from './string-case.js';

const NOMATCH = atom('nomatch');
const [LEADING, TRAILING, BOTH, ALL] = ['leading', 'trailing', 'both', 'all'].map(atom) as [Atom, Atom, Atom, Atom];
/** unicode_util:whitespace(): what trim/1 removes. */
const WHITESPACE: Term = [[13, 10], 9, 10, 11, 12, 13, 32, 133, 8206, 8207, 8232, 8233];

function chars(f: string, args: Term[], t: Term): Chars {
  const c = readChars(t);
  if (!c) throw callError(BADARG, 'string', f, args);
  return c;
}

/**
 * A separator list (trim/3, lexemes/2): each element a code point or a cluster of several as a
 * list. OTP compares clusters as terms, so a one-element list (`["x"]`) matches nothing.
 */
function separators(f: string, args: Term[], seps: Term): number[][] {
  if (!Array.isArray(seps)) throw callError(BADARG, 'string', f, args);
  return seps.map((s) => (typeof s === 'number' ? [s] : chars(f, args, s).cps)).filter((s, i) => typeof seps[i] === 'number' || s.length !== 1);
}

const sameCluster = (c: readonly number[], seps: number[][]): boolean => seps.some((s) => s.length === c.length && s.every((x, i) => x === c[i]));

function trim(args: Term[], s: Term, dir: Term, seps: Term): Term {
  const c = chars('trim', args, s);
  const sep = separators('trim', args, seps);
  const cl = clusters(c.cps);
  let from = 0;
  let to = cl.length;
  if (dir === LEADING || dir === BOTH) while (from < to && sameCluster(cl[from]!, sep)) from++;
  if (dir === TRAILING || dir === BOTH) while (to > from && sameCluster(cl[to - 1]!, sep)) to--;
  if (dir !== LEADING && dir !== TRAILING && dir !== BOTH) throw clause('string', 'trim', args);
  return toKind(cl.slice(from, to).flat(), c.kind);
}

/** The offset of the rightmost match of `p` on cluster boundaries, or -1. */
function lastMatch(cps: readonly number[], p: readonly number[]): number {
  if (p.length === 0) return -1;
  const edges = boundaries(cps);
  for (let i = cps.length - p.length; i >= 0; i--) {
    if (edges.has(i) && edges.has(i + p.length) && p.every((x, j) => cps[i + j] === x)) return i;
  }
  return -1;
}

function split(args: Term[], s: Term, pattern: Term, where: Term): Term[] {
  const c = chars('split', args, s);
  const p = chars('split', args, pattern).cps;
  if (where !== LEADING && where !== TRAILING && where !== ALL) throw clause('string', 'split', args);
  const at = where === ALL ? matches(c.cps, p) : where === LEADING ? matches(c.cps, p).slice(0, 1) : [lastMatch(c.cps, p)].filter((i) => i >= 0);
  const parts: Term[] = [];
  let from = 0;
  for (const i of at) {
    parts.push(toKind(c.cps.slice(from, i), c.kind));
    from = i + p.length;
  }
  parts.push(toKind(c.cps.slice(from), c.kind));
  return parts;
}

function find(args: Term[], s: Term, pattern: Term, dir: Term): Term {
  const c = chars('find', args, s);
  const p = chars('find', args, pattern).cps;
  if (p.length === 0) return s;
  const i = dir === TRAILING ? lastMatch(c.cps, p) : matches(c.cps, p)[0] ?? -1;
  return i < 0 ? NOMATCH : toKind(c.cps.slice(i), c.kind);
}

function slice(args: Term[], s: Term, start: Term, len: Term): Term {
  const validLen = len === atom('infinity') || (isInteger(len) && len >= 0);
  if (!isInteger(start) || start < 0 || !validLen) throw clause('string', 'slice', args);
  const c = chars('slice', args, s);
  const cl = clusters(c.cps);
  const from = Math.min(Number(start), cl.length);
  const to = len === atom('infinity') ? cl.length : Math.min(cl.length, from + Number(len));
  return toKind(cl.slice(from, to).flat(), c.kind);
}

function pad(args: Term[], s: Term, length: Term, dir: Term, ch: Term): Term {
  const n = isInteger(length) ? Math.max(0, Number(length) - clusters(chars('pad', args, s).cps).length) : NaN;
  if (Number.isNaN(n) || (dir !== LEADING && dir !== TRAILING && dir !== BOTH)) throw clause('string', 'pad', args);
  const fill = (k: number): Term[] => new Array<Term>(k).fill(ch);
  if (dir === TRAILING) return [s, ...fill(n)];
  if (dir === LEADING) return [fill(n), s];
  return [fill(n >> 1), s, fill(n >> 1), ...fill(n & 1)]; // [Pre, CD, Pre | Post]
}

/** `{Number, Rest}` from the longest prefix matching `re`, as to_integer/1 and to_float/1 answer. */
function leadingNumber(s: Term, re: RegExp, make: (text: string) => Term | undefined, none: string): Term {
  const c = readChars(s);
  if (!c) return tuple(atom('error'), BADARG);
  // OTP reads clusters: a digit with a combining mark is no digit, so only single-code-point
  // clusters before the first longer one can be part of the number.
  const cl = clusters(c.cps);
  const simple = cl.findIndex((x) => x.length > 1);
  const text = textOf(cl.slice(0, simple < 0 ? cl.length : simple).flat());
  const m = re.exec(text);
  const value = m ? make(m[0]) : undefined;
  if (value === undefined) return tuple(atom('error'), atom(none)); // no number, or a float too large (OTP: no_float)
  return tuple(value, toKind(c.cps.slice(m![0].length), c.kind));
}

function lexemes(args: Term[], s: Term, seps: Term): Term[] {
  const c = chars('lexemes', args, s);
  const sep = separators('lexemes', args, seps);
  const out: Term[] = [];
  let current: number[] = [];
  for (const cl of clusters(c.cps)) {
    if (!sameCluster(cl, sep)) current.push(...cl);
    else if (current.length > 0) (out.push(toKind(current, c.kind)), (current = []));
  }
  if (current.length > 0) out.push(toKind(current, c.kind));
  return out;
}

/** The `string` module (a first part). */
export const stringModule: BuiltinModule = {
  length: (_self, s) => clusters(chars('length', [s], s).cps).length,
  is_empty: (_self, s) => chars('is_empty', [s], s).cps.length === 0,
  equal: (_self, a, b) => {
    const [x, y] = [chars('equal', [a, b], a).cps, chars('equal', [a, b], b).cps];
    return x.length === y.length && x.every((cp, i) => cp === y[i]);
  },
  lowercase: (_self, s) => mapCase('lowercase', s, lowercase),
  uppercase: (_self, s) => mapCase('uppercase', s, uppercase),
  casefold: (_self, s) => mapCase('casefold', s, casefold),
  titlecase: (_self, s) => {
    const c = chars('titlecase', [s], s);
    return c.cps.length === 0 ? s : toKind([...titlecase(c.cps[0]!), ...c.cps.slice(1)], c.kind);
  },
  trim: arities([1, 2, 3], (_self, s: Term, dir?: Term, seps?: Term) => trim([s, dir, seps].filter((x) => x !== undefined) as Term[], s, dir ?? BOTH, seps ?? WHITESPACE)),
  split: arities([2, 3], (_self, s: Term, p: Term, where?: Term) => split(where === undefined ? [s, p] : [s, p, where], s, p, where ?? LEADING)),
  replace: arities([3, 4], (_self, s: Term, p: Term, r: Term, where?: Term) => {
    const parts = split(where === undefined ? [s, p] : [s, p, where], s, p, where ?? LEADING);
    return parts.flatMap((part, i) => (i === 0 ? [part] : [r, part])); // lists:join(Replacement, split(...))
  }),
  reverse: (_self, s) => clusters(chars('reverse', [s], s).cps).reverse().map(clusterTerm),
  slice: arities([2, 3], (_self, s: Term, start: Term, len?: Term) => slice(len === undefined ? [s, start] : [s, start, len], s, start, len ?? atom('infinity'))),
  find: arities([2, 3], (_self, s: Term, p: Term, dir?: Term) => find(dir === undefined ? [s, p] : [s, p, dir], s, p, dir ?? LEADING)),
  prefix: (_self, s, p) => {
    const c = chars('prefix', [s, p], s);
    const q = chars('prefix', [s, p], p).cps;
    const ok = q.every((x, i) => c.cps[i] === x) && q.length <= c.cps.length && boundaries(c.cps).has(q.length);
    return ok ? toKind(c.cps.slice(q.length), c.kind) : NOMATCH;
  },
  pad: arities([2, 3, 4], (_self, s: Term, n: Term, dir?: Term, ch?: Term) => pad([s, n, dir, ch].filter((x) => x !== undefined) as Term[], s, n, dir ?? TRAILING, ch ?? 32)),
  to_integer: (_self, s) => leadingNumber(s, /^[+-]?[0-9]+/, (t) => canonicalInt(BigInt(t)), 'no_integer'),
  // OTP takes a comma for the decimal point as well (string:to_float("1,5") is {1.5,[]}).
  to_float: (_self, s) => leadingNumber(s, /^[+-]?[0-9]+[.,][0-9]+([eE][+-]?[0-9]+)?/, (t) => floatTerm(Number(t.replace(",", "."))), 'no_float'),
  lexemes: (_self, s, seps) => lexemes([s, seps], s, seps),
  tokens: (_self, s, seps) => {
    if (!Array.isArray(s) || !Array.isArray(seps)) throw callError(BADARG, 'string', 'tokens', [s, seps]);
    const out: Term[] = [];
    let current: Term[] = [];
    for (const x of s) {
      if (!seps.some((y) => y === x)) current.push(x);
      else if (current.length > 0) (out.push(current), (current = []));
    }
    if (current.length > 0) out.push(current);
    return out;
  },
};

function mapCase(f: string, s: Term, map: (cp: number) => number[]): Term {
  const c = readChars(s);
  if (!c) throw callError(tuple(BADARG, s), 'string', f, [s]);
  return toKind(c.cps.flatMap(map), c.kind);
}
