/**
 * External Term Format decoder: `binary_to_term/1` for JS (otp-distribution.md §6,
 * erts/emulator/beam/external.c `dec_term`).
 *
 * Hot path: one pass over a Buffer, no intermediate arrays, binaries returned as views into the
 * input unless `copyBinaries` is set. Every length field is checked against the bytes that are
 * left before anything is allocated, so no input allocates more than a bounded multiple of its
 * own size (a compressed term is bounded by zlib's maximum ratio before it is inflated).
 */
import { inflateSync } from 'node:zlib';
import { DecodeError, isStackOverflow } from './errors.js';
import { Tag, VERSION } from './tags.js';
import type { Term } from './types.js';
import { TermReader, type DecodeOptions } from './term-reader.js';
import { DeepTermReader } from './deep-reader.js';

export type { DecodeOptions } from './term-reader.js';

/** zlib cannot expand data by more than about 1032:1, so a larger claimed size is a lie. */
const MAX_ZLIB_RATIO = 1032;

/**
 * Decodes one external term (`131` followed by the term, compressed or not), as `binary_to_term/1`.
 * Throws `DecodeError` naming the byte offset for anything OTP would reject. Like OTP, it ignores
 * bytes after the term; `decodeAt` says where the term ended.
 */
export function decode(bytes: Uint8Array, options?: DecodeOptions): Term {
  const buf = asBuffer(bytes);
  if (buf.length === 0) throw new DecodeError('empty input', 0);
  if (buf[0] !== VERSION) throw new DecodeError(`expected version byte 131, got ${buf[0]}`, 0);
  if (buf.length > 1 && buf[1] === Tag.COMPRESSED) return decodeCompressed(buf, options);
  // binary_to_term/1 ignores bytes after the term (OTP 25, checked); so do we.
  return decodeAt(buf, 1, options).term;
}

/** A term and the offset just past it, as {@link decodeAt} gives them. */
export interface DecodedAt {
  term: Term;
  end: number;
}

/**
 * Decodes the term that starts at `offset` (no version byte) and says where it ends. The
 * distribution layer uses this to read the terms that follow a message header, and passes `into`
 * to have the answer written there rather than in a new object (two terms per message).
 */
export function decodeAt(bytes: Uint8Array, offset: number, options?: DecodeOptions, into: DecodedAt = { term: 0, end: 0 }): DecodedAt {
  const buf = asBuffer(bytes);
  const reader = new TermReader(buf, offset, options);
  try {
    into.term = reader.term();
    into.end = reader.pos;
    return into;
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
  }
  // Deeper than the JS stack allows: decode again without recursion (slower, rarely needed).
  const deep = new DeepTermReader(buf, offset, options);
  try {
    into.term = deep.term();
    into.end = deep.pos;
    return into;
  } catch (e) {
    if (isStackOverflow(e)) throw new DecodeError('term nested too deeply (inside a fun)', deep.pos);
    throw e;
  }
}


function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeCompressed(buf: Buffer, options?: DecodeOptions): Term {
  if (buf.length < 6) throw new DecodeError('truncated compressed header', buf.length, Tag.COMPRESSED);
  const size = buf.readUInt32BE(2);
  const packed = buf.subarray(6);
  if (size > packed.length * MAX_ZLIB_RATIO + 64) {
    throw new DecodeError(`compressed term claims ${size} bytes from ${packed.length} compressed bytes`, 2, Tag.COMPRESSED);
  }
  let inflated: Buffer;
  try {
    inflated = inflateSync(packed, { maxOutputLength: Math.max(size, 1) });
  } catch (e) {
    throw new DecodeError(`bad zlib data (${(e as Error).message})`, 6, Tag.COMPRESSED);
  }
  if (inflated.length !== size) {
    throw new DecodeError(`compressed term inflates to ${inflated.length} bytes, header says ${size}`, 2, Tag.COMPRESSED);
  }
  return decodeAt(inflated, 0, options).term;
}

