/**
 * The part of `io_lib:format/2` that group leaders receive (`{put_chars, Enc, io_lib, format,
 * [Fmt, Args]}`, otp-distribution.md §10) and that `io:format` needs: control sequences
 * `~F.P.PadModC` (`*` takes F, P or the pad from the arguments) with the controls
 * `~w ~W ~p ~P ~s ~c ~e ~f ~g ~b ~B ~x ~X ~+ ~# ~i ~n ~~` and the `t` and `l` modifiers; fields
 * as io_lib_format fits them (io-format-fields.ts), floats as it rounds them (io-format-float.ts). `~p` and `~P` print through io_lib_pretty (pretty.ts): broken over lines of the field
 * width (80 by default) from the column the text before them on the same line ends at, as
 * io_lib_format:build_limited/5 computes it. Text shows as on a node with the default printable
 * range (`+pc latin1`).
 */
import { isUtf8 } from 'node:buffer';
import { prettyPrint } from './pretty.js';
import { ioLibWrite, type TextEncoding } from './io-lib-write.js';
import { Atom, ErlFloat, ImproperList, isList, type TermInput } from './types.js';
import { IoFormatError } from './io-format-error.js';
import { charField, integerField, stringField, termField, type FieldSpec } from './io-format-fields.js';
import { floatE, floatF, floatGForm } from './io-format-float.js';

export { IoFormatError };

interface Control extends FieldSpec {
  unicode: boolean;
  /** False with the `l` modifier: `~lp` prints lists and binaries of characters as numbers. */
  strings: boolean;
  char: string;
}

/**
 * `io_lib:format(Fmt, Args)` as text. `fmt` is a JS string or Erlang character data (a string, a
 * binary, an atom); throws {@link IoFormatError} where `io_lib:format` raises badarg.
 */
export function ioFormat(fmt: TermInput, args: readonly TermInput[]): string {
  const text = typeof fmt === 'string' ? fmt : fmt instanceof Atom ? fmt.name : charsToString(fmt, true);
  const out: string[] = [];
  let column = 0; // io_lib_format:indentation/2 of everything written so far
  const emit = (piece: string): void => {
    out.push(piece);
    column = indentation(piece, column);
  };
  let next = 0;
  const take = (): TermInput => {
    if (next >= args.length) throw new IoFormatError(`too few arguments for format ${JSON.stringify(text)}`);
    return args[next++]!;
  };
  let i = 0;
  while (i < text.length) {
    const tilde = text.indexOf('~', i);
    if (tilde < 0) {
      emit(text.slice(i));
      break;
    }
    emit(text.slice(i, tilde));
    const [control, end] = parseControl(text, tilde + 1, take);
    emit(render(control, take, column));
    i = end;
  }
  if (next !== args.length) throw new IoFormatError(`${args.length - next} argument(s) left over for format ${JSON.stringify(text)}`);
  return out.join('');
}

/** io_lib_format:indentation/2: the column after `text` from `column`, tabs stopping every 8. */
function indentation(text: string, column: number): number {
  let col = column;
  for (const ch of text) {
    if (ch === '\n') col = 0;
    else if (ch === '\t') col = (Math.floor(col / 8) + 1) * 8;
    else col++;
  }
  return col;
}

