/**
 * The typed form of Erlang's abstract format (the `erl_parse` trees that OTP 25's `erl_eval`
 * evaluates, documented in ERTS's "The Abstract Format"), and its reader. A shell fun carries its
 * clauses in this format; reading them once into these types lets the compiler (compile.ts) switch
 * on a string tag instead of re-inspecting tuples, and refuses a malformed form with a clear
 * `{badform, Form}` error instead of a JS crash deep in evaluation.
 */
import { Atom, atom, isList, isTuple, tuple, type Term } from '../term/types.js';
import { ErlangError } from '../process/exceptions.js';

/** A map field: `K => V` (assoc) or `K := V` (exact). */
export interface MapField {
  exact: boolean;
  key: Expr;
  value: Expr;
}

/** A segment of `<<...>>`: the value (or pattern), its size (undefined: default) and type specifiers (`default` or a list). */
export interface BinSegment {
  value: Expr;
  size: Expr | undefined;
  tsl: Term;
}

/** A clause: patterns, a guard sequence (a disjunction of conjunctions), a body. */
export interface Clause {
  patterns: Expr[];
  guards: Expr[][];
  body: Expr[];
}

/** A qualifier of a comprehension: `P <- L`, `<<P>> <= B`, or a filter. */
export type Qualifier =
  | { k: 'generate'; pattern: Expr; source: Expr }
  | { k: 'b_generate'; pattern: Expr; source: Expr }
  | { k: 'filter'; test: Expr };

/** The anonymous fun `fun (...) -> ... end`, or the named `fun Name(...) -> ... end`. */
export interface FunExpr {
  k: 'fun';
  clauses: Clause[];
  name: string | undefined;
  arity: number;
  /** The clauses as the abstract format had them: what `erlang:fun_info(F, env)` shows. */
  form: Term[];
}

/** An expression (also a pattern or a guard: the same forms, checked where they are compiled). */
export type Expr =
  | { k: 'lit'; value: Term }
  | { k: 'var'; name: string }
  | { k: 'match'; left: Expr; right: Expr }
  | { k: 'tuple'; elements: Expr[] }
  | { k: 'cons'; head: Expr; tail: Expr }
  | { k: 'map'; base: Expr | undefined; fields: MapField[] }
  | { k: 'bin'; segments: BinSegment[] }
  | { k: 'op'; op: Atom; left: Expr; right: Expr }
  | { k: 'unop'; op: Atom; arg: Expr }
  | { k: 'case'; arg: Expr; clauses: Clause[] }
  | { k: 'if'; clauses: Clause[] }
  | { k: 'receive'; clauses: Clause[]; timeout: Expr | undefined; after: Expr[] }
  | FunExpr
  | { k: 'fun_ref'; module: Expr; name: Expr; arity: Expr }
  | { k: 'local_fun'; name: Atom; arity: number }
  | { k: 'apply'; fun: Expr; args: Expr[] }
  | { k: 'local'; name: Atom; args: Expr[] }
  | { k: 'remote'; module: Expr; name: Expr; args: Expr[] }
  | { k: 'try'; body: Expr[]; of: Clause[]; catches: Clause[]; after: Expr[] }
  | { k: 'catch'; arg: Expr }
  | { k: 'block'; body: Expr[] }
  | { k: 'lc' | 'bc'; template: Expr; qualifiers: Qualifier[] };

/** The error a malformed form raises: `{badform, Form}`, class error. */
export function badForm(form: Term): ErlangError {
  return new ErlangError(tuple(atom('badform'), form), []);
}

function tag(form: Term): string | undefined {
  return isTuple(form) && form.length >= 2 && form[0] instanceof Atom ? form[0].name : undefined;
}

function list(form: Term, owner: Term): Term[] {
  if (!isList(form)) throw badForm(owner);
  return form;
}

function atomOf(form: Term, owner: Term): Atom {
  if (!(form instanceof Atom)) throw badForm(owner);
  return form;
}

/** Reads a sequence of expressions (a body, or `erl_parse:parse_exprs`'s result). */
export function readExprs(forms: Term): Expr[] {
  return list(forms, forms).map(readExpr);
}

/** Reads clauses `[{clause, Anno, Patterns, Guards, Body}]`. */
export function readClauses(forms: Term): Clause[] {
  return list(forms, forms).map(readClause);
}

function readClause(form: Term): Clause {
  if (tag(form) !== 'clause' || (form as Term[]).length !== 5) throw badForm(form);
  const [, , ps, gs, body] = form as Term[];
  return { patterns: readExprs(ps), guards: list(gs, form).map(readExprs), body: readExprs(body) };
}

const LITERALS = new Set(['integer', 'float', 'atom', 'char']);

