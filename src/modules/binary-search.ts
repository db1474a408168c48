/**
 * The searching half of the `binary` module (OTP 25 lib/stdlib/src/binary.erl over
 * erts/emulator/beam/erl_bif_binary.c): patterns (one binary, a list of them, or what
 * `compile_pattern/1` made), `match/2,3`, `matches/2,3`, `split/2,3` and `replace/3,4`, with the
 * `{scope, {Start, Length}}`, `global`, `trim`, `trim_all` and `{insert_replaced, N}` options.
 * Several patterns match as erl_bif_binary.c's Aho-Corasick does: leftmost first, and the longest
 * of those starting there.
 */
import { atom, isList, isTuple, Ref, tuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { callError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';

const [BM, AC, SCOPE, GLOBAL, TRIM, TRIM_ALL, INSERT_REPLACED, NOMATCH] = ['bm', 'ac', 'scope', 'global', 'trim', 'trim_all', 'insert_replaced', 'nomatch'].map(atom);

/**
 * The patterns behind the `{bm, Ref}` / `{ac, Ref}` terms compile_pattern/1 made, by their ref:
 * like BEAM's magic refs, they are good on this node for as long as the term lives.
 */
const compiled = new WeakMap<Ref, Buffer[]>();

/** A match: its byte offset and length. */
type Match = [number, number];

/** Thrown inside a function of this module when its arguments are wrong: the caller raises badarg. */
class Bad extends Error {}
/** Gives up on a wrong argument: {@link orBadarg} turns it into badarg. */
export const bad = (): never => {
  throw new Bad();
};

/** Runs `f` as `binary:Name(Args)`: any wrong argument is badarg with that stack entry. */
export function orBadarg<T>(name: string, args: Term[], f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Bad) throw callError(BADARG, 'binary', name, args);
    throw e;
  }
}

/** A pattern argument: a non-empty binary, a non-empty list of them, or a compiled pattern. */
function patterns(p: Term): Buffer[] {
  if (Buffer.isBuffer(p)) return p.length > 0 ? [p] : bad();
  if (isList(p)) return p.length > 0 && p.every((b) => Buffer.isBuffer(b) && b.length > 0) ? (p as Buffer[]) : bad();
  if (isTuple(p) && p.length === 2 && (p[0] === BM || p[0] === AC) && p[1] instanceof Ref) return compiled.get(p[1]) ?? bad();
  return bad();
}

/** `compile_pattern(P)`: `{bm, Ref}` for one binary, `{ac, Ref}` for several, as OTP 25 tags them. */
export function compilePattern(self: Process, p: Term): Term {
  return orBadarg('compile_pattern', [p], () => {
    if (isTuple(p)) bad(); // an already compiled pattern is not a pattern to compile
    const ps = patterns(p);
    const ref = self.makeRef();
    compiled.set(ref, ps.map((b) => Buffer.from(b)));
    return tuple(ps.length === 1 ? BM : AC, ref);
  });
}

/** The `{scope, {Start, Length}}` of `opts` (a negative length reaching back), as [from, to); the whole subject without one. */
function scopeOf(subject: Buffer, scope: Term | undefined): [number, number] {
  if (scope === undefined) return [0, subject.length];
  if (!isTuple(scope) || scope.length !== 2) return bad();
  const [s, l] = scope;
  if (typeof s !== 'number' || typeof l !== 'number' || !Number.isInteger(s) || !Number.isInteger(l)) return bad();
  const [from, to] = l >= 0 ? [s, s + l] : [s + l, s];
  return from < 0 || to > subject.length ? bad() : [from, to];
}

/** Options of match/3 and matches/3: `[{scope, {S, L}}]` only (the last one counts). */
function matchScope(subject: Buffer, opts: Term): [number, number] {
  if (!isList(opts)) return bad();
  let scope: Term | undefined;
  for (const o of opts) {
    if (isTuple(o) && o.length === 2 && o[0] === SCOPE) scope = o[1];
    else bad();
  }
  return scopeOf(subject, scope);
}

/**
 * Finds matches of several patterns in `subject[from, to)` left to right: each pattern's next
 * occurrence is remembered, and looked for again only once the search has passed it, so finding
 * every match costs one scan per pattern.
 */
class Searcher {
  private readonly window: Buffer;
  private readonly next: number[];

  constructor(
    subject: Buffer,
    private readonly ps: Buffer[],
    from: number,
    to: number,
  ) {
    this.window = subject.subarray(0, to);
    this.next = ps.map(() => from - 1);
  }

  /** The leftmost match starting at `at` or after, the longest of those starting there. */
  first(at: number): Match | undefined {
    let best: Match | undefined;
    this.ps.forEach((p, i) => {
      if (this.next[i]! < at) {
        const found = this.window.indexOf(p, at);
        this.next[i] = found >= 0 ? found : Infinity;
      }
      const pos = this.next[i]!;
      if (pos !== Infinity && (!best || pos < best[0] || (pos === best[0] && p.length > best[1]))) best = [pos, p.length];
    });
    return best;
  }
}

