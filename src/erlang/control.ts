/**
 * The control forms of the evaluator: `case`, `if`, `receive ... after`, `try ... of ... catch
 * ... after`, `catch`, `begin ... end`, and list and binary comprehensions. Mirrors OTP 25's
 * erl_eval (`case_clauses/8`, `if_clauses/7`, `receive_clauses/8`, `try_clauses/10`,
 * `eval_lc/6`, `eval_bc/6`): the same errors (`{case_clause, V}`, `if_clause`,
 * `{try_clause, V}`, `{bad_generator, V}`, `{bad_filter, V}`) and the same scoping (a clause's
 * bindings stay visible after it; a comprehension's do not).
 */
import { patternVars } from './funs.js';
import { atom, BitBinary, isList, tuple, type Term } from '../term/types.js';
import { ErlangError, ProcessExit } from '../process/exceptions.js';
import { TIMEOUT } from '../process/mailbox.js';
import { INFINITY } from '../term/atoms.js';
import { badForm, type Expr, type Qualifier } from './ast.js';
import { BitReader } from './bits.js';
import { buildBits, type SegmentSpec } from './bits.js';
import { anyClauseMatches, compileCaseClause, compileGuards, compilePattern, compileSegments, selectClause, type CaseClause } from './match.js';
import { each, evalError, evalError2, then, type Code, type Compiler, type Env, type Rt, type Value } from './runtime.js';

/** Compiles a control form; `tail` when its value is the enclosing fun's. */
export function compileControl(e: Expr, tail: boolean, cc: Compiler): Code {
  switch (e.k) {
    case 'block':
      return cc.body(e.body, tail);
    case 'case': {
      const arg = cc.expr(e.arg, false);
      const clauses = e.clauses.map((c) => compileCaseClause(c, cc, tail));
      return (env, rt) =>
        then(arg(env, rt), (v) => {
          const c = selectClause(clauses, v, env, rt);
          if (!c) throw evalError2('case_clause', v, 'case_clauses');
          return c.body(env, rt);
        });
    }
    case 'if': {
      const clauses = e.clauses.map((c) => ({ guard: compileGuards(c.guards, cc), body: cc.body(c.body, tail) }));
      return (env, rt) => {
        for (const c of clauses) if (!c.guard || c.guard(env, rt)) return c.body(env, rt);
        throw evalError(atom('if_clause'), 'if_clauses', 7);
      };
    }
    case 'receive':
      return receive(e, tail, cc);
    case 'try':
      return tryExpr(e, cc);
    case 'catch': {
      const arg = cc.expr(e.arg, false);
      return async (env, rt) => {
        try {
          return await arg(env, rt);
        } catch (err) {
          return caught(err);
        }
      };
    }
    case 'lc':
    case 'bc':
      return comprehension(e, cc);
    default:
      throw badForm(atom(e.k));
  }
}

/** `catch Expr`'s value for an exception: a throw's value, `{'EXIT', Reason}` for an exit, `{'EXIT', {Reason, Stack}}` for an error. */
function caught(err: unknown): Term {
  const [cls, reason, stack] = classify(err);
  if (cls === THROW) return reason;
  return tuple(atom('EXIT'), cls === ERROR ? tuple(reason, stack) : reason);
}

const ERROR = atom('error'), EXIT = atom('exit'), THROW = atom('throw');

/** An exception as Erlang sees it: `[Class, Reason, Stack]`. A JS error (a bug) is class error. */
export function classify(err: unknown): [Term, Term, Term] {
  if (err instanceof ErlangError) return [ERROR, err.error, err.stacktrace];
  if (err instanceof ProcessExit) return [EXIT, err.reason, []];
  if (err instanceof Error) return [ERROR, tuple(atom('js_error'), Buffer.from(`${err.name}: ${err.message}`)), []];
  return [THROW, err as Term, []];
}

/** BEAM raises a bad `after` value in prim_eval:'receive'/2, which erl_eval:receive_clauses/8 called. */
function receiveTimeoutError(): ErlangError {
  const e = evalError(atom('timeout_value'), 'receive_clauses', 8);
  e.stacktrace.unshift(tuple(atom('prim_eval'), atom('receive'), 2, []));
  return e;
}

/** `receive Clauses after T -> Body end` on the running process's mailbox. */
function receive(e: Expr & { k: 'receive' }, tail: boolean, cc: Compiler): Code {
  const clauses = e.clauses.map((c) => compileCaseClause(c, cc, tail));
  const timeout = e.timeout && cc.expr(e.timeout, false);
  const after = cc.body(e.after.length ? e.after : [{ k: 'lit', value: atom('ok') }], tail);
  return (env, rt) =>
    then(timeout ? timeout(env, rt) : INFINITY, async (t) => {
      if (t !== INFINITY && (typeof t !== 'number' || !Number.isInteger(t) || t < 0)) throw receiveTimeoutError();
      // The match looks at each message without binding anything: the clause is chosen again once taken.
      const match = (m: Term): boolean => anyClauseMatches(clauses, m, env, rt);
      const msg = await rt.self.receive({ match, timeout: t === INFINITY ? undefined : (t as number) });
      if (msg === TIMEOUT) return after(env, rt);
      return (selectClause(clauses, msg, env, rt) as CaseClause).body(env, rt);
    });
}

