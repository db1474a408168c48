/**
 * Shell funs from a BEAM node: an `erl_eval` closure arrives as a NEW_FUN_EXT whose one free
 * variable is erl_eval's Info (OTP 25's `erl_eval:expr({'fun', ...})`):
 * `{Anno, Bindings, Lf, Ef, FUVs, Clauses}`, `{Anno, Bs, Lf, Ef, FUVs, Cs, Name}` for a named fun,
 * and OTP ≤ 24's `{Bs, Lf, Ef, Cs}` / `{Bs, Lf, Ef, Cs, Name}`. Reading it gives an
 * {@link EvalFun}; the reading is cached per fun value, so a fun called a million times is read once.
 * Lf and Ef (the shell's local and external function handlers, `shell`-module funs) cannot run
 * here: local calls are BIFs or undef, as with erl_eval's `none`.
 */
import { learnLayout } from './erl-eval-layout.js';
import { Atom, atom, ErlFun, isList, isTuple, tuple, type Term } from '../term/types.js';
import { ErlangError } from '../process/exceptions.js';
import { readClauses } from './ast.js';
import { compileFunClauses, EvalFun } from './funs.js';
import type { Compiler, Env } from './runtime.js';

const ERL_EVAL = atom('erl_eval');
const adopted = new WeakMap<ErlFun, EvalFun | null>();

/**
 * The evaluator fun for `fun` when it is an `erl_eval` closure (undefined for any other closure:
 * a BEAM module's fun, which this node cannot run). A malformed Info raises `{badfun, Fun}`.
 */
export function adoptShellFun(fun: ErlFun, cc: Compiler): EvalFun | undefined {
  if (fun instanceof EvalFun) return fun;
  const known = adopted.get(fun);
  if (known !== undefined) return known ?? undefined;
  const made = fun.module === ERL_EVAL && fun.freeVars.length === 1 ? fromInfo(fun, fun.freeVars[0], cc) : null;
  adopted.set(fun, made);
  return made ?? undefined;
}

function fromInfo(fun: ErlFun, info: Term, cc: Compiler): EvalFun {
  if (!isTuple(info)) throw badInfo(fun);
  let bindings: Term, clauses: Term, name: Term | undefined;
  switch (info.length) {
    case 4: // OTP ≤ 24: {Bs, Lf, Ef, Cs}
    case 5: // {Bs, Lf, Ef, Cs, Name}
      [bindings, , , clauses, name] = info;
      break;
    case 6: // OTP 25+: {Anno, Bs, Lf, Ef, FUVs, Cs}
    case 7: // {Anno, Bs, Lf, Ef, FUVs, Cs, Name}
      [, bindings, , , , clauses, name] = info;
      break;
    default:
      throw badInfo(fun);
  }
  if (name !== undefined && !(name instanceof Atom)) throw badInfo(fun);
  const cs = readClauses(clauses);
  const arity = cs.length ? cs[0].patterns.length : -1;
  if (arity !== fun.arity || cs.some((c) => c.patterns.length !== arity)) throw badInfo(fun);
  const def = { clauses: compileFunClauses(cs, cc), arity, name: name?.name, form: clauses as Term[] };
  learnLayout(fun, name !== undefined);
  return new EvalFun(def, envOf(bindings, fun), fun.pid);
}

/** Bindings as erl_eval keeps them: an orddict `[{'X', V}]`, or a map `#{'X' => V}`. */
function envOf(bindings: Term, fun: ErlFun): Env {
  const env: Env = new Map();
  const pairs: [Term, Term][] = bindings instanceof Map ? [...bindings] : isList(bindings) ? bindings.map((b) => (isTuple(b) && b.length === 2 ? [b[0], b[1]] : [0, 0])) : [];
  if (!(bindings instanceof Map) && !isList(bindings)) throw badInfo(fun);
  for (const [k, v] of pairs) {
    if (!(k instanceof Atom)) throw badInfo(fun);
    env.set(k.name, v);
  }
  return env;
}

function badInfo(fun: ErlFun): ErlangError {
  return new ErlangError(tuple(atom('badfun'), fun), []);
}
