/**
 * The operator part of erl_parse.yrl (OTP 25): binary operators by yecc's precedence declarations
 * (`Right 100 '=' '!'`, `Right 150 orelse`, `Right 160 andalso`, `Nonassoc 200` comparisons,
 * `Right 300` list ops, `Left 400` additive, `Left 500` multiplicative, `Unary 600` prefix ops,
 * `Unary 0 catch`), then calls, remote calls and the `#` chains of maps and records. Patterns
 * (`pat_expr`: fun heads and try clauses) are the same without `catch`, `!`, `orelse`, `andalso`,
 * calls, and with `#` only in front.
 */
import { Atom, tuple, type Term } from '../term/types.js';
import { firstAnno } from './parse-annos.js';
import { category, TokenCursor } from './parse-cursor.js';

type Assoc = 'left' | 'right' | 'nonassoc';

const BINARY: { [op: string]: [number, Assoc] } = {
  '=': [100, 'right'],
  '!': [100, 'right'],
  orelse: [150, 'right'],
  andalso: [160, 'right'],
  '++': [300, 'right'],
  '--': [300, 'right'],
};
for (const op of ['==', '/=', '=<', '<', '>=', '>', '=:=', '=/=']) BINARY[op] = [200, 'nonassoc'];
for (const op of ['+', '-', 'bor', 'bxor', 'bsl', 'bsr', 'or', 'xor']) BINARY[op] = [400, 'left'];
for (const op of ['/', '*', 'div', 'rem', 'band', 'and']) BINARY[op] = [500, 'left'];

/** Operators pat_expr has no rule for. */
const NOT_IN_PATTERNS = new Set(['!', 'orelse', 'andalso']);

/** erl_parse's prefix_op. */
export const PREFIX = new Set(['+', '-', 'bnot', 'not']);

const a = Atom.of;

/** The annotation of a token or node. */
export function annoOf(t: Term): Term {
  return (t as Term[])[1];
}

/** Operators, unary operators, calls and `#` chains; the primaries are left to the subclass. */
export abstract class ExprParser extends TokenCursor {
  /** `expr`: a full expression. */
  expr(): Term {
    return this.operators(0, false);
  }

  /** `pat_expr`: a pattern of a fun head or a try clause. */
  patExpr(): Term {
    return this.operators(0, true);
  }

  /** `exprs`: expressions separated by `,`. */
  exprs(): Term[] {
    const es = [this.expr()];
    while (this.accept(',')) es.push(this.expr());
    return es;
  }

  /** Precedence climbing over yecc's declarations: operators of at least `min` bind here. */
  private operators(min: number, pattern: boolean): Term {
    let left = this.unary(pattern);
    let nonassoc = -1;
    for (;;) {
      const t = this.peek();
      const op = category(t);
      const info = BINARY[op];
      if (info === undefined || (pattern && NOT_IN_PATTERNS.has(op))) return left;
      const [prec, assoc] = info;
      if (prec < min) return left;
      // Two comparisons in a row: yecc's nonassoc makes the second an error.
      if (prec === nonassoc) this.syntaxError(t);
      this.next();
      const right = this.operators(assoc === 'right' ? prec : prec + 1, pattern);
      left = op === '=' ? tuple(a('match'), firstAnno(left), left, right) : tuple(a('op'), annoOf(t), a(op), left, right);
      nonassoc = assoc === 'nonassoc' ? prec : -1;
    }
  }

  /** `catch expr` (it takes everything after it) and the prefix operators (binding tighter than any binary one). */
  private unary(pattern: boolean): Term {
    const t = this.peek();
    const cat = category(t);
    if (cat === 'catch' && !pattern) {
      this.next();
      return tuple(a('catch'), annoOf(t), this.expr());
    }
    if (PREFIX.has(cat)) {
      this.next();
      return tuple(a('op'), annoOf(t), a(cat), this.unary(pattern));
    }
    return pattern ? this.patPostfix() : this.postfix();
  }

