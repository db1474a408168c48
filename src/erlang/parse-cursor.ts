/**
 * The token stream under the expression parser: erl_scan token terms read one at a time, and
 * erl_parse's syntax errors (`{Location, erl_parse, ["syntax error before: ", TokenText]}`, the
 * token named the way yecc's yecctoken_to_string/1 names it).
 */
import { Atom, isTuple, tuple, type Term } from '../term/types.js';
import { annoEndLocation, annoLocation, annoText } from './parse-annos.js';
import { chars, formatErrorInfo, writeAtom, writeChar, writeFloat, writeString } from './token-text.js';
import { format } from '../term/format.js';

/**
 * A syntax error from parseExprs: `info` is erl_parse's ErrorInfo `{Location, erl_parse, Message}`
 * (what erl_parse:parse_exprs/1 returns as `{error, ErrorInfo}`); the message is the line the
 * OTP 25 shell prints for it (`* 1:5: syntax error before: ')'`).
 */
export class ErlParseError extends SyntaxError {
  readonly code = 'ERR_NODERL_ERL_PARSE';
  constructor(readonly info: Term) {
    super(formatErrorInfo(info));
    this.name = 'ErlParseError';
  }
}

/** The category of a token: its first element (`integer`, `'('`, `dot`, `case`...). */
export function category(token: Term): string {
  return isTuple(token) && token[0] instanceof Atom ? token[0].name : '';
}

/** The name of an atom term (`true` and `false` are JS booleans). */
function atomName(t: Term): string {
  return t instanceof Atom ? t.name : String(t);
}

/** yecc's yecctoken2string/1 for a token without text. */
function tokenToString(token: Term): string {
  const cat = category(token);
  const t = token as Term[];
  switch (cat) {
    case 'atom':
      return writeAtom(atomName(t[2]));
    case 'integer':
      return String(t[2]);
    case 'float':
      return writeFloat(t[2]);
    case 'char':
      return writeChar(t[2] as number);
    case 'var':
      return atomName(t[2]);
    case 'string':
      return writeString(t[2] as number[]);
    case 'dot':
      return "'.'";
    case '$end':
      return '';
    default:
      return t.length === 2 ? writeAtom(cat) : format(t[2]);
  }
}

/** A cursor over the tokens, with erl_parse's end of input (`'$end'` after the last token). */
export class TokenCursor {
  protected index = 0;

  constructor(protected readonly tokens: readonly Term[]) {}

  /** The token `ahead` places on, or the end marker. */
  protected peek(ahead = 0): Term {
    const i = this.index + ahead;
    return i < this.tokens.length ? this.tokens[i] : this.endToken();
  }

  /** True if the token `ahead` places on is of category `cat`. */
  protected at(cat: string, ahead = 0): boolean {
    return category(this.peek(ahead)) === cat;
  }

  protected next(): Term {
    const t = this.peek();
    if (this.index < this.tokens.length) this.index++;
    return t;
  }

  /** The next token, which must be of category `cat`. */
  protected expect(cat: string): Term {
    if (!this.at(cat)) this.syntaxError(this.peek());
    return this.next();
  }

  /** Takes the next token if it is of category `cat`. */
  protected accept(cat: string): boolean {
    if (!this.at(cat)) return false;
    this.index++;
    return true;
  }

  /**
   * yecc's end token: located where the last token ends (parse_exprs/1 puts `f() ->` with
   * annotation 0 before the tokens, so with no tokens it is at 0).
   */
  private endToken(): Term {
    const last = this.tokens[this.tokens.length - 1];
    if (last === undefined) return tuple(Atom.of('$end'), 0);
    const anno = (last as Term[])[1];
    return tuple(Atom.of('$end'), annoEndLocation(anno) ?? annoLocation(anno));
  }

  /** erl_parse's `syntax error before: Token`, at the token. */
  protected syntaxError(token: Term): never {
    const anno = (token as Term[])[1];
    const text = category(token) === '$end' ? '' : annoText(anno) ?? tokenToString(token);
    const message = [chars('syntax error before: '), chars(text)];
    throw new ErlParseError(tuple(annoLocation(anno), Atom.of('erl_parse'), message));
  }

  /** erl_parse's ret_err/2: an error at an annotation with a message of its own. */
  protected failAt(anno: Term, message: string): never {
    throw new ErlParseError(tuple(annoLocation(anno), Atom.of('erl_parse'), chars(message)));
  }
}
