/**
 * The one erl_lint check the Erlang shell makes before it evaluates (shell.erl's check_command):
 * a variable used before anything binds it, reported as erl_lint does,
 * `{Anno, erl_lint, {unbound_var, Name}}`, so `Y + 1.` prints `* 1:1: variable 'Y' is unbound`
 * and evaluates nothing. Conservative where erl_lint's rules are subtle (variables bound in one
 * branch of a `case`, in one argument and used in another, "unsafe" ones): those count as bound
 * here, so this check never refuses what erl accepts, and the evaluator's own `{unbound, V}`
 * error remains for what it lets through.
 */
import { Atom, atom, isList, isTuple, tuple, type Term } from '../term/types.js';

/** The ErrorInfo of the first unbound variable of `exprs` given the names in `bound`, or undefined. */
export function unboundVariable(exprs: Term, bound: ReadonlySet<string>): Term | undefined {
  try {
    body(asList(exprs), new Set(bound));
    return undefined;
  } catch (err) {
    if (err instanceof Unbound) return tuple(err.anno, atom('erl_lint'), tuple(atom('unbound_var'), atom(err.name)));
    throw err;
  }
}

class Unbound {
  constructor(
    readonly anno: Term,
    readonly name: string,
  ) {}
}

type Scope = Set<string>;

function asList(t: Term | undefined): Term[] {
  return isList(t) ? t : [];
}

function tagOf(f: Term | undefined): string | undefined {
  return isTuple(f) && f[0] instanceof Atom ? f[0].name : undefined;
}

/** A body: each expression sees what the ones before it bound; all of it is exported. */
function body(es: Term[], scope: Scope): void {
  for (const e of es) expr(e, scope);
}

/** Checks `e` in `scope` and adds what it binds (and, conservatively, may bind) to `scope`. */
function expr(e: Term | undefined, scope: Scope): void {
  if (!isTuple(e)) return;
  switch (tagOf(e)) {
    case 'var': {
      const name = (e[2] as Atom).name;
      if (name !== '_' && !scope.has(name)) throw new Unbound(e[1]!, name);
      return;
    }
    case 'match':
      expr(e[3], scope);
      bindPattern(e[2], scope);
      return;
    case 'tuple':
    case 'block':
      return body(asList(e[2]), scope);
    case 'cons':
      expr(e[2], scope);
      return expr(e[3], scope);
    case 'op':
      expr(e[3], scope);
      if (e.length === 5) expr(e[4], scope);
      return;
    case 'call':
      if (isTuple(e[2]) && tagOf(e[2]) === 'atom' && e[2][2] === atom('f')) return; // the shell's f(X) names a variable to forget
      expr(e[2], scope);
      return body(asList(e[3]), scope);
    case 'remote':
      expr(e[2], scope);
      return expr(e[3], scope);
    case 'catch':
      return expr(e[2], scope);
    case 'map':
      if (e.length === 4) expr(e[2], scope);
      for (const field of asList(e[e.length - 1])) {
        expr(isTuple(field) ? field[2] : undefined, scope);
        expr(isTuple(field) ? field[3] : undefined, scope);
      }
      return;
    case 'bin':
      for (const seg of asList(e[2])) if (isTuple(seg)) (expr(seg[2], scope), expr(seg[3], scope));
      return;
    case 'case':
      expr(e[2], scope);
      return clauses(asList(e[3]), scope, true);
    case 'if':
      return clauses(asList(e[2]), scope, true);
    case 'receive':
      clauses(asList(e[2]), scope, true);
      if (e.length === 5) (expr(e[3], scope), body(asList(e[4]), scope));
      return;
    case 'try': {
      const inner = new Set(scope);
      body(asList(e[2]), inner);
      clauses(asList(e[3]), inner, true);
      clauses(asList(e[4]), scope, true);
      body(asList(e[5]), scope);
      for (const v of inner) scope.add(v);
      return;
    }
    case 'fun':
      if (isTuple(e[2]) && tagOf(e[2]) === 'clauses') clauses(asList(e[2][1]), scope, false);
      else if (isTuple(e[2]) && tagOf(e[2]) === 'function' && e[2].length === 4) (expr(e[2][1], scope), expr(e[2][2], scope), expr(e[2][3], scope));
      return;
    case 'named_fun': {
      const inner = new Set(scope);
      if (e[2] instanceof Atom && e[2].name !== '_') inner.add(e[2].name);
      return clauses(asList(e[3]), inner, false);
    }
    case 'lc':
    case 'bc': {
      const inner = new Set(scope);
      for (const q of asList(e[3])) {
        const t = tagOf(q);
        if (isTuple(q) && (t === 'generate' || t === 'b_generate')) (expr(q[3], inner), bindPattern(q[2], inner));
        else expr(q, inner);
      }
      return expr(e[2], inner);
    }
    default:
      return; // literals, and forms this check leaves to the evaluator (records)
  }
}

/**
 * Clauses: each sees its patterns' variables; with `exports`, what any clause binds is bound after
 * (erl_lint exports only what every clause binds: this is the conservative side).
 */
function clauses(cs: Term[], scope: Scope, exports: boolean): void {
  const out = new Set<string>();
  for (const c of cs) {
    if (!isTuple(c) || tagOf(c) !== 'clause') continue;
    const inner = new Set(scope);
    for (const p of asList(c[2])) bindPattern(p, inner);
    for (const g of asList(c[3])) body(asList(g), inner);
    body(asList(c[4]), inner);
    for (const v of inner) out.add(v);
  }
  if (exports) for (const v of out) scope.add(v);
}

/** Adds every variable of pattern `p` to `scope` (a size or key naming an unbound one passes here: conservative). */
function bindPattern(p: Term | undefined, scope: Scope): void {
  if (isTuple(p)) {
    if (tagOf(p) === 'var' && p[2] instanceof Atom) {
      scope.add(p[2].name);
      return;
    }
    for (let i = 1; i < p.length; i++) bindPattern(p[i], scope);
  } else if (isList(p)) {
    for (const x of p) bindPattern(x, scope);
  }
}
