/**
 * Tokens and error descriptors as text, the way OTP 25 prints them: io_lib:write_atom/1,
 * write_string/2 and write_char/1 (which erl_parse uses to name the token a syntax error is
 * before), erl_scan:format_error/1, erl_parse:format_error/1, and the shell's `* L:C: Message`.
 */
import { formatFloat, isReservedWord } from '../term/format-text.js';
import { Atom, ErlFloat, isList, isTuple, type Term } from '../term/types.js';
import { format } from '../term/format.js';

/** io_lib:string_char/4 (unicode_as_unicode): one character inside quotes `quote` (-1: none). */
function stringChar(c: number, quote: number): string {
  if (c === quote) return '\\' + String.fromCodePoint(c);
  if (c === 92) return '\\\\';
  if ((c >= 32 && c <= 126) || c >= 0xa0) return String.fromCodePoint(c);
  const named: { [c: number]: string } = { 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 8: '\\b', 12: '\\f', 27: '\\e', 127: '\\d' };
  return named[c] ?? '\\' + (c >> 6) + ((c >> 3) & 7) + (c & 7);
}

/** io_lib:write_string(S, Quote). */
export function writeString(codes: readonly number[], quote = 34): string {
  const q = String.fromCodePoint(quote);
  return q + codes.map((c) => stringChar(c, quote)).join('') + q;
}

/** io_lib:write_char/1: `$a`, `$\n`, and `$\s` for space. */
export function writeChar(c: number): string {
  return c === 32 ? '$\\s' : '$' + stringChar(c, -1);
}

function isNameChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 0xdf && c <= 0xff && c !== 0xf7) ||
    (c >= 65 && c <= 90) ||
    (c >= 0xc0 && c <= 0xde && c !== 0xd7) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 64
  );
}

/** io_lib:write_atom/1: quoted when reserved or not a bare name (io_lib:quote_atom/2). */
export function writeAtom(name: string): string {
  const cs = Array.from(name, (ch) => ch.codePointAt(0) as number);
  const first = cs[0];
  const bare =
    !isReservedWord(name) &&
    first !== undefined &&
    ((first >= 97 && first <= 122) || (first >= 0xdf && first <= 0xff && first !== 0xf7)) &&
    cs.slice(1).every(isNameChar);
  return bare ? name : writeString(cs, 39);
}

/** The code points of a JS string: an Erlang string. */
export function chars(text: string): number[] {
  return Array.from(text, (ch) => ch.codePointAt(0) as number);
}

/** A char list (possibly deep, as io_lib returns them) as a JS string, or undefined if it is not one. */
export function deepChars(term: Term): string | undefined {
  if (!isList(term)) return undefined;
  let out = '';
  for (const e of term) {
    if (typeof e === 'number' && Number.isInteger(e) && e >= 0 && e <= 0x10ffff) out += String.fromCodePoint(e);
    else {
      const inner = deepChars(e);
      if (inner === undefined) return undefined;
      out += inner;
    }
  }
  return out;
}

/** erl_scan:format_error/1. */
export function formatScanError(reason: Term): string {
  if (isTuple(reason) && reason.length === 3 && reason[0] instanceof Atom && reason[0].name === 'string') {
    const quote = reason[1] as number;
    const head = deepChars(reason[2]) ?? '';
    return `unterminated ${quote === 39 ? 'atom' : 'string'} starting with ${writeString(chars(head), quote)}`;
  }
  if (isTuple(reason) && reason.length === 2 && reason[0] instanceof Atom && reason[0].name === 'illegal') {
    return `illegal ${format(reason[1])}`;
  }
  if (reason instanceof Atom && reason.name === 'char') return 'unterminated character';
  if (isTuple(reason) && reason.length === 2 && reason[0] instanceof Atom && reason[0].name === 'base') {
    return `illegal base '${format(reason[1])}'`;
  }
  return format(reason);
}

/** erl_parse:format_error/1: a message that is a (deep) char list as it is, anything else as ~w writes it. */
export function formatParseError(message: Term): string {
  return deepChars(message) ?? format(message);
}

/** shell:pos/1: `Line:Column`, or `Line`. */
function formatLocation(location: Term): string {
  if (isTuple(location) && location.length === 2) return `${format(location[0])}:${format(location[1])}`;
  return format(location);
}

/**
 * An ErrorInfo `{Location, Module, Descriptor}` from erl_scan or erl_parse as the OTP 25 shell
 * prints it (shell:server_loop/7): `* 1:5: syntax error before: ')'` (no line end).
 */
export function formatErrorInfo(info: Term): string {
  if (!isTuple(info) || info.length !== 3) return `* ${format(info)}`;
  const [location, module, descriptor] = info;
  const mod = module instanceof Atom ? module.name : '';
  const text = mod === 'erl_scan' ? formatScanError(descriptor) : mod === 'erl_parse' ? formatParseError(descriptor) : format(descriptor);
  return `* ${formatLocation(location)}: ${text}`;
}

/** The float of a float token's symbol. */
export function floatValue(v: Term): number {
  return v instanceof ErlFloat ? v.value : (v as number);
}

/** io_lib:write/1 of a float, as erl_parse names a float token. */
export function writeFloat(v: Term): string {
  return formatFloat(floatValue(v));
}
