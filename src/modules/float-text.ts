/**
 * `float_to_list/2` and `float_to_binary/2`'s text (erts bif.c `do_float_to_charbuf` over
 * sys_double_to_chars_fast and `%.*e`, OTP 25): `{decimals, 0..253}` fixed notation (`compact`
 * drops trailing zeros), `{scientific, 0..249}`, `short` (the shortest text that reads back,
 * as io_lib prints floats; a negative N is printf's default, 6), and with no option `%.20e`. The last of the options counts. A text
 * of 256 characters or more does not fit BEAM's buffer: badarg, as there.
 */
import { atom, isList, isTuple, type Term } from '../term/types.js';
import { formatFloat } from '../term/format-text.js';
import { isFloatTerm, toDouble } from './numbers.js';

const BUFFER = 256;
/** sys_double_to_chars_fast's table of powers of ten: more decimals, or a larger number, go to `%.*f`. */
const FAST_DECIMALS = 19;
const FAST_MAX = 2 ** 53;

type Format = { kind: 'legacy' } | { kind: 'short' } | { kind: 'fixed' | 'scientific'; decimals: number };

/** The options list, or undefined when bif.c would refuse it. */
function parseOptions(opts: Term): { format: Format; compact: boolean } | undefined {
  if (!isList(opts)) return undefined;
  let format: Format = { kind: 'legacy' };
  let compact = false;
  for (const o of opts) {
    if (o === atom('compact')) compact = true;
    else if (o === atom('short')) format = { kind: 'short' };
    else if (isTuple(o) && o.length === 2 && typeof o[1] === 'number' && Number.isInteger(o[1]) && (o[0] === atom('decimals') || o[0] === atom('scientific'))) {
      format = { kind: o[0] === atom('decimals') ? 'fixed' : 'scientific', decimals: o[1] };
    } else return undefined;
  }
  return { format, compact };
}

/** `x = mantissa * 2^exponent` exactly, for a finite non-negative double. */
function exact(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return e === 0 ? [frac, -1074] : [frac | (1n << 52n), e - 1075];
}

/** `round(x * 10^shift)` exactly, ties to even (glibc's printf), for a non-negative double. */
function scaledRound(x: number, shift: number): bigint {
  const [m, e] = exact(x);
  let num = m * (shift >= 0 ? 10n ** BigInt(shift) : 1n);
  let den = shift < 0 ? 10n ** BigInt(-shift) : 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  const q = num / den;
  const r2 = (num % den) * 2n;
  return r2 > den || (r2 === den && q % 2n === 1n) ? q + 1n : q;
}

/** `digits` (an integer's) with a point before its last `decimals`, zero-padded. */
function withPoint(digits: bigint, decimals: number): string {
  const s = digits.toString().padStart(decimals + 1, '0');
  return decimals === 0 ? s : `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
}

/** sys_double_to_chars_fast's `compact`: trailing zeros go, but one stays after a point. */
function dropTrailingZeros(s: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === '0') end--;
  return s[end - 1] === '.' ? s.slice(0, end + 1) : s.slice(0, end);
}

/** `{decimals, N}`: in doubles as sys_double_to_chars_fast does for small numbers, else exactly as `%.*f`. */
function fixed(x: number, decimals: number, compact: boolean): string | undefined {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const af = Math.abs(x);
  if (af > FAST_MAX || decimals >= FAST_DECIMALS) {
    const text = sign + withPoint(scaledRound(af, decimals), decimals);
    if (text.length >= BUFFER) return undefined; // snprintf's whole length, before compact trims it
    return compact ? dropTrailingZeros(text) : text;
  }
  if (decimals === 0) return sign + String(Math.round(af)); // lround: half away from zero
  const pow = 10 ** decimals;
  let whole = BigInt(Math.floor(af));
  let frac = BigInt(Math.round((af - Math.floor(af)) * pow));
  if (frac >= BigInt(pow)) [whole, frac] = [whole + 1n, 0n];
  const text = `${sign}${whole}.${frac.toString().padStart(decimals, '0')}`;
  return compact ? dropTrailingZeros(text) : text;
}

/** `%.*e`, exactly (ties to even). */
function scientific(x: number, decimals: number): string {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const af = Math.abs(x);
  let exp = af === 0 ? 0 : Math.floor(Math.log10(af));
  let digits = 0n;
  if (af !== 0) {
    // log10 may be one off near powers of ten, and rounding may carry into one more digit:
    // the exponent settles where the rounded digits number exactly decimals + 1.
    for (;;) {
      digits = scaledRound(af, decimals - exp);
      if (digits >= 10n ** BigInt(decimals + 1)) exp++;
      else if (digits < 10n ** BigInt(decimals)) exp--;
      else break;
    }
  }
  const e = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${sign}${withPoint(digits, decimals)}e${e}`;
}

/** The text of `float_to_list(F, Options)`, or undefined for badarg. */
export function floatText(f: Term, opts: Term = []): string | undefined {
  const parsed = parseOptions(opts);
  if (!isFloatTerm(f) || !parsed) return undefined;
  const x = toDouble(f)!;
  const { format, compact } = parsed;
  let text: string | undefined;
  if (format.kind === 'short') text = formatFloat(x);
  else if (format.kind === 'legacy') text = scientific(x, 20);
  else if (format.kind === 'fixed') {
    if (format.decimals < 0 || format.decimals > 253) return undefined;
    text = fixed(x, format.decimals, compact);
  } else {
    if (format.decimals > 249) return undefined;
    text = scientific(x, format.decimals < 0 ? 6 : format.decimals); // printf takes a negative precision as none: 6
  }
  return text === undefined || text.length >= BUFFER ? undefined : text;
}
