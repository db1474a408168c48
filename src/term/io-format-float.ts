/**
 * io_lib_format's float controls `~e`, `~f` and `~g` (OTP 25). They do not round the double
 * itself: they round the 21 significant digits of `float_to_list/1` (`%.20e`) again, half up on
 * the next digit alone, so a value whose 21 digits end in ...4999 may round differently from C.
 */
import { scientificDigits } from './float-decimal.js';

/** io_lib_format:float_data/1: the 21 digits of `float_to_list(X)` and `E`, `|X| ≈ 0.DIGITS × 10^E`. */
function floatData(x: number): { digits: string; e: number } {
  const { digits, exponent } = scientificDigits(x, 20);
  return { digits, e: exponent + 1 };
}

/** io_lib_format:signbit/1: `-` for negatives and for -0.0. */
function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/**
 * io_lib_format:float_man/3: `whole` digits, a point and `decimals` digits of `digits`
 * (zero-padded), rounded up when the next digit is 5 or more; `carry` when that rounding ran out
 * of digits (all were 9), which leaves them all 0 and the caller to put the 1 in front.
 */
function mantissa(digits: string, whole: number, decimals: number): { text: string; carry: boolean } {
  const n = whole + decimals;
  const kept = Array.from(digits.slice(0, n).padEnd(n, '0'), Number);
  let carry = n < digits.length && digits.charCodeAt(n) >= 0x35;
  for (let i = n - 1; carry && i >= 0; i--) {
    kept[i] = (kept[i]! + 1) % 10;
    carry = kept[i] === 0;
  }
  const all = kept.join('');
  return { text: `${all.slice(0, whole)}.${all.slice(whole)}`, carry };
}

/** The digits of `~.Pe` (P ≥ 2): one before the point, P - 1 after, and the exponent with its sign. */
export function floatE(x: number, precision: number): string {
  const { digits, e } = floatData(x);
  const m = mantissa(digits, 1, precision - 1);
  const [text, exp] = m.carry ? [`1${m.text.slice(1)}`, e] : [m.text, e - 1];
  return `${sign(x)}${text}e${exp >= 0 ? '+' : ''}${exp}`;
}

/** The digits of `~.Pf` (P ≥ 1): P decimals. */
export function floatF(x: number, precision: number): string {
  let { digits, e } = floatData(x);
  if (e <= 0) {
    digits = '0'.repeat(1 - e) + digits;
    e = 1;
  }
  const m = mantissa(digits, e, precision);
  return sign(x) + (m.carry ? `1${m.text}` : m.text);
}

/**
 * io_lib_format:fwrite_g/5: `~f` for 0.1 ≤ |x| < 10000 when P significant digits reach the point,
 * else `~e`; P is the number of significant digits. Returns the control and its precision.
 */
export function floatGForm(x: number, precision: number): { control: 'e' | 'f'; precision: number } {
  const a = Math.abs(x);
  const bounds = [1e-1, 1e0, 1e1, 1e2, 1e3, 1e4];
  const at = bounds.findIndex((b) => a < b);
  if (at >= 0) {
    const e = at - 2; // the exponent of |x|'s first digit, -2 standing for anything below 0.1
    if ((precision <= 1 && e === -1) || (precision - 1 > e && e >= -1)) return { control: 'f', precision: precision - 1 - e };
  }
  return { control: 'e', precision: precision <= 1 ? 2 : precision };
}
