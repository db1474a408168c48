/**
 * The `io_lib` functions a noderl node serves (OTP 25 lib/stdlib/src/io_lib.erl): `format/2` and
 * `fwrite/2` (term/io-format.ts's ioFormat), `write/1`, `print/1`, `write_atom/1`,
 * `write_string/1,2`, `write_char/1`, `nl/0`, and the character-list tests (`char_list/1`,
 * `deep_char_list/1`, `latin1_char_list/1`, `printable_list/1`, `printable_latin1_list/1`,
 * `printable_unicode_list/1`). io_lib returns deep character lists; these return the same
 * characters as one flat list. `printable_list/1` answers for the default printable range
 * (latin1), as a node started without `+pc unicode`.
 */
import { atom, Atom, ImproperList, isList, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { callError } from '../process/exceptions.js';
import { codePoints, ioFormat, IoFormatError } from '../term/io-format.js';
import { atomNeedsQuotes } from '../term/format-text.js';
import { arities, type BuiltinModule } from './registry.js';
import { clause } from './cons.js';
import type { Process } from '../process/process.js';

const isInt = (c: Term): c is number => typeof c === 'number' && Number.isInteger(c);
/** io_lib's Unicode character: not a surrogate, not U+FFFE or U+FFFF. */
const isUnicodeChar = (c: Term): boolean => isInt(c) && c >= 0 && c <= 0x10ffff && (c < 0xd800 || c > 0xdfff) && c !== 0xfffe && c !== 0xffff;
/** The control characters io_lib's printable tests accept: \n \r \t \v \b \f \e. */
const isTextControl = (c: number): boolean => (c >= 8 && c <= 13) || c === 27;

function printableLatin1(l: Term): boolean {
  return isList(l) && l.every((c) => isInt(c) && ((c >= 32 && c <= 126) || (c >= 0xa0 && c <= 0xff) || isTextControl(c)));
}

function printableUnicode(l: Term): boolean {
  const ok = (c: number): boolean => (c >= 32 && c <= 126) || (c >= 0xa0 && c < 0xd800) || (c > 0xdfff && c < 0xfffe) || (c > 0xffff && c <= 0x10ffff) || isTextControl(c);
  return isList(l) && l.every((c) => isInt(c) && ok(c));
}

/** `deep_char_list/1`: a deep list of Unicode characters, nothing else (an improper list is not one). */
function deepCharList(l: Term): boolean {
  const stack: Term[] = [l];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (!isList(x)) return false;
    for (const e of x) if (isList(e)) stack.push(e);
    else if (!isUnicodeChar(e)) return false;
  }
  return true;
}

const NAMED: Record<number, string> = { 10: 'n', 13: 'r', 9: 't', 11: 'v', 8: 'b', 12: 'f', 27: 'e', 127: 'd' };

/**
 * io_lib's `string_char/4` for Unicode output: the quote and `\` escaped, printable ASCII and
 * everything from U+00A0 as is, named escapes, other control characters in three octal digits.
 * Its clauses compare terms, so what is not a number (greater than any number) passes as is,
 * and a float low enough for the octal clause fails in its `bsr`.
 */
function stringChar(c: Term, quote: Term): Term[] {
  if (c === quote) return [92, quote];
  if (c === 92) return [92, 92];
  const n = typeof c === 'number' ? c : typeof c === 'bigint' ? Number(c) : undefined;
  if (n === undefined || (n >= 32 && n <= 126) || n >= 0xa0) return [c];
  if (NAMED[n] !== undefined && isInt(c)) return [92, NAMED[n]!.charCodeAt(0)];
  if (!isInt(c)) throw callError(atom('badarith'), 'erlang', 'bsr', [c, 6]);
  return [92, Math.floor(n / 64) + 48, (Math.floor(n / 8) & 7) + 48, (n & 7) + 48];
}

/** `write_string(S, Q)`: `[Q | chars | Q]`; what is not a proper list fails in write_string1/3 at its tail. */
function writeString(s: Term, quote: Term): Term[] {
  const [elements, tail] = isList(s) ? [s, []] : s instanceof ImproperList ? [s.elements, s.tail] : [[], s];
  if (!isList(tail) || tail.length > 0) throw clause('io_lib', 'write_string1', [atom('unicode_as_unicode'), tail, quote]);
  return [quote, ...elements.flatMap((c) => stringChar(c, quote)), quote];
}

/** `write_atom/1`: quoted when erl_scan of OTP 25 would not read it bare (`maybe` and `else` are bare there). */
function writeAtom(a: Term): Term[] {
  const name = a instanceof Atom ? a.name : typeof a === 'boolean' ? String(a) : undefined;
  if (name === undefined) throw callError(BADARG, 'erlang', 'atom_to_list', [a]);
  const cps = codePoints(name);
  const bare = name === 'maybe' || name === 'else' || !atomNeedsQuotes(name);
  return bare ? cps : writeString(cps, 39);
}

/** `io_lib:format(F, A)` as a flat character list; a format that does not fit its arguments is badarg. */
function format(name: string, f: Term, a: Term): number[] {
  try {
    if (!isList(a)) throw new IoFormatError('arguments are not a list');
    return codePoints(ioFormat(f, a));
  } catch (e) {
    if (e instanceof IoFormatError) throw callError(BADARG, 'io_lib', name, [f, a]);
    throw e;
  }
}

/** The `io_lib` module. */
export const ioLibModule: BuiltinModule = {
  format: (_self, f, a) => format('format', f!, a!),
  fwrite: (_self, f, a) => format('fwrite', f!, a!),
  write: (_self, t) => codePoints(ioFormat('~w', [t!])),
  print: (_self, t) => codePoints(ioFormat('~p', [t!])),
  write_atom: (_self, a) => writeAtom(a!),
  write_string: arities([1, 2], (_self: Process, s?: Term, q?: Term) => writeString(s!, q ?? 34)),
  write_char: (_self, c) => {
    if (!isInt(c!) || c < 0) throw clause('io_lib', 'write_char', [c!]);
    return c === 32 ? codePoints('$\\s') : [36, ...stringChar(c, -1)];
  },
  nl: () => [10],
  char_list: (_self, l) => isList(l!) && l.every(isUnicodeChar),
  deep_char_list: (_self, l) => deepCharList(l!),
  latin1_char_list: (_self, l) => isList(l!) && l.every((c) => isInt(c) && c >= 0 && c <= 255),
  printable_list: (_self, l) => printableLatin1(l!),
  printable_latin1_list: (_self, l) => printableLatin1(l!),
  printable_unicode_list: (_self, l) => printableUnicode(l!),
};
