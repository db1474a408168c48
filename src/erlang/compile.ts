/**
 * The compiler of the typed abstract format (ast.ts) into closures: each form becomes one JS
 * function, made once, so evaluation is a walk of closures instead of a re-inspection of tuples
 * (erl_eval's `expr/6` re-reads its tuples on every evaluation). Data, operators and calls are
 * here; control forms are in control.ts, patterns and guards in match.ts. Mirrors OTP 25's
 * erl_eval: auto-imported BIFs are `erlang` calls, `andalso`/`orelse` short-circuit with
 * `{badarg, V}` for a non-boolean left side, a local call to anything else is `undef`.
 */
import { Atom, atom, ErlFun, ExportFun, ImproperList, isList, Tuple, tuple, type Term } from '../term/types.js';
import { mapKeyOf, NOT_FOUND } from '../term/compare.js';
import { ErlangError } from '../process/exceptions.js';
import { isDestination } from '../process/router.js';
import { SENT } from '../process/process.js';
import { binaryOp, unaryOp } from '../modules/operators.js';
import { erlangTermBifs } from '../modules/erlang-terms.js';
import { badForm, type BinSegment, type Expr, type MapField } from './ast.js';
import { buildBits, segmentSpec } from './bits.js';
import { isAutoImported, isGuardBif } from './bifs.js';
import { compileControl } from './control.js';
import { badArity, callFun, compileFunClauses, EvalFun, type FunDef } from './funs.js';
import { compilePattern, expandStrings, undo } from './match.js';
import { all, evalError, evalError2, sequence, TailCall, then, undefLocal, type Code, type Compiler, type Env, type Rt, type SyncCode, type Value } from './runtime.js';
import { adoptShellFun } from './shell-fun.js';
import { force, forceBindings, ListView, prepend, type Held } from './list-view.js';

const ERLANG = atom('erlang');

/** The compiler: body expressions, bodies, and guard expressions. */
export const compiler: Compiler = {
  expr: (e, tail) => compileExpr(e, tail, false),
  body: (es, tail) => sequence(es.map((e, i) => compileExpr(e, tail && i === es.length - 1, false))),
  guard: (e) => {
    const code = compileExpr(e, false, true);
    return code as SyncCode; // guard mode compiles only synchronous forms
  },
};

/**
 * The compiled code of `e`; `guard` compiles guard semantics (calls are guard BIFs, run
 * synchronously). `raw` code may give a list as a view (list-view.ts): code whose value only an
 * evaluator fun will see, as an argument or as what the fun returns (`tail`).
 */
function compileExpr(e: Expr, tail: boolean, guard: boolean, raw = tail): Code {
  const sub = (x: Expr): Code => compileExpr(x, false, guard);
  const rawSub = (x: Expr): Code => compileExpr(x, false, guard, !guard);
  switch (e.k) {
    case 'lit': {
      const v = e.value;
      return () => v;
    }
    case 'var':
      return raw && !guard ? rawVariable(e.name) : variable(e.name);
    case 'tuple': {
      const es = e.elements.map(sub);
      return (env, rt) => then(all(es, env, rt), toTuple);
    }
    case 'cons':
      return cons(e, sub, raw && !guard ? rawSub : undefined);
    case 'map':
      return mapExpr(e.base && sub(e.base), e.fields, sub);
    case 'bin':
      return binExpr(e.segments, sub);
    case 'op':
      return operator(e.op, sub(e.left), sub(e.right));
    case 'unop': {
      const a = sub(e.arg), op = e.op;
      return (env, rt) => then(a(env, rt), (x) => unaryOp(op, x));
    }
    case 'local':
    case 'remote':
      return guard ? guardCall(e) : call(e, sub);
    case 'apply':
      if (guard) throw badForm(atom('apply'));
      return applyFun(sub(e.fun), e.args.map(rawSub), tail, raw);
    default:
      if (guard) throw badForm(atom(e.k)); // not a guard expression
      return compileBodyOnly(e, tail, sub);
  }
}