/** `try Body of Clauses catch Class:Reason:Stack -> ... after After end`. */
function tryExpr(e: Expr & { k: 'try' }, cc: Compiler): Code {
  const body = cc.body(e.body, false);
  const of = e.of.map((c) => compileCaseClause(c, cc, false));
  const catches = e.catches.map((c) => compileCaseClause(c, cc, false));
  const after = e.after.length ? cc.body(e.after, false) : undefined;
  return async (env, rt) => {
    try {
      let v: Term;
      try {
        v = await body(env, rt);
      } catch (err) {
        const [cls, reason, stack] = classify(err);
        const c = selectClause(catches, tuple(cls, reason, stack), env, rt);
        if (!c) throw err;
        return await c.body(env, rt);
      }
      if (of.length === 0) return v;
      const c = selectClause(of, v, env, rt);
      if (!c) throw evalError2('try_clause', v, 'try_clauses');
      return await c.body(env, rt);
    } finally {
      if (after) await after(env, rt);
    }
  };
}

const BITSTRING: SegmentSpec = { type: 'bitstring', signed: false, endian: 'big', unit: 1 };

/** `[T || Qs]` and `<< T || Qs >>`: each solution of the qualifiers, in its own copy of the bindings. */
function comprehension(e: Expr & { k: 'lc' | 'bc' }, cc: Compiler): Code {
  const template = cc.expr(e.template, false);
  const steps = e.qualifiers.map((q) => qualifier(q, cc));
  const isBc = e.k === 'bc';
  return (env, rt) => {
    const out: Term[] = [];
    const solve = (i: number, scope: Env): void | Promise<void> => {
      if (i === steps.length) return then(template(scope, rt), (v) => void out.push(v));
      return steps[i](scope, rt, (inner) => solve(i + 1, inner));
    };
    const finish = (): Term => {
      if (!isBc) return out;
      for (const v of out) if (!Buffer.isBuffer(v) && !(v instanceof BitBinary)) throw evalError(atom('badarg'), 'eval_bc', 6);
      return buildBits(out.map((value) => ({ value, size: undefined, spec: BITSTRING })));
    };
    const r = solve(0, new Map(env));
    return r instanceof Promise ? r.then(finish) : finish();
  };
}

/** One qualifier: calls `next` once per solution with the bindings of that solution. */
type Step = (env: Env, rt: Rt, next: (env: Env) => void | Promise<void>) => void | Promise<void>;

function qualifier(q: Qualifier, cc: Compiler): Step {
  if (q.k === 'generate') {
    const source = cc.expr(q.source, false), pattern = compilePattern(q.pattern, cc), fresh = patternVars([q.pattern]);
    return (env, rt, next) =>
      then(source(env, rt), (list) => {
        if (!isList(list)) throw evalError2('bad_generator', list, 'eval_generate');
        return each(list, (x) => {
          const scope = freshScope(env, fresh);
          if (pattern(x, scope, rt, [])) return next(scope);
        });
      }) as void | Promise<void>;
  }
  if (q.k === 'b_generate') return bitGenerator(q, cc);
  return filter(q.test, cc);
}

/** `<<P>> <= Bin`: reads the pattern's segments again and again from the bits; a mismatch skips, a short read ends. */
function bitGenerator(q: Qualifier & { k: 'b_generate' }, cc: Compiler): Step {
  if (q.pattern.k !== 'bin') throw badForm(atom('b_generate'));
  const source = cc.expr(q.source, false), read = compileSegments(q.pattern.segments, cc), fresh = patternVars([q.pattern]);
  return (env, rt, next) =>
    then(source(env, rt), (bits) => {
      if (!Buffer.isBuffer(bits) && !(bits instanceof BitBinary)) throw evalError2('bad_generator', bits, 'eval_b_generate');
      const reader = new BitReader(bits);
      const solutions: Env[] = [];
      while (!reader.done) {
        const scope = freshScope(env, fresh);
        const r = read(reader, scope, rt, []);
        if (r === 'short') break;
        if (r === 'match') solutions.push(scope);
      }
      return each(solutions, next);
    }) as void | Promise<void>;
}

/** A solution's bindings: the generator's pattern variables are new ones, shadowing outer bindings (Erlang's rule). */
function freshScope(env: Env, fresh: readonly string[]): Env {
  const scope = new Map(env);
  for (const name of fresh) scope.delete(name);
  return scope;
}

/**
 * A filter: a guard test is evaluated as a guard (an exception is false); any other expression
 * must give a boolean, else `{bad_filter, V}` (erl_eval's `eval_filter/6`).
 */
function filter(test: Expr, cc: Compiler): Step {
  let guard: ((env: Env, rt: Rt) => boolean) | undefined;
  try {
    guard = compileGuards([[test]], cc);
  } catch {
    guard = undefined; // not a guard expression
  }
  if (guard) {
    const g = guard;
    return (env, rt, next) => (g(env, rt) ? next(env) : undefined);
  }
  const code = cc.expr(test, false);
  return (env, rt, next) =>
    then(code(env, rt) as Value, (v) => {
      if (v === true) return next(env);
      if (v !== false) throw evalError2('bad_filter', v, 'eval_filter');
    }) as void | Promise<void>;
}
