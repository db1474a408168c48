/**
 * The tokenizer of `parse`: the subset of erl_scan (OTP 25) that term syntax uses. Numbers with
 * `_` separators and `Base#digits`, `$c` characters, strings and quoted atoms with every erl_scan
 * escape, `%` comments, and the punctuation of lists, tuples, maps, binaries and `fun M:F/A`.
 */
import { isReservedWord } from './format-text.js';
import type { Term } from './types.js';

/** Where a token starts: 1-based line and column (columns count code points). */
export interface Position {
  line: number;
  column: number;
}

/** One token. A `value` token is a JS value spliced in by the `term` template tag. */
export type Token = Position &
  (
    | { kind: 'integer'; value: number | bigint }
    | { kind: 'float'; value: number }
    | { kind: 'string'; value: number[] }
    | { kind: 'atom'; value: string }
    | { kind: 'variable'; value: string }
    | { kind: 'reserved'; value: string }
    | { kind: 'punct'; value: string }
    | { kind: 'value'; value: Term }
    | { kind: 'dot' }
    | { kind: 'end' }
  );

/** The type of a token kind's `value` (`undefined` for `dot` and `end`). */
type ValueOf<K extends Token['kind']> = Extract<Token, { kind: K }> extends { value: infer V } ? V : undefined;

/** A syntax error in term text, with the line and column (1-based) where it was found. */
export class TermSyntaxError extends SyntaxError {
  readonly code = 'ERR_NODERL_PARSE';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = 'TermSyntaxError';
  }
}

/** erl_scan's punctuation that term syntax can contain, longest first (maximal munch). */
const PUNCTUATION = ['<<', '>>', '=>', ':=', '{', '}', '[', ']', '(', ')', ',', '|', '#', ':', '/', '-', '+', '<', '>', '='];

const SIMPLE_ESCAPES: { [ch: string]: number } = { b: 8, d: 127, e: 27, f: 12, n: 10, r: 13, s: 32, t: 9, v: 11 };

/** erl_scan's white space: control characters, space, and Latin-1 0x80..0xA0. */
function isSpace(c: number): boolean {
  return c <= 32 || (c >= 0x80 && c <= 0xa0);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Lower case letters that may start an atom: a-z and Latin-1 ß..ÿ except ÷. */
function isAtomStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 0xdf && c <= 0xff && c !== 0xf7);
}

/** Upper case letters and `_` start a variable. */
function isVariableStart(c: number): boolean {
  return (c >= 65 && c <= 90) || c === 95 || (c >= 0xc0 && c <= 0xde && c !== 0xd7);
}

function isNameChar(c: number): boolean {
  return isAtomStart(c) || isVariableStart(c) || isDigit(c) || c === 64;
}

/** The value of `c` as a digit in base 36, or 99. */
function digitValue(c: number): number {
  if (isDigit(c)) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return 99;
}

/**
 * Reads tokens one at a time (so that a large text never holds all its tokens at once). `parts`
 * are the text pieces around template values (one piece, and no values, for plain `parse`);
 * value `i` comes out as a `value` token between parts i and i+1, then an `end` token, forever.
 */
export class Lexer {
  private line = 1;
  private column = 1;
  /** Where the token being read starts. */
  private startLine = 1;
  private startColumn = 1;
  private part = 0;
  private valueDone = false;
  private text: string;
  private pos = 0;

  constructor(
    private readonly parts: readonly string[],
    private readonly values: readonly Term[] = [],
  ) {
    this.text = parts[0] ?? '';
  }

  /** The next token. */
  next(): Token {
    for (;;) {
      const c = this.peek();
      if (c === -1) {
        const t = this.betweenParts();
        if (t !== null) return t;
      } else if (isSpace(c)) {
        this.advance();
      } else if (c === 37) {
        this.skipComment();
      } else {
        this.startLine = this.line;
        this.startColumn = this.column;
        return this.token(c);
      }
    }
  }

