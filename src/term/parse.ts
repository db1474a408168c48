/**
 * Erlang term syntax to terms: what erl_parse:parse_term/1 accepts after erl_scan:string/1
 * (OTP 25), and so everything `io_lib:format("~tp")` prints for a term without pids, references,
 * ports or closures, plus `fun M:F/A`.
 *
 * Integers become `number` (or `bigint` past 2^53), floats `number` (or `ErlFloat` when
 * integral), strings lists of code points, `true`/`false` booleans, other atoms `Atom`s, binaries
 * `Buffer`s (or `BitBinary`s), maps `Map`s.
 */
import { mapKeyOf, NOT_FOUND } from './compare.js';
import { Lexer, TermSyntaxError, type Position, type Token } from './lexer.js';
import { buildBitstring, type Segment, type SegmentValue } from './parse-bits.js';
import { Atom, ErlFloat, ExportFun, ImproperList, Tuple, type Term } from './types.js';

export { TermSyntaxError } from './lexer.js';

/**
 * The term written in `text`, in Erlang syntax: `{ok, [1, 2.5, "abc", <<"x">>, #{a => b}]}`.
 * A final `.` is optional; white space, line breaks and `%` comments are allowed anywhere.
 * Throws a {@link TermSyntaxError} (a `SyntaxError`) naming the line and column of the problem.
 */
export function parse(text: string): Term {
  return new Parser(new Lexer([text])).document();
}

/**
 * A tagged template that parses Erlang term syntax with JS values spliced in as terms (not as
 * text): ``term`{hello, ${self}, [${1.5}, ${'bin'}]}` `` is `{hello, Self, [1.5, <<"bin">>]}`. A
 * spliced value may stand wherever a term may, and as the value of a binary segment
 * (``term`<<${buf}/binary, 0>>` ``). Backslashes in the template text are Erlang escapes, as in
 * `parse` (``term`"\x{1F600}\n"` ``).
 */
export function term(strings: TemplateStringsArray, ...values: Term[]): Term {
  return new Parser(new Lexer(strings.raw.map(cookRaw), values)).document();
}

/**
 * Template text is taken raw, so that `\n` in it is Erlang's escape (read by the lexer), as it
 * would be in `parse`, rather than a newline JS put there already.
 */
