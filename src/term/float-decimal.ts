/**
 * A double's exact decimal digits, as C's printf rounds them (ties to even on the exact binary
 * value): what BEAM's `float_to_list/1,2` and io_lib_format's `float_data/1` start from.
 */

/** `x = mantissa * 2^exponent` exactly, for a finite non-negative double. */
export function exactBinary(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return e === 0 ? [frac, -1074] : [frac | (1n << 52n), e - 1075];
}

/** `round(x * 10^shift)` exactly, ties to even (glibc's printf), for a non-negative double. */
export function scaledRound(x: number, shift: number): bigint {
  const [m, e] = exactBinary(x);
  let num = m * (shift >= 0 ? 10n ** BigInt(shift) : 1n);
  let den = shift < 0 ? 10n ** BigInt(-shift) : 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  const q = num / den;
  const r2 = (num % den) * 2n;
  return r2 > den || (r2 === den && q % 2n === 1n) ? q + 1n : q;
}

/**
 * The `decimals + 1` significant digits of `|x|` that `%.*e` prints, and the exponent of the
 * first: `|x| ≈ 0.d1d2… × 10^(exponent + 1)`. Zero has zero digits and exponent 0.
 */
export function scientificDigits(x: number, decimals: number): { digits: string; exponent: number } {
  const af = Math.abs(x);
  if (af === 0) return { digits: '0'.repeat(decimals + 1), exponent: 0 };
  let exp = Math.floor(Math.log10(af));
  // log10 may be one off near powers of ten, and rounding may carry into one more digit: the
  // exponent settles where the rounded digits number exactly decimals + 1.
  for (;;) {
    const digits = scaledRound(af, decimals - exp);
    if (digits >= 10n ** BigInt(decimals + 1)) exp++;
    else if (digits < 10n ** BigInt(decimals)) exp--;
    else return { digits: digits.toString(), exponent: exp };
  }
}

/** `digits` (an integer's) with a point before its last `decimals`, zero-padded. */
export function withPoint(digits: bigint | string, decimals: number): string {
  const s = digits.toString().padStart(decimals + 1, '0');
  return decimals === 0 ? s : `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
}

/** C's `%.*e` of `x`, exactly (ties to even); the exponent has at least two digits. */
export function printfScientific(x: number, decimals: number): string {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const { digits, exponent } = scientificDigits(x, decimals);
  const e = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${sign}${withPoint(digits, decimals)}e${e}`;
}