/** The forms a guard cannot contain: match, funs, and the control forms. */
function compileBodyOnly(e: Expr, tail: boolean, sub: (x: Expr) => Code): Code {
  switch (e.k) {
    case 'match': {
      const right = sub(e.right), left = compilePattern(e.left, compiler);
      return (env, rt) =>
        then(right(env, rt), (v) => {
          const trail: string[] = [];
          if (left(v, env, rt, trail)) return v;
          undo(env, trail);
          throw evalError2('badmatch', v);
        });
    }
    case 'fun':
      return makeFun({ clauses: compileFunClauses(e.clauses, compiler), arity: e.arity, name: e.name, form: e.form });
    case 'fun_ref': {
      const parts = [sub(e.module), sub(e.name), sub(e.arity)];
      return (env, rt) => then(all(parts, env, rt), ([m, f, a]) => exportFun(m, f, a));
    }
    case 'local_fun': {
      const { name, arity } = e; // OTP 25's erl_eval has no local functions to refer to: undef
      return () => {
        throw undefLocal(name, arity);
      };
    }
    default:
      return compileControl(e, tail, compiler);
  }
}

function variable(name: string): Code {
  return (env) => {
    const v = env.get(name) as Held | undefined;
    if (v === undefined) throw evalError2('unbound', atom(name));
    return v instanceof ListView ? v.force() : v;
  };
}

/** A variable whose value may stay a view. */
function rawVariable(name: string): Code {
  return (env) => {
    const v = env.get(name);
    if (v === undefined) throw evalError2('unbound', atom(name));
    return v;
  };
}

function toTuple(es: Term[]): Term {
  const t = new Tuple(es.length);
  for (let i = 0; i < es.length; i++) t[i] = es[i];
  return t;
}

/** `[A, B | T]`: a proper list literal is built in one go; a tail is appended once. */
function cons(e: Expr & { k: 'cons' }, sub: (x: Expr) => Code, rawSub: ((x: Expr) => Code) | undefined): Code {
  const heads: Code[] = [];
  let tail: Expr = e;
  while (tail.k === 'cons') {
    heads.push(sub(tail.head));
    tail = tail.tail;
  }
  if (tail.k === 'lit' && isList(tail.value) && tail.value.length === 0) return (env, rt) => all(heads, env, rt);
  if (rawSub) {
    // In front of the tail, not copying it (list-view.ts): `Rev(T, [H | Acc])` stays linear.
    const rest = rawSub(tail);
    return (env, rt) => then(all(heads, env, rt), (hs) => then(rest(env, rt), (t) => prepend(hs, t) as unknown as Term));
  }
  const rest = sub(tail);
  return (env, rt) =>
    then(all(heads, env, rt), (hs) =>
      then(rest(env, rt), (t) => {
        if (isList(t)) return t.length === 0 ? hs : hs.concat(t);
        if (t instanceof ImproperList) return new ImproperList(hs.concat(t.elements), t.tail);
        return new ImproperList(hs, t);
      }),
    );
}

/** `#{K => V}` and `M#{K => V, K2 := V2}`: `{badmap, M}` and `{badkey, K}` as erl_eval raises them. */
function mapExpr(base: Code | undefined, fields: readonly MapField[], sub: (x: Expr) => Code): Code {
  const fs = fields.flatMap((f) => [sub(f.key), sub(f.value)]);
  const exact = fields.map((f) => f.exact);
  return (env, rt) =>
    then(base ? base(env, rt) : new Map(), (m) => {
      if (!(m instanceof Map)) throw new ErlangError(tuple(atom('badmap'), m), [tuple(atom('maps'), atom('put'), [atom('k'), atom('v'), m], [])]);
      return then(all(fs, env, rt), (kvs) => {
        const out = new Map(m);
        for (let i = 0; i < exact.length; i++) {
          const k = kvs[2 * i], key = mapKeyOf(out, k);
          if (exact[i] && key === NOT_FOUND) throw new ErlangError(tuple(atom('badkey'), k), [tuple(atom('maps'), atom('update'), [k, kvs[2 * i + 1], m], [])]);
          if (key !== NOT_FOUND) out.delete(key); // the new key's form wins, as `=>` keeps the last written
          out.set(k, kvs[2 * i + 1]);
        }
        return out;
      });
    });
}