/** Reads `F.P.PadMod` and the control character after a `~`; `*` takes the value from the arguments. */
function parseControl(text: string, at: number, take: () => TermInput): [Control, number] {
  let i = at;
  const number = (): number | undefined => {
    if (text[i] === '*') {
      i++;
      const n = take();
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new IoFormatError('* needs an integer argument');
      return n;
    }
    const m = /^-?\d+/.exec(text.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return Number(m[0]);
  };
  const control: Control = { pad: ' ', unicode: false, strings: true, char: '' };
  control.width = number();
  if (text[i] === '.') {
    i++;
    control.precision = number();
    if (text[i] === '.') {
      i++;
      if (i >= text.length) throw new IoFormatError('format ends inside a control sequence');
      control.pad = text[i] === '*' ? padArgument(take()) : text[i]!;
      i++;
    }
  }
  while (text[i] === 't' || text[i] === 'l') {
    if (text[i++] === 't') control.unicode = true;
    else control.strings = false;
  }
  if (i >= text.length) throw new IoFormatError('format ends inside a control sequence');
  control.char = text[i]!;
  return [control, i + 1];
}

/** A pad character given as `.*`: a character code. */
function padArgument(p: TermInput): string {
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 0x10ffff) throw new IoFormatError('the pad character must be a character code');
  return String.fromCodePoint(p);
}

/** One control's text; `column` is where it starts (0-based), for `~p`. */
function render(c: Control, take: () => TermInput, column: number): string {
  const encoding: TextEncoding = c.unicode ? 'unicode' : 'latin1';
  switch (c.char) {
    case '~':
      return charField('~', c);
    case 'n':
      if (c.width === undefined) return '\n';
      if (c.width < 0) throw new IoFormatError('~n cannot be left-adjusted');
      return '\n'.repeat(c.width);
    case 'i':
      take();
      return '';
    case 'c': {
      const ch = take();
      if (typeof ch !== 'number' || !Number.isInteger(ch)) throw new IoFormatError('~c needs an integer');
      const code = c.unicode ? ch : ch & 0xff; // latin1 keeps the low byte of any integer, as OTP
      if (code < 0 || code > 0x10ffff) throw new IoFormatError('~tc needs a character code');
      return charField(String.fromCodePoint(code), c);
    }
    case 's':
      return stringField(stringArgument(take(), c.unicode), c);
    case 'w':
      return termField(ioLibWrite(take(), -1, { encoding }), c, c.precision);
    case 'W': {
      const t = take();
      return termField(ioLibWrite(t, depthArgument(take()), { encoding }), c, c.precision);
    }
    case 'p':
      return pretty(take(), -1, c, column);
    case 'P': {
      const t = take();
      return pretty(t, depthArgument(take()), c, column);
    }
    case 'e':
    case 'f':
    case 'g':
      return floatControl(c.char, floatArgument(take(), c.char), c);
    default:
      return integerControl(c, take);
  }
}

/** `~b ~B ~x ~X ~+ ~#`; anything else is not a control. */
function integerControl(c: Control, take: () => TermInput): string {
  if (!'bBxX+#'.includes(c.char)) throw new IoFormatError(`control ~${c.char} is not supported`);
  const n = take();
  const prefixArg = c.char === 'x' || c.char === 'X' ? take() : undefined;
  if ((typeof n !== 'number' || !Number.isInteger(n)) && typeof n !== 'bigint') throw new IoFormatError(`~${c.char} needs an integer`);
  const lower = c.char === 'b' || c.char === 'x' || c.char === '+';
  let prefix = '';
  if (prefixArg !== undefined) prefix = prefixText(prefixArg);
  else if (c.char === '+' || c.char === '#') prefix = `${c.precision ?? 10}#`;
  return integerField(n, c, prefix, lower);
}

/** The prefix of `~x`: an atom's name or a deep list of characters (io_lib:deep_char_list/1). */
function prefixText(p: TermInput): string {
  if (p instanceof Atom) return p.name;
  const out: string[] = [];
  const walk = (d: TermInput): void => {
    if (!isList(d)) throw new IoFormatError('the prefix of ~x is not a character list');
    for (const e of d) {
      if (isList(e)) walk(e);
      else if (typeof e === 'number' && isUnicodeChar(e)) out.push(String.fromCodePoint(e));
      else throw new IoFormatError('the prefix of ~x is not a character list');
    }
  };
  walk(p);
  return out.join('');
}

