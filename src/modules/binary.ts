/**
 * The `binary` module a noderl node serves (OTP 25 lib/stdlib/src/binary.erl and the BIFs of
 * erts/emulator/beam/erl_bif_binary.c): bytes, parts, copies, unsigned integers, hex, common
 * prefixes and suffixes here; the pattern functions in binary-search.ts. Every wrong argument is
 * `badarg` with `{binary, F, Args}` on top of the stack, as OTP 25 raises it.
 *
 * noderl's binaries never share storage with the binary they came from (a part is a copy), so
 * `referenced_byte_size/1` is the binary's own size.
 */
import { atom, ImproperList, isList, isTuple, type Term } from '../term/types.js';
import type { Process } from '../process/process.js';
import { canonicalInt } from './numbers.js';
import { arities, type BuiltinModule } from './registry.js';
import { bad as fail, compilePattern, match, matches, orBadarg, replace, split } from './binary-search.js';

const [BIG, LITTLE] = ['big', 'little'].map(atom);


const bin = (t: Term): Buffer => (Buffer.isBuffer(t) ? t : fail());
const int = (t: Term): number => (typeof t === 'number' && Number.isInteger(t) ? t : fail());

/** `{Pos, Len}` of `b` (a negative length reaching back), as [from, to), as `binary_part` checks it. */
function range(b: Buffer, pos: Term, len: Term): [number, number] {
  const [p, l] = [int(pos), int(len)];
  const [from, to] = l >= 0 ? [p, p + l] : [p + l, p];
  return from < 0 || to > b.length ? fail() : [from, to];
}

function posLen(t: Term): [Term, Term] {
  return isTuple(t) && t.length === 2 ? [t[0]!, t[1]!] : fail();
}

function part(b: Term, pos: Term, len?: Term): Buffer {
  const s = bin(b);
  const [from, to] = len === undefined ? range(s, ...posLen(pos)) : range(s, pos, len);
  return Buffer.from(s.subarray(from, to));
}

function endian(t: Term): boolean {
  return t === BIG ? false : t === LITTLE ? true : fail();
}

function decodeUnsigned(b: Term, e: Term = BIG): Term {
  const bytes = bin(b);
  const ordered = endian(e) ? Buffer.from(bytes).reverse() : bytes;
  return ordered.length === 0 ? 0 : canonicalInt(BigInt(`0x${ordered.toString('hex')}`));
}

function encodeUnsigned(n: Term, e: Term = BIG): Buffer {
  if ((typeof n !== 'number' || !Number.isInteger(n)) && typeof n !== 'bigint') return fail();
  if (n < 0) return fail();
  const little = endian(e);
  const hex = n.toString(16);
  const out = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  return little ? out.reverse() : out;
}

/** A proper list of binaries, at least one (longest_common_prefix/suffix). */
function binaries(l: Term): Buffer[] {
  return isList(l) && l.length > 0 && l.every((b) => Buffer.isBuffer(b)) ? (l as Buffer[]) : fail();
}

function commonPrefix(l: Term): number {
  const bs = binaries(l);
  let n = Math.min(...bs.map((b) => b.length));
  for (const b of bs) for (let i = 0; i < n; i++) if (b[i] !== bs[0]![i]) n = i;
  return n;
}

function commonSuffix(l: Term): number {
  const bs = binaries(l);
  let n = Math.min(...bs.map((b) => b.length));
  const first = bs[0]!;
  for (const b of bs) for (let i = 1; i <= n; i++) if (b[b.length - i] !== first[first.length - i]) n = i - 1;
  return n;
}

function decodeHex(b: Term): Buffer {
  const text = bin(b).toString('latin1');
  return text.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(text) ? Buffer.from(text, 'hex') : fail();
}

/** An iolist's bytes (`list_to_bin/1`, as erlang:list_to_binary/1: a binary itself is not one). */
function iolistBytes(t: Term): Buffer {
  const parts: Buffer[] = [];
  const stack: Term[] = [t];
  if (!isList(t) && !(t instanceof ImproperList)) fail();
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255) parts.push(Buffer.from([x]));
    else if (Buffer.isBuffer(x)) parts.push(x);
    else if (isList(x)) for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]!);
    else if (x instanceof ImproperList && (Buffer.isBuffer(x.tail) || isList(x.tail) || x.tail instanceof ImproperList)) stack.push(x.tail, ...[...x.elements].reverse());
    else fail();
  }
  return Buffer.concat(parts);
}

/** `binary:F/A` for each arity of `list`: `impl(...args)`, its wrong arguments badarg. */
function fn(name: string, list: number[], impl: (...args: Term[]) => Term): BuiltinModule[string] {
  return arities(list, (_self: Process, ...args: Term[]) => orBadarg(name, args, () => impl(...args)));
}

/** The `binary` module. */
export const binaryModule: BuiltinModule = {
  at: fn('at', [2], (b, p) => {
    const s = bin(b);
    const i = int(p);
    return i >= 0 && i < s.length ? s[i]! : fail();
  }),
  first: fn('first', [1], (b) => (bin(b).length > 0 ? bin(b)[0]! : fail())),
  last: fn('last', [1], (b) => (bin(b).length > 0 ? bin(b)[bin(b).length - 1]! : fail())),
  part: fn('part', [2, 3], part),
  bin_to_list: fn('bin_to_list', [1, 2, 3], (b, p, l) => [...(p === undefined ? bin(b) : part(b, p, l))]),
  copy: fn('copy', [1, 2], (b, n) => {
    const times = n === undefined ? 1 : int(n);
    return times >= 0 ? Buffer.concat(new Array<Buffer>(times).fill(bin(b))) : fail();
  }),
  referenced_byte_size: fn('referenced_byte_size', [1], (b) => bin(b).length),
  decode_unsigned: fn('decode_unsigned', [1, 2], decodeUnsigned),
  encode_unsigned: fn('encode_unsigned', [1, 2], encodeUnsigned),
  list_to_bin: fn('list_to_bin', [1], iolistBytes),
  longest_common_prefix: fn('longest_common_prefix', [1], commonPrefix),
  longest_common_suffix: fn('longest_common_suffix', [1], commonSuffix),
  encode_hex: fn('encode_hex', [1], (b) => Buffer.from(bin(b).toString('hex').toUpperCase(), 'latin1')),
  decode_hex: fn('decode_hex', [1], decodeHex),
  compile_pattern: (self, p) => compilePattern(self, p!),
  match: fn('match', [2, 3], match),
  matches: fn('matches', [2, 3], matches),
  split: fn('split', [2, 3], split),
  replace: fn('replace', [3, 4], replace),
};
