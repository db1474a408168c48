/**
 * Escape sequences after a backslash in `$\c`, strings and quoted atoms: erl_scan:scan_escape/2 of
 * OTP 25, with its column arithmetic, its errors and its need for more text.
 */

/** erl_scan's ?UNICODE(C): a code point that is neither a surrogate nor U+FFFE/U+FFFF. */
export function isUnicode(c: number): boolean {
  return (c >= 0 && c < 0xd800) || (c > 0xdfff && c < 0xfffe) || (c > 0xffff && c <= 0x10ffff);
}

/** What one escape reads: its value, the index after it, the column there (erl_scan's Ncol). */
export type EscapeResult =
  | { kind: 'value'; value: number; next: number; column: number | null; newline: boolean }
  | { kind: 'error'; column: number | null; rest: number; message: string }
  | { kind: 'eof'; column: number | null }
  | 'more';

/** erl_scan:escape_char/1. */
const SIMPLE: { [c: number]: number } = { 110: 10, 114: 13, 116: 9, 118: 11, 98: 8, 102: 12, 101: 27, 115: 32, 100: 127 };

const isOctal = (c: number): boolean => c >= 48 && c <= 55;
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

const plus = (col: number | null, n: number): number | null => (col === null ? null : col + n);

/**
 * The escape whose first character (after the backslash) is `cps[i]`; `column` is the column
 * erl_scan counts from. `final`: the text ends there (erl_scan's `eof`), else its end asks for more.
 */
export function scanEscape(cps: Uint32Array, i: number, column: number | null, final: boolean): EscapeResult {
  const at = (k: number): number => (i + k < cps.length ? cps[i + k] : -1);
  const open = (k: number): boolean => at(k) === -1 && !final;
  const value = (v: number, n: number): EscapeResult => ({ kind: 'value', value: v, next: i + n, column: plus(column, n), newline: false });
  const c0 = at(0);
  if (isOctal(c0)) {
    if (!isOctal(at(1))) return open(1) ? 'more' : value(c0 - 48, 1);
    if (!isOctal(at(2))) return open(2) ? 'more' : value((c0 - 48) * 8 + at(1) - 48, 2);
    return value(((c0 - 48) * 8 + at(1) - 48) * 8 + at(2) - 48, 3);
  }
  if (c0 === 120) return hexEscape(cps, i, column, final);
  if (c0 === 94) {
    const c1 = at(1);
    if (c1 === 10) return { kind: 'value', value: 10, next: i + 2, column: column === null ? null : 1, newline: true };
    if (c1 !== -1) return value(c1 & 31, 2);
    return final ? { kind: 'eof', column: plus(column, 1) } : 'more';
  }
  if (c0 === 10) return { kind: 'value', value: 10, next: i + 1, column: column === null ? null : 1, newline: true };
  if (c0 === -1) return final ? { kind: 'eof', column } : 'more';
  if (isUnicode(c0)) return value(SIMPLE[c0] ?? c0, 1);
  return { kind: 'error', column: plus(column, 1), rest: i + 1, message: 'illegal character in an escape' };
}

/** `\xHH` and `\x{H...}`. */
function hexEscape(cps: Uint32Array, i: number, column: number | null, final: boolean): EscapeResult {
  const at = (k: number): number => (i + k < cps.length ? cps[i + k] : -1);
  const c1 = at(1);
  if (c1 === 123) {
    let k = 2;
    while (isHex(at(k))) k++;
    const col = plus(column, k);
    const end = at(k);
    if (end === -1) return final ? { kind: 'eof', column: col } : 'more';
    if (end !== 125) return { kind: 'error', column: col, rest: i + k, message: 'bad \\x{...} escape' };
    const hex = String.fromCodePoint(...cps.slice(i + 2, i + k));
    const v = hex === '' ? -1 : parseInt(hex, 16);
    if (!isUnicode(v)) {
      const message = v > 0x10ffff ? `character \\x{${hex}} is beyond Unicode` : 'bad \\x{...} escape';
      return { kind: 'error', column: plus(col, 1), rest: i + k + 1, message };
    }
    return { kind: 'value', value: v, next: i + k + 1, column: plus(col, 1), newline: false };
  }
  if (c1 === -1) return final ? { kind: 'eof', column: plus(column, 1) } : 'more';
  if (isHex(c1) && isHex(at(2))) {
    return { kind: 'value', value: parseInt(String.fromCharCode(c1, at(2)), 16), next: i + 3, column: plus(column, 3), newline: false };
  }
  if (isHex(c1) && at(2) === -1 && !final) return 'more';
  return { kind: 'error', column: plus(column, 1), rest: i + 1, message: 'bad \\xHH escape' };
}
