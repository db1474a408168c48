/**
 * Unicode chardata as OTP 25's `string` module sees it (lib/stdlib/src/string.erl over
 * unicode_util.erl): a binary (UTF-8), a list of code points, or a deep mix of both, read as code
 * points and as grapheme clusters (`Intl.Segmenter`, UAX #29, as `unicode_util:gc/1`). Results go
 * back in the input's kind: a binary for a binary, a flat list for a list.
 */
import { ImproperList, isList, type Term } from '../term/types.js';

/** What a string function's result is made of: the input's kind. */
export type Kind = 'binary' | 'list';

/** Chardata read as code points, with the kind of its top level. */
export interface Chars {
  readonly cps: number[];
  readonly kind: Kind;
}

const MAX_CP = 0x10ffff;

function pushChardata(t: Term, out: number[]): boolean {
  if (Buffer.isBuffer(t)) {
    const text = t.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(t)) return false; // not valid UTF-8
    for (const ch of text) out.push(ch.codePointAt(0)!);
    return true;
  }
  if (!isList(t)) return false;
  for (const x of t) {
    if (typeof x === 'number') {
      if (!Number.isInteger(x) || x < 0 || x > MAX_CP || (x >= 0xd800 && x <= 0xdfff)) return false;
      out.push(x);
    } else if (!pushChardata(x, out)) return false;
  }
  return true;
}

/** The code points of chardata `t`, or undefined when it is not chardata. */
export function readChars(t: Term): Chars | undefined {
  if (t instanceof ImproperList) return undefined;
  const cps: number[] = [];
  if (!pushChardata(t, cps)) return undefined;
  return { cps, kind: Buffer.isBuffer(t) ? 'binary' : 'list' };
}

/** The JS string of `cps`, built in slices: spreading a long array into one call overflows the stack. */
export function textOf(cps: readonly number[]): string {
  let text = '';
  for (let i = 0; i < cps.length; i += 8192) text += String.fromCodePoint(...cps.slice(i, i + 8192));
  return text;
}

/** `cps` as a term of kind `kind`. */
export function toKind(cps: readonly number[], kind: Kind): Term {
  return kind === 'binary' ? Buffer.from(textOf(cps), 'utf8') : [...cps];
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * A place in `text` at or after `from` where a cluster surely ends: between two ASCII characters
 * other than CR LF (UAX #29 never joins those), or after a LF (GB4); else the end.
 */
function safeCut(text: string, from: number): number {
  for (let j = Math.max(from, 1); j < text.length; j++) {
    const [a, b] = [text.charCodeAt(j - 1), text.charCodeAt(j)];
    if (a === 10 || (a < 0x80 && b < 0x80 && !(a === 13 && b === 10))) return j;
  }
  return text.length;
}

/**
 * The grapheme clusters of `cps`, each as its code points. The text goes to the segmenter in
 * pieces cut where clusters surely end: V8's segmenter slows down quadratically on long strings
 * (measured: 20,000 characters in 72 ms, 300,000 in over a minute).
 */
export function clusters(cps: readonly number[]): number[][] {
  const text = textOf(cps);
  const out: number[][] = [];
  for (let at = 0; at < text.length; ) {
    const cut = safeCut(text, at + 1024);
    for (const { segment } of segmenter.segment(text.slice(at, cut))) out.push([...segment].map((c) => c.codePointAt(0)!));
    at = cut;
  }
  return out;
}

/** The code-point offsets where clusters start, and the end: the places a match may begin or end. */
export function boundaries(cps: readonly number[]): Set<number> {
  const out = new Set<number>([0]);
  let at = 0;
  for (const c of clusters(cps)) out.add((at += c.length));
  return out;
}

/** A cluster as OTP gives one: a code point, or a list of them. */
export function clusterTerm(c: readonly number[]): Term {
  return c.length === 1 ? c[0]! : [...c];
}

/** The code-point offsets of `pattern` in `cps`, matched on cluster boundaries, left to right, not overlapping. */
export function matches(cps: readonly number[], pattern: readonly number[]): number[] {
  if (pattern.length === 0) return [];
  const edges = boundaries(cps);
  const out: number[] = [];
  for (let i = 0; i + pattern.length <= cps.length; i++) {
    if (!edges.has(i) || !edges.has(i + pattern.length)) continue;
    let j = 0;
    while (j < pattern.length && cps[i + j] === pattern[j]) j++;
    if (j === pattern.length) {
      out.push(i);
      i += pattern.length - 1;
    }
  }
  return out;
}
