/**
 * Case mappings of code points for `string:lowercase/1`, `uppercase/1`, `casefold/1` and
 * `titlecase/1` (OTP 25 unicode_util.erl: full mappings from Unicode's SpecialCasing, without the
 * context-dependent ones such as the final sigma). JS has upper and lower case; case folding and
 * title case are derived from them, with the exceptions where that derivation is wrong.
 */

import { codePoints as cps } from '../term/io-format.js';

/** Full lowercase of one code point (a per-character call: no final-sigma context). */
export function lowercase(cp: number): number[] {
  return cps(String.fromCodePoint(cp).toLowerCase());
}

/** Full uppercase of one code point (`ß` is `SS`). */
export function uppercase(cp: number): number[] {
  return cps(String.fromCodePoint(cp).toUpperCase());
}

/** Title-case code points of the Latin digraphs, which differ from both upper and lower case. */
const DIGRAPH_TITLE: Record<number, number> = { 0x1c4: 0x1c5, 0x1c5: 0x1c5, 0x1c6: 0x1c5, 0x1c7: 0x1c8, 0x1c8: 0x1c8, 0x1c9: 0x1c8, 0x1ca: 0x1cb, 0x1cb: 0x1cb, 0x1cc: 0x1cb, 0x1f1: 0x1f2, 0x1f2: 0x1f2, 0x1f3: 0x1f2 };

/** Full title case of one code point: upper case, whose tail is lower case (`ß` is `Ss`). */
export function titlecase(cp: number): number[] {
  const digraph = DIGRAPH_TITLE[cp];
  if (digraph !== undefined) return [digraph];
  const up = String.fromCodePoint(cp).toUpperCase();
  const [first, ...rest] = [...up];
  return cps(first! + rest.join('').toLowerCase());
}

/** Full case folding of one code point: the lowercase of the uppercase, except where Unicode folds otherwise. */
export function casefold(cp: number): number[] {
  if (cp === 0x130) return [0x69, 0x307]; // İ folds to i + combining dot
  if (cp === 0x131) return [cp]; // ı has no folding
  if ((cp >= 0x13a0 && cp <= 0x13f5) || (cp >= 0x13f8 && cp <= 0x13fd) || (cp >= 0xab70 && cp <= 0xabbf)) return cps(String.fromCodePoint(cp).toUpperCase()); // Cherokee folds to upper case
  return cps(String.fromCodePoint(cp).toUpperCase().toLowerCase());
}
