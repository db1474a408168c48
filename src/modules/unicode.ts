/**
 * The `unicode` module a noderl node serves (OTP 25): `characters_to_list/1,2`,
 * `characters_to_binary/1,2,3`, `bom_to_encoding/1`, `encoding_to_bom/1`. Latin-1 and UTF-8 input
 * to UTF-8 go the way of erl_unicode.c's BIFs (unicode-chardata.ts); the rest the way of
 * unicode.erl's `ml_map` (unicode-ml-map.ts), with their results, error tuples and rests.
 * Not chardata, or an unknown encoding, is badarg with `{unicode, F, Args}` on top of the stack.
 * The normalisation functions (`characters_to_nf*`) are not served.
 */
import { atom, tuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { callError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { arities, type BuiltinModule } from './registry.js';
import { clause } from './cons.js';
import { textOf } from './chardata.js';
import { isChardata, readChardata } from './unicode-chardata.js';
import { Crash, encodingOf, type Encoding } from './unicode-encodings.js';
import { mlConvert, type Conversion } from './unicode-ml-map.js';

const [UNICODE, UTF8, LATIN1] = ['unicode', 'utf8', 'latin1'].map(atom);

/** A conversion's result term: the value, or `{error | incomplete, Converted, Rest}`. */
function result(converted: Term, stop: 'error' | 'incomplete' | undefined, rest: Term | undefined): Term {
  return stop === undefined ? converted : tuple(atom(stop), converted, rest!);
}

/** erl_unicode.c's conversion of chardata in `unicode`/`utf8` (or `latin1`) to code points; undefined for badarg. */
function fastPath(data: Term, latin1: boolean, forBinary: boolean): ReturnType<typeof readChardata> | undefined {
  return isChardata(data) ? readChardata(data, latin1, forBinary) : undefined;
}

const asUtf8 = (cps: number[]): Buffer => Buffer.from(textOf(cps), 'utf8');

/** `characters_to_binary(Data, In, Out)`, or undefined for badarg. */
function toBinary(data: Term, inEnc: Term, outEnc: Term): Term | undefined {
  const from = encodingOf(inEnc);
  const to = encodingOf(outEnc);
  if (from === undefined || to === undefined) return undefined;
  if (Buffer.isBuffer(data) && from === 'latin1' && to === 'latin1') return data;
  if (Buffer.isBuffer(data) && from === 'utf8' && to === 'latin1' && data.every((b) => b < 0x80)) return data;
  if ((from === 'latin1' || from === 'utf8') && (outEnc === UNICODE || outEnc === UTF8)) {
    const r = fastPath(data, from === 'latin1', true);
    return r && result(asUtf8(r.cps), r.stop, r.rest);
  }
  const c = ml(data, from, to);
  return c && result(c.bytes, c.stop, c.rest);
}

function ml(data: Term, from: Encoding, to: Encoding): Conversion | undefined {
  try {
    return mlConvert(data, from, to);
  } catch (e) {
    if (e instanceof Crash) return undefined;
    throw e;
  }
}

/** `characters_to_list(Data, In)`, or undefined for badarg. */
function toList(data: Term, inEnc: Term): Term | undefined {
  const from = encodingOf(inEnc);
  if (from === undefined) return undefined;
  if (inEnc === LATIN1 || inEnc === UNICODE || inEnc === UTF8) {
    const r = fastPath(data, from === 'latin1', false);
    return r && result(r.cps, r.stop, r.rest);
  }
  // unicode.erl's do_characters_to_list/2: to UTF-8 first, then the converted part as a list.
  const c = ml(data, from, 'utf8');
  return c && result([...c.bytes.toString('utf8')].map((ch) => ch.codePointAt(0)!), c.stop, c.rest);
}

/** `bom_to_encoding(Bin)`: the encoding a byte order mark names and its length; `{latin1, 0}` for none. */
function bomToEncoding(b: Buffer): Term {
  const starts = (...bytes: number[]): boolean => bytes.every((x, i) => b[i] === x) && b.length >= bytes.length;
  if (starts(0xef, 0xbb, 0xbf)) return tuple(UTF8, 3);
  if (starts(0, 0, 0xfe, 0xff)) return tuple(tuple(atom('utf32'), atom('big')), 4);
  if (starts(0xff, 0xfe, 0, 0)) return tuple(tuple(atom('utf32'), atom('little')), 4);
  if (starts(0xfe, 0xff)) return tuple(tuple(atom('utf16'), atom('big')), 2);
  if (starts(0xff, 0xfe)) return tuple(tuple(atom('utf16'), atom('little')), 2);
  return tuple(LATIN1, 0);
}

const BOMS: Record<Encoding, number[]> = {
  latin1: [], utf8: [0xef, 0xbb, 0xbf], utf16be: [0xfe, 0xff], utf16le: [0xff, 0xfe], utf32be: [0, 0, 0xfe, 0xff], utf32le: [0xff, 0xfe, 0, 0],
};

/** `unicode:F/A` for each arity of `list`: `impl(...args)`, undefined meaning badarg. */
function fn(name: string, list: number[], impl: (...args: Term[]) => Term | undefined): BuiltinModule[string] {
  return arities(list, (_self: Process, ...args: Term[]) => {
    const r = impl(...args);
    if (r === undefined) throw callError(BADARG, 'unicode', name, args);
    return r;
  });
}

/** The `unicode` module. */
export const unicodeModule: BuiltinModule = {
  characters_to_binary: fn('characters_to_binary', [1, 2, 3], (d, i = UNICODE, o = UNICODE) => toBinary(d, i, o)),
  characters_to_list: fn('characters_to_list', [1, 2], (d, i = UNICODE) => toList(d, i)),
  bom_to_encoding: (_self, b) => {
    if (!Buffer.isBuffer(b)) throw clause('unicode', 'bom_to_encoding', [b!]);
    return bomToEncoding(b);
  },
  encoding_to_bom: (_self, e) => {
    const enc = encodingOf(e!);
    if (enc === undefined) throw clause('unicode', 'encoding_to_bom', [e!]);
    return Buffer.from(BOMS[enc]);
  },
};
