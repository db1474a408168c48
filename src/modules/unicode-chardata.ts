/**
 * The fast path of `unicode:characters_to_binary/1,2` and `characters_to_list/1,2` (erts'
 * erl_unicode.c BIFs, OTP 25): chardata in `unicode`/`utf8` or `latin1` read as code points.
 * The whole term is checked to be chardata first (anything else is badarg). Conversion stops at
 * the first bad character with `{error, Converted, Rest}`, or at an input ending inside a UTF-8
 * sequence with `{incomplete, Converted, Bytes}`, and Rest has the shape erl_unicode.c gives it:
 * at each list level `[RestOfElement | Tail]`; bytes at the end of one binary too few for their
 * sequence wait for the next binaries, and when those cannot complete it the rest is
 * `[Pending, Rest]`.
 */
import { ImproperList, isList, type Term } from '../term/types.js';

/** What a conversion gave: code points, and how it stopped (`rest` undefined: it did not). */
export interface Converted {
  cps: number[];
  stop?: 'error' | 'incomplete';
  rest?: Term;
}

/** True when `t` is chardata as erl_unicode.c accepts it: binaries, integers and lists of them, a binary as a list's tail. */
export function isChardata(t: Term): boolean {
  const stack: Term[] = [t];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (Buffer.isBuffer(x)) continue;
    if (!isList(x) && !(x instanceof ImproperList)) return false;
    const [elements, tail] = isList(x) ? [x, undefined] : [x.elements, x.tail];
    for (const e of elements) {
      if (typeof e === 'number' ? !Number.isInteger(e) : typeof e !== 'bigint' && !Buffer.isBuffer(e) && !isList(e) && !(e instanceof ImproperList)) return false;
      if (isList(e) || e instanceof ImproperList) stack.push(e);
    }
    if (tail !== undefined) stack.push(tail);
  }
  return true;
}

/** The list `[e | rest]`, keeping an improper tail improper. */
export function cons(head: Term, rest: Term): Term {
  if (isList(rest)) return [head, ...rest];
  if (rest instanceof ImproperList) return new ImproperList([head, ...rest.elements], rest.tail);
  return new ImproperList([head], rest);
}

/** The list from element `from` of `elements` followed by `tail`. */
export function listFrom(elements: readonly Term[], from: number, tail: Term): Term {
  if (from >= elements.length) return tail;
  if (isList(tail) && tail.length === 0) return elements.slice(from);
  return new ImproperList(elements.slice(from), tail);
}

/** UTF-8: the length a lead byte announces, or 0 for a byte that cannot lead. */
export function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead < 0xc0) return 0;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  return lead < 0xf8 ? 4 : 0;
}

/** The code point of the complete UTF-8 sequence at `b[i..i+n)`, or -1 when it is not a valid one (overlong, surrogate, past U+10FFFF). */
export function utf8Char(b: Uint8Array, i: number, n: number): number {
  let cp = n === 1 ? b[i]! : b[i]! & (0x7f >> n);
  for (let k = 1; k < n; k++) {
    const c = b[i + k]!;
    if ((c & 0xc0) !== 0x80) return -1;
    cp = (cp << 6) | (c & 0x3f);
  }
  const min = [0, 0, 0x80, 0x800, 0x10000][n]!;
  return cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? -1 : cp;
}

/** True when `b` is a UTF-8 sequence cut short: a lead byte, then only continuation bytes, fewer than it needs. */
function cutShort(b: Uint8Array): boolean {
  const n = utf8Length(b[0]!);
  return n > b.length && b.subarray(1).every((c) => (c & 0xc0) === 0x80);
}

/**
 * Where a conversion stopped: `rest` is the rest of the level it was found at, and of the levels
 * above once they have wrapped it. A sequence left pending and then failed carries its bytes in
 * `pending`, which goes in front of the whole rest at the top.
 */
class Stop {
  constructor(
    readonly kind: 'error' | 'incomplete',
    public rest: Term,
    readonly pending?: Buffer,
  ) {}
}

/** An element's stop: its own rest (the level wraps it with its tail), or the level's rest already. */
type ElementStop = { stop: Stop; levelRest: boolean } | undefined;

/** The walk over chardata, with the UTF-8 bytes a binary ended in, waiting for the next binaries. */
class Reader {
  readonly cps: number[] = [];
  private pending: Buffer | undefined;

  constructor(private readonly latin1: boolean) {}

  private validChar(c: Term): c is number {
    return typeof c === 'number' && c >= 0 && (this.latin1 ? c <= 255 : c <= 0x10ffff && (c < 0xd800 || c > 0xdfff));
  }

  /** The pending sequence cannot continue into what is left (`whole`, from here on this level). */
  private failPending(whole: Term): Stop {
    const p = this.pending!;
    this.pending = undefined;
    return new Stop('error', whole, p);
  }

