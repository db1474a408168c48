/**
 * The scanner behind `Lexer` (lexer.ts) and the shell's erl_scan (src/erlang/scan.ts): a port of
 * OTP 25's erl_scan for Erlang source. It reads one token at a time from a text that is either
 * `final` (erl_scan's `eof` follows it) or may go on; where erl_scan would return `{more, Cont}`
 * because the text ends before it can decide, the scanner answers `more` and leaves its state as
 * it was before the token, so the caller can rescan with the longer text (the same tokens come
 * out as from erl_scan's continuation, which only saves it that rescan).
 *
 * Lines and columns follow erl_scan: columns count code points from the start column, a tab is one
 * column, and without a start column (`column === null`) only lines are kept.
 */
import { codesText, graphemeHead, isAtomStart, isBasedDigit, isDigit, isNameChar, isVariableStart, isWhite, PAIRS, SINGLES, toInteger } from './erl-scan-chars.js';
import { scanEscape, isUnicode } from './erl-scan-escape.js';
import { isReservedWord } from './format-text.js';

/** A token as erl_scan makes it: its category (`integer`, `atom`, `'('`, `dot`, `case`...) and symbol. */
export interface ScanToken {
  category: string;
  /** integer and char: the number; float: the number; atom and var: the name; string: code points. */
  value: number | bigint | string | number[] | undefined;
  line: number;
  column: number | null;
  /** Code point indexes of the token's source text (erl_scan's `text`): from `start` up to `end`. */
  start: number;
  end: number;
}

/** erl_scan's error descriptors: `{string, Quote, Head}`, `{illegal, What}`, `char`, `{base, Base}`. */
export type ScanReason =
  | { kind: 'string'; quote: number; head: number[] }
  | { kind: 'illegal'; what: 'character' | 'atom' | 'var' | 'integer' | 'float' }
  | { kind: 'char' }
  | { kind: 'base'; base: number | bigint };

/** A scan error: erl_scan's reason, where it is, where scanning stopped, and what text is left. */
export interface ScanFault {
  reason: ScanReason;
  line: number;
  column: number | null;
  endLine: number;
  endColumn: number | null;
  /** Code point index of the text erl_scan returns as the rest, or `eof`. */
  rest: number | 'eof';
  /** What went wrong, in words (for term syntax errors). */
  message: string;
}

/** One step of the scanner. */
export type ScanStep =
  | { kind: 'token'; token: ScanToken }
  | { kind: 'more' }
  | { kind: 'eof' }
  | { kind: 'error'; fault: ScanFault };

/** Thrown inside the scanner when the text ends where erl_scan would ask for more. */
const MORE = Symbol('more');

const END = -1;

/** Scans erl_scan tokens from `text`; see the module comment. */
export class ErlScanner {
  private readonly cps: Uint32Array;
  private readonly length: number;
  private pos = 0;
  private startLine = 0;
  private startColumn: number | null = null;
  private tokenStart = 0;

