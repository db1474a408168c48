/**
 * The first pass of io_lib_pretty:print/2 (OTP 25's print_length/6): a term becomes a tree of
 * pieces, each with its one-line text length, cut at the print depth. The layout pass
 * (pretty.ts) then decides where the lines break. Records print with their field names when the
 * caller knows them (the shell's record definitions: `record_print_fun`); chars_limit is not ported.
 */
import {
  atomName, binaryChunks, bitstringOf, charsLength, isAtomic, mapEntries, writeAtom, writeAtomic, writeString, type WriteContext,
} from './io-lib-write.js';
import { isPrintableLatin1 } from './format-text.js';
import { ImproperList, Tuple, type TermInput } from './types.js';

/** The end of a sequence: proper (`null`), cut by the depth (`'dots'`), or an improper list tail. */
export type SeqEnd = null | 'dots' | Piece;

/** Elements of a list, tuple or map, and how the sequence ends. */
export interface Seq {
  items: Piece[];
  end: SeqEnd;
}

/** One node of io_lib_pretty's intermediate format; `len` is its length written on one line. */
export type Piece =
  | { kind: 'text'; text: string; len: number }
  | { kind: 'bin'; chunks: string[]; len: number }
  | { kind: 'list'; seq: Seq; len: number }
  | { kind: 'tuple'; tagged: boolean; seq: Seq; len: number }
  | { kind: 'map'; seq: Seq; len: number }
  | { kind: 'pair'; key: Piece; value: Piece; len: number }
  /** `#name{...}`: `nameLen` counts the `#`; its items are `field` pieces. */
  | { kind: 'record'; name: string; nameLen: number; seq: Seq; len: number }
  /** `name = Value` in a record; `nameLen` counts the ` = `. */
  | { kind: 'field'; name: string; nameLen: number; value: Piece; len: number };

/** record_print_fun: the field names of record `tag` with `size` fields, or undefined when it is not a known record. */
export type RecordFields = (tag: string, size: number) => readonly string[] | undefined;

/** Options of the measuring pass. */
export interface MeasureContext extends WriteContext {
  /** Print lists and binaries of printable characters as strings (io_lib_pretty's `strings`). */
  strings: boolean;
  records?: RecordFields;
}

const text = (s: string): Piece => ({ kind: 'text', text: s, len: charsLength(s) });

/** print_length/6: `depth` is never 0 here (-1 is unlimited, 1 shows only `...` inside). */
export function measure(t: TermInput, depth: number, ctx: MeasureContext): Piece {
  if (isAtomic(t)) return text(writeAtomic(t, ctx));
  const bin = bitstringOf(t);
  if (bin) return measureBinary(bin.bytes, bin.bits, depth, ctx);
  if (t instanceof Tuple) {
    const tag = t.length > 0 ? atomName(t[0]) : null;
    const fields = tag !== null ? ctx.records?.(tag, t.length - 1) : undefined;
    return fields ? measureRecord(t, tag!, fields, depth, ctx) : measureTuple(t, depth, ctx);
  }
  const entries = mapEntries(t);
  if (entries) return measureMap(entries, depth, ctx);
  if (Array.isArray(t)) return measureList(t, null, depth, ctx);
  if (t instanceof ImproperList) return measureList(t.elements, t.tail, depth, ctx);
  throw new TypeError(`${Object.prototype.toString.call(t)} is not an Erlang term`);
}

/** Lists are flattened to their elements and the first tail that is not a list. */
function measureList(elements: readonly TermInput[], tail: TermInput, depth: number, ctx: MeasureContext): Piece {
  const items = [...elements];
  let end: TermInput = tail;
  while (end !== null) {
    if (end instanceof ImproperList) {
      items.push(...end.elements);
      end = end.tail;
    } else if (Array.isArray(end) && !(end instanceof Tuple)) {
      items.push(...end);
      end = null;
    } else break;
  }
  if (items.length === 0) return end === null ? text('[]') : measure(end, depth, ctx);
  // io_lib:printable_latin1_list (also for unicode: the default printable range is latin1).
  if (ctx.strings && depth !== 1 && end === null && items.every((c) => typeof c === 'number' && Number.isInteger(c) && isPrintableLatin1(c))) {
    return text(writeString(items as number[], ctx.encoding));
  }
  const seq: Seq = { items: [], end: null };
  let d = depth;
  for (const e of items) {
    if (d === 1) {
      seq.end = 'dots';
      break;
    }
    seq.items.push(measure(e, d - 1, ctx));
    d--;
  }
  if (seq.end === null && end !== null) seq.end = d === 1 ? 'dots' : measure(end, d - 1, ctx);
  return { kind: 'list', seq, len: seqLength(seq, 2) };
}

