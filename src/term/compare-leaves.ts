/**
 * The leaves of the standard term order (see compare.ts): numbers, atoms, node-bound identifiers
 * and bitstrings, none of which contain other terms. Mirrors the matching cases of
 * `erts_cmp_compound` (erts/emulator/beam/utils.c) as OTP 25 behaves.
 */
import { Atom, BitBinary, ErlFloat, Pid, Port, Ref, type TermInput } from './types.js';

/** A comparison result. */
export type Order = -1 | 0 | 1;

/** The sign of a difference, as an Order. */
export function sign(n: number): Order {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** A JS number that is not an integer, or an ErlFloat, is an Erlang float. */
export function isFloat(t: TermInput): boolean {
  return t instanceof ErlFloat || (typeof t === 'number' && !Number.isInteger(t));
}

/** Exact comparison across integers (number, bigint) and floats, as `erts_cmp` does since OTP 21. */
export function cmpNumbers(a: TermInput, b: TermInput, exact: boolean): Order {
  if (exact) {
    const fa = isFloat(a);
    if (fa !== isFloat(b)) return fa ? 1 : -1;
  }
  const x = a instanceof ErlFloat ? a.value : (a as number | bigint);
  const y = b instanceof ErlFloat ? b.value : (b as number | bigint);
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  return typeof x === 'bigint' ? cmpBigNumber(x, y as number) : ((0 - cmpBigNumber(y as bigint, x)) as Order);
}

/** A bigint against a number without rounding the bigint to a double. */
function cmpBigNumber(big: bigint, n: number): Order {
  if (Number.isNaN(n)) return 0;
  if (!Number.isFinite(n)) return n > 0 ? -1 : 1;
  const floor = Math.floor(n);
  const f = BigInt(floor);
  if (big < f) return -1;
  if (big > f) return 1;
  return floor === n ? 0 : -1;
}

/** The text of an atom, including the atoms JS writes as `true`, `false`, `null` and `undefined`. */
export function atomName(t: TermInput): string {
  if (t instanceof Atom) return t.name;
  if (typeof t === 'boolean') return t ? 'true' : 'false';
  return 'undefined'; // null, undefined
}

/** JS `<` orders strings by UTF-16 unit; Erlang orders atoms by code point (UTF-8 bytes). */
export function cmpCodePoints(a: string, b: string): Order {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort above U+E000..U+FFFF: shift them past it.
    if (x >= 0xd800) x = x < 0xe000 ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    return x < y ? -1 : 1;
  }
  return sign(a.length - b.length);
}

/** A node is its name, then its creation. */
function cmpNodes(a: Atom, aCreation: number, b: Atom, bCreation: number): Order {
  if (a !== b) return cmpCodePoints(a.name, b.name);
  return sign(aCreation - bCreation);
}

/** References: node, then the id words as one number. */
export function cmpRefs(a: Ref, b: Ref): Order {
  const byNode = cmpNodes(a.node, a.creation, b.node, b.creation);
  if (byNode !== 0) return byNode;
  // As utils.c's ref_common: the words are one little-endian number; extra high words must be 0.
  for (let i = Math.max(a.ids.length, b.ids.length) - 1; i >= 0; i--) {
    const x = a.ids[i] ?? 0;
    const y = b.ids[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Ports: node name, creation, then id. */
export function cmpPorts(a: Port, b: Port): Order {
  const byNode = cmpNodes(a.node, a.creation, b.node, b.creation);
  if (byNode !== 0) return byNode;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Pids: serial, then id, then the node (name, creation), as OTP 25 orders them. */
export function cmpPids(a: Pid, b: Pid): Order {
  return sign(a.serial - b.serial) || sign(a.id - b.id) || cmpNodes(a.node, a.creation, b.node, b.creation);
}

function bitsOf(t: TermInput): [Uint8Array, number] {
  if (typeof t === 'string') {
    const b = Buffer.from(t, 'utf8');
    return [b, b.length * 8];
  }
  if (t instanceof BitBinary) return [t.bytes, t.bitLength];
  const b = t as Uint8Array;
  return [b, b.length * 8];
}

/** Bit by bit over the common length, then the shorter first (utils.c's binary case). */
export function cmpBits(a: TermInput, b: TermInput): Order {
  if (typeof a === 'string' && typeof b === 'string') return cmpCodePoints(a, b);
  const [x, xl] = bitsOf(a);
  const [y, yl] = bitsOf(b);
  const common = Math.min(xl, yl);
  const whole = common >> 3;
  const c = Buffer.compare(x.subarray(0, whole), y.subarray(0, whole));
  if (c !== 0) return c as Order;
  const rest = common & 7;
  if (rest !== 0) {
    const mask = (0xff << (8 - rest)) & 0xff;
    const p = x[whole] & mask;
    const q = y[whole] & mask;
    if (p !== q) return p < q ? -1 : 1;
  }
  return sign(xl - yl);
}
