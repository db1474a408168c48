/**
 * erl_parse:parse_exprs/1 of OTP 25: erl_scan tokens (up to and including the dot) to the
 * abstract format, tuple for tuple and annotation for annotation as erl_parse builds it, for the
 * evaluator (ast.ts, eval.ts). A syntax error throws an {@link ErlParseError} carrying erl_parse's
 * ErrorInfo. The `maybe` expression (off by default in OTP 25) is not read, as erl does not.
 *
 * The parser descends recursively where yecc runs LALR tables, but it refuses the same token
 * first: each method accepts exactly the tokens the grammar's state allows there.
 */
import { Atom, tuple, type Term } from '../term/types.js';
import { firstAnno, lastAnno } from './parse-annos.js';
import { category } from './parse-cursor.js';
import { annoOf, ExprParser, PREFIX } from './parse-expr.js';

export { ErlParseError } from './parse-cursor.js';
export { formatErrorInfo } from './token-text.js';

const a = Atom.of;

/**
 * erl_parse:parse_exprs/1: the expressions of `tokens` (erl_scan token terms ending with the
 * `dot`) in the abstract format. Throws {@link ErlParseError} on a syntax error.
 */
export function parseExprs(tokens: readonly Term[]): Term[] {
  return new Parser(tokens).exprsAndDot();
}

/** The primaries and compound expressions of erl_parse.yrl. */
class Parser extends ExprParser {
  /** The token span of the last `binary` read, for `<<...>> <= E` generators. */
  private lastBinary = { start: -1, end: -1 };

  /** `exprs dot`, and nothing after the dot. */
  exprsAndDot(): Term[] {
    const es = this.exprs();
    this.expect('dot');
    if (this.index < this.tokens.length) this.syntaxError(this.peek());
    return es;
  }

  protected exprMax(): Term {
    const t = this.peek();
    switch (category(t)) {
      case 'var':
      case 'char':
      case 'integer':
      case 'float':
      case 'atom':
        return this.next();
      case 'string':
        return this.strings();
      case '[':
        return this.list(true);
      case '<<':
        return this.binary(true);
      case '{':
        return this.tuple();
      case '(': {
        this.next();
        const e = this.expr();
        this.expect(')');
        return e;
      }
      case 'begin': {
        this.next();
        const body = this.exprs();
        this.expect('end');
        return tuple(a('block'), annoOf(t), body);
      }
      case 'if':
        return this.ifExpr();
      case 'case':
        return this.caseExpr();
      case 'receive':
        return this.receiveExpr();
      case 'fun':
        return this.funExpr();
      case 'try':
        return this.tryExpr();
      default:
        return this.syntaxError(t);
    }
  }

  protected patExprMax(): Term {
    const t = this.peek();
    switch (category(t)) {
      case 'var':
      case 'char':
      case 'integer':
      case 'float':
      case 'atom':
        return this.next();
      case 'string':
        return this.strings();
      case '[':
        return this.list(false);
      case '<<':
        return this.binary(false);
      case '{':
        return this.tuple();
      case '(': {
        this.next();
        const e = this.patExpr();
        this.expect(')');
        return e;
      }
      default:
        return this.syntaxError(t);
    }
  }

  /** `strings`: adjacent strings are one, annotated as the first. */
  private strings(): Term {
    const first = this.next();
    if (!this.at('string')) return first;
    let codes = (first as Term[])[2] as number[];
    while (this.at('string')) codes = codes.concat((this.next() as Term[])[2] as number[]);
    return tuple(a('string'), annoOf(first), codes);
  }

  /** `list` and `list_comprehension`. */
  private list(comprehension: boolean): Term {
    const open = this.expect('[');
    if (this.accept(']')) return tuple(a('nil'), annoOf(open));
    const head = this.expr();
    if (comprehension && this.accept('||')) {
      const qualifiers = this.lcExprs();
      this.expect(']');
      return tuple(a('lc'), annoOf(open), head, qualifiers);
    }
    const elements = [head];
    let tail: Term;
    for (;;) {
      if (this.at(']')) {
        tail = tuple(a('nil'), annoOf(this.next()));
        break;
      }
      if (this.accept('|')) {
        tail = this.expr();
        this.expect(']');
        break;
      }
      this.expect(',');
      elements.push(this.expr());
    }
    for (let i = elements.length - 1; i > 0; i--) tail = tuple(a('cons'), firstAnno(elements[i]), elements[i], tail);
    return tuple(a('cons'), annoOf(open), head, tail);
  }