/** `<<V:Size/Type, ...>>` through OPS's bit syntax. */
function binExpr(segments: readonly BinSegment[], sub: (x: Expr) => Code): Code {
  const segs = expandStrings(segments);
  const values = segs.map((s) => sub(s.value));
  const sizes = segs.map((s) => (s.size ? sub(s.size) : undefined));
  const specs = segs.map((s) => segmentSpec(s.tsl));
  return (env, rt) =>
    then(all(values, env, rt), (vs) => {
      const ss = sizes.map((s) => (s ? s(env, rt) : undefined)) as Term[]; // sizes are guard expressions: synchronous
      return buildBits(vs.map((value, i) => ({ value, size: ss[i], spec: specs[i] })));
    });
}

const ANDALSO = atom('andalso'), ORELSE = atom('orelse'), SEND = atom('!');

function operator(op: Atom, a: Code, b: Code): Code {
  if (op === ANDALSO || op === ORELSE) {
    const stop = op === ORELSE; // the left value that decides without the right side
    return (env, rt) =>
      then(a(env, rt), (l) => {
        if (l === stop) return l;
        if (l !== !stop) throw evalError2('badarg', l);
        return b(env, rt);
      });
  }
  if (op === SEND) {
    return (env, rt) =>
      then(a(env, rt), (dest) =>
        then(b(env, rt), (msg) => {
          if (!isDestination(dest)) throw new ErlangError(atom('badarg'), [tuple(ERLANG, SEND, [dest, msg], [])]);
          // A send to a busy connection suspends the evaluated process, as BEAM suspends it.
          const waiting = rt.self.send(dest, msg);
          return waiting === SENT ? msg : waiting.then(() => msg);
        }),
      );
  }
  return (env, rt) => then(a(env, rt), (x) => then(b(env, rt), (y) => binaryOp(op, x, y)));
}

function exportFun(m: Term, f: Term, a: Term): Term {
  if (!(m instanceof Atom) || !(f instanceof Atom) || typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a > 255) {
    throw new ErlangError(atom('badarg'), [tuple(ERLANG, atom('make_fun'), [m, f, a], [])]);
  }
  return new ExportFun(m, f, a);
}

function makeFun(def: FunDef): Code {
  return (env, rt) => new EvalFun(def, new Map(env), rt.self.pid);
}

/** A local call (an auto-imported BIF: `erlang:F`; anything else undef) or `M:F(Args)`, through the registry. */
function call(e: Expr & { k: 'local' | 'remote' }, sub: (x: Expr) => Code): Code {
  const args = e.args.map(sub);
  if (e.k === 'local') {
    const name = e.name;
    if (!isAutoImported(name.name, args.length)) {
      const forms = e.args;
      return (env, rt) => {
        forceBindings(env); // the shell's commands read and print the bindings
        const local = rt.host.local?.({ name, args: forms, env, rt, evaluate: (x) => compileExpr(x, false, false)(env, rt) });
        if (local !== undefined) return local;
        return then(all(args, env, rt), () => {
          throw undefLocal(name, args.length);
        });
      };
    }
    return (env, rt) => then(all(args, env, rt), (as) => applyFromEval(rt, ERLANG, name, as));
  }
  const m = sub(e.module), f = sub(e.name);
  return (env, rt) =>
    then(m(env, rt), (mod) =>
      then(f(env, rt), (fn) =>
        then(all(args, env, rt), (as) => {
          if (!(mod instanceof Atom) || !(fn instanceof Atom)) throw new ErlangError(tuple(atom('badfun'), tuple(mod, fn)), []);
          return applyFromEval(rt, mod, fn, as);
        }),
      ),
    );
}

