/**
 * How io_lib_format fits a control's text into its field `~F.P.Pad`: terms and numbers turn into
 * `*`s when they do not fit, strings are cut, characters repeat. The field width is signed here:
 * negative means left-adjusted (`~-8s`), as the format text writes it.
 */
import { charsLength } from './io-lib-write.js';
import { IoFormatError } from './io-format-error.js';

/** The field part of a control sequence. */
export interface FieldSpec {
  /** The field width; negative is left-adjusted. */
  width?: number;
  precision?: number;
  pad: string;
}

function fill(text: string, padding: string, width: number | undefined): string {
  return (width ?? 0) < 0 ? text + padding : padding + text;
}

/** io_lib_format:term/5 of `text` with precision `precision`: too long for it, it is all `*`. */
export function termField(text: string, c: FieldSpec, precision: number | undefined): string {
  if (c.width === undefined && precision === undefined) return text;
  const width = Math.abs(c.width ?? precision!);
  const len = charsLength(text);
  const p = Math.min(len, precision === undefined ? width : Math.min(precision, width));
  if (len > p) return fill('*'.repeat(p), c.pad.repeat(width - p), c.width);
  return fill(text, c.pad.repeat(width - len), c.width);
}

function firstChars(text: string, n: number): string {
  if (n < 0) throw new IoFormatError(`a string cannot be cut to ${n} characters`);
  return Array.from(text).slice(0, n).join('');
}

/** io_lib_format:string_field/6: cut to `width`, or padded to it. */
function stringToWidth(text: string, width: number, left: boolean, pad: string): string {
  const len = charsLength(text);
  if (len > width) return firstChars(text, width);
  const padding = pad.repeat(width - len);
  return left ? text + padding : padding + text;
}

/**
 * io_lib_format:string/6 (`~s`): the precision is how many characters to show (padded left-adjusted
 * up to it), the width the field they sit in; a precision wider than the field is badarg.
 */
export function stringField(text: string, c: FieldSpec): string {
  const { width, precision: p } = c;
  if (width === undefined) return p === undefined ? text : stringToWidth(text, p, true, c.pad);
  const f = Math.abs(width);
  if (p === undefined || f === p) return stringToWidth(text, f, width < 0, c.pad);
  if (f < p) throw new IoFormatError(`precision ${p} is wider than the field ${f}`);
  const len = charsLength(text);
  const body = len > p ? firstChars(text, p) : text + c.pad.repeat(p - len);
  return fill(body, c.pad.repeat(f - p), width);
}

/** io_lib_format:char/5 (`~c`, `~~`): P copies in a field of F; F alone is F copies. */
export function charField(ch: string, c: FieldSpec): string {
  const { width, precision: p } = c;
  if (width === undefined) return ch.repeat(p ?? 1);
  const f = Math.abs(width);
  if (p === undefined) return ch.repeat(f);
  if (f < p) throw new IoFormatError(`precision ${p} is wider than the field ${f}`);
  return fill(ch.repeat(p), c.pad.repeat(f - p), width);
}

/**
 * io_lib_format:prefixed_integer/7 (`~b ~B ~x ~X ~+ ~#`): the sign, the prefix, the digits in the
 * precision's base (2..36, default 10), lowercased for `lower`; a field too narrow is all `*`.
 */
export function integerField(n: number | bigint, c: FieldSpec, prefix: string, lower: boolean): string {
  const digits = (n < 0 ? -BigInt(n) : BigInt(n)).toString(base(c.precision));
  const text = `${n < 0 ? '-' : ''}${prefix}${lower ? digits : digits.toUpperCase()}`;
  return termField(text, c, undefined);
}

/** The base an integer control's precision names. */
export function base(precision: number | undefined): number {
  const b = precision ?? 10;
  if (b < 2 || b > 36) throw new IoFormatError(`base ${b} is not 2..36`);
  return b;
}