  /** `binary` and `binary_comprehension` (`<< expr_max || ... >>`). */
  private binary(comprehension: boolean): Term {
    const start = this.index;
    const open = this.expect('<<');
    if (this.at('>>')) {
      this.next();
      this.lastBinary = { start, end: this.index };
      return tuple(a('bin'), annoOf(open), []);
    }
    let first: Term | undefined;
    if (!PREFIX.has(category(this.peek()))) {
      first = this.exprMax();
      if (comprehension && this.accept('||')) {
        const qualifiers = this.lcExprs();
        this.expect('>>');
        return tuple(a('bc'), annoOf(open), first, qualifiers);
      }
    }
    const elements = [this.binElement(first)];
    while (this.accept(',')) elements.push(this.binElement(undefined));
    this.expect('>>');
    this.lastBinary = { start, end: this.index };
    return tuple(a('bin'), annoOf(open), elements);
  }

  /** `bin_element`: `bit_expr [: size] [/ types]`; `value` when its expr_max is read already. */
  private binElement(value: Term | undefined): Term {
    let v = value;
    if (v === undefined) {
      const t = this.peek();
      if (PREFIX.has(category(t))) {
        this.next();
        v = tuple(a('op'), annoOf(t), a(category(t)), this.exprMax());
      } else {
        v = this.exprMax();
      }
    }
    const size = this.accept(':') ? this.exprMax() : a('default');
    const types = this.accept('/') ? this.bitTypes() : a('default');
    return tuple(a('bin_element'), firstAnno(v), v, size, types);
  }

  /** `bit_type_list`: `integer-unit:8-little`. */
  private bitTypes(): Term[] {
    const types: Term[] = [];
    do {
      const name = (this.expect('atom') as Term[])[2];
      types.push(this.accept(':') ? tuple(name, (this.expect('integer') as Term[])[2]) : name);
    } while (this.accept('-'));
    return types;
  }

  /** `lc_exprs`: generators `P <- E`, `<<...>> <= E`, and filters. */
  private lcExprs(): Term[] {
    const qualifiers: Term[] = [];
    do {
      const start = this.index;
      const e = this.expr();
      const t = this.peek();
      if (this.accept('<-')) {
        qualifiers.push(tuple(a('generate'), annoOf(t), e, this.expr()));
      } else if (this.at('<=')) {
        // Only a bare binary, not one in parentheses or inside an expression, stands before `<=`.
        if (this.lastBinary.start !== start || this.lastBinary.end !== this.index) this.syntaxError(t);
        this.next();
        qualifiers.push(tuple(a('b_generate'), annoOf(t), e, this.expr()));
      } else {
        qualifiers.push(e);
      }
    } while (this.accept(','));
    return qualifiers;
  }

  private tuple(): Term {
    const open = this.expect('{');
    if (this.accept('}')) return tuple(a('tuple'), annoOf(open), []);
    const elements = this.exprs();
    this.expect('}');
    return tuple(a('tuple'), annoOf(open), elements);
  }

  /** `clause_guard`: `when G1, G2; G3` as `[[G1, G2], [G3]]`, or []. */
  private clauseGuard(): Term[] {
    return this.accept('when') ? this.guard() : [];
  }

  private guard(): Term[] {
    const alternatives: Term[] = [this.exprs()];
    while (this.accept(';')) alternatives.push(this.exprs());
    return alternatives;
  }

  /** `clause_body`: `-> exprs`. */
  private clauseBody(): Term[] {
    this.expect('->');
    return this.exprs();
  }

  private ifExpr(): Term {
    const t = this.expect('if');
    const clauses: Term[] = [];
    do {
      const guard = this.guard();
      const body = this.clauseBody();
      clauses.push(tuple(a('clause'), firstAnno((guard[0] as Term[])[0]), [], guard, body));
    } while (this.accept(';'));
    this.expect('end');
    return tuple(a('if'), annoOf(t), clauses);
  }

  /** `cr_clauses`: `P when G -> B; ...`. */
  private crClauses(): Term[] {
    const clauses: Term[] = [];
    do {
      const pattern = this.expr();
      const guard = this.clauseGuard();
      clauses.push(tuple(a('clause'), firstAnno(pattern), [pattern], guard, this.clauseBody()));
    } while (this.accept(';'));
    return clauses;
  }