/** io_lib:char_list/1's characters: code points, less surrogates, 16#FFFE and 16#FFFF. */
function isUnicodeChar(c: number): boolean {
  return Number.isInteger(c) && c >= 0 && (c < 0xd800 || (c > 0xdfff && c < 0xfffe) || (c > 0xffff && c <= 0x10ffff));
}

/** The text `~s` shows: an atom's name or character data; a bare integer is badarg as in OTP. */
function stringArgument(s: TermInput, unicode: boolean): string {
  if (s instanceof Atom) return s.name;
  if (typeof s === 'number') throw new IoFormatError('~s needs character data, not a number');
  return charsToString(s, unicode);
}

function floatArgument(x: TermInput, control: string): number {
  if (x instanceof ErlFloat) return x.value;
  if (typeof x === 'number' && !Number.isInteger(x)) return x;
  throw new IoFormatError(`~${control} needs a float`);
}

/**
 * io_lib_format:fwrite_e/f/g: precision 6 by default (`~e` needs 2 or more, the others 1), and in
 * a field the precision is the field: a number wider than it is all `*`.
 */
function floatControl(control: 'e' | 'f' | 'g', x: number, c: Control): string {
  let kind: 'e' | 'f' = control === 'g' ? 'f' : control;
  let p = c.precision ?? 6;
  if (p < (control === 'e' ? 2 : 1)) throw new IoFormatError(`~${control} needs a precision of ${control === 'e' ? 2 : 1} or more`);
  if (control === 'g') ({ control: kind, precision: p } = floatGForm(x, p));
  const text = kind === 'e' ? floatE(x, p) : floatF(x, p);
  return c.width === undefined ? text : termField(text, c, Math.abs(c.width));
}

function depthArgument(d: TermInput): number {
  if (typeof d !== 'number' || !Number.isInteger(d)) throw new IoFormatError(`the depth of ~P and ~W must be an integer`);
  return d;
}

/**
 * io_lib_format:print/10: the field width is the line length, the precision the start column
 * (default: where the text before ends); a left-adjusted `~p` is badarg in OTP.
 */
function pretty(t: TermInput, depth: number, c: Control, column: number): string {
  if (c.width !== undefined && c.width < 0) throw new IoFormatError(`~${c.char} cannot be left-adjusted`);
  return prettyPrint(t, {
    column: c.precision ?? column + 1,
    lineLength: c.width ?? 80,
    depth,
    encoding: c.unicode ? 'unicode' : 'latin1',
    strings: c.strings,
  });
}

/** An Erlang string (a list of code points) of JS text: the inverse of {@link charsToString}. */
export function codePoints(text: string): number[] {
  return Array.from(text, (c) => c.codePointAt(0)!);
}

/**
 * Erlang character data (a string, a binary, a deep list of both) as text. `unicode`: binaries
 * are UTF-8 and list elements any code point, else binaries and lists are Latin-1 (as `~s`
 * without `t`). Throws {@link IoFormatError} for anything else.
 */
export function charsToString(data: TermInput, unicode: boolean): string {
  const out: string[] = [];
  const walk = (d: TermInput): void => {
    if (typeof d === 'number') {
      if (!Number.isInteger(d) || d < 0 || d > (unicode ? 0x10ffff : 0xff)) throw new IoFormatError(`${d} is not a character`);
      out.push(String.fromCodePoint(d));
    } else if (Buffer.isBuffer(d)) {
      out.push(d.toString(unicode && isUtf8(d) ? 'utf8' : 'latin1')); // ~ts shows bytes that are not UTF-8 as Latin-1
    } else if (typeof d === 'string') {
      out.push(d);
    } else if (isList(d)) {
      for (const e of d) walk(e);
    } else if (d instanceof ImproperList && Buffer.isBuffer(d.tail)) {
      for (const e of d.elements) walk(e);
      walk(d.tail); // an iolist may end in a binary tail
    } else {
      throw new IoFormatError('not character data');
    }
  };
  walk(data);
  return out.join('');
}
