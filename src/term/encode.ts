/**
 * External Term Format encoder: `term_to_binary/1,2` for JS values (otp-distribution.md §6,
 * erts/emulator/beam/external.c `enc_term`).
 *
 * Integers are encoded canonically (97, 98, then big), floats always as NEW_FLOAT_EXT, lists of
 * bytes as STRING_EXT, as OTP does. Hot path: one pass into a reused scratch buffer; the path of
 * a bad value inside the term is only worked out after a failure, so it costs nothing otherwise.
 */
import { deflateSync } from 'node:zlib';
import { EncodeError, isStackOverflow } from './errors.js';
import { Tag, VERSION } from './tags.js';
import { ImproperList, type TermInput } from './types.js';
import type { ByteWriter } from './writer.js';
import { TermWriter, Unencodable } from './term-writer.js';
import { DeepTermWriter } from './deep-writer.js';

export interface EncodeOptions {
  /** zlib-compress the term (tag 80), as `term_to_binary(T, [compressed])`; a number is the level 0..9 (default 6). */
  compressed?: boolean | number;
  /**
   * 2 (default, OTP 26+'s default and what the distribution sends): atoms as UTF-8 (tags 119/118).
   * 1 (OTP 25's `term_to_binary/1` default): Latin-1 atoms as ATOM_EXT (100).
   */
  minorVersion?: 1 | 2;
}


/** Encodes `term` as `term_to_binary` would. Throws `EncodeError` naming where a value has no Erlang form. */
export function encode(term: TermInput, options?: EncodeOptions): Buffer {
  const latin1 = options?.minorVersion === 1;
  let w = scratch;
  try {
    start(w, latin1).term(term);
  } catch (e) {
    w.reset();
    if (!isStackOverflow(e)) throw asEncodeError(e, term);
    // Deeper than the JS stack allows: write it again without recursion (slower, rarely needed).
    w = new TermWriter(INITIAL_DEEP_SIZE);
    try {
      new DeepTermWriter(start(w, latin1)).write(term);
    } catch (e) {
      throw asEncodeError(e, term);
    }
  }
  if (options?.compressed) {
    try {
      return compress(w, options.compressed);
    } finally {
      w.reset();
    }
  }
  // The scratch writer hands a small result out as a view of its buffer, without a copy.
  return w === scratch ? w.takeShared() : w.take();
}

const INITIAL_DEEP_SIZE = 1024 * 1024;

/** `w` (empty: every way out of `encode` leaves the scratch writer so) set for the minor version, with the version byte written. */
function start(w: TermWriter, latin1: boolean): TermWriter {
  w.latin1Atoms = latin1;
  w.u8(VERSION);
  return w;
}

function asEncodeError(e: unknown, term: TermInput): unknown {
  if (e instanceof Unencodable) return new EncodeError(e.message, pathOfFailure(term));
  if (isStackOverflow(e)) return new EncodeError('term nested too deeply', '$');
  return e;
}

function compress(w: ByteWriter, level: boolean | number): Buffer {
  const plain = w.take();
  const body = plain.subarray(1);
  const packed = deflateSync(body, { level: level === true ? 6 : Number(level) });
  // Like OTP, keep the plain form when compression does not make it smaller.
  if (packed.length + 5 >= body.length) return plain;
  const out = Buffer.allocUnsafe(6 + packed.length);
  out[0] = VERSION;
  out[1] = Tag.COMPRESSED;
  out.writeUInt32BE(body.length, 2);
  packed.copy(out, 6);
  return out;
}

const scratch = new TermWriter();

/** Walks the term again, slowly, to name the first value the fast pass could not encode. */
function pathOfFailure(term: TermInput): string {
  try {
    return findBad(term, '$') ?? '$';
  } catch {
    return '$'; // too deep, or a cycle, to walk by recursion
  }
}

/**
 * The path of the first leaf in `t` that does not encode, or of a container met again inside
 * itself (a cycle), or null. Containers are walked; leaves are tried.
 */
function findBad(t: TermInput, path: string, open = new Set<object>()): string | null {
  const children = childrenOf(t, path);
  if (children === null) {
    try {
      new TermWriter(64).term(t);
      return null;
    } catch (e) {
      if (e instanceof Unencodable) return path;
      throw e;
    }
  }
  const container = t as object;
  if (open.has(container)) return path;
  open.add(container);
  for (const [p, x] of children) {
    const bad = findBad(x, p, open);
    if (bad !== null) return bad;
  }
  open.delete(container);
  return null;
}

/** A container's children with their paths; null for a leaf. */
function childrenOf(t: TermInput, path: string): [string, TermInput][] | null {
  if (t instanceof ImproperList) return [...t.elements.map((x, i): [string, TermInput] => [`${path}[${i}]`, x]), [`${path}.tail`, t.tail]];
  if (Array.isArray(t)) return Array.from(t, (x, i): [string, TermInput] => [`${path}[${i}]`, x]);
  if (t instanceof Map) return [...t].flatMap(([k, v], i): [string, TermInput][] => [[`${path}.<key ${i}>`, k], [`${path}.<value ${i}>`, v]]);
  const proto = typeof t === 'object' && t !== null ? Object.getPrototypeOf(t) : undefined;
  if (proto !== Object.prototype && proto !== null) return null;
  return Object.entries(t as Record<string, TermInput>).map(([k, v]) => [/^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, v]);
}