function cookRaw(raw: string): string {
  return raw.replace(/\\`/g, '`').replace(/\\\$/g, '$');
}

class Parser {
  /** The token after the one last taken (one token of lookahead is all term syntax needs). */
  private ahead: Token;

  constructor(private readonly lexer: Lexer) {
    this.ahead = lexer.next();
  }

  /** One term, an optional `.`, and nothing after it. */
  document(): Term {
    const t = this.term();
    if (this.peek().kind === 'dot') this.next();
    const end = this.peek();
    if (end.kind !== 'end') this.unexpected(end);
    return t;
  }

  private peek(): Token {
    return this.ahead;
  }

  private next(): Token {
    const t = this.ahead;
    if (t.kind !== 'end') this.ahead = this.lexer.next();
    return t;
  }

  private fail(message: string, at: Position): never {
    throw new TermSyntaxError(message, at.line, at.column);
  }

  private unexpected(t: Token): never {
    if (t.kind === 'end') this.fail('unexpected end of input', t);
    if (t.kind === 'variable') this.fail(`variable ${t.value} in a term (quote it for an atom: '${t.value}')`, t);
    if (t.kind === 'reserved') this.fail(`reserved word ${t.value} (quote it for an atom: '${t.value}')`, t);
    return this.fail(`unexpected ${describe(t)}`, t);
  }

  private isPunct(value: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === value;
  }

  private expect(value: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.value !== value) this.fail(`expected '${value}', found ${describe(t)}`, t);
  }

  private term(): Term {
    const t = this.next();
    switch (t.kind) {
      case 'integer':
        return t.value;
      case 'float':
        return floatTerm(t.value);
      case 'atom':
        return t.value === 'true' ? true : t.value === 'false' ? false : Atom.of(t.value);
      case 'string':
        return this.strings(t.value);
      case 'value':
        return t.value;
      case 'reserved':
        if (t.value === 'fun') return this.exportFun();
        break;
      case 'punct':
        switch (t.value) {
          case '-':
          case '+':
            return this.signed(t.value, t);
          case '[':
            return this.list();
          case '{':
            return this.tuple();
          case '#':
            return this.map();
          case '<<':
            return this.binary();
        }
    }
    return this.unexpected(t);
  }

  /** Adjacent string literals are one string (erl_parse's `strings` rule). */
  private strings(first: number[]): number[] {
    let codes = first;
    for (let t = this.peek(); t.kind === 'string'; t = this.peek()) {
      codes = codes.concat(t.value);
      this.next();
    }
    return codes;
  }

  /** `-5`, `+5`, `-1.5`, `-$a`: erl_parse:normalise/1 takes one sign on a number literal. */
  private signed(sign: string, at: Position): Term {
    const n = this.signedNumber(sign, at);
    return n.kind === 'float' ? floatTerm(n.value) : n.value;
  }

  private signedNumber(sign: string, at: Position): SegmentValue & { kind: 'integer' | 'float' } {
    const t = this.next();
    if (t.kind === 'integer') return { kind: 'integer', value: sign === '+' ? t.value : negate(t.value) };
    if (t.kind === 'float') return { kind: 'float', value: sign === '+' ? t.value : -t.value };
    return this.fail(`a number must follow '${sign}'`, at);
  }

  private list(): Term {
    if (this.isPunct(']')) {
      this.next();
      return [];
    }
    const elements: Term[] = [this.term()];
    while (this.isPunct(',')) {
      this.next();
      elements.push(this.term());
    }
    let tail: Term = [];
    if (this.isPunct('|')) {
      this.next();
      tail = this.term();
    }
    this.expect(']');
    return makeList(elements, tail);
  }

  private tuple(): Tuple {
    const elements: Term[] = [];
    if (!this.isPunct('}')) {
      elements.push(this.term());
      while (this.isPunct(',')) {
        this.next();
        elements.push(this.term());
      }
    }
    this.expect('}');
    const t = new Tuple(elements.length);
    for (let i = 0; i < elements.length; i++) t[i] = elements[i];
    return t;
  }

  /** `#{K => V, ...}`; a repeated key keeps the last value, as in Erlang. */
  private map(): Map<Term, Term> {
    this.expect('{');
    const m = new Map<Term, Term>();
    if (this.isPunct('}')) {
      this.next();
      return m;
    }
    for (;;) {
      const key = this.term();
      const arrow = this.next();
      if (arrow.kind !== 'punct' || arrow.value !== '=>') {
        this.fail(arrow.kind === 'punct' && arrow.value === ':=' ? "a map term uses '=>', not ':='" : `expected '=>', found ${describe(arrow)}`, arrow);
      }
      const value = this.term();
      const existing = mapKeyOf(m, key);
      m.set(existing === NOT_FOUND ? key : existing, value);
      if (!this.isPunct(',')) break;
      this.next();
    }
    this.expect('}');
    return m;
  }

  /** `fun M:F/A`, the only fun with a literal form. */
  private exportFun(): ExportFun {
    const m = this.atomToken('module');
    this.expect(':');
    const f = this.atomToken('function');
    this.expect('/');
    const a = this.next();
    if (a.kind !== 'integer' || typeof a.value !== 'number' || a.value > 255) this.fail('arity 0..255 expected', a);
    return new ExportFun(Atom.of(m), Atom.of(f), a.value);
  }

  private atomToken(what: string): string {
    const t = this.next();
    if (t.kind !== 'atom') this.fail(`${what} name expected, found ${describe(t)}`, t);
    return t.value;
  }

  private binary(): Term {
    const segments: Segment[] = [];
    if (!this.isPunct('>>')) {
      segments.push(this.segment());
      while (this.isPunct(',')) {
        this.next();
        segments.push(this.segment());
      }
    }
    this.expect('>>');
    return buildBitstring(segments, (message, at) => this.fail(message, at));
  }

  /** `Value[:Size][/Type-Type-unit:N]`. */
  private segment(): Segment {
    const at = this.peek();
    const value = this.segmentValue();
    let size: number | undefined;
    if (this.isPunct(':')) {
      this.next();
      size = this.segmentSize();
    }
    const specifiers: string[] = [];
    if (this.isPunct('/')) {
      this.next();
      specifiers.push(this.specifier());
      while (this.isPunct('-')) {
        this.next();
        specifiers.push(this.specifier());
      }
    }
    return { value, size, specifiers, at: { line: at.line, column: at.column } };
  }

  private segmentValue(): SegmentValue {
    const t = this.next();
    if (t.kind === 'integer') return { kind: 'integer', value: t.value };
    if (t.kind === 'float') return { kind: 'float', value: t.value };
    if (t.kind === 'string') return { kind: 'string', value: this.strings(t.value) };
    if (t.kind === 'value') return { kind: 'term', value: t.value };
    if (t.kind === 'punct' && (t.value === '-' || t.value === '+')) return this.signedNumber(t.value, t);
    if (t.kind === 'punct' && t.value === '<<') return { kind: 'term', value: this.binary() };
    return this.unexpected(t);
  }

  /** A literal size, bare or in parentheses (`<<X:(8)>>`). */
  private segmentSize(): number {
    const paren = this.isPunct('(');
    if (paren) this.next();
    const t = this.next();
    if (t.kind !== 'integer' || typeof t.value !== 'number' || t.value < 0) this.fail('segment size must be a non-negative integer', t);
    if (paren) this.expect(')');
    return t.value;
  }

  private specifier(): string {
    const t = this.next();
    if (t.kind !== 'atom') this.fail(`type specifier expected, found ${describe(t)}`, t);
    if (t.value !== 'unit') return t.value;
    this.expect(':');
    const n = this.next();
    if (n.kind !== 'integer') this.fail('unit size expected', n);
    return `unit:${n.value}`;
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'end of input';
    case 'dot':
      return "'.'";
    case 'punct':
      return `'${t.value}'`;
    case 'string':
      return 'a string';
    case 'value':
      return 'a spliced value';
    default:
      return `${t.kind} ${String(t.value)}`;
  }
}

/** An integral float stays a float only as an ErlFloat. */
function floatTerm(v: number): number | ErlFloat {
  return Number.isInteger(v) ? new ErlFloat(v) : v;
}

/** `-0` is no integer of Erlang's: negating 0 gives 0. */
function negate(v: number | bigint): number | bigint {
  if (typeof v === 'number') return v === 0 ? 0 : -v;
  const n = -v;
  return Number.isSafeInteger(Number(n)) && BigInt(Number(n)) === n ? Number(n) : n;
}

/** `[a, b | T]`: a list tail continues the list; anything else makes an improper list. */
function makeList(elements: Term[], tail: Term): Term {
  if (tail instanceof Tuple) return new ImproperList(elements, tail);
  if (Array.isArray(tail)) return tail.length === 0 ? elements : elements.concat(tail);
  if (tail instanceof ImproperList) return new ImproperList(elements.concat(tail.elements), tail.tail);
  return new ImproperList(elements, tail);
}
