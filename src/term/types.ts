/**
 * The JS values that stand for Erlang terms (the mapping decided in DESIGN.md).
 *
 * Plain JS values carry the common terms: `number`/`bigint` integers, `number` floats,
 * `boolean` for `true`/`false`, `Buffer` binaries, `Array` lists and `Map` maps. The classes
 * here carry what JS has no lossless value for.
 */

/**
 * A term as `decode` (and a receive) yields it: a closed union, so a `switch` over a decoded term
 * can be exhaustive. Test {@link isTuple} before `Array.isArray` (a `Tuple` is an `Array`), or use
 * {@link isList}.
 */
export type Term =
  | number
  | bigint
  | boolean
  | Atom
  | ErlFloat
  | Buffer
  | BitBinary
  | Term[]
  | ImproperList
  | DecodedTuple
  | Map<Term, Term>
  | Pid
  | Ref
  | Port
  | ExportFun
  | ErlFun;

/**
 * A value `encode` accepts (and so a send, a call or an rpc's arguments): every {@link Term}, and
 * the JS conveniences DESIGN.md's term mapping allows: a `string` (a UTF-8 binary), `null` and
 * `undefined` (the atom `undefined`), a `Uint8Array` (a binary), lists, tuples and maps of inputs,
 * and a plain object (a map with atom keys).
 */
