/**
 * `io_lib:write/2` of OTP 25 (what `~w` and `~W` print, and the text of the atomic terms that
 * io_lib_pretty places): one line, a depth that cuts with `...`, and the encoding that decides
 * how atoms show characters beyond Latin-1 (`'\x{65E5}'` under latin1, `'日'` under unicode).
 */
import { mapOrder } from './map-order.js';
import { formatFloat, isBareAtomName, isReservedWord } from './format-text.js';
import { format } from './format.js';
import { Atom, BitBinary, ErlFloat, ErlFun, ExportFun, ImproperList, Pid, Port, Ref, Tuple, type TermInput } from './types.js';

/** How characters beyond ASCII print: `latin1` escapes those above 255 (`\x{...}`), `unicode` keeps them. */
export type TextEncoding = 'unicode' | 'latin1';

/** Options shared by the writers: the node whose pids print as `<0.N.M>` (see `format`). */
export interface WriteContext {
  encoding: TextEncoding;
  localNode?: Atom;
}

/** The string_char modes of io_lib: which characters from 160 up stay themselves. */
type CharMode = 'latin1' | 'unicode_as_unicode' | 'unicode_as_latin1';

const NAMED: { [code: number]: string } = { 10: 'n', 13: 'r', 9: 't', 11: 'v', 8: 'b', 12: 'f', 27: 'e', 127: 'd' };

/** One character inside quotes, as io_lib's string_char/4 writes it. */
function stringChar(c: number, quote: number, mode: CharMode): string {
  if (c === quote) return '\\' + String.fromCharCode(quote);
  if (c === 92) return '\\\\';
  if (c >= 32 && c <= 126) return String.fromCharCode(c);
  if (c >= 0xa0 && (c <= 0xff || mode === 'unicode_as_unicode')) return String.fromCodePoint(c);
  if (c > 0xff) return `\\x{${c.toString(16).toUpperCase()}}`;
  const named = NAMED[c];
  if (named !== undefined) return '\\' + named;
  return '\\' + c.toString(8).padStart(3, '0');
}

/**
 * A quoted string of character codes: io_lib:write_string/2 (`unicode`) or
 * io_lib:write_latin1_string/2 (`latin1`), with `quote` 34 (`"`) or 39 (`'`).
 */
export function writeString(codes: Iterable<number>, encoding: TextEncoding, quote = 34): string {
  const mode: CharMode = encoding === 'unicode' ? 'unicode_as_unicode' : 'latin1';
  let s = String.fromCharCode(quote);
  for (const c of codes) s += stringChar(c, quote, mode);
  return s + String.fromCharCode(quote);
}

/** An atom as io_lib:write_atom/1 (`unicode`) or io_lib:write_atom_as_latin1/1 (`latin1`) writes it. */
export function writeAtom(name: string, encoding: TextEncoding): string {
  if (isBareAtomName(name) && !isReservedWord(name)) return name;
  const mode: CharMode = encoding === 'unicode' ? 'unicode_as_unicode' : 'unicode_as_latin1';
  let s = "'";
  for (const ch of name) s += stringChar(ch.codePointAt(0)!, 39, mode);
  return s + "'";
}

/** The number of characters of `s` (io_lib:chars_length/1): code points, not UTF-16 units. */
export function charsLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) n--;
  }
  return n;
}

/** A map's entries in the order OTP iterates them (map-order.ts). */
export function mapEntries(t: TermInput): [TermInput, TermInput][] | null {
  let entries: [TermInput, TermInput][];
  if (t instanceof Map) entries = [...(t as Map<TermInput, TermInput>)];
  else if (isPlainObject(t)) entries = Object.keys(t).map((k) => [Atom.of(k), t[k]!]);
  else return null;
  return mapOrder(entries);
}

function isPlainObject(t: TermInput): t is { [key: string]: TermInput } {
  if (typeof t !== 'object' || t === null) return false;
  const proto: unknown = Object.getPrototypeOf(t);
  return proto === Object.prototype || proto === null;
}

/** The name of an atom a JS value stands for (`true`, `undefined`), or null. */
export function atomName(t: TermInput): string | null {
  if (t instanceof Atom) return t.name;
  if (typeof t === 'boolean') return t ? 'true' : 'false';
  if (t === null || t === undefined) return 'undefined';
  return null;
}

/** The bytes and trailing bits of a bitstring (a JS string is the UTF-8 binary it stands for), or null. */
export function bitstringOf(t: TermInput): { bytes: Uint8Array; bits: number } | null {
  if (typeof t === 'string') return { bytes: Buffer.from(t, 'utf8'), bits: 8 };
  if (t instanceof Uint8Array) return { bytes: t, bits: 8 };
  if (t instanceof BitBinary) return { bytes: t.bytes, bits: t.bits };
  return null;
}

