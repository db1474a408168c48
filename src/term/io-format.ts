/**
 * The part of `io_lib:format/2` that group leaders receive (`{put_chars, Enc, io_lib, format,
 * [Fmt, Args]}`, otp-distribution.md §10) and that `io:format` needs: control sequences
 * `~F.P.PadModC` with the controls `~w ~W ~p ~P ~s ~c ~b ~B ~i ~n ~~` and the `t` and `l`
 * modifiers. `~p` and `~P` print through io_lib_pretty (pretty.ts): broken over lines of the field
 * width (80 by default) from the column the text before them on the same line ends at, as
 * io_lib_format:build_limited/5 computes it. Text shows as on a node with the default printable
 * range (`+pc latin1`).
 */
import { prettyPrint } from './pretty.js';
import { charsLength, ioLibWrite, type TextEncoding } from './io-lib-write.js';
import { Atom, ImproperList, isList, type TermInput } from './types.js';

/** `io_lib:format` raised `badarg`: a control sequence that does not fit its argument, or a bad format. */
export class IoFormatError extends Error {
  readonly code = 'ERR_NODERL_IO_FORMAT';
  constructor(message: string) {
    super(message);
    this.name = 'IoFormatError';
  }
}

interface Control {
  width?: number;
  precision?: number;
  pad: string;
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
      control.pad = text[i++]!;
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

/** One control's text; `column` is where it starts (0-based), for `~p`. */
function render(c: Control, take: () => TermInput, column: number): string {
  const encoding: TextEncoding = c.unicode ? 'unicode' : 'latin1';
  switch (c.char) {
    case '~':
      return adjust('~'.repeat(c.precision ?? Math.abs(c.width ?? 1)), c);
    case 'n':
      return '\n';
    case 'i':
      take();
      return '';
    case 'c': {
      const ch = take();
      if (typeof ch !== 'number' || !Number.isInteger(ch) || ch < 0 || ch > 0x10ffff) throw new IoFormatError('~c needs a character');
      const one = String.fromCodePoint(c.unicode ? ch : ch & 0xff);
      return adjust(one.repeat(c.precision ?? Math.abs(c.width ?? 1)), c);
    }
    case 's': {
      const s = take();
      let str = s instanceof Atom ? s.name : charsToString(s, c.unicode);
      if (c.precision !== undefined) str = [...str].slice(0, c.precision).join('');
      return adjust(str, c);
    }
    case 'w':
      return termField(ioLibWrite(take(), -1, { encoding }), c);
    case 'W': {
      const t = take();
      return termField(ioLibWrite(t, depthArgument(take()), { encoding }), c);
    }
    case 'p':
      return pretty(take(), -1, c, column);
    case 'P': {
      const t = take();
      return pretty(t, depthArgument(take()), c, column);
    }
    case 'b':
    case 'B': {
      const n = take();
      const base = c.precision ?? 10;
      if ((typeof n !== 'number' || !Number.isInteger(n)) && typeof n !== 'bigint') throw new IoFormatError(`~${c.char} needs an integer`);
      if (base < 2 || base > 36) throw new IoFormatError(`base ${base} is not 2..36`);
      const digits = n.toString(base);
      return adjust(c.char === 'B' ? digits.toUpperCase() : digits, c);
    }
    default:
      throw new IoFormatError(`control ~${c.char} is not supported`);
  }
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

/**
 * Pads to the field width: right-justified, or left with a negative width; strings (`~s`) longer
 * than the field are cut.
 */
function adjust(text: string, c: Control): string {
  if (c.width === undefined) return text;
  const width = Math.abs(c.width);
  const len = [...text].length;
  if (len > width) return [...text].slice(0, width).join('');
  const fill = c.pad.repeat(width - len);
  return c.width < 0 ? text + fill : fill + text;
}

/** io_lib_format:term/5: a written term in its field; one that does not fit the precision is all `*`. */
function termField(text: string, c: Control): string {
  if (c.width === undefined && c.precision === undefined) return text;
  const width = Math.abs(c.width ?? c.precision!);
  const len = charsLength(text);
  const p = Math.min(len, c.precision === undefined ? width : Math.min(c.precision, width));
  const body = len > p ? '*'.repeat(p) : text;
  const fill = c.pad.repeat(width - (len > p ? p : len));
  return (c.width ?? 0) < 0 ? body + fill : fill + body;
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
      out.push(d.toString(unicode ? 'utf8' : 'latin1'));
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
