/**
 * The `erlang` BIFs that convert between terms and text or bytes: integers and floats to and from
 * strings and binaries, atoms to and from lists and binaries, binaries to lists and iolists to
 * binaries. Mirrors erts/emulator/beam/bif.c (`integer_to_list`, `list_to_integer`,
 * `float_to_list` as `%.20e`, `list_to_float`), atom.c/erl_unicode.c (atom texts) and
 * erl_bif_binary.c/utils.c (`iolist_to_binary`, `iolist_size`) as OTP 25 behaves; float texts
 * with options are float-text.ts. Part of
 * erlangTermBifs (erlang-terms.ts).
 */
import { Atom, atom, BitBinary, ImproperList, isList, type Term } from '../term/types.js';
import { codePoints as chars } from '../term/io-format.js';
import { bifError } from '../process/exceptions.js';
import { bifTable, type PureBif } from './bif-table.js';
import { canonicalInt, floatTerm, isInteger } from './numbers.js';
import { floatText } from './float-text.js';
import type { BuiltinModule } from './registry.js';

const SYSTEM_LIMIT = atom('system_limit');
const isBase = (b: Term): b is number => typeof b === 'number' && Number.isInteger(b) && b >= 2 && b <= 36;

/** A proper list of character codes as a JS string, or undefined (a non-list or a bad code point). */
function stringOf(l: Term): string | undefined {
  if (!isList(l)) return undefined;
  let s = '';
  for (const c of l) {
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return undefined;
    s += String.fromCodePoint(c);
  }
  return s;
}

function integerText(n: Term, base: Term = 10): string | undefined {
  if (!isInteger(n) || !isBase(base)) return undefined;
  return n.toString(base).toUpperCase();
}

/** `list_to_integer`/`binary_to_integer` text: an optional sign and at least one digit of the base. */
function parseInteger(text: string | undefined, base: Term = 10): Term | undefined {
  if (text === undefined || !isBase(base)) return undefined;
  const m = /^([+-]?)([0-9a-zA-Z]+)$/.exec(text);
  if (!m) return undefined;
  let v = 0n;
  const b = BigInt(base);
  for (const c of m[2]) {
    const d = parseInt(c, 36);
    if (d >= base) return undefined;
    v = v * b + BigInt(d);
  }
  return canonicalInt(m[1] === '-' ? -v : v);
}

/** `list_to_float`/`binary_to_float` text: Erlang's float syntax (a dot with digits both sides). */
function parseFloat(text: string | undefined): Term | undefined {
  if (text === undefined || !/^[+-]?\d+\.\d+([eE][+-]?\d+)?$/.test(text)) return undefined;
  return floatTerm(Number(text));
}

/** An atom from its text; `true` and `false` are JS booleans. More than 255 characters is system_limit. */
function atomOf(name: string, bif: string, args: Term[]): Term {
  if ([...name].length > 255) throw bifError(SYSTEM_LIMIT, 'erlang', bif, args);
  return name === 'true' ? true : name === 'false' ? false : atom(name);
}

function atomName(a: Term): string | undefined {
  return a instanceof Atom ? a.name : typeof a === 'boolean' ? String(a) : undefined;
}

/** The text of a binary in `encoding` (`latin1`, `utf8`, `unicode`), or undefined (bad encoding or invalid UTF-8). */
function binaryText(b: Term, encoding: Term): string | undefined {
  if (!Buffer.isBuffer(b)) return undefined;
  if (encoding === atom('latin1')) return b.toString('latin1');
  if (encoding !== atom('utf8') && encoding !== atom('unicode')) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}

function atomBytes(a: Term, encoding: Term = atom('utf8')): Term | undefined {
  const name = atomName(a);
  if (name === undefined) return undefined;
  if (encoding === atom('latin1')) return /^[\u0000-\u00ff]*$/.test(name) ? Buffer.from(name, 'latin1') : undefined;
  return encoding === atom('utf8') || encoding === atom('unicode') ? Buffer.from(name, 'utf8') : undefined;
}

/** `binary_to_atom(B, Enc)` and `list_to_atom(L)`, raising system_limit with the BIF's own name. */
function atomBifs(): BuiltinModule {
  const fromBinary = (name: string): PureBif => (...args) => {
    const text = binaryText(args[0], args[1] ?? atom('utf8'));
    return text === undefined ? undefined : atomOf(text, name, args);
  };
  const fromList = (name: string): PureBif => (l) => {
    const text = stringOf(l);
    return text === undefined ? undefined : atomOf(text, name, [l]);
  };
  return bifTable({
    atom_to_list: [[1], (a) => (atomName(a) === undefined ? undefined : chars(atomName(a)!))],
    atom_to_binary: [[1, 2], atomBytes],
    // Every atom "exists" here: noderl keeps no table of the atoms the peer has seen.
    binary_to_atom: [[1, 2], fromBinary('binary_to_atom')],
    binary_to_existing_atom: [[1, 2], fromBinary('binary_to_existing_atom')],
    list_to_atom: [[1], fromList('list_to_atom')],
    list_to_existing_atom: [[1], fromList('list_to_existing_atom')],
  });
}

/**
 * The bytes of an iolist (bytes 0..255, binaries, nested iolists, a binary or `[]` as the tail),
 * or undefined when it is not one; a binary itself is accepted when `binaryOk`.
 */
