/**
 * `float_to_list/2` and `float_to_binary/2`'s text (erts bif.c `do_float_to_charbuf` over
 * sys_double_to_chars_fast and `%.*e`, OTP 25): `{decimals, 0..253}` fixed notation (`compact`
 * drops trailing zeros), `{scientific, 0..249}`, `short` (the shortest text that reads back,
 * as io_lib prints floats; a negative N is printf's default, 6), and with no option `%.20e`. The last of the options counts. A text
 * of 256 characters or more does not fit BEAM's buffer: badarg, as there.
 */
import { atom, isList, isTuple, type Term } from '../term/types.js';
import { formatFloat } from '../term/format-text.js';
import { printfScientific, scaledRound, withPoint } from '../term/float-decimal.js';
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

/** The text of `float_to_list(F, Options)`, or undefined for badarg. */
export function floatText(f: Term, opts: Term = []): string | undefined {
  const parsed = parseOptions(opts);
  if (!isFloatTerm(f) || !parsed) return undefined;
  const x = toDouble(f)!;
  const { format, compact } = parsed;
  let text: string | undefined;
  if (format.kind === 'short') text = formatFloat(x);
  else if (format.kind === 'legacy') text = printfScientific(x, 20);
  else if (format.kind === 'fixed') {
    if (format.decimals < 0 || format.decimals > 253) return undefined;
    text = fixed(x, format.decimals, compact);
  } else {
    if (format.decimals > 249) return undefined;
    text = printfScientific(x, format.decimals < 0 ? 6 : format.decimals); // printf takes a negative precision as none: 6
  }
  return text === undefined || text.length >= BUFFER ? undefined : text;
}