function measureTuple(t: readonly TermInput[], depth: number, ctx: MeasureContext): Piece {
  if (t.length === 0) return text('{}');
  if (depth === 1) return text('{...}');
  const seq: Seq = { items: [], end: null };
  let d = depth;
  for (const e of t) {
    if (d === 1) {
      seq.end = 'dots';
      break;
    }
    seq.items.push(measure(e, d - 1, ctx));
    d--;
  }
  const tagged = atomName(t[0]) !== null && t.length > 1;
  return { kind: 'tuple', tagged, seq, len: seqLength(seq, 2) };
}

/** print_length_record: `#name{f = V, ...}`, each field one level deeper than the one before, as tuple elements are. */
function measureRecord(t: readonly TermInput[], tag: string, fields: readonly string[], depth: number, ctx: MeasureContext): Piece {
  if (depth === 1) return text('{...}');
  const name = `#${writeAtom(tag, ctx.encoding)}`;
  const nameLen = charsLength(name);
  const seq: Seq = { items: [], end: null };
  let d = depth - 1;
  for (let i = 0; i < fields.length; i++) {
    if (d === 1) {
      seq.end = 'dots';
      break;
    }
    const fieldName = writeAtom(fields[i]!, ctx.encoding);
    const fieldNameLen = charsLength(fieldName) + 3;
    const value = measure(t[i + 1], d - 1, ctx);
    seq.items.push({ kind: 'field', name: fieldName, nameLen: fieldNameLen, value, len: fieldNameLen + value.len });
    d--;
  }
  return { kind: 'record', name, nameLen, seq, len: seqLength(seq, nameLen + 2) };
}

/** print_length_map: every pair at depth-1, the count of pairs shown cut by the depth. */
function measureMap(entries: [TermInput, TermInput][], depth: number, ctx: MeasureContext): Piece {
  if (entries.length === 0) return text('#{}');
  if (depth === 1) return text('#{...}');
  const seq: Seq = { items: [], end: null };
  let d = depth;
  for (const [k, v] of entries) {
    if (d === 1) {
      seq.end = 'dots';
      break;
    }
    const key = measure(k, depth - 1, ctx);
    const value = measure(v, depth - 1, ctx);
    seq.items.push({ kind: 'pair', key, value, len: key.len + 4 + value.len });
    d--;
  }
  return { kind: 'map', seq, len: seqLength(seq, 3) };
}

/** list_length/3: the brackets, the elements, a separator before each but the first. */
function seqLength(seq: Seq, brackets: number): number {
  let len = brackets;
  for (const p of seq.items) len += p.len;
  const parts = seq.items.length + (seq.end === null ? 0 : 1);
  if (parts > 1) len += parts - 1;
  if (seq.end === 'dots') len += 3;
  else if (seq.end !== null) len += seq.end.len;
  return len;
}

/** A binary as text when it is printable (printable_bin0/4), else its bytes as a `bin` piece. */
function measureBinary(bytes: Uint8Array, bits: number, depth: number, ctx: MeasureContext): Piece {
  if (bytes.length === 0) return text('<<>>');
  if (depth === 1) return text('<<...>>');
  if (ctx.strings && bits === 8) {
    const shown = printableBinary(bytes, depth - 1, ctx.encoding === 'unicode');
    if (shown) {
      const s = writeString(shown.codes, 'unicode');
      return text(`<<${s}${shown.utf8 ? '/utf8' : ''}${shown.cut ? '...' : ''}>>`);
    }
  }
  const { chunks } = binaryChunks(bytes, bits, depth);
  return { kind: 'bin', chunks, len: 4 + chunks.reduce((n, c) => n + c.length, 0) + chunks.length - 1 };
}

