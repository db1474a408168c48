/**
 * Patterns, guards and clauses (erl_eval's `match/4`, `guard/4` and `match_clause/5`), compiled
 * once into matchers. A matcher binds the variables it meets for the first time and records them
 * on a trail, so a clause that fails half-way undoes its bindings (erl_eval gets that for free by
 * returning a new orddict; a Map per activation with a trail avoids copying it per clause).
 */
import { atom, BitBinary, isList, isTuple, type Term } from '../term/types.js';
import { equals, mapGet } from '../term/compare.js';
import type { BinSegment, Clause, Expr } from './ast.js';
import { badForm } from './ast.js';
import { BitReader, segmentSpec, type SegmentSpec } from './bits.js';
import type { Code, Compiler, Env, Rt, SyncCode } from './runtime.js';
import { force, ListView, splitList, type Held } from './list-view.js';

/** Matches `v` (a view only in a fun's head), binding new variables into `env` and naming them on `trail`. */
export type Matcher = (v: Held, env: Env, rt: Rt, trail: string[]) => boolean;

/** Removes the bindings a failed match made. */
export function undo(env: Env, trail: string[]): void {
  for (const name of trail) env.delete(name);
  trail.length = 0;
}

/**
 * Compiles a pattern. `lazy` (a fun's head, which the evaluator's own calls give views): the tail
 * of a `[H | T]` pattern is bound as a view of the list rather than a copy (list-view.ts).
 */
export function compilePattern(p: Expr, cc: Compiler, lazy = false): Matcher {
  switch (p.k) {
    case 'lit': {
      const lit = p.value;
      return (v) => v === lit || (v instanceof ListView ? isList(lit) && lit.length > 0 && equals(v.force(), lit) : equals(v, lit));
    }
    case 'var':
      return varMatcher(p.name);
    case 'match': {
      const l = compilePattern(p.left, cc, lazy), r = compilePattern(p.right, cc, lazy);
      return (v, env, rt, trail) => l(v, env, rt, trail) && r(v, env, rt, trail);
    }
    case 'tuple': {
      const es = p.elements.map((e) => compilePattern(e, cc, lazy));
      const n = es.length;
      return (v, env, rt, trail) => {
        if (!isTuple(v) || v.length !== n) return false;
        for (let i = 0; i < n; i++) if (!es[i](v[i], env, rt, trail)) return false;
        return true;
      };
    }
    case 'cons':
      return consMatcher(p, cc, lazy);
    case 'map':
      return forcing(mapMatcher(p.fields, cc));
    case 'bin':
      return forcing(binMatcher(p.segments, cc));
    case 'op':
    case 'unop':
      return opPattern(p, cc, lazy);
    default:
      throw badForm(atom(p.k));
  }
}

/** A matcher of plain terms that may be handed a view. */
function forcing(m: Matcher): Matcher {
  return (v, env, rt, trail) => m(force(v), env, rt, trail);
}

function varMatcher(name: string): Matcher {
  if (name === '_') return () => true;
  return (v, env, _rt, trail) => {
    const bound = env.get(name);
    if (bound === undefined) {
      env.set(name, v as Term); // a view stays one in a fun's bindings (runtime.ts's Env)
      trail.push(name);
      return true;
    }
    return bound === v || equals(force(bound), force(v));
  };
}

/**
 * `[P1, ..., Pk | T]`: the first k elements, then the tail against the rest of the list: in a
 * fun's head a view of it, elsewhere a copy (as erl_eval's match/4 would have it, a plain term).
 */
function consMatcher(p: Expr & { k: 'cons' }, cc: Compiler, lazy: boolean): Matcher {
  const heads: Matcher[] = [];
  let tail: Expr = p;
  while (tail.k === 'cons') {
    heads.push(compilePattern(tail.head, cc, lazy));
    tail = tail.tail;
  }
  const k = heads.length;
  const rest = tail.k === 'var' && tail.name === '_' ? undefined : compilePattern(tail, cc, lazy);
  return (v, env, rt, trail) => {
    const split = splitList(v, k, lazy || rest === undefined);
    if (!split) return false;
    for (let i = 0; i < k; i++) if (!heads[i](split.heads[i], env, rt, trail)) return false;
    return !rest || rest(split.rest, env, rt, trail);
  };
}

function mapMatcher(fields: { exact: boolean; key: Expr; value: Expr }[], cc: Compiler): Matcher {
  const fs = fields.map((f) => ({ key: cc.guard(f.key), value: compilePattern(f.value, cc) }));
  return (v, env, rt, trail) => {
    if (!(v instanceof Map)) return false;
    for (const f of fs) {
      const x = mapGet(v, f.key(env, rt));
      if (x === undefined || !f.value(x, env, rt, trail)) return false;
    }
    return true;
  };
}