  private caseExpr(): Term {
    const t = this.expect('case');
    const e = this.expr();
    this.expect('of');
    const clauses = this.crClauses();
    this.expect('end');
    return tuple(a('case'), annoOf(t), e, clauses);
  }

  private receiveExpr(): Term {
    const t = this.expect('receive');
    const clauses = this.at('after') ? [] : this.crClauses();
    if (!this.accept('after')) {
      this.expect('end');
      return tuple(a('receive'), annoOf(t), clauses);
    }
    const timeout = this.expr();
    const body = this.clauseBody();
    this.expect('end');
    return tuple(a('receive'), annoOf(t), clauses, timeout, body);
  }

  /** `fun F/A`, `fun M:F/A` (atoms or variables), `fun (...) -> ... end`, `fun Name(...) -> ... end`. */
  private funExpr(): Term {
    const t = this.expect('fun');
    const first = category(this.peek());
    const second = category(this.peek(1));
    if (first === 'atom' && second === '/') {
      const name = (this.next() as Term[])[2];
      this.next();
      return tuple(a('fun'), annoOf(t), tuple(a('function'), name, (this.expect('integer') as Term[])[2]));
    }
    if ((first === 'atom' || first === 'var') && second === ':') {
      const m = this.next();
      this.next();
      const f = this.atomOrVar();
      this.expect('/');
      const arity = this.at('var') ? this.next() : this.expect('integer');
      return tuple(a('fun'), annoOf(t), tuple(a('function'), m, f, arity));
    }
    if (first === 'atom' || (first === 'var' && second !== '(')) this.syntaxError(this.peek(1));
    return this.funClauses(annoOf(t));
  }

  private atomOrVar(): Term {
    return this.at('var') ? this.next() : this.expect('atom');
  }

  /** erl_parse:build_fun/2: every clause must have the first one's name and arity. */
  private funClauses(anno: Term): Term {
    const heads: { anno: Term; name: Term; args: Term[]; guard: Term[]; body: Term[] }[] = [];
    do {
      const name = this.at('var') ? this.next() : undefined;
      const open = this.peek();
      const args = this.argumentList(true);
      const guard = this.clauseGuard();
      const body = this.clauseBody();
      heads.push(name === undefined ? { anno: annoOf(open), name: a('fun'), args, guard, body } : { anno: annoOf(name), name: (name as Term[])[2], args, guard, body });
    } while (this.accept(';'));
    this.expect('end');
    const { name, args } = heads[0];
    const clauses = heads.map((h) => {
      if (h.name !== name || h.args.length !== args.length) this.failAt(h.anno, 'head mismatch');
      return tuple(a('clause'), h.anno, h.args, h.guard, h.body);
    });
    return name === a('fun') ? tuple(a('fun'), anno, tuple(a('clauses'), clauses)) : tuple(a('named_fun'), anno, name, clauses);
  }

  private tryExpr(): Term {
    const t = this.expect('try');
    const body = this.exprs();
    const ofClauses = this.accept('of') ? this.crClauses() : [];
    let catchClauses: Term[] = [];
    let after: Term[] = [];
    if (this.accept('catch')) {
      catchClauses = this.tryClauses();
      if (this.accept('after')) after = this.exprs();
    } else {
      this.expect('after');
      after = this.exprs();
    }
    this.expect('end');
    return tuple(a('try'), annoOf(t), body, ofClauses, catchClauses, after);
  }

  /** `try_clause`: `P`, `Class:P` or `Class:P:Stack`, as `{Class, P, Stack}` tuple patterns. */
  private tryClauses(): Term[] {
    const clauses: Term[] = [];
    do {
      let pattern: Term;
      if ((this.at('atom') || this.at('var')) && this.at(':', 1)) {
        const cls = this.next();
        this.next();
        const p = this.patExpr();
        const stack = this.accept(':') ? this.expect('var') : tuple(a('var'), lastAnno(p), a('_'));
        pattern = tuple(a('tuple'), annoOf(cls), [cls, p, stack]);
      } else {
        const p = this.patExpr();
        const at = firstAnno(p);
        pattern = tuple(a('tuple'), at, [tuple(a('atom'), at, a('throw')), p, tuple(a('var'), lastAnno(p), a('_'))]);
      }
      const guard = this.clauseGuard();
      clauses.push(tuple(a('clause'), annoOf(pattern), [pattern], guard, this.clauseBody()));
    } while (this.accept(';'));
    return clauses;
  }
}
