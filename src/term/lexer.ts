/**
 * The tokenizer of `parse`: erl_scan's tokens (OTP 25, scanned by the port in erl-scan.ts) in the
 * shape the term parser reads, with template values spliced in between text parts. Term syntax
 * uses numbers, `$c` characters (integers here), strings, atoms and some punctuation; the parser
 * refuses the other tokens.
 */
import { ErlScanner, type ScanToken } from './erl-scan.js';
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

/** Punctuation that term syntax uses; other erl_scan punctuation is an illegal character in a term. */
export const TERM_PUNCTUATION: ReadonlySet<string> = new Set(['<<', '>>', '=>', ':=', '{', '}', '[', ']', '(', ')', ',', '|', '#', ':', '/', '-', '+', '<', '>', '=']);

/**
 * Reads tokens one at a time (so that a large text never holds all its tokens at once). `parts`
 * are the text pieces around template values (one piece, and no values, for plain `parse`);
 * value `i` comes out as a `value` token between parts i and i+1, then an `end` token, forever.
 */
export class Lexer {
  private part = 0;
  private valueDone = false;
  private scanner: ErlScanner;

  constructor(
    private readonly parts: readonly string[],
    private readonly values: readonly Term[] = [],
  ) {
    this.scanner = new ErlScanner(parts[0] ?? '', true, 1, 1);
  }

  /** The next token. */
  next(): Token {
    for (;;) {
      const step = this.scanner.next();
      if (step.kind === 'token') return this.convert(step.token);
      if (step.kind === 'error') throw new TermSyntaxError(step.fault.message, step.fault.line, step.fault.column ?? 1);
      const t = this.betweenParts();
      if (t !== null) return t;
    }
  }

  /** At the end of a text part: the spliced value after it, or the end, or null to go on with the next part. */
  private betweenParts(): Token | null {
    const at = { line: this.scanner.line, column: this.scanner.column ?? 1 };
    if (this.part < this.values.length && !this.valueDone) {
      this.valueDone = true;
      return { kind: 'value', value: this.values[this.part], ...at };
    }
    if (this.part + 1 >= this.parts.length) return { kind: 'end', value: undefined, ...at } as Token;
    this.part++;
    this.valueDone = false;
    this.scanner = new ErlScanner(this.parts[this.part], true, at.line, at.column);
    return null;
  }

  private convert(t: ScanToken): Token {
    const line = t.line;
    const column = t.column ?? 1;
    switch (t.category) {
      case 'integer':
        this.refuseExponent(line, column);
        return { kind: 'integer', value: t.value as number | bigint, line, column };
      case 'char':
        return { kind: 'integer', value: t.value as number, line, column };
      case 'float':
        return { kind: 'float', value: t.value as number, line, column };
      case 'string':
        return { kind: 'string', value: t.value as number[], line, column };
      case 'atom':
        return { kind: 'atom', value: t.value as string, line, column };
      case 'var':
        return { kind: 'variable', value: t.value as string, line, column };
      case 'dot':
        return { kind: 'dot', value: undefined, line, column } as Token;
      default:
        if (/^[a-z]/.test(t.category)) return { kind: 'reserved', value: t.category, line, column };
        if (!TERM_PUNCTUATION.has(t.category) && t.category !== '.') {
          throw new TermSyntaxError(`illegal character ${JSON.stringify(t.category)}`, line, column);
        }
        return { kind: 'punct', value: t.category, line, column };
    }
  }

  /** erl_scan reads `1e5` as 1 and the atom e5; in a term that is a float written without its fraction. */
  private refuseExponent(line: number, column: number): void {
    const next = this.scanner.peekChar();
    if ((next === 101 || next === 69) && /^[0-9_]+$/.test(this.scanner.lastTokenText())) {
      throw new TermSyntaxError('a float needs a fraction (1.0e5, not 1e5)', line, column);
    }
  }
}