/** What reading a segment gave: matched, mismatched (bits read, value differs) or short (no bits for it). */
export type SegmentsResult = 'match' | 'mismatch' | 'short';

/** Reads `segments` from `reader` and matches each value: the heart of `<<...>>` patterns and `<=` generators. */
export function compileSegments(segments: readonly BinSegment[], cc: Compiler): (reader: BitReader, env: Env, rt: Rt, trail: string[]) => SegmentsResult {
  const segs = expandStrings(segments).map((s) => ({
    spec: segmentSpec(s.tsl),
    size: s.size && cc.guard(s.size),
    value: compilePattern(s.value, cc),
  }));
  return (reader, env, rt, trail) => {
    let result: SegmentsResult = 'match';
    for (const s of segs) {
      let size: number | undefined;
      if (s.size) {
        let n: Term;
        try {
          n = s.size(env, rt);
        } catch {
          return result === 'match' ? 'short' : result;
        }
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return result === 'match' ? 'short' : result;
        size = n;
      }
      const x = reader.read(s.spec, size);
      if (x === undefined) return 'short';
      if (result === 'match' && !s.value(x, env, rt, trail)) result = 'mismatch';
    }
    return result;
  };
}

function binMatcher(segments: readonly BinSegment[], cc: Compiler): Matcher {
  const read = compileSegments(segments, cc);
  return (v, env, rt, trail) => {
    if (!Buffer.isBuffer(v) && !(v instanceof BitBinary)) return false;
    const reader = new BitReader(v);
    return read(reader, env, rt, trail) === 'match' && reader.done;
  };
}

/**
 * `<<"abc">>` is `<<$a, $b, $c>>` (each character a segment of the same size and type), as
 * erl_eval expands string segments.
 */
export function expandStrings(segments: readonly BinSegment[]): BinSegment[] {
  return segments.flatMap((s) =>
    s.value.k === 'lit' && isList(s.value.value) && s.value.value.length > 0
      ? s.value.value.map((c) => ({ value: { k: 'lit', value: c } as Expr, size: s.size, tsl: s.tsl }))
      : [s],
  );
}

/** An operator in a pattern: `"abc" ++ T` (a prefix), or a constant expression such as `-1`. */
function opPattern(p: Expr & { k: 'op' | 'unop' }, cc: Compiler, lazy: boolean): Matcher {
  if (p.k === 'op' && p.op.name === '++' && p.left.k === 'lit' && isList(p.left.value)) {
    let e: Expr = p.right;
    const prefix = p.left.value;
    for (let i = prefix.length - 1; i >= 0; i--) e = { k: 'cons', head: { k: 'lit', value: prefix[i] }, tail: e };
    return compilePattern(e, cc, lazy);
  }
  const constant = cc.guard(p);
  return (v, env, rt) => equals(force(v), constant(env, rt));
}

/** A guard sequence `G1; G2` of conjunctions `T1, T2`: true when one conjunction holds; an exception is false. */
export function compileGuards(guards: readonly Expr[][], cc: Compiler): ((env: Env, rt: Rt) => boolean) | undefined {
  if (guards.length === 0) return undefined;
  const seq: SyncCode[][] = guards.map((conj) => conj.map((g) => cc.guard(g)));
  return (env, rt) => {
    for (const conj of seq) {
      try {
        if (conj.every((g) => g(env, rt) === true)) return true;
      } catch {
        // An exception in a guard makes that guard false (Erlang's rule).
      }
    }
    return false;
  };
}

/** A clause of one subject (case, receive, catch): its test and its body. */
export interface CaseClause {
  test: Matcher;
  body: Code;
}

/** Compiles a clause of `case`/`receive`/`try` (one pattern) with its guard. */
export function compileCaseClause(c: Clause, cc: Compiler, tail: boolean): CaseClause {
  if (c.patterns.length !== 1) throw badForm(atom('clause'));
  const m = compilePattern(c.patterns[0], cc);
  const g = compileGuards(c.guards, cc);
  const test: Matcher = g ? (v, env, rt, trail) => m(v, env, rt, trail) && g(env, rt) : m;
  return { test, body: cc.body(c.body, tail) };
}

/** The first clause matching `v` (its bindings made), or undefined with nothing bound. */
export function selectClause(clauses: readonly CaseClause[], v: Term, env: Env, rt: Rt): CaseClause | undefined {
  const trail: string[] = [];
  for (const c of clauses) {
    if (c.test(v, env, rt, trail)) return c;
    undo(env, trail);
  }
  return undefined;
}

/** True when some clause matches `v`; binds nothing (a receive's look at a message). */
export function anyClauseMatches(clauses: readonly CaseClause[], v: Term, env: Env, rt: Rt): boolean {
  const trail: string[] = [];
  for (const c of clauses) {
    const ok = c.test(v, env, rt, trail);
    undo(env, trail);
    if (ok) return true;
  }
  return false;
}

export type { SegmentSpec };