  constructor(
    text: string,
    private readonly final: boolean,
    public line: number,
    public column: number | null,
  ) {
    // A typed array of code points: Array.from made parse() of a large term 2x slower.
    const cps = new Uint32Array(text.length);
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.codePointAt(i) as number;
      cps[n++] = c;
      if (c > 0xffff) i++;
    }
    this.cps = cps.subarray(0, n);
    this.length = n;
  }

  /** Code point index of the next character to scan. */
  get position(): number {
    return this.pos;
  }

  /** The next character (END, -1, at the end of the text), for a caller that looks past a token. */
  peekChar(): number {
    return this.peek(0);
  }

  /** The source text of the token last read. */
  lastTokenText(): string {
    return this.textFrom(this.tokenStart, this.pos);
  }

  /** The text of code points `from` up to `to` (the end of the text). */
  textFrom(from: number, to = this.length): string {
    let out = '';
    for (let i = from; i < to; i += 4096) out += codesText(this.cps, i, Math.min(i + 4096, to));
    return out;
  }

  /** The next token, `eof` at the end of a final text, `more` where erl_scan would want more text, or an error. */
  next(): ScanStep {
    const { pos, line, column } = this;
    try {
      if (!this.skipLayout()) return { kind: 'eof' };
      this.startLine = this.line;
      this.startColumn = this.column;
      this.tokenStart = this.pos;
      return { kind: 'token', token: this.token(this.peek(0)) };
    } catch (e) {
      if (e === MORE) {
        this.pos = pos;
        this.line = line;
        this.column = column;
        return { kind: 'more' };
      }
      if (typeof e === 'object' && e !== null && 'reason' in e) return { kind: 'error', fault: e as ScanFault };
      throw e;
    }
  }

  /** The code point `ahead` places on, or END. */
  private peek(ahead: number): number {
    const i = this.pos + ahead;
    return i < this.length ? this.cps[i] : END;
  }

  /** At the end of a text that may go on, erl_scan cannot decide yet. */
  private endNeedsMore(c: number): void {
    if (c === END && !this.final) throw MORE;
  }

  private incr(n: number): void {
    if (this.column !== null) this.column += n;
  }

  private newLine(column = 1): void {
    this.line++;
    if (this.column !== null) this.column = column;
  }

  private fault(reason: ScanReason, message: string, end: { line: number; column: number | null }, rest: number | 'eof', at?: { line: number; column: number | null }): never {
    const where = at ?? { line: this.startLine, column: this.startColumn };
    throw { reason, message, line: where.line, column: where.column, endLine: end.line, endColumn: end.column, rest } satisfies ScanFault;
  }

  /** Skips white space and comments (erl_scan:skip_white_space/6, skip_comment/6); false at the end of a final text. */
  private skipLayout(): boolean {
    for (;;) {
      const c = this.peek(0);
      this.endNeedsMore(c);
      if (c === END) return false;
      if (c === 10) {
        this.pos++;
        this.newLine();
      } else if (isWhite(c)) {
        this.pos++;
        this.incr(1);
      } else if (c === 37) {
        this.skipComment();
      } else {
        return true;
      }
    }
  }

  private skipComment(): void {
    let n = 1;
    for (;;) {
      const c = this.peek(n);
      this.endNeedsMore(c);
      if (c === END || c === 10) break;
      if (!isUnicode(c)) {
        const end = { line: this.line, column: this.column === null ? null : this.column + n + 1 };
        this.fault({ kind: 'illegal', what: 'character' }, 'illegal character in a comment', end, this.pos + n + 1, { line: this.line, column: this.column });
      }
      n++;
    }
    this.pos += n;
    this.incr(n);
  }

  private make(category: string, value: ScanToken['value'], length: number): ScanToken {
    this.pos += length;
    this.incr(length);
    return { category, value, line: this.startLine, column: this.startColumn, start: this.tokenStart, end: this.pos };
  }

  private token(c: number): ScanToken {
    if (isVariableStart(c)) return this.name(true);
    if (isAtomStart(c)) return this.name(false);
    if (isDigit(c)) return this.number();
    if (c === 34) return this.quoted(34);
    if (c === 39) return this.quoted(39);
    if (c === 36) return this.char();
    if (c === 46) return this.dot();
    const ch = String.fromCodePoint(c);
    const pair = PAIRS[ch];
    if (pair !== undefined) return this.operator(ch, pair);
    if (SINGLES.has(c) || c <= 255) return this.make(ch, undefined, 1);
    return this.fault({ kind: 'illegal', what: 'character' }, `illegal character ${JSON.stringify(ch)}`, { line: this.line, column: this.column === null ? null : this.column + 1 }, this.pos + 1);
  }

  /** `..`, `...`, erl_scan's dot (a `.` before white space, `%` or the end), or a `.` token. */
  private dot(): ScanToken {
    const n1 = this.peek(1);
    if (n1 === 46) {
      const n2 = this.peek(2);
      if (n2 === 46) return this.make('...', undefined, 3);
      this.endNeedsMore(n2);
      return this.make('..', undefined, 2);
    }
    this.endNeedsMore(n1);
    if (n1 === END || n1 === 37) return this.make('dot', undefined, 1);
    if (n1 === 10) {
      const t = this.make('dot', undefined, 2);
      this.line++;
      if (this.column !== null) this.column = 1;
      return t;
    }
    if (isWhite(n1)) return this.make('dot', undefined, 2);
    return this.make('.', undefined, 1);
  }

  /** Operators of one, two or three characters, the longest that fits (`=:=` and `=/=` included). */
  private operator(first: string, seconds: string[]): ScanToken {
    const n1 = this.peek(1);
    if (first === '=' && (n1 === 58 || n1 === 47)) {
      const n2 = this.peek(2);
      if (n2 === 61) return this.make(n1 === 58 ? '=:=' : '=/=', undefined, 3);
      this.endNeedsMore(n2);
      return this.make('=', undefined, 1);
    }
    if (n1 !== END && seconds.includes(String.fromCodePoint(n1))) return this.make(first + String.fromCodePoint(n1), undefined, 2);
    this.endNeedsMore(n1);
    return this.make(first, undefined, 1);
  }

  /** Atoms, reserved words and variables (erl_scan:scan_atom/6, scan_variable/6). */
  private name(variable: boolean): ScanToken {
    let n = 1;
    while (isNameChar(this.peek(n))) n++;
    this.endNeedsMore(this.peek(n));
    const name = codesText(this.cps, this.pos, this.pos + n);
    if (n > 255) {
      const what = variable ? 'var' : 'atom';
      this.fault({ kind: 'illegal', what }, `${what === 'var' ? 'variable' : 'atom'} longer than 255 characters`, this.after(n), this.pos + n);
    }
    if (variable) return this.make('var', name, n);
    return isReservedWord(name) ? this.make(name, undefined, n) : this.make('atom', name, n);
  }

  /** The location `n` columns after the token's start, on its line. */
  private after(n: number): { line: number; column: number | null } {
    return { line: this.startLine, column: this.startColumn === null ? null : this.startColumn + n };
  }

  /** Digits with single `_` between them, from `n` on; the count after them. */
  private digitRun(n: number, isOk: (c: number) => boolean): number {
    for (;;) {
      const c = this.peek(n);
      if (isOk(c)) {
        n++;
      } else if (c === 95 && isOk(this.peek(n - 1)) && isOk(this.peek(n + 1))) {
        n += 2;
      } else {
        if (c === 95) this.endNeedsMore(this.peek(n + 1));
        return n;
      }
    }
  }

  /** Integers, `Base#digits` and floats (erl_scan:scan_number/7 and what follows it). */
  private number(): ScanToken {
    let n = this.digitRun(0, isDigit);
    const c = this.peek(n);
    if (c === 46 && isDigit(this.peek(n + 1))) return this.fraction(n + 1);
    if (c === 46) this.endNeedsMore(this.peek(n + 1));
    this.endNeedsMore(c);
    if (c !== 35) return this.make('integer', this.digitsValue(0, n, 10), n);
    const digits = this.textOf(0, n);
    const base = BigInt(digits);
    if (base < 2n || base > 36n) {
      const b = Number(base) <= Number.MAX_SAFE_INTEGER ? Number(base) : base;
      this.fault({ kind: 'base', base: b }, `base ${digits} is not 2..36`, this.after(n), this.pos + n);
    }
    const radix = Number(base);
    const start = n + 1;
    n = this.digitRun(start, (d) => isBasedDigit(d, radix));
    this.endNeedsMore(this.peek(n));
    if (n === start) this.fault({ kind: 'illegal', what: 'integer' }, `base ${radix} digit expected`, this.after(n), this.pos + n);
    return this.make('integer', this.digitsValue(start, n, radix), n);
  }

  /** The fraction and exponent of a float, from `n` (just after the `.`). */
  private fraction(n: number): ScanToken {
    n = this.digitRun(n, isDigit);
    let c = this.peek(n);
    if (c === 101 || c === 69) {
      n++;
      c = this.peek(n);
      if (c === 43 || c === 45) n++;
      else this.endNeedsMore(c);
      n = this.digitRun(n, isDigit);
      c = this.peek(n);
    }
    this.endNeedsMore(c);
    const text = this.textOf(0, n);
    // list_to_float/1 wants digits after the `e`, and a finite value.
    const value = /[eE][+-]?$/.test(text) ? NaN : Number(text);
    if (!Number.isFinite(value)) this.fault({ kind: 'illegal', what: 'float' }, `float ${text} is out of range or malformed`, this.after(n), this.pos + n);
    return this.make('float', value, n);
  }

  /** The text of code points `from`..`to` after the cursor, `_` separators dropped. */
  private textOf(from: number, to: number): string {
    const text = codesText(this.cps, this.pos + from, this.pos + to);
    return text.includes('_') ? text.replace(/_/g, '') : text;
  }

  /** The value of the digits `from`..`to` after the cursor in `radix`, `_` separators skipped. */
  private digitsValue(from: number, to: number, radix: number): number | bigint {
    let v = 0;
    for (let i = this.pos + from; i < this.pos + to; i++) {
      const c = this.cps[i];
      if (c === 95) continue;
      if (v > (Number.MAX_SAFE_INTEGER - 35) / 36) return toInteger(this.textOf(from, to), radix);
      v = v * radix + (c <= 57 ? c - 48 : (c | 32) - 87);
    }
    return v;
  }

  /** `$c` (erl_scan:scan_char/5). */
  private char(): ScanToken {
    const c = this.peek(1);
    const eofFault = (): never =>
      this.fault({ kind: 'char' }, 'character expected after $', this.after(1), 'eof');
    if (c === 92) {
      this.pos += 2;
      const e = scanEscape(this.cps, this.pos, this.column === null ? null : this.column + 2, this.final);
      if (e === 'more') throw MORE;
      if (e.kind === 'eof') {
        return this.fault({ kind: 'char' }, 'unterminated escape sequence', { line: this.line, column: e.column }, 'eof');
      }
      if (e.kind === 'error') this.fault({ kind: 'illegal', what: 'character' }, e.message, { line: this.line, column: e.column }, e.rest);
      this.pos = e.next;
      if (e.newline) this.line++;
      this.column = e.column;
      return { category: 'char', value: e.value, line: this.startLine, column: this.startColumn, start: this.tokenStart, end: this.pos };
    }
    if (c === 10) {
      const t = this.make('char', 10, 2);
      this.newLine();
      return t;
    }
    this.endNeedsMore(c);
    if (c === END) return eofFault();
    if (isUnicode(c)) return this.make('char', c, 2);
    return this.fault({ kind: 'illegal', what: 'character' }, 'illegal character after $', this.after(1), 'eof');
  }

  /** `"..."` and `'...'` (erl_scan:scan_string/6, scan_qatom/6). */
  private quoted(quote: number): ScanToken {
    const codes: number[] = [];
    let i = this.pos + 1;
    let line = this.line;
    let column = this.column === null ? null : this.column + 1;
    const what = quote === 34 ? 'string' : 'quoted atom';
    const unterminated = (end: number | null): never =>
      this.fault({ kind: 'string', quote, head: graphemeHead(codes, 16) }, `unterminated ${what}`, { line, column: end }, 'eof');
    for (;;) {
      const c = i < this.length ? this.cps[i] : END;
      if (c === quote) {
        i++;
        if (column !== null) column++;
        break;
      }
      if (c === END) {
        if (!this.final) throw MORE;
        return unterminated(column);
      }
      if (c === 92) {
        const e = scanEscape(this.cps, i + 1, column, this.final);
        if (e === 'more') throw MORE;
        if (e.kind === 'eof') return unterminated(e.column === null ? null : e.column + 1);
        if (e.kind === 'error') {
          const end = { line, column: e.column === null ? null : e.column + 1 };
          this.fault({ kind: 'illegal', what: 'character' }, e.message, end, e.rest, { line, column });
        }
        codes.push(e.value);
        i = e.next;
        if (e.newline) line++;
        column = e.newline ? e.column : e.column === null ? null : e.column + 1;
      } else if (isUnicode(c)) {
        codes.push(c);
        i++;
        if (c === 10) {
          line++;
          if (column !== null) column = 1;
        } else if (column !== null) column++;
      } else {
        const end = { line, column: column === null ? null : column + 1 };
        this.fault({ kind: 'illegal', what: 'character' }, `illegal character in a ${what}`, end, i + 1, { line, column });
      }
    }
    if (quote === 39 && codes.length > 255) this.fault({ kind: 'illegal', what: 'atom' }, 'atom longer than 255 characters', { line, column }, i);
    this.pos = i;
    this.line = line;
    this.column = column;
    const value = quote === 34 ? codes : String.fromCodePoint(...codes);
    return { category: quote === 34 ? 'string' : 'atom', value, line: this.startLine, column: this.startColumn, start: this.tokenStart, end: this.pos };
  }
}