/** Reads one expression, pattern or guard form. */
export function readExpr(form: Term): Expr {
  const t = tag(form);
  if (t === undefined) throw badForm(form);
  const f = form as Term[];
  if (LITERALS.has(t)) {
    if (f.length !== 3) throw badForm(form);
    return { k: 'lit', value: f[2] };
  }
  switch (t) {
    case 'string':
      return { k: 'lit', value: stringValue(f[2], form) };
    case 'nil':
      return { k: 'lit', value: [] };
    case 'var':
      return { k: 'var', name: atomOf(f[2], form).name };
    case 'match':
      return { k: 'match', left: readExpr(f[2]), right: readExpr(f[3]) };
    case 'tuple':
      return { k: 'tuple', elements: readExprs(f[2]) };
    case 'cons':
      return { k: 'cons', head: readExpr(f[2]), tail: readExpr(f[3]) };
    case 'map':
      return f.length === 3 ? { k: 'map', base: undefined, fields: readFields(f[2]) } : { k: 'map', base: readExpr(f[2]), fields: readFields(f[3]) };
    case 'bin':
      return { k: 'bin', segments: list(f[2], form).map(readSegment) };
    case 'op':
      if (f.length === 4) return { k: 'unop', op: atomOf(f[2], form), arg: readExpr(f[3]) };
      return { k: 'op', op: atomOf(f[2], form), left: readExpr(f[3]), right: readExpr(f[4]) };
    default:
      return readCompound(t, f, form);
  }
}

function readCompound(t: string, f: Term[], form: Term): Expr {
  switch (t) {
    case 'case':
      return { k: 'case', arg: readExpr(f[2]), clauses: readClauses(f[3]) };
    case 'if':
      return { k: 'if', clauses: readClauses(f[2]) };
    case 'receive':
      return f.length === 3
        ? { k: 'receive', clauses: readClauses(f[2]), timeout: undefined, after: [] }
        : { k: 'receive', clauses: readClauses(f[2]), timeout: readExpr(f[3]), after: readExprs(f[4]) };
    case 'fun':
      return readFun(f[2], form);
    case 'named_fun':
      return funExpr(readClauses(f[3]), atomOf(f[2], form).name, f[3], form);
    case 'call':
      return readCall(f[2], readExprs(f[3]));
    case 'try':
      return { k: 'try', body: readExprs(f[2]), of: readClauses(f[3]), catches: readClauses(f[4]), after: readExprs(f[5]) };
    case 'catch':
      return { k: 'catch', arg: readExpr(f[2]) };
    case 'block':
      return { k: 'block', body: readExprs(f[2]) };
    case 'lc':
    case 'bc':
      return { k: t, template: readExpr(f[2]), qualifiers: list(f[3], form).map(readQualifier) };
    default:
      throw badForm(form);
  }
}

function readFun(body: Term, form: Term): Expr {
  const t = tag(body);
  const b = body as Term[];
  if (t === 'clauses') return funExpr(readClauses(b[1]), undefined, b[1], form);
  if (t === 'function' && b.length === 3) return { k: 'local_fun', name: atomOf(b[1], form), arity: b[2] as number };
  if (t === 'function' && b.length === 4) return { k: 'fun_ref', module: readExpr(b[1]), name: readExpr(b[2]), arity: readExpr(b[3]) };
  throw badForm(form);
}

function funExpr(clauses: Clause[], name: string | undefined, raw: Term, form: Term): FunExpr {
  const arity = clauses.length ? clauses[0].patterns.length : -1;
  if (arity < 0 || clauses.some((c) => c.patterns.length !== arity)) throw badForm(form);
  return { k: 'fun', clauses, name, arity, form: raw as Term[] };
}

function readCall(fn: Term, args: Expr[]): Expr {
  const t = tag(fn);
  const f = fn as Term[];
  if (t === 'remote') return { k: 'remote', module: readExpr(f[2]), name: readExpr(f[3]), args };
  if (t === 'atom') return { k: 'local', name: f[2] as Atom, args };
  return { k: 'apply', fun: readExpr(fn), args };
}

function readFields(forms: Term): MapField[] {
  return list(forms, forms).map((field) => {
    const t = tag(field);
    if (t !== 'map_field_assoc' && t !== 'map_field_exact') throw badForm(field);
    const f = field as Term[];
    return { exact: t === 'map_field_exact', key: readExpr(f[2]), value: readExpr(f[3]) };
  });
}

function readSegment(form: Term): BinSegment {
  if (tag(form) !== 'bin_element' || (form as Term[]).length !== 5) throw badForm(form);
  const [, , value, size, tsl] = form as Term[];
  return { value: readExpr(value), size: size === DEFAULT ? undefined : readExpr(size), tsl };
}

const DEFAULT = atom('default');

function readQualifier(form: Term): Qualifier {
  const t = tag(form);
  const f = form as Term[];
  if (t === 'generate' || t === 'b_generate') return { k: t, pattern: readExpr(f[2]), source: readExpr(f[3]) };
  return { k: 'filter', test: readExpr(form) };
}

/** A `{string, Anno, Chars}` literal's value: the list of characters (an empty string decodes as `[]`). */
function stringValue(chars: Term, form: Term): Term {
  if (isList(chars)) return chars;
  if (Buffer.isBuffer(chars)) return [...chars]; // defensive: a STRING_EXT some decoders give as bytes
  throw badForm(form);
}