function firstMatch(subject: Buffer, ps: Buffer[], from: number, to: number): Match | undefined {
  return new Searcher(subject, ps, from, to).first(from);
}

/** Every match, left to right, none overlapping. */
function allMatches(subject: Buffer, ps: Buffer[], from: number, to: number): Match[] {
  const searcher = new Searcher(subject, ps, from, to);
  const out: Match[] = [];
  for (let m = searcher.first(from); m; m = searcher.first(m[0] + m[1])) out.push(m);
  return out;
}

const subjectOf = (s: Term): Buffer => (Buffer.isBuffer(s) ? s : bad());
const matchTerm = ([at, len]: Match): Term => tuple(at, len);

/** `match(Subject, Pattern, Options)`: `{Pos, Len}` or `nomatch`. */
export function match(subject: Term, pattern: Term, opts: Term = []): Term {
  const s = subjectOf(subject);
  const ps = patterns(pattern);
  const m = firstMatch(s, ps, ...matchScope(s, opts));
  return m ? matchTerm(m) : NOMATCH;
}

/** `matches(Subject, Pattern, Options)`: every `{Pos, Len}`. */
export function matches(subject: Term, pattern: Term, opts: Term = []): Term {
  const s = subjectOf(subject);
  return allMatches(s, patterns(pattern), ...matchScope(s, opts)).map(matchTerm);
}

/** The matches split/3 and replace/4 work on: every one when `global`, else the first. */
function matchesFor(s: Buffer, pattern: Term, scope: Term | undefined, global: boolean): Match[] {
  const ps = patterns(pattern);
  const [from, to] = scopeOf(s, scope);
  if (global) return allMatches(s, ps, from, to);
  const m = firstMatch(s, ps, from, to);
  return m ? [m] : [];
}

/** `split(Subject, Pattern, Options)`: the parts between matches; `trim` drops empty trailing parts, `trim_all` every empty one. */
export function split(subject: Term, pattern: Term, opts: Term = []): Term {
  const s = subjectOf(subject);
  if (!isList(opts)) return bad();
  let [scope, global, trim, trimAll] = [undefined as Term | undefined, false, false, false];
  for (const o of opts) {
    if (o === GLOBAL) global = true;
    else if (o === TRIM) trim = true;
    else if (o === TRIM_ALL) trimAll = true;
    else if (isTuple(o) && o.length === 2 && o[0] === SCOPE) scope = o[1];
    else bad();
  }
  const parts: Buffer[] = [];
  let at = 0;
  for (const [pos, len] of matchesFor(s, pattern, scope, global)) {
    parts.push(Buffer.from(s.subarray(at, pos)));
    at = pos + len;
  }
  parts.push(Buffer.from(s.subarray(at)));
  if (trimAll) return parts.filter((p) => p.length > 0);
  if (trim) while (parts.length > 0 && parts[parts.length - 1]!.length === 0) parts.pop();
  return parts;
}

/** `replace(Subject, Pattern, Replacement, Options)`; `{insert_replaced, N | [N]}` puts the matched part at those offsets of the replacement. */
export function replace(subject: Term, pattern: Term, replacement: Term, opts: Term = []): Term {
  const s = subjectOf(subject);
  if (!Buffer.isBuffer(replacement) || !isList(opts)) return bad();
  let [scope, global, insert] = [undefined as Term | undefined, false, undefined as Term | undefined];
  for (const o of opts) {
    if (o === GLOBAL) global = true;
    else if (isTuple(o) && o.length === 2 && o[0] === SCOPE) scope = o[1];
    else if (isTuple(o) && o.length === 2 && o[0] === INSERT_REPLACED) insert = o[1];
    else bad();
  }
  const found = matchesFor(s, pattern, scope, global);
  const pieces = insert === undefined ? [replacement] : splitAt(replacement, insert);
  const out: Buffer[] = [];
  let at = 0;
  for (const [pos, len] of found) {
    out.push(s.subarray(at, pos));
    const matched = s.subarray(pos, pos + len);
    pieces.forEach((piece, i) => out.push(...(i === 0 ? [piece] : [matched, piece])));
    at = pos + len;
  }
  out.push(s.subarray(at));
  return Buffer.concat(out);
}

/** The replacement cut at the insert offsets (sorted, each 0..size), as binary.erl's `splitat/3`. */
function splitAt(replacement: Buffer, insert: Term): Buffer[] {
  const offsets = typeof insert === 'number' ? [insert] : isList(insert) ? [...insert] : bad();
  if (!offsets.every((n): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= replacement.length)) bad();
  (offsets as number[]).sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let at = 0;
  for (const n of offsets as number[]) {
    pieces.push(replacement.subarray(at, n));
    at = n;
  }
  pieces.push(replacement.subarray(at));
  return pieces;
}
