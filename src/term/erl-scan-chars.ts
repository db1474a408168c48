/**
 * Character classes and small conversions of erl_scan (OTP 25) for the scanner in erl-scan.ts:
 * which characters are white space, start atoms or variables, continue names, are digits in a
 * base, and which punctuation is one or two characters long.
 */

/** erl_scan's ?WHITE_SPACE: control characters, space, and Latin-1 0x80..0xA0. */
export function isWhite(c: number): boolean {
  return (c >= 0 && c <= 32) || (c >= 0x80 && c <= 0xa0);
}

/** 0-9. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Lower case letters that start an atom: a-z and Latin-1 ß..ÿ except ÷. */
export function isAtomStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 0xdf && c <= 0xff && c !== 0xf7);
}

/** Upper case letters and `_` start a variable. */
export function isVariableStart(c: number): boolean {
  return (c >= 65 && c <= 90) || c === 95 || (c >= 0xc0 && c <= 0xde && c !== 0xd7);
}

/** erl_scan:scan_name/2's characters: letters, digits, `_` and `@`. */
export function isNameChar(c: number): boolean {
  return isAtomStart(c) || isVariableStart(c) || isDigit(c) || c === 64;
}

/** erl_scan's ?BASED_DIGIT(C, B). */
export function isBasedDigit(c: number, base: number): boolean {
  if (isDigit(c)) return c < 48 + base;
  if (c >= 65 && c <= 90) return base > 10 && c < 65 + base - 10;
  if (c >= 97 && c <= 122) return base > 10 && c < 97 + base - 10;
  return false;
}

/** Two-character operators after their first character, in erl_scan's order of trial. */
export const PAIRS: { [first: string]: string[] } = {
  '?': ['='],
  '<': ['<', '-', '='],
  '>': ['>', '='],
  '-': ['>', '-'],
  '+': ['+'],
  '=': ['<', '>', '='],
  '/': ['='],
  '|': ['|'],
  ':': ['=', ':'],
};

/** Characters that are a token on their own (erl_scan:scan1/5's single-character clauses). */
export const SINGLES = new Set(',(){}[];#*!@\\^`~&'.split('').map((c) => c.charCodeAt(0)));

/** The text of code points `from` up to `to`. */
export function codesText(cps: Uint32Array, from: number, to: number): string {
  return String.fromCodePoint.apply(null, cps.subarray(from, to) as unknown as number[]);
}

/** Digits in a base to a number, or a bigint past 2^53. */
export function toInteger(digits: string, base: number): number | bigint {
  if (base === 10 ? digits.length < 16 : digits.length * Math.log2(base) < 53) return parseInt(digits, base);
  let v = 0n;
  const b = BigInt(base);
  for (const ch of digits) v = v * b + BigInt(parseInt(ch, 36));
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** string:slice(Chars, 0, N): the first `n` grapheme clusters, as erl_scan quotes an unterminated string. */
export function graphemeHead(codes: number[], n: number): number[] {
  const text = String.fromCodePoint(...codes.slice(0, 4 * n + 16));
  const out: number[] = [];
  let count = 0;
  for (const { segment } of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)) {
    if (count++ === n) break;
    for (const ch of segment) out.push(ch.codePointAt(0) as number);
  }
  return out;
}