  /** At the end of a text part: the spliced value after it, or the end, or null to go on with the next part. */
  private betweenParts(): Token | null {
    if (this.part < this.values.length && !this.valueDone) {
      this.valueDone = true;
      this.startLine = this.line;
      this.startColumn = this.column;
      return this.make('value', this.values[this.part]);
    }
    if (this.part + 1 >= this.parts.length) {
      this.startLine = this.line;
      this.startColumn = this.column;
      return this.make('end', undefined);
    }
    this.part++;
    this.valueDone = false;
    this.text = this.parts[this.part];
    this.pos = 0;
    return null;
  }

  private make<K extends Token['kind']>(kind: K, value: ValueOf<K>): Token {
    // One object shape for every token keeps the parser's reads monomorphic (measured: building
    // tokens by object spread made parse 5x slower).
    return { kind, value, line: this.startLine, column: this.startColumn } as Token;
  }

  /** Where the current token starts, for errors. */
  private get at(): Position {
    return { line: this.startLine, column: this.startColumn };
  }

  /** The code point at the cursor (+ `ahead` code units), or -1 at the end of the text. */
  private peek(ahead = 0): number {
    const c = this.text.codePointAt(this.pos + ahead);
    return c === undefined ? -1 : c;
  }

  private advance(): number {
    const c = this.peek();
    if (c === -1) return c;
    this.pos += c > 0xffff ? 2 : 1;
    if (c === 10) {
      this.line++;
      this.column = 1;
    } else {
      this.column++;
    }
    return c;
  }

  /** Fails where the cursor is, or at `at`. */
  private fail(message: string, at?: Position): never {
    throw new TermSyntaxError(message, at?.line ?? this.line, at?.column ?? this.column);
  }

  private skipComment(): void {
    while (this.peek() !== -1 && this.peek() !== 10) this.advance();
  }

  private token(c: number): Token {
    if (isDigit(c)) return this.number();
    if (isAtomStart(c) || isVariableStart(c)) return this.name();
    if (c === 39) return this.make('atom', this.quoted(39));
    if (c === 34) return this.make('string', this.quotedCodes(34));
    if (c === 36) return this.char();
    if (c === 46) return this.dot();
    for (const p of PUNCTUATION) {
      if (this.text.startsWith(p, this.pos)) {
        for (let i = 0; i < p.length; i++) this.advance();
        return this.make('punct', p);
      }
    }
    return this.fail(`illegal character ${JSON.stringify(String.fromCodePoint(c))}`, this.at);
  }

  /** A `.` ends the term only when white space, a comment or the end follows (erl_scan's dot). */
  private dot(): Token {
    this.advance();
    const next = this.peek();
    if (next !== -1 && next !== 37 && !isSpace(next)) this.fail("unexpected '.'", this.at);
    return this.make('dot', undefined);
  }

  private name(): Token {
    const start = this.pos;
    while (isNameChar(this.peek())) this.advance();
    const name = this.text.slice(start, this.pos);
    if (isVariableStart(name.charCodeAt(0))) return this.make('variable', name);
    return this.make(isReservedWord(name) ? 'reserved' : 'atom', name);
  }

  /** Digits in `base`, with single `_` between digits (OTP 23+). */
  private digits(base: number, what: string): string {
    let s = '';
    for (;;) {
      const c = this.peek();
      if (digitValue(c) < base) {
        s += String.fromCharCode(this.advance());
      } else if (c === 95 && s !== '' && digitValue(this.peek(1)) < base) {
        this.advance();
      } else if (s === '') {
        this.fail(`${what} expected`);
      } else if (isNameChar(c) && !(base === 10 && (c === 101 || c === 69 || c === 35))) {
        this.fail(`invalid digit ${JSON.stringify(String.fromCodePoint(c))} in base ${base}`);
      } else {
        return s;
      }
    }
  }

