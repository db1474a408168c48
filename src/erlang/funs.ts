/**
 * Funs the evaluator runs: {@link EvalFun} (an `erl_eval` closure: made here by a `fun` expression,
 * or read from one a BEAM node sent), its clauses, and the call trampoline. A call in tail position
 * comes back as a {@link TailCall} and this loop runs it, so `fun L(0) -> ok; L(N) -> L(N-1) end`
 * iterates a million times in constant JS stack, as BEAM's last call optimisation does.
 * Mirrors erl_eval's `eval_fun/8` and `eval_named_fun/10` (OTP 25).
 */
import { encodeFunFields } from '../term/term-reader.js';
import { layoutFor } from './erl-eval-layout.js';
import { atom, ErlFun, Pid, tuple, type Term } from '../term/types.js';
import { ErlangError } from '../process/exceptions.js';
import type { Clause, Expr } from './ast.js';
import { compileGuards, compilePattern, undo, type Matcher } from './match.js';
import { force } from './list-view.js';
import { TailCall, type Code, type Compiler, type Env, type Rt, type Value } from './runtime.js';

/** A compiled fun clause: its head test (patterns, then guard) and its body, run in tail position. */
interface FunClause {
  test: (args: Term[], env: Env, rt: Rt, trail: string[]) => boolean;
  /** The head's variables: they shadow an outer binding of the same name (Erlang's fun-head rule). */
  headVars: string[];
  body: Code;
}

/** A fun expression compiled once: every fun value it makes shares this. */
export interface FunDef {
  clauses: FunClause[];
  arity: number;
  /** A named fun's name, bound to the fun itself inside its body. */
  name: string | undefined;
  /** The clauses in abstract format (`erlang:fun_info(F, env)`, and what encoding it for BEAM needs). */
  form: Term[];
}

const ERL_EVAL = atom('erl_eval');
const NO_UNIQ = Buffer.alloc(16);

/**
 * A closure of the evaluator: its compiled clauses and the bindings it closed over. It is an
 * `ErlFun` of module `erl_eval`, so it passes wherever a fun does (`lists:map/2`, a message to a
 * process of this node), and it travels to a BEAM node as an erl_eval fun whose Info carries its
 * clauses and bindings (src/erlang/erl-eval-layout.ts).
 */
export class EvalFun extends ErlFun {
  constructor(
    readonly def: FunDef,
    /** The bindings it closed over (a snapshot: later bindings of the creator are not seen). */
    readonly env: Env,
    creator: Pid,
  ) {
    super(Buffer.alloc(0), ERL_EVAL, def.arity, 0, NO_UNIQ, 0, 0, creator, []);
    // Its bytes, made when it is first sent: an erl_eval fun in the layout learned from the funs
    // BEAM nodes sent (src/erlang/erl-eval-layout.ts), so a BEAM node can call it.
    let bytes: Buffer | undefined;
    Object.defineProperty(this, 'bytes', {
      get: () => (bytes ??= this.encodeAsErlEval()),
    });
    // Free variables as erl_eval has them: [{Anno, Bindings, Lf, Ef, FUVs, Clauses}], built when asked (compare, format).
    Object.defineProperty(this, 'freeVars', { get: () => [infoOf(def, env)] });
  }

  /** NEW_FUN_EXT of an erl_eval fun carrying this fun's Info (a zero Uniq when no layout is known yet: it travels, and calling it on BEAM is badfun). */
  private encodeAsErlEval(): Buffer {
    const layout = layoutFor(this.def.arity, this.def.name !== undefined);
    return encodeFunFields(this.def.arity, layout?.uniq ?? NO_UNIQ, layout?.index ?? 0, ERL_EVAL, layout?.oldIndex ?? 0, layout?.oldUniq ?? 0, this.pid, this.freeVars);
  }
}

/** OTP 25's Info tuple for a fun: `{Anno, Bindings, none, none, #{}, Clauses}` (+ Name for a named fun). */
function infoOf(def: FunDef, env: Env): Term {
  const bindings = [...env].filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => tuple(atom(k), force(v)));
  const none = atom('none');
  const head = [1, bindings, none, none, new Map(), def.form] as Term[];
  return def.name === undefined ? tuple(...head) : tuple(...head, atom(def.name));
}