export type TermInput =
  | Term
  | string
  | null
  | undefined
  | Uint8Array
  | TermInput[]
  | Map<TermInput, TermInput>
  | { readonly [key: string]: TermInput };

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
  /**
   * `etfUtf8` as big-endian signed 32-bit words (small integers to V8, never boxed), the last
   * zero-padded: the term writer stores an atom as words rather than byte by byte, with the
   * first two kept apart for the commonest atoms, of at most 8 such bytes.
   * @internal
   */
  readonly etfWords: readonly number[];
  /** @internal */
  readonly etfWord0: number;
  /** @internal */
  readonly etfWord1: number;

  private constructor(name: string) {
    this.name = name;
    this.utf8 = Buffer.from(name, 'utf8');
    const n = this.utf8.length;
    const head = n <= 255 ? [Tag.SMALL_ATOM_UTF8, n] : [Tag.ATOM_UTF8, n >> 8, n & 255];
    this.etfUtf8 = Buffer.concat([Buffer.from(head), this.utf8]);
    const latin1 = /^[\u0000-\u00ff]*$/.test(name) ? Buffer.from(name, 'latin1') : null;
    this.etfLatin1 = latin1 && Buffer.concat([Buffer.from([Tag.ATOM, latin1.length >> 8, latin1.length & 255]), latin1]);
    const padded = Buffer.alloc(Math.max(8, (this.etfUtf8.length + 3) & ~3));
    this.etfUtf8.copy(padded);
    this.etfWords = Array.from({ length: (this.etfUtf8.length + 3) >> 2 }, (_, i) => padded.readInt32BE(4 * i));
    this.etfWord0 = padded.readInt32BE(0);
    this.etfWord1 = padded.readInt32BE(4);
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
 * The runtime class of every tuple: an `Array` subclass, because that is what V8 allocates
 * fastest (measured: a plain class with indexed properties costs about 8x more per tuple, and
 * decoding is mostly allocation). Its TypeScript face is the {@link Tuple} type and value below,
 * which add the element types; the class itself stays exactly this small.
 */
const TupleArray = class Tuple extends Array<TermInput> {
  constructor(length: number) {
    // An explicit constructor: the implicit `constructor(...args)` of a subclass is ~20x slower.
    super(length);
  }

  // No `Symbol.species` override (so `t.map(f)` gives a Tuple): defining one trips V8's
  // array-species protector and slows every array in the process (measured 25x on decode).

  toArray(): TermInput[] {
    return Array.from(this);
  }
};

/** What a tuple has beyond its elements (and what tells it from a list in the type system). */
export interface TupleMethods<T extends readonly TermInput[]> {
  /** The elements as a plain array (a list). */
  toArray(): Array<T[number]>;
}

/**
 * An Erlang tuple: indexable (`t[0]`), with `.length`, iterable. Make one with `tuple(a, b)`, which
 * keeps the arity and element types: `tuple(atom('ok'), 1)` is a `Tuple<[Atom, number]>`. A
 * decoded tuple is a `Tuple` (`Tuple<Term[]>`): its arity is only known at run time.
 *
 * A `Tuple` is an `Array` subclass, so `Array.isArray(t)` is true for a tuple: test `isTuple(x)`
 * (or `x instanceof Tuple`) before `Array.isArray(x)` when telling tuples from lists, or use
 * {@link isList}.
 */
export type Tuple<T extends readonly TermInput[] = Term[]> = T & TupleMethods<T>;

/**
 * A tuple of {@link Term}s, as decoded: the same type as `Tuple` (`Tuple<Term[]>`), written as an
 * interface so that `Term` can name it inside its own definition.
 */
export interface DecodedTuple extends Array<Term>, TupleMethods<Term[]> {}

/** The `Tuple` value: `x instanceof Tuple`, and `new Tuple(n)` for a tuple of n empty slots (the decoder's). */
export interface TupleConstructor {
  new (length: number): Tuple;
  readonly prototype: Tuple;
}

/** The class of tuples, for `instanceof`; make tuples with {@link tuple}. */
export const Tuple: TupleConstructor = TupleArray as unknown as TupleConstructor;

/** The tuple `{...elements}`, typed element by element. */
export function tuple<T extends TermInput[]>(...elements: T): Tuple<T> {
  const t = new TupleArray(elements.length);
  for (let i = 0; i < elements.length; i++) t[i] = elements[i];
  return t as unknown as Tuple<T>;
}

/** True for a `Tuple` (a decoded one has {@link Term} elements). */
export function isTuple(x: unknown): x is Tuple {
  return x instanceof TupleArray;
}

/** A name as the API accepts it (`'shell'` or `atom('shell')`) as an atom. */
export function toAtom(name: string | Atom): Atom {
  return typeof name === 'string' ? atom(name) : name;
}

/** True for a proper list: an `Array` that is not a `Tuple` (a tuple is an Array subclass). */
export function isList(x: unknown): x is Term[] {
  return Array.isArray(x) && !(x instanceof TupleArray);
}

/**
 * A process identifier: `<0.52.0>` on its own node, `<N.52.0>` seen from another. Decoded pids are
 * new objects each time, so compare them with {@link Pid.equals}, not `===`.
 */
export class Pid {
  constructor(
    readonly node: Atom,
    readonly id: number,
    readonly serial: number,
    readonly creation: number,
  ) {}

  /** True when `other` is the same process: the same node, id, serial and creation (`=:=`). */
  equals(other: unknown): boolean {
    return other instanceof Pid && other.node === this.node && other.id === this.id && other.serial === this.serial && other.creation === this.creation;
  }

  /**
   * The pid as Erlang prints it, but with the node's name where Erlang puts a number that only
   * means something on the node printing it: `<fries@host.52.0>`. A pid of a node running in
   * this JS process prints as its own shell shows it, `<0.52.0>`. (`format(pid, { localNode })`
   * prints the numbered form.)
   */
  toString(): string {
    return `<${this.node.name}.${this.id}.${this.serial}>`;
  }
}

/** A reference: 1 to 5 32-bit words, as OTP makes them. Compare with {@link Ref.equals}. */
export class Ref {
  constructor(
    readonly node: Atom,
    readonly ids: readonly number[],
    readonly creation: number,
  ) {}

  /** True when `other` is the same reference: the same node, words and creation (`=:=`). */
  equals(other: unknown): boolean {
    if (!(other instanceof Ref) || other.node !== this.node || other.creation !== this.creation || other.ids.length !== this.ids.length) return false;
    for (let i = 0; i < this.ids.length; i++) if (other.ids[i] !== this.ids[i]) return false;
    return true;
  }

  /**
   * `#Ref<fries@host.3.2.1>`: Erlang's form (words from the last), with the node's name for its
   * number, as {@link Pid.toString}; a ref made by a node in this JS process prints `#Ref<0.3.2.1>`.
   */
  toString(): string {
    return `#Ref<${this.node.name}.${[...this.ids].reverse().join('.')}>`;
  }
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
