/**
 * The text pieces of Erlang syntax that `format` prints: atoms, characters in strings, floats.
 * Each mirrors the `io_lib` function named on it, as OTP 25 prints with `+pc unicode`.
 */

/** erl_scan:reserved_word/1 of OTP 25. */
const RESERVED = new Set([
  'after', 'and', 'andalso', 'band', 'begin', 'bnot', 'bor', 'bsl', 'bsr', 'bxor', 'case', 'catch',
  'cond', 'div', 'end', 'fun', 'if', 'let', 'not', 'of', 'or', 'orelse', 'receive', 'rem', 'try',
  'when', 'xor',
]);

/** Reserved from OTP 27 (the `maybe` feature), bare atoms on 25: printed quoted so that both read them. */
const RESERVED_LATER = new Set(['else', 'maybe']);

/** True when `name` must be quoted: erl_scan only reads Latin-1 letters, digits, `_` and `@` in a bare atom. */
export function atomNeedsQuotes(name: string): boolean {
  return !isBareAtomName(name) || RESERVED.has(name) || RESERVED_LATER.has(name);
}

/** True when `name` has the shape of an unquoted atom (io_lib:quote_atom/2's name_chars, reserved words aside). */
export function isBareAtomName(name: string): boolean {
  return /^[a-z\u00df-\u00f6\u00f8-\u00ff][a-zA-Z0-9_@\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]*$/.test(name);
}

/** True for a word OTP 25 reserves (which the parser refuses as a bare atom). */
export function isReservedWord(name: string): boolean {
  return RESERVED.has(name);
}

/** An atom as io_lib:write_atom/1 prints it (but keeping printable Unicode, as `~tp` does). */
export function formatAtom(name: string): string {
  if (!atomNeedsQuotes(name)) return name;
  let out = "'";
  for (const ch of name) out += escapeChar(ch.codePointAt(0) as number, 39);
  return out + "'";
}

/** The escapes io_lib:write_string/2 uses for these characters. */
const NAMED_ESCAPES: { [code: number]: string } = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  27: '\\e',
  92: '\\\\',
  127: '\\d',
};

/** One character inside `'...'` (quote 39) or `"..."` (quote 34). */
export function escapeChar(c: number, quote: number): string {
  if (c === quote) return quote === 39 ? "\\'" : '\\"';
  const named = NAMED_ESCAPES[c];
  if (named !== undefined) return named;
  if (isPrintable(c)) return String.fromCodePoint(c);
  return c < 256 ? '\\' + c.toString(8).padStart(3, '0') : `\\x{${c.toString(16).toUpperCase()}}`;
}

/** io_lib:printable_unicode_list/1's set, one character at a time. */
export function isPrintableChar(c: number): boolean {
  return isPrintable(c) || (c >= 8 && c <= 13) || c === 27;
}

function isPrintable(c: number): boolean {
  return (
    (c >= 32 && c <= 126) ||
    (c >= 0xa0 && c < 0xd800) ||
    (c > 0xdfff && c < 0xfffe) ||
    (c > 0xffff && c <= 0x10ffff)
  );
}

/** io_lib:printable_latin1_list/1's set, one byte at a time. */
export function isPrintableLatin1(c: number): boolean {
  return (c >= 32 && c <= 126) || (c >= 0xa0 && c <= 0xff) || (c >= 8 && c <= 13) || c === 27;
}

/**
 * A float the way io_lib_format:fwrite_g/1 prints it: the shortest digits that read back as the
 * same double, in plain or exponent notation, whichever is shorter (plain on a tie), always with
 * a `.` so Erlang reads a float. JS `toExponential()` gives the same shortest digits.
 */
export function formatFloat(f: number): string {
  if (!Number.isFinite(f)) throw new RangeError(`${f} has no Erlang form (Erlang floats are finite)`);
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = Math.abs(f).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const text = insertDecimal(Number(exp) + 1, digits, Math.abs(f) < 2 ** 53);
  return f < 0 ? '-' + text : text;
}

/**
 * io_lib_format:insert_decimal/3: `place` is where the point goes in `digits` (0.DIGITS x
 * 10^place). OTP shows integral floats from 2^53 up in exponent form, where adding 1 may be lost.
 */
function insertDecimal(place: number, digits: string, belowTwo53: boolean): string {
  const len = digits.length;
  if (place === 0) return '0.' + digits;
  if (place > 0 && place < len) return digits.slice(0, place) + '.' + digits.slice(place);
  const exp = String(place - 1);
  const expCost = exp.length + 1 + (len === 1 ? 2 : 1);
  if (place < 0) {
    return 2 - place <= expCost ? '0.' + '0'.repeat(-place) + digits : insertExp(exp, digits);
  }
  return place - len + 2 <= expCost && belowTwo53 ? digits + '0'.repeat(place - len) + '.0' : insertExp(exp, digits);
}

function insertExp(exp: string, digits: string): string {
  return digits.length === 1 ? `${digits}.0e${exp}` : `${digits[0]}.${digits.slice(1)}e${exp}`;
}