function iolistBytes(t: Term, binaryOk: boolean): Buffer | undefined {
  if (Buffer.isBuffer(t)) return binaryOk ? t : undefined;
  if (!isList(t) && !(t instanceof ImproperList)) return undefined;
  const parts: Buffer[] = [];
  const bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) parts.push(Buffer.from(bytes.splice(0)));
  };
  // An explicit stack, not recursion: iolists nest as deep as their producer likes.
  const stack: Term[] = [t];
  while (stack.length) {
    const x = stack.pop()!;
    if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255) bytes.push(x);
    else if (Buffer.isBuffer(x)) {
      flush();
      parts.push(x);
    } else if (isList(x)) for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]);
    else if (x instanceof ImproperList && (Buffer.isBuffer(x.tail) || isList(x.tail) || x.tail instanceof ImproperList)) {
      stack.push(x.tail);
      for (let i = x.elements.length - 1; i >= 0; i--) stack.push(x.elements[i]);
    } else return undefined;
  }
  flush();
  return Buffer.concat(parts);
}

/** Bits written one after another, whatever their alignment. */
class BitWriter {
  private readonly bytes: number[] = [];
  private bits = 0;

  /** The `n` high bits of `byte`. */
  write(byte: number, n = 8): void {
    const high = byte & (0xff << (8 - n)) & 0xff;
    const used = this.bits & 7;
    if (used === 0) this.bytes.push(high);
    else {
      this.bytes[this.bytes.length - 1]! |= high >> used;
      if (n > 8 - used) this.bytes.push((high << (8 - used)) & 0xff);
    }
    this.bits += n;
  }

  /** A binary when whole bytes were written, else a bitstring. */
  result(): Buffer | BitBinary {
    const buf = Buffer.from(this.bytes);
    return this.bits % 8 === 0 ? buf : new BitBinary(buf, this.bits % 8);
  }
}

/** `list_to_bitstring/1`: an iolist whose binaries may be bitstrings (and so may its tail). */
function bitstringOfList(t: Term): Term | undefined {
  if (!isList(t) && !(t instanceof ImproperList)) return undefined;
  const w = new BitWriter();
  const stack: Term[] = [t];
  while (stack.length) {
    const x = stack.pop()!;
    if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255) w.write(x);
    else if (Buffer.isBuffer(x)) for (const b of x) w.write(b);
    else if (x instanceof BitBinary) x.bytes.forEach((b, i) => w.write(b, i === x.bytes.length - 1 ? x.bits : 8));
    else if (isList(x)) for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]);
    else if (x instanceof ImproperList && (Buffer.isBuffer(x.tail) || x.tail instanceof BitBinary || isList(x.tail) || x.tail instanceof ImproperList)) {
      stack.push(x.tail);
      for (let i = x.elements.length - 1; i >= 0; i--) stack.push(x.elements[i]);
    } else return undefined;
  }
  return w.result();
}

/** `binary_to_list(B, Start, Stop)`: 1-based, both ends included. */
function binaryRange(b: Term, start: Term, stop: Term): Term | undefined {
  if (!Buffer.isBuffer(b) || typeof start !== 'number' || typeof stop !== 'number' || !Number.isInteger(start) || !Number.isInteger(stop)) return undefined;
  if (start < 1 || stop > b.length || start > stop) return undefined;
  return [...b.subarray(start - 1, stop)];
}

/** `bitstring_to_list`: the bytes, then the leftover bits as a bitstring tail. */
function bitstringList(b: Term): Term | undefined {
  if (Buffer.isBuffer(b)) return [...b];
  if (!(b instanceof BitBinary)) return undefined;
  return [...b.bytes.subarray(0, b.bytes.length - 1), new BitBinary(Buffer.from(b.bytes.subarray(b.bytes.length - 1)), b.bits)];
}

const numberTexts: Record<string, [number[], PureBif]> = {
  integer_to_list: [[1, 2], (n, b) => { const t = integerText(n, b); return t === undefined ? undefined : chars(t); }],
  integer_to_binary: [[1, 2], (n, b) => { const t = integerText(n, b); return t === undefined ? undefined : Buffer.from(t, 'latin1'); }],
  list_to_integer: [[1, 2], (l, b) => parseInteger(stringOf(l), b)],
  binary_to_integer: [[1, 2], (l, b) => parseInteger(Buffer.isBuffer(l) ? l.toString('latin1') : undefined, b)],
  float_to_list: [[1, 2], (f, o) => { const t = floatText(f, o); return t === undefined ? undefined : chars(t); }],
  float_to_binary: [[1, 2], (f, o) => { const t = floatText(f, o); return t === undefined ? undefined : Buffer.from(t, 'latin1'); }],
  list_to_float: [[1], (l) => parseFloat(stringOf(l))],
  binary_to_float: [[1], (b) => parseFloat(Buffer.isBuffer(b) ? b.toString('latin1') : undefined)],
};

const byteTexts: Record<string, [number[], PureBif]> = {
  binary_to_list: [[1, 3], (b, s, e) => (s !== undefined ? binaryRange(b, s, e!) : Buffer.isBuffer(b) ? [...b] : undefined)],
  bitstring_to_list: [[1], bitstringList],
  list_to_binary: [[1], (l) => iolistBytes(l, false)],
  list_to_bitstring: [[1], bitstringOfList],
  iolist_to_binary: [[1], (l) => iolistBytes(l, true)],
  iolist_size: [[1], (l) => iolistBytes(l, true)?.length],
};

/** The conversion BIFs, part of erlangTermBifs. */
export const conversionBifs: BuiltinModule = { ...bifTable({ ...numberTexts, ...byteTexts }), ...atomBifs() };