/** True for the terms io_lib writes whole at any depth: numbers, atoms, pids, refs, ports, funs. */
export function isAtomic(t: TermInput): boolean {
  return (
    typeof t === 'number' || typeof t === 'bigint' || t instanceof ErlFloat || atomName(t) !== null ||
    t instanceof Pid || t instanceof Ref || t instanceof Port || t instanceof ErlFun || t instanceof ExportFun
  );
}

/** The text of an atomic term (see {@link isAtomic}), as io_lib:write/1 gives it. */
export function writeAtomic(t: TermInput, ctx: WriteContext): string {
  const name = atomName(t);
  if (name !== null) return writeAtom(name, ctx.encoding);
  if (typeof t === 'number' && !Number.isInteger(t)) return formatFloat(t);
  if (t instanceof ExportFun) return `fun ${writeAtom(t.module.name, ctx.encoding)}:${writeAtom(t.name.name, ctx.encoding)}/${t.arity}`;
  return format(t, { localNode: ctx.localNode });
}

/**
 * The `<<...>>` of a bitstring as io_lib:write_binary/2 cuts it at `depth`: each byte is a chunk,
 * the trailing bits `Value:Size`, and `...` where the depth ends. Chunks are joined by commas.
 */
export function binaryChunks(bytes: Uint8Array, bits: number, depth: number): { chunks: string[]; cut: boolean } {
  const whole = bits === 8 ? bytes.length : bytes.length - 1;
  const chunks: string[] = [];
  let d = depth;
  for (let i = 0; i < whole; i++) {
    if (d === 1) return { chunks: [...chunks, '...'], cut: true };
    chunks.push(String(bytes[i]));
    d--;
  }
  if (bits !== 8) {
    if (d === 1) return { chunks: [...chunks, '...'], cut: true };
    chunks.push(`${bytes[whole]! >> (8 - bits)}:${bits}`);
  }
  return { chunks, cut: false };
}

/** io_lib:write(Term, [{depth, Depth}, {encoding, Enc}]): `depth` -1 is unlimited. */
export function ioLibWrite(t: TermInput, depth: number, ctx: WriteContext): string {
  if (depth === 0) return '...';
  if (isAtomic(t)) return writeAtomic(t, ctx);
  const bin = bitstringOf(t);
  if (bin) return `<<${binaryChunks(bin.bytes, bin.bits, depth).chunks.join(',')}>>`;
  if (t instanceof Tuple) return writeTuple(t, depth, ctx);
  const entries = mapEntries(t);
  if (entries) return writeMap(entries, depth, ctx);
  if (Array.isArray(t)) return writeList(t, [], depth, ctx);
  if (t instanceof ImproperList) return writeList(t.elements, t.tail, depth, ctx);
  throw new TypeError(`${Object.prototype.toString.call(t)} is not an Erlang term`);
}

function writeTuple(t: readonly TermInput[], depth: number, ctx: WriteContext): string {
  if (t.length === 0) return '{}';
  if (depth === 1) return '{...}';
  let s = '{' + ioLibWrite(t[0], depth - 1, ctx);
  let d = depth - 1;
  for (let i = 1; i < t.length; i++) {
    if (d === 1) return s + ',...}';
    s += ',' + ioLibWrite(t[i], d - 1, ctx);
    d--;
  }
  return s + '}';
}

/** io_lib:write_map: every pair at depth-1, and `,...` once the count runs out (even after the last pair, as OTP 25 does). */
function writeMap(entries: [TermInput, TermInput][], depth: number, ctx: WriteContext): string {
  if (depth === 1 || entries.length === 0) return '#{}';
  const d0 = depth - 1;
  const pair = ([k, v]: [TermInput, TermInput]): string => `${ioLibWrite(k, d0, ctx)} => ${ioLibWrite(v, d0, ctx)}`;
  let s = '#{' + pair(entries[0]!);
  let d = d0;
  for (let i = 1; ; i++) {
    if (d === 1) return s + ',...}';
    if (i >= entries.length) return s + '}';
    s += ',' + pair(entries[i]!);
    d--;
  }
}

/** A list `[elements | tail]` (tail [] for a proper list); a list tail continues the elements. */
function writeList(elements: readonly TermInput[], tail: TermInput, depth: number, ctx: WriteContext): string {
  const items = [...elements];
  let end = tail;
  for (;;) {
    if (Array.isArray(end) && !(end instanceof Tuple)) {
      items.push(...end);
      end = null;
      break;
    }
    if (end instanceof ImproperList) {
      items.push(...end.elements);
      end = end.tail;
    } else break;
  }
  if (items.length === 0) return end === null ? '[]' : ioLibWrite(end, depth, ctx);
  if (depth === 1) return '[...]';
  let s = '[' + ioLibWrite(items[0], depth - 1, ctx);
  let d = depth - 1;
  for (let i = 1; i < items.length; i++) {
    if (d === 1) return s + '|...]';
    s += ',' + ioLibWrite(items[i], d - 1, ctx);
    d--;
  }
  if (end === null) return s + ']';
  if (d === 1) return s + '|...]';
  return s + '|' + ioLibWrite(end, d - 1, ctx) + ']';
}
