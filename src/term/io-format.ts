/**
 * The part of `io_lib:format/2` that group leaders receive (`{put_chars, Enc, io_lib, format,
 * [Fmt, Args]}`, otp-distribution.md §10) and that `io:format` needs: control sequences
 * `~F.P.PadModC` with the controls `~w ~p ~s ~c ~b ~B ~i ~n ~~` and the `t` modifier. `~p` prints
 * on one line (OTP breaks terms longer than 80 columns over several lines) and shows text as a node
 * with the default printable range (`+pc latin1`) does: lists of printable Latin-1 as strings, and
 * with `~tp` also UTF-8 binaries of such characters as `<<"é"/utf8>>`; `~w` prints lists and
 * binaries as numbers, as OTP does.
 */
import { isUtf8 } from 'node:buffer';
import { compareMapKeys } from './compare.js';
import { format } from './format.js';
import { escapeChar, isPrintableLatin1 } from './format-text.js';
import { Atom, BitBinary, ImproperList, isList, isTuple, type TermInput } from './types.js';

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
  char: string;
}

/**
 * `io_lib:format(Fmt, Args)` as text. `fmt` is a JS string or Erlang character data (a string, a
 * binary, an atom); throws {@link IoFormatError} where `io_lib:format` raises badarg.
 */
export function ioFormat(fmt: TermInput, args: readonly TermInput[]): string {
  const text = typeof fmt === 'string' ? fmt : fmt instanceof Atom ? fmt.name : charsToString(fmt, true);
  const out: string[] = [];
  let next = 0;
  const take = (): TermInput => {
    if (next >= args.length) throw new IoFormatError(`too few arguments for format ${JSON.stringify(text)}`);
    return args[next++]!;
  };
  let i = 0;
  while (i < text.length) {
    const tilde = text.indexOf('~', i);
    if (tilde < 0) {
      out.push(text.slice(i));
      break;
    }
    out.push(text.slice(i, tilde));
    const [control, end] = parseControl(text, tilde + 1, take);
    out.push(render(control, take));
    i = end;
  }
  if (next !== args.length) throw new IoFormatError(`${args.length - next} argument(s) left over for format ${JSON.stringify(text)}`);
  return out.join('');
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
  const control: Control = { pad: ' ', unicode: false, char: '' };
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
  while (text[i] === 't' || text[i] === 'l') control.unicode ||= text[i++] === 't';
  if (i >= text.length) throw new IoFormatError('format ends inside a control sequence');
  control.char = text[i]!;
  return [control, i + 1];
}

function render(c: Control, take: () => TermInput): string {
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
      return adjust(str, c, true);
    }
    case 'w':
      return adjust(writeTerm(take()), c, true);
    case 'p':
      return adjust(printTerm(take(), c.unicode), c, true);
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

/**
 * Pads to the field width: right-justified, or left with a negative width. A field narrower than
 * a term is filled with `*` as io_lib does; strings (`~s`) are cut instead.
 */
function adjust(text: string, c: Control, term = false): string {
  if (c.width === undefined) return text;
  const width = Math.abs(c.width);
  const len = [...text].length;
  if (len > width) return term && c.char !== 's' ? '*'.repeat(width) : [...text].slice(0, width).join('');
  const fill = c.pad.repeat(width - len);
  return c.width < 0 ? text + fill : fill + text;
}

/** `~w`: like `format`, but lists and binaries as numbers (no string detection). */
function writeTerm(t: TermInput): string {
  if (isTuple(t)) return `{${t.map(writeTerm).join(',')}}`;
  if (Array.isArray(t)) return `[${t.map(writeTerm).join(',')}]`;
  if (t instanceof ImproperList) return `[${t.elements.map(writeTerm).join(',')}|${writeTerm(t.tail)}]`;
  if (Buffer.isBuffer(t) || t instanceof Uint8Array) return `<<${[...t].join(',')}>>`;
  if (typeof t === 'string') return writeTerm(Buffer.from(t));
  if (t instanceof BitBinary) {
    const whole = [...t.bytes.subarray(0, -1)];
    const last = t.bytes[t.bytes.length - 1]! >> (8 - t.bits);
    return `<<${[...whole, `${last}:${t.bits}`].join(',')}>>`;
  }
  if (t instanceof Map) return mapText(t, writeTerm);
  return format(t);
}

/** A map's `#{K => V, ...}` in map-key order, each key and value shown by `show`. */
function mapText(m: ReadonlyMap<TermInput, TermInput>, show: (t: TermInput) => string): string {
  const keys = [...m.keys()].sort(compareMapKeys);
  return `#{${keys.map((k) => `${show(k)} => ${show(m.get(k)!)}`).join(',')}}`;
}

/**
 * `~p` and `~tp` (io_lib_pretty with printable range latin1): a list is a string when it is all
 * printable Latin-1; a binary is text when its bytes are, and under `~tp` when it is UTF-8 whose
 * characters are (then marked `/utf8` if any is beyond ASCII).
 */
function printTerm(t: TermInput, unicode: boolean): string {
  const p = (x: TermInput): string => printTerm(x, unicode);
  if (isTuple(t)) return `{${t.map(p).join(',')}}`;
  if (Array.isArray(t)) return isLatin1Text(t) ? `"${quoted(t as number[])}"` : `[${t.map(p).join(',')}]`;
  if (t instanceof ImproperList) return `[${t.elements.map(p).join(',')}|${p(t.tail)}]`;
  if (typeof t === 'string') return p(Buffer.from(t));
  if (Buffer.isBuffer(t) || t instanceof Uint8Array) return printBinary(Buffer.from(t.buffer, t.byteOffset, t.byteLength), unicode);
  if (t instanceof Map) return mapText(t, p);
  return writeTerm(t);
}

function printBinary(b: Buffer, unicode: boolean): string {
  if (unicode && isUtf8(b)) {
    const codes = [...b.toString('utf8')].map((ch) => ch.codePointAt(0)!);
    if (!isLatin1Text(codes)) return writeTerm(b); // UTF-8 of characters out of range: bytes, as OTP shows it
    return codes.some((x) => x > 127) ? `<<"${quoted(codes)}"/utf8>>` : `<<"${quoted(codes)}">>`;
  }
  return isLatin1Text([...b]) ? `<<"${quoted(b)}">>` : writeTerm(b);
}

const quoted = (codes: Iterable<number>): string => [...codes].map((ch) => escapeChar(ch, 34)).join('');
const isLatin1Text = (items: readonly TermInput[]): boolean =>
  items.length > 0 && items.every((x) => typeof x === 'number' && Number.isInteger(x) && isPrintableLatin1(x));

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