  /**
   * Reads a list, its nested lists on a stack of frames rather than the JS stack (iolists nest
   * as deep as their producer likes). A Stop comes back with the whole rest: its own level's,
   * wrapped by each enclosing level as `[Rest | Tail]`.
   */
  list(elements: readonly Term[], tail: Term): Stop | undefined {
    const frames: Frame[] = [{ elements, i: 0, tail }];
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      if (f.i < f.elements.length) {
        const e = f.elements[f.i]!;
        if (isList(e) || e instanceof ImproperList) {
          frames.push(frameOf(e)); // f.i stays on it until it is read: the rest wraps around it
          continue;
        }
        const found = this.element(e, () => listFrom(f.elements, f.i, f.tail));
        if (found) {
          if (!found.levelRest) found.stop.rest = cons(found.stop.rest, listFrom(f.elements, f.i + 1, f.tail));
          return wrap(frames.slice(0, -1), found.stop);
        }
        f.i++;
      } else if (isList(f.tail) || f.tail instanceof ImproperList) {
        if (isList(f.tail) && f.tail.length === 0) {
          frames.pop();
          if (frames.length > 0) frames[frames.length - 1]!.i++;
        } else frames[frames.length - 1] = frameOf(f.tail); // a list as a tail continues this level
      } else {
        const b = f.tail as Buffer;
        const stop = this.pending ? this.continuePending(b, () => b)?.stop : this.binary(b);
        if (stop) return wrap(frames.slice(0, -1), stop); // a tail's rest is its level's rest
        frames.pop();
        if (frames.length > 0) frames[frames.length - 1]!.i++;
      }
    }
    return undefined;
  }

  /** An integer or a binary element (lists are frames of {@link list}). */
  private element(e: Term, whole: () => Term): ElementStop {
    if (typeof e === 'number' || typeof e === 'bigint') {
      if (this.pending) return { stop: this.failPending(whole()), levelRest: true };
      if (!this.validChar(e)) return { stop: new Stop('error', e), levelRest: false };
      this.cps.push(e);
      return undefined;
    }
    return this.pending ? this.continuePending(e as Buffer, whole) : own(this.binary(e as Buffer));
  }

  /** A binary after a sequence cut short: its first bytes complete the sequence, or join it. */
  private continuePending(b: Buffer, whole: () => Term): ElementStop {
    const p = this.pending!;
    const missing = utf8Length(p[0]!) - p.length;
    if (b.length < missing) {
      this.pending = Buffer.concat([p, b]);
      return undefined;
    }
    const seq = Buffer.concat([p, b.subarray(0, missing)]);
    const cp = utf8Char(seq, 0, seq.length);
    if (cp < 0) return { stop: this.failPending(whole()), levelRest: true };
    this.pending = undefined;
    this.cps.push(cp);
    return own(this.binary(b.subarray(missing)));
  }

  /** A binary's characters; one ending inside a sequence leaves it pending. */
  binary(b: Buffer): Stop | undefined {
    if (this.latin1) {
      for (const c of b) this.cps.push(c);
      return undefined;
    }
    for (let i = 0; i < b.length; ) {
      const n = utf8Length(b[i]!);
      const cp = n === 0 || i + n > b.length ? -1 : utf8Char(b, i, n);
      if (cp >= 0) {
        this.cps.push(cp);
        i += n;
      } else if (n > 0 && i + n > b.length) {
        // Too few bytes left for the sequence: they wait for the next binary, checked only once
        // it comes (or the input ends), as erl_unicode.c does.
        this.pending = Buffer.from(b.subarray(i));
        return undefined;
      } else return new Stop('error', Buffer.from(b.subarray(i)));
    }
    return undefined;
  }

  /** At the end of the input: a pending sequence is incomplete, or an error when it cannot become a character. */
  end(): Stop | undefined {
    const p = this.pending;
    return p && new Stop(cutShort(p) ? 'incomplete' : 'error', p);
  }
}

const own = (stop: Stop | undefined): ElementStop => stop && { stop, levelRest: false };

/** A list being read: its elements, the one being read, its tail. */
interface Frame {
  readonly elements: readonly Term[];
  i: number;
  readonly tail: Term;
}

const frameOf = (l: Term[] | ImproperList): Frame => (isList(l) ? { elements: l, i: 0, tail: [] } : { elements: l.elements, i: 0, tail: l.tail });

/** The rest of the innermost level wrapped by the enclosing ones (`frames`, outermost first). */
function wrap(frames: readonly Frame[], stop: Stop): Stop {
  for (let j = frames.length - 1; j >= 0; j--) {
    const g = frames[j]!;
    stop.rest = cons(stop.rest, listFrom(g.elements, g.i + 1, g.tail));
  }
  return stop;
}

/**
 * Reads chardata (checked with {@link isChardata} first) in `unicode` or, with `latin1`, Latin-1.
 * `forBinary`: for characters_to_binary, which takes a list of one binary as the binary itself
 * (its rest is then not wrapped in a list); characters_to_list does not.
 */
export function readChardata(data: Term, latin1: boolean, forBinary: boolean): Converted {
  if (forBinary && isList(data) && data.length === 1 && Buffer.isBuffer(data[0])) data = data[0];
  const r = new Reader(latin1);
  const stop = Buffer.isBuffer(data) ? r.binary(data) : r.list(isList(data) ? data : (data as ImproperList).elements, isList(data) ? [] : (data as ImproperList).tail);
  const last = stop ?? r.end();
  if (!last) return { cps: r.cps };
  return { cps: r.cps, stop: last.kind, rest: last.pending ? [last.pending, last.rest] : last.rest };
}
