/**
 * `characters_to_binary_int/3` of OTP 25's unicode.erl: the conversions erl_unicode.c does not do
 * itself (from or to UTF-16, UTF-32, or to Latin-1), walking chardata as `ml_map/3` does, so
 * `{error, Converted, Rest}` and `{incomplete, Converted, Rest}` have its shapes: an element that
 * fails is `[Rest | Tail]` at each level, a bad integer `[Int]`; a sequence cut short at the end of
 * one binary is completed from the next (`[Pending | Rest]` when an integer comes instead); a
 * binary over 8192 bytes is read in pieces of 8192. Where ml_map crashes, {@link Crash} is thrown.
 */
import { ImproperList, isList, type Term } from '../term/types.js';
import { cons, listFrom } from './unicode-chardata.js';
import { Crash, decodeBinary, encodeChar, encodeChars, type Encoding } from './unicode-encodings.js';

/** A list being walked: its elements (replaced when a binary is split), the one being read, its tail. */
interface Frame {
  elements: readonly Term[];
  i: number;
  readonly tail: Term;
}

const frameOf = (l: Term[] | ImproperList): Frame => (isList(l) ? { elements: l, i: 0, tail: [] } : { elements: l.elements, i: 0, tail: l.tail });

/** An error's rest wrapped by the enclosing lists (`frames`, outermost first) as `[Rest | Tail]`. */
function wrap(frames: readonly Frame[], r: ErrorResult): Result {
  let rest = r.rest;
  for (let j = frames.length - 1; j >= 0; j--) rest = cons(rest, listFrom(frames[j]!.elements, frames[j]!.i + 1, frames[j]!.tail));
  return { kind: 'error', rest };
}

/** How ml_map ended; what it converted is in the walk's `out`. */
type Result = { kind: 'ok' } | { kind: 'error'; rest: Term } | { kind: 'incomplete'; rest: Buffer; missing: number };

type ErrorResult = Extract<Result, { kind: 'error' }>;

const OK: Result = { kind: 'ok' };
const CHUNK = 8192;

/** One conversion: its encodings, its output so far, and a sequence waiting for more bytes. */
class Walk {
  readonly out: Buffer[] = [];
  pending: { bytes: Buffer; missing: number } | undefined;
  private readonly limit: number;

  constructor(
    private readonly from: Encoding,
    private readonly to: Encoding,
  ) {
    this.limit = to === 'latin1' || from === 'latin1' ? 255 : 0x10ffff;
  }

  /** ml_map's fun on a binary: its characters out; an error or a cut-short end reported. */
  binaryPart(b: Buffer): Result {
    const d = decodeBinary(this.from, b, this.to === 'latin1');
    this.out.push(encodeChars(this.to, d.cps));
    return d.kind === 'ok' ? OK : d.kind === 'error' ? { kind: 'error', rest: d.rest } : { kind: 'incomplete', rest: d.rest, missing: d.missing };
  }

  /** ml_map's fun on an integer: out, or `{error, Accum, [Int]}`; Latin-1's list_to_binary crashes on a negative one. */
  integerPart(c: number | bigint): Result {
    if (c > this.limit) return { kind: 'error', rest: [c] };
    if (typeof c === 'bigint' || c < 0) {
      if (this.to === 'latin1') throw new Crash('list_to_binary');
      return { kind: 'error', rest: [c] };
    }
    const bytes = encodeChar(this.to, c);
    if (!bytes) return { kind: 'error', rest: [c] };
    this.out.push(bytes);
    return OK;
  }