/**
 * `M:F(Args)` from evaluated code. erl_eval calls through apply, and there BEAM puts no frame of
 * erlang:error/1,2,3 itself on the stack (the raising BIFs never add their own, erts'
 * save_stacktrace), where noderl's error BIF does, as BEAM's does when it is a process's first call.
 */
function applyFromEval(rt: Rt, mod: Atom, fn: Atom, as: Term[]): Value {
  if (mod.name !== 'erlang' || fn.name !== 'error') return rt.host.apply(rt.self, mod, fn, as);
  const dropOwnFrame = (e: unknown): never => {
    const top = e instanceof ErlangError ? e.stacktrace[0] : undefined;
    if (top instanceof Tuple && top[0] instanceof Atom && top[0].name === 'erlang' && top[1] instanceof Atom && top[1].name === 'error') (e as ErlangError).stacktrace.shift();
    throw e;
  };
  try {
    const v = rt.host.apply(rt.self, mod, fn, as);
    return v instanceof Promise ? v.catch(dropOwnFrame) : v;
  } catch (e) {
    return dropOwnFrame(e);
  }
}

/**
 * `F(Args)`: an evaluator fun directly (a tail call goes back to the trampoline), any other through
 * `applyFun`. The arguments may be views, for an evaluator fun only; its value stays one if `raw`.
 */
function applyFun(fun: Code, args: Code[], tail: boolean, raw: boolean): Code {
  return (env, rt) =>
    then(fun(env, rt), (f) =>
      then(all(args, env, rt), (as): Value => {
        const ef = f instanceof EvalFun ? f : f instanceof ErlFun ? adoptShellFun(f, compiler) : undefined;
        if (!ef) return rt.host.applyFun(rt.self, f, as.map(force));
        if (ef.arity !== as.length) throw badArity(f, as);
        if (tail) return new TailCall(ef, as) as unknown as Term;
        const v = callFun(ef, as, rt);
        return raw ? v : then(v, force);
      }),
    );
}

/** A call in a guard: a guard BIF (`self()`, `node()`, the term BIFs), run synchronously. */
function guardCall(e: Expr & { k: 'local' | 'remote' }): Code {
  const name = e.k === 'local' ? e.name : e.name.k === 'lit' && e.name.value instanceof Atom && e.module.k === 'lit' && e.module.value === ERLANG ? e.name.value : undefined;
  if (!name || !isGuardBif(name.name, e.args.length)) throw badForm(atom('guard_call'));
  const args = e.args.map((a) => compileExpr(a, false, true)) as SyncCode[];
  if (name.name === 'self') return (_env, rt) => rt.self.pid;
  if (name.name === 'node' && args.length === 0) return (_env, rt) => rt.self.pid.node;
  if (name.name === 'is_record') return isRecord(args);
  const bif = erlangTermBifs[name.name];
  if (!bif) throw badForm(atom('guard_call'));
  return (env: Env, rt: Rt): Term => {
    const v = bif(rt.self, ...args.map((a) => a(env, rt))) as Value;
    if (v instanceof Promise) throw evalError(atom('badarg')); // a guard BIF never waits
    return v;
  };
}

/** `is_record(T, Tag)` / `is_record(T, Tag, Size)`: a tuple whose first element is Tag (and whose size is Size). */
function isRecord(args: SyncCode[]): Code {
  return (env, rt) => {
    const [t, tag, size] = args.map((a) => a(env, rt));
    if (!(tag instanceof Atom)) throw evalError(atom('badarg'));
    return t instanceof Tuple && t.length >= 1 && t[0] === tag && (size === undefined || t.length === size);
  };
}
