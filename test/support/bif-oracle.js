// Differential checking of pure functions against real erl: a batch of calls runs in one erl
// evaluation, each giving {ok, Value} or {error, Reason, {M, F, Args}} (the top stack frame without
// its location), and the same shape is computed on noderl's side. Outcomes are compared by their
// External Term Format bytes after one decode/encode on our side, so -0.0 vs 0.0 and 1 vs 1.0
// are told apart (which =:= in OTP 25 does not do for the zeros).
import assert from 'node:assert/strict';
import { atom, decode, encode, format, tuple } from '../../dist/index.js';
import { ErlangError } from '../../dist/process/exceptions.js';

/** Erlang source for a binary literal of `bytes`. */
export function binaryLiteral(bytes) {
  return `<<${[...bytes].join(',')}>>`;
}

/**
 * Applies each `[module, fn, args]` of `calls` on erl (one evaluation) and returns their outcomes
 * as decoded terms: `{ok, V}` or `{error, Reason, {M, F, Args} | none}`, and `{throw|exit, R, none}`.
 */
export async function erlApplyAll(erl, calls) {
  const data = encode(calls.map(([m, f, args]) => tuple(atom(m), atom(f), args)));
  const src = `[try {ok, erlang:apply(M, F, A)} catch error:R:S -> {error, R, case S of [{Sm, Sf, Sa, _} | _] -> {Sm, Sf, Sa}; _ -> none end}; C:R -> {C, R, none} end || {M, F, A} <- binary_to_term(${binaryLiteral(data)})]`;
  return decode(await erl.evalTerm(src));
}

/**
 * Evaluates each Erlang expression of `exprs` (source text) on erl, after `prelude` (expressions
 * that bind variables the others use, ending in a comma), and returns the outcomes as
 * {@link erlApplyAll} (a stack frame outside `erlang` shows as `none`).
 */
export async function erlEvalAll(erl, exprs, prelude = '') {
    // Each in its own fun, so the variables one case binds are not matched by the next.
  const body = exprs.map((e) => `(fun() -> try {ok, begin ${e} end} catch error:R:S -> {error, R, case S of [{erlang = Sm, Sf, Sa, _} | _] -> {Sm, Sf, Sa}; _ -> none end}; C:R -> {C, R, none} end end)()`);
  return decode(await erl.evalTerm(`${prelude}[${body.join(',\n')}]`));
}

/** The outcome of `fn()` in the shape {@link erlApplyAll} gives. */
export function jsOutcome(fn) {
  try {
    return tuple(atom('ok'), fn());
  } catch (e) {
    if (e instanceof ErlangError) {
      const top = e.stacktrace[0];
      return tuple(atom('error'), e.error, top ? tuple(top[0], top[1], top[2]) : atom('none'));
    }
    throw e;
  }
}

/** Asserts that each outcome of `mine` has the same ETF bytes as erl's; `label(i)` names case i. */
export function assertSameOutcomes(mine, theirs, label) {
  assert.equal(mine.length, theirs.length);
  const failures = [];
  for (let i = 0; i < mine.length; i++) {
    if (!encode(mine[i]).equals(encode(theirs[i]))) {
      failures.push(`${label(i)}: noderl ${format(mine[i])}, erl ${format(theirs[i])}`);
    }
  }
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${mine.length} differ`);
}