  /**
   * `ml_map(ML, Fun, Accum)`, its nested lists on a stack of frames rather than the JS stack (an
   * iolist built by accumulation nests as deep as it is long).
   */
  map(ml: Term): Result {
    if (Buffer.isBuffer(ml)) return this.binaryTail(ml);
    if (!isList(ml) && !(ml instanceof ImproperList)) throw new Crash('function_clause');
    const frames: Frame[] = [frameOf(ml)];
    for (;;) {
      const f = frames[frames.length - 1]!;
      let r: Result | undefined; // set when the frame on top is done: its list's result
      if (f.i < f.elements.length) {
        const part = f.elements[f.i]!;
        if (isList(part) || part instanceof ImproperList) {
          frames.push(frameOf(part)); // f.i stays on it until it is read: an error's rest wraps around it
          continue;
        }
        const stop = this.element(f, part);
        if (stop) return wrap(frames.slice(0, -1), stop);
        continue;
      }
      if (isList(f.tail) && f.tail.length === 0) r = this.end();
      else if (isList(f.tail) || f.tail instanceof ImproperList) {
        frames[frames.length - 1] = frameOf(f.tail); // a list as a tail continues this level
        continue;
      } else if (Buffer.isBuffer(f.tail)) r = this.binaryTail(f.tail);
      else throw new Crash('function_clause');
      frames.pop();
      if (frames.length === 0) return r;
      if (r.kind === 'error') return wrap(frames, r);
      if (r.kind === 'incomplete') this.pending = { bytes: r.rest, missing: r.missing };
      frames[frames.length - 1]!.i++;
    }
  }

  /** One integer or binary element of the frame on top; an error comes back with its level's rest. */
  private element(f: Frame, part: Term): ErrorResult | undefined {
    const after = (): Term => listFrom(f.elements, f.i + 1, f.tail);
    if (typeof part === 'bigint' || (typeof part === 'number' && Number.isInteger(part))) {
      if (this.pending) return { kind: 'error', rest: cons(this.pending.bytes, listFrom(f.elements, f.i, f.tail)) };
      const r = this.integerPart(part);
      if (r.kind === 'error') return { kind: 'error', rest: cons(r.rest, after()) };
    } else if (Buffer.isBuffer(part)) {
      const split = this.pending ? this.fillIn(part) : part.length > CHUNK ? [part.subarray(0, CHUNK), part.subarray(CHUNK)] : undefined;
      if (split) {
        // ml_map goes on with the list [Completed, Trailing | T] (or the two pieces of a long binary)
        f.elements = [...split, ...f.elements.slice(f.i + 1)];
        f.i = 0;
        return undefined;
      }
      if (split === undefined) {
        const r = this.binaryPart(part);
        if (r.kind === 'error') return { kind: 'error', rest: cons(r.rest, after()) };
        if (r.kind === 'incomplete') this.pending = { bytes: r.rest, missing: r.missing };
      }
    } else throw new Crash('function_clause');
    f.i++;
    return undefined;
  }

  /**
   * A binary after a cut-short sequence: its first bytes complete it (the list goes on as
   * `[Completed, Trailing | T]`), or it is all absorbed (null).
   */
  private fillIn(b: Buffer): Buffer[] | null {
    const p = this.pending!;
    if (b.length < p.missing) {
      this.pending = { bytes: Buffer.concat([p.bytes, b]), missing: p.missing - b.length };
      return null;
    }
    this.pending = undefined;
    return [Buffer.concat([p.bytes, b.subarray(0, p.missing)]), b.subarray(p.missing)];
  }

  /** A binary as the whole input or a list's tail: ml_map's clauses for a bare binary. */
  private binaryTail(b: Buffer): Result {
    const p = this.pending;
    if (p) {
      if (b.length < p.missing) return { kind: 'incomplete', rest: Buffer.concat([p.bytes, b]), missing: p.missing - b.length };
      this.pending = undefined;
      return this.map([p.bytes, b]);
    }
    if (b.length > CHUNK) return this.map([b.subarray(0, CHUNK), b.subarray(CHUNK)]);
    return this.binaryPart(b);
  }

  private end(): Result {
    const p = this.pending;
    this.pending = undefined;
    return p ? { kind: 'incomplete', rest: p.bytes, missing: p.missing } : OK;
  }
}

/** What a conversion gave: the converted bytes and, when it stopped, how and the rest. */
export interface Conversion {
  bytes: Buffer;
  stop?: 'error' | 'incomplete';
  rest?: Term;
}

/** `characters_to_binary_int(ML, In, Out)` of unicode.erl (throws {@link Crash} where it crashes). */
export function mlConvert(data: Term, from: Encoding, to: Encoding): Conversion {
  const walk = new Walk(from, to);
  const r = walk.map(data);
  const bytes = Buffer.concat(walk.out);
  return r.kind === 'ok' ? { bytes } : { bytes, stop: r.kind, rest: r.rest };
}