  /** `expr_remote`, `function_call`, `map_expr` and `record_expr`. */
  private postfix(): Term {
    if (this.at('#')) return this.hashChain(undefined);
    const base = this.exprMax();
    if (this.at(':')) {
      const colon = this.next();
      const remote = tuple(a('remote'), annoOf(colon), base, this.exprMax());
      return this.at('(') ? this.call(remote) : remote;
    }
    if (this.at('(')) return this.call(base);
    if (this.at('#')) return this.hashChain(base);
    return base;
  }

  /** `function_call`: `{call, first_anno(F), F, Args}`. */
  private call(fun: Term): Term {
    return tuple(a('call'), firstAnno(fun), fun, this.argumentList(false));
  }

  /** `argument_list` (`pat_argument_list` for fun heads): `(...)`. */
  protected argumentList(pattern: boolean): Term[] {
    this.expect('(');
    if (this.accept(')')) return [];
    const args = [pattern ? this.patExpr() : this.expr()];
    while (this.accept(',')) args.push(pattern ? this.patExpr() : this.expr());
    this.expect(')');
    return args;
  }

  /**
   * `#` after an expr_max (or at the start): map creation and update, record creation, update,
   * index and field access, chained as erl_parse allows: maps after maps, records after records.
   */
  private hashChain(base: Term | undefined): Term {
    let node = base === undefined ? this.hashStart() : base;
    let kind: 'max' | 'map' | 'record' = base === undefined ? (category(node) === 'map' ? 'map' : 'record') : 'max';
    while (this.at('#')) {
      const hash = this.next();
      if (this.at('{') && kind !== 'record') {
        node = tuple(a('map'), annoOf(hash), node, this.mapTuple());
        kind = 'map';
      } else if (this.at('atom') && kind !== 'map') {
        node = this.recordAfter(hash, node);
        kind = 'record';
      } else {
        this.syntaxError(this.peek());
      }
    }
    return node;
  }

  /** `#{...}`, `#r{...}` or `#r.f`, the `#` not yet read. */
  private hashStart(): Term {
    const hash = this.expect('#');
    if (this.at('{')) return tuple(a('map'), annoOf(hash), this.mapTuple());
    const name = this.expect('atom');
    if (this.accept('.')) return tuple(a('record_index'), annoOf(hash), (name as Term[])[2], this.expect('atom'));
    if (!this.at('{')) this.syntaxError(this.peek());
    return tuple(a('record'), annoOf(hash), (name as Term[])[2], this.recordTuple());
  }

  /** `E#r.f` or `E#r{...}`, the `#` read. */
  private recordAfter(hash: Term, node: Term): Term {
    const name = (this.expect('atom') as Term[])[2];
    if (this.accept('.')) return tuple(a('record_field'), annoOf(hash), node, name, this.expect('atom'));
    if (!this.at('{')) this.syntaxError(this.peek());
    return tuple(a('record'), annoOf(hash), node, name, this.recordTuple());
  }

  /** pat_expr's `#` forms (map_pat_expr, record_pat_expr) and pat_expr_max. */
  private patPostfix(): Term {
    return this.at('#') ? this.hashStart() : this.patExprMax();
  }

  /** `map_tuple`: `{K => V, K := V}`. */
  protected mapTuple(): Term[] {
    this.expect('{');
    const fields: Term[] = [];
    if (this.accept('}')) return fields;
    do {
      const key = this.expr();
      const op = this.peek();
      const cat = category(op);
      if (cat !== '=>' && cat !== ':=') this.syntaxError(op);
      this.next();
      fields.push(tuple(a(cat === '=>' ? 'map_field_assoc' : 'map_field_exact'), annoOf(op), key, this.expr()));
    } while (this.accept(','));
    this.expect('}');
    return fields;
  }

  /** `record_tuple`: `{f = E, _ = E}`. */
  protected recordTuple(): Term[] {
    this.expect('{');
    const fields: Term[] = [];
    if (this.accept('}')) return fields;
    do {
      const field = this.peek();
      if (!this.at('atom') && !this.at('var')) this.syntaxError(field);
      this.next();
      this.expect('=');
      fields.push(tuple(a('record_field'), annoOf(field), field, this.expr()));
    } while (this.accept(','));
    this.expect('}');
    return fields;
  }

  /** `expr_max`. */
  protected abstract exprMax(): Term;

  /** `pat_expr_max`. */
  protected abstract patExprMax(): Term;
}
