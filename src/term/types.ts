/**
 * The JS values that stand for Erlang terms (the mapping decided in DESIGN.md).
 *
 * Plain JS values carry the common terms: `number`/`bigint` integers, `number` floats,
 * `boolean` for `true`/`false`, `Buffer` binaries, `Array` lists and `Map` maps. The classes
 * here carry what JS has no lossless value for.
 */

/** Any value `encode` accepts or `decode` produces. */
export type Term =
  | number
  | bigint
  | boolean
  | string
  | null
  | undefined
  | Atom
  | ErlFloat
  | Buffer
  | Uint8Array
  | BitBinary
  | Term[]
  | ImproperList
  | Tuple
  | Map<Term, Term>
  | Pid
  | Ref
  | Port
  | ExportFun
  | ErlFun
  | { [key: string]: Term };

import { Tag } from './tags.js';

const atomTable = new Map<string, Atom>();

/**
 * An Erlang atom. Atoms are interned: `atom('ok') === atom('ok')`, so they work as `Map` keys
 * and compare with `===`. `true` and `false` decode to JS booleans instead.
 */
export class Atom {
  /** The atom's text. */
  readonly name: string;
  /** UTF-8 bytes of the name. */
  readonly utf8: Buffer;
  /**
   * The atom as the External Term Format writes it, tag and length included: UTF-8 (tag 119 or
   * 118), and Latin-1 ATOM_EXT (100) or null when a character is above U+00FF. Made once, so
   * encoding an atom is one short copy.
   * @internal
   */
  readonly etfUtf8: Buffer;
  /** @internal */
  readonly etfLatin1: Buffer | null;

  private constructor(name: string) {
    this.name = name;
    this.utf8 = Buffer.from(name, 'utf8');
    const n = this.utf8.length;
    const head = n <= 255 ? [Tag.SMALL_ATOM_UTF8, n] : [Tag.ATOM_UTF8, n >> 8, n & 255];
    this.etfUtf8 = Buffer.concat([Buffer.from(head), this.utf8]);
    const latin1 = /^[\u0000-\u00ff]*$/.test(name) ? Buffer.from(name, 'latin1') : null;
    this.etfLatin1 = latin1 && Buffer.concat([Buffer.from([Tag.ATOM, latin1.length >> 8, latin1.length & 255]), latin1]);
  }

  /** The one `Atom` for `name`. Throws a `RangeError` for names over 255 characters, as OTP does. */
  static of(name: string): Atom {
    let a = atomTable.get(name);
    if (a === undefined) {
      if (name.length > 255 && [...name].length > 255) {
        throw new RangeError(`atom too long: ${[...name].length} characters (Erlang allows 255)`);
      }
      a = new Atom(name);
      atomTable.set(name, a);
    }
    return a;
  }

  toString(): string {
    return this.name;
  }

  /** `console.log(atom('ok'))` shows `Atom(ok)` rather than the cached byte buffers. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Atom(${this.name})`;
  }
}

/** The interned atom `name`. */
export function atom(name: string): Atom {
  return Atom.of(name);
}

/**
 * A float whose value is integral (`1.0`, `-0.0`, `1.0e20`). A JS `number` that is an integer
 * encodes as an Erlang integer, so such floats need a wrapper to stay floats.
 */
export class ErlFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
}

/** `float(1)` is the Erlang float `1.0`. */
export function float(value: number): ErlFloat {
  return new ErlFloat(value);
}

/** A bitstring whose length is not a whole number of bytes: `bits` (1..8) are used in the last byte, most significant first. */
export class BitBinary {
  constructor(
    readonly bytes: Buffer,
    readonly bits: number,
  ) {
    if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new RangeError(`BitBinary bits must be 1..8, got ${bits}`);
    if (bytes.length === 0) throw new RangeError('BitBinary needs at least one byte');
  }
  /** Length in bits. */
  get bitLength(): number {
    return (this.bytes.length - 1) * 8 + this.bits;
  }
}

/** A list whose tail is not `[]`: `[a, b | tail]`. */
export class ImproperList {
  constructor(
    readonly elements: Term[],
    readonly tail: Term,
  ) {}
}

/**
 * An Erlang tuple: indexable (`t[0]`), with `.length`, iterable. Make one with `tuple(a, b)`.
 *
 * A `Tuple` is an `Array` subclass, because that is what V8 allocates fastest (measured: a
 * plain class with indexed properties costs about 8x more per tuple, and decoding is mostly
 * allocation). So `Array.isArray(t)` is true for a tuple: test `isTuple(x)` (or
 * `x instanceof Tuple`) before `Array.isArray(x)` when telling tuples from lists.
 */
export class Tuple extends Array<Term> {
  /** `new Tuple(n)` makes a tuple of n empty slots; use `tuple(...)` to make one from values. */
  constructor(length: number) {
    // An explicit constructor: the implicit `constructor(...args)` of a subclass is ~20x slower.
    super(length);
  }

  // No `Symbol.species` override (so `t.map(f)` gives a Tuple): defining one trips V8's
  // array-species protector and slows every array in the process (measured 25x on decode).

  /** The elements as a plain array. */
  toArray(): Term[] {
    return Array.from(this);
  }
}

/** The tuple `{...elements}`. */
export function tuple(...elements: Term[]): Tuple {
  const t = new Tuple(elements.length);
  for (let i = 0; i < elements.length; i++) t[i] = elements[i];
  return t;
}

/** True for a `Tuple`. */
export function isTuple(x: unknown): x is Tuple {
  return x instanceof Tuple;
}

/** A name as the API accepts it (`'shell'` or `atom('shell')`) as an atom. */
export function toAtom(name: string | Atom): Atom {
  return typeof name === 'string' ? atom(name) : name;
}

/** True for a proper list: an `Array` that is not a `Tuple` (a tuple is an Array subclass). */
export function isList(x: unknown): x is Term[] {
  return Array.isArray(x) && !(x instanceof Tuple);
}

/** A process identifier: `<0.52.0>` on its own node, `<N.52.0>` seen from another. */
export class Pid {
  constructor(
    readonly node: Atom,
    readonly id: number,
    readonly serial: number,
    readonly creation: number,
  ) {}
}

/** A reference: 1 to 5 32-bit words, as OTP makes them. */
export class Ref {
  constructor(
    readonly node: Atom,
    readonly ids: readonly number[],
    readonly creation: number,
  ) {}
}

/** A port identifier. `id` is a `bigint` when it does not fit a safe integer (V4_PORT_EXT). */
export class Port {
  constructor(
    readonly node: Atom,
    readonly id: number | bigint,
    readonly creation: number,
  ) {}
}

/** `fun Module:Function/Arity`. */
export class ExportFun {
  constructor(
    readonly module: Atom,
    /** The function's name (as `erlang:fun_info(F, name)`). */
    readonly name: Atom,
    readonly arity: number,
  ) {}
}

/**
 * A closure made on a BEAM node. noderl cannot run it, so it keeps the encoded bytes
 * (NEW_FUN_EXT, tag included) and sends them back unchanged; the decoded fields are for display.
 * The bytes are always self-contained: a fun that arrived with atom-cache references inside
 * (a distribution header's ATOM_CACHE_REF) has its bytes re-encoded from the fields.
 */
export class ErlFun {
  constructor(
    /** The whole NEW_FUN_EXT encoding, starting with tag 112. */
    readonly bytes: Buffer,
    readonly module: Atom,
    readonly arity: number,
    readonly index: number,
    readonly uniq: Buffer,
    readonly oldIndex: number,
    readonly oldUniq: number,
    readonly pid: Pid,
    readonly freeVars: Term[],
  ) {}
}