  private number(): Token {
    const whole = this.digits(10, 'digit');
    if (this.peek() === 35) {
      this.advance();
      const base = Number(whole);
      if (base < 2 || base > 36) this.fail(`base ${whole} is not 2..36`, this.at);
      return this.make('integer', parseInteger(this.digits(base, `base ${base} digit`), base));
    }
    if (this.peek() !== 46 || !isDigit(this.peek(1))) {
      if (this.peek() === 101 || this.peek() === 69) this.fail('a float needs a fraction (1.0e5, not 1e5)');
      return this.make('integer', parseInteger(whole, 10));
    }
    this.advance();
    let text = `${whole}.${this.digits(10, 'digit')}`;
    const e = this.peek();
    if (e === 101 || e === 69) {
      this.advance();
      let sign = '';
      if (this.peek() === 43 || this.peek() === 45) sign = String.fromCharCode(this.advance());
      text += `e${sign}${this.digits(10, 'exponent digit')}`;
    }
    const value = Number(text);
    // erl_scan rejects what list_to_float/1 cannot hold.
    if (!Number.isFinite(value)) this.fail(`float ${text} is out of range`, this.at);
    return this.make('float', value);
  }

  private char(): Token {
    this.advance();
    const c = this.advance();
    if (c === -1) this.fail('character expected after $', this.at);
    return this.make('integer', c === 92 ? this.escape() : c);
  }

  /** The character after a backslash (erl_scan:scan_escape/2). */
  private escape(): number {
    const c = this.advance();
    if (c === -1) this.fail('unterminated escape sequence', this.at);
    if (c >= 48 && c <= 55) {
      let v = c - 48;
      for (let i = 0; i < 2 && this.peek() >= 48 && this.peek() <= 55; i++) v = v * 8 + this.advance() - 48;
      return v;
    }
    if (c === 120) return this.hexEscape();
    if (c === 94) {
      const k = this.advance();
      if (k === -1) this.fail('unterminated escape sequence', this.at);
      return k & 31;
    }
    return SIMPLE_ESCAPES[String.fromCharCode(c)] ?? c;
  }

  /** `\xHH` or `\x{H...}`. */
  private hexEscape(): number {
    let hex = '';
    if (this.peek() === 123) {
      this.advance();
      while (digitValue(this.peek()) < 16) hex += String.fromCharCode(this.advance());
      if (this.advance() !== 125 || hex === '') this.fail('bad \\x{...} escape', this.at);
    } else {
      for (let i = 0; i < 2 && digitValue(this.peek()) < 16; i++) hex += String.fromCharCode(this.advance());
      if (hex.length !== 2) this.fail('bad \\xHH escape', this.at);
    }
    const v = parseInt(hex, 16);
    if (v > 0x10ffff) this.fail(`character \\x{${hex}} is beyond Unicode`, this.at);
    return v;
  }

  /** The code points of a `"..."` or `'...'` literal, escapes resolved. */
  private quotedCodes(quote: number): number[] {
    this.advance();
    const codes: number[] = [];
    for (;;) {
      const c = this.advance();
      if (c === -1) this.fail(`unterminated ${quote === 34 ? 'string' : 'quoted atom'}`, this.at);
      if (c === quote) return codes;
      codes.push(c === 92 ? this.escape() : c);
    }
  }

  private quoted(quote: number): string {
    const codes = this.quotedCodes(quote);
    if (codes.length > 255) this.fail('atom longer than 255 characters', this.at);
    if (codes.some((c) => c >= 0xd800 && c <= 0xdfff)) this.fail('atom contains a surrogate code point', this.at);
    return String.fromCodePoint(...codes);
  }
}

/** Digits in a base to a number, or a bigint past 2^53. */
function parseInteger(digits: string, base: number): number | bigint {
  if (base === 10 ? digits.length < 16 : digits.length * Math.log2(base) < 53) return parseInt(digits, base);
  let v = 0n;
  const b = BigInt(base);
  for (const ch of digits) v = v * b + BigInt(digitValue(ch.charCodeAt(0)));
  return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v;
}
