/**
 * `erlang:phash2/1,2` and `erlang:phash/2` as bif.c serves them: the portable term hashes of
 * term-hash2.ts (`make_hash2`) and term-hash.ts (`make_hash`), reduced to a range of 1..2^32
 * (2^32 meaning the whole 32-bit hash); any other range is badarg. Part of erlangTermBifs.
 */
import type { Term } from '../term/types.js';
import { bifTable } from './bif-table.js';
import type { BuiltinModule } from './registry.js';
import { makeHash } from './term-hash.js';
import { makeHash2 } from './term-hash2.js';

const TWO_POW_32 = 2 ** 32;

/** A range as bif.c takes it: an integer 1..2^32, or undefined. */
function range(r: Term): number | undefined {
  const n = typeof r === 'bigint' ? (r === 4294967296n ? TWO_POW_32 : -1) : r;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= TWO_POW_32 ? n : undefined;
}

/** `phash2(Term)`: the hash's low 27 bits; `phash2(Term, Range)`: `0..Range-1`. */
function phash2(t: Term, r?: Term): Term | undefined {
  if (r === undefined) return makeHash2(t) & 0x7ffffff;
  const n = range(r);
  return n === undefined ? undefined : makeHash2(t) % n;
}

/** `phash(Term, Range)`: `1..Range`. */
function phash(t: Term, r: Term): Term | undefined {
  const n = range(r);
  return n === undefined ? undefined : (makeHash(t) % n) + 1;
}

/** The hash BIFs, part of erlangTermBifs. */
export const hashBifs: BuiltinModule = bifTable({ phash2: [[1, 2], phash2], phash: [[2], phash] });