/** Compiles fun clauses (heads with several patterns, guards, bodies in tail position). */
export function compileFunClauses(clauses: readonly Clause[], cc: Compiler): FunClause[] {
  return clauses.map((c) => {
    const ms: Matcher[] = c.patterns.map((p) => compilePattern(p, cc, true));
    const g = compileGuards(c.guards, cc);
    const n = ms.length;
    const test = (args: Term[], env: Env, rt: Rt, trail: string[]): boolean => {
      for (let i = 0; i < n; i++) if (!ms[i](args[i], env, rt, trail)) return false;
      return g === undefined || g(env, rt);
    };
    return { test, headVars: patternVars(c.patterns), body: cc.body(c.body, true) };
  });
}

/** The variables of patterns (each once): the names a fun head or a generator binds afresh. */
export function patternVars(patterns: readonly Expr[]): string[] {
  return [...new Set(patterns.flatMap(varsOf))];
}

function varsOf(e: unknown): string[] {
  if (typeof e !== 'object' || e === null) return [];
  const node = e as { k?: string; name?: unknown };
  if (node.k === 'var' && typeof node.name === 'string') return node.name === '_' ? [] : [node.name];
  if (node.k === 'lit') return [];
  return Object.values(node).flatMap((x) => (Array.isArray(x) ? x.flatMap(varsOf) : varsOf(x)));
}

/**
 * How many evaluator calls may nest on the JS stack. A body call (`1 + F(N - 1)`) takes about a
 * dozen JS frames, and V8's stack ends near a thousand of them; past this depth the call is resumed
 * from a microtask, whose stack is empty, so body recursion is bounded by memory as on BEAM.
 * One module-wide counter suffices: JS runs one stack at a time and unwinds it before microtasks.
 */
const MAX_SYNC_DEPTH = 200;
let depth = 0;

/** Calls an evaluator fun with `args` (arity checked by the caller), running tail calls in a loop. */
export function callFun(fun: EvalFun, args: Term[], rt: Rt): Value {
  if (depth >= MAX_SYNC_DEPTH) return Promise.resolve().then(() => callFun(fun, args, rt));
  depth++;
  try {
    for (;;) {
      const r = enter(fun, args, rt);
      if (r instanceof TailCall) {
        ({ fun, args } = next(r, rt));
        continue;
      }
      if (r instanceof Promise) return drive(r, rt);
      return r;
    }
  } finally {
    depth--;
  }
}

/** The trampoline once the fun has waited (a receive, a remote call): constant stack and memory. */
async function drive(p: Promise<Term>, rt: Rt): Promise<Term> {
  let r: Term | TailCall = await p;
  while (r instanceof TailCall) {
    const { fun, args } = next(r, rt);
    const v = enter(fun, args, rt);
    r = v instanceof Promise ? await v : v;
  }
  return r;
}

/** A tail call's callee: an evaluator fun of the right arity (the compiler only makes such TailCalls). */
function next(r: TailCall, _rt: Rt): { fun: EvalFun; args: Term[] } {
  return { fun: r.fun as EvalFun, args: r.args };
}

/** Runs the first clause whose head matches; `function_clause` when none does. */
function enter(fun: EvalFun, args: Term[], rt: Rt): Value | TailCall {
  const def = fun.def;
  const env = new Map(fun.env);
  if (def.name !== undefined) env.set(def.name, fun);
  const trail: string[] = [];
  for (const c of def.clauses) {
    const shadowed = shadow(env, c.headVars);
    if (c.test(args, env, rt, trail)) return c.body(env, rt);
    undo(env, trail);
    if (shadowed) for (const [k, v] of shadowed) env.set(k, v);
  }
  throw new ErlangError(atom('function_clause'), [tuple(ERL_EVAL, atom('-inside-an-interpreted-fun-'), args.map(force), [])]);
}

function shadow(env: Env, names: string[]): [string, Term][] | undefined {
  let saved: [string, Term][] | undefined;
  for (const name of names) {
    const v = env.get(name);
    if (v !== undefined) {
      (saved ??= []).push([name, v]);
      env.delete(name);
    }
  }
  return saved;
}

/** `{badarity, {Fun, Args}}`, as BEAM raises it. */
export function badArity(fun: Term, args: Term[]): ErlangError {
  return new ErlangError(tuple(atom('badarity'), tuple(fun, args.map(force))), []);
}