interface PrintableBinary {
  codes: number[];
  utf8: boolean;
  cut: boolean;
}

/** Characters io_lib_pretty's printable_char/2 accepts with the default (latin1) printable range. */
const printableChar = (c: number): boolean => isPrintableLatin1(c);

/**
 * printable_bin0/4 and printable_bin/4: how much of the binary prints as a string at depth `d`
 * (-2 and below: no limit). With a depth only `4 * d` bytes are looked at, and a printable prefix
 * of at least `d` characters is shown followed by `...`.
 */
function printableBinary(bytes: Uint8Array, d: number, unicode: boolean): PrintableBinary | null {
  const len = d >= 0 ? Math.min(4 * d, bytes.length) : bytes.length;
  if (len === 0) return null;
  if (unicode) {
    const decoded = decodeUtf8Prefix(bytes, len);
    if (decoded.valid) {
      const { codes, bytesUsed } = decoded;
      const shown = codes.length; // OTP's Len - NC
      const asciiOnly = bytesUsed === codes.length;
      if (bytesUsed === bytes.length) return { codes, utf8: !asciiOnly, cut: false };
      if (d > 0 && shown >= d) return { codes, utf8: !asciiOnly, cut: true };
      return null;
    }
  }
  return printableLatin1Binary(bytes, len, d);
}

/** The latin1 branch of printable_bin/4: bytes as characters, looked at in OTP's 20-byte first step. */
function printableLatin1Binary(bytes: Uint8Array, len: number, d: number): PrintableBinary | null {
  const prefix = (n: number): PrintableBinary => ({ codes: [...bytes.subarray(0, n)], utf8: false, cut: n < bytes.length });
  const n = Math.min(20, len);
  const firstBad = firstUnprintable(bytes, 0, n);
  if (firstBad < 0) {
    if (n === bytes.length) return prefix(n);
    if (n === len) return prefix(n);
    const restBad = firstUnprintable(bytes, n, len);
    if (restBad < 0 && bytes.length === len) return prefix(len);
    const good = restBad < 0 ? len : restBad;
    if (d > 0 && good >= d) return prefix(good);
    return null;
  }
  if (d > 0 && firstBad >= d) return prefix(firstBad);
  return null;
}

function firstUnprintable(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!isPrintableLatin1(bytes[i]!)) return i;
  return -1;
}

/**
 * valid_utf8/2 then printable_unicode/4: whether the first `limit` characters are UTF-8, and the
 * printable characters from the start (at most `limit`) and the bytes they take.
 */
function decodeUtf8Prefix(bytes: Uint8Array, limit: number): { valid: boolean; codes: number[]; bytesUsed: number } {
  let at = 0;
  let count = 0;
  while (at < bytes.length && count < limit) {
    const step = utf8Char(bytes, at);
    if (!step) return { valid: false, codes: [], bytesUsed: 0 };
    at += step.size;
    count++;
  }
  const codes: number[] = [];
  at = 0;
  while (codes.length < limit && at < bytes.length) {
    const step = utf8Char(bytes, at);
    if (!step || !printableChar(step.code)) break;
    codes.push(step.code);
    at += step.size;
  }
  return { valid: true, codes, bytesUsed: at };
}

/** One UTF-8 character as Erlang's `/utf8` segment reads it (no surrogates, no overlongs), or null. */
function utf8Char(b: Uint8Array, i: number): { code: number; size: number } | null {
  const b0 = b[i]!;
  if (b0 < 0x80) return { code: b0, size: 1 };
  const size = b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc2 ? 2 : 0;
  if (size === 0 || b0 > 0xf4 || i + size > b.length) return null;
  let code = b0 & (0x7f >> size);
  for (let k = 1; k < size; k++) {
    const c = b[i + k]!;
    if ((c & 0xc0) !== 0x80) return null;
    code = (code << 6) | (c & 0x3f);
  }
  const min = size === 2 ? 0x80 : size === 3 ? 0x800 : 0x10000;
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
  return { code, size };
}
