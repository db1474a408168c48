// Maps of more than 32 keys list in BEAM's order (term/map-order.ts: the HAMT of
// make_internal_hash), differentially against OTP 25: maps:keys/values/to_list/fold/iterator, ~p
// and ~w, and term_to_binary's bytes, over generated maps of 33..5000 keys of every kind whose
// hash does not depend on the VM (small and big integers, floats, binaries, bitstrings, tuples,
// lists, maps). Atoms and pids place by this VM's atom table and process table on BEAM, so with
// them in a map only the other keys' order is compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BitBinary, atom, decode, encode, float, tuple } from '../../dist/index.js';
import { ioFormat } from '../../dist/term/io-format.js';
import { erlangTermBifs } from '../../dist/modules/erlang-terms.js';
import { mapListOrder, mapOrder } from '../../dist/term/map-order.js';
import { loadTestFuns, tfun, useStdlib } from './stdlib-harness.js';
import { binaryLiteral } from '../support/bif-oracle.js';

const { skip, seed: SEED, diff, erl } = useStdlib();
const M = (f, ...args) => ['maps', f, args];

const leaf = fc.oneof(
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }).filter((n) => n < -(2n ** 53n) || n > 2n ** 53n),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)).map(float),
  fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 7 })).map(([b, bits]) => new BitBinary(Buffer.from(b), bits)),
);
const key = fc.oneof(
  { weight: 6, arbitrary: leaf },
  fc.array(leaf, { maxLength: 3 }).map((es) => tuple(...es)),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), leaf), { maxLength: 6 }),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), leaf), { maxLength: 3 }).map((kvs) => new Map(kvs)),
);
/** `n` keys distinct under `=:=` (ETF bytes tell them apart once -0.0 is left out). */
const keysArb = (min, max) => fc.uniqueArray(key, { minLength: min, maxLength: max, selector: (k) => encode(k).toString('hex') });
const mapOf = (keys) => new Map(keys.map((k, i) => [k, i]));
const lit = (t) => `binary_to_term(${binaryLiteral(encode(t))})`;
/** term_to_binary/1's bytes, maps inside in BEAM's order, as hex. */
const t2b = (t) => erlangTermBifs.term_to_binary(null, t).toString('hex');

test('maps of 33..5000 keys: keys, values, to_list, fold list in OTP 25\'s order', { skip }, async () => {
  await loadTestFuns(erl());
  const maps = fc.sample(keysArb(33, 300), { numRuns: 12, seed: SEED }).map(mapOf);
  maps.push(...fc.sample(keysArb(1000, 1000), { numRuns: 1, seed: SEED }).map(mapOf));
  maps.push(mapOf(Array.from({ length: 5000 }, (_, i) => (i % 2 ? i * 7919 : float(i / 7)))));
  maps.push(mapOf(Array.from({ length: 33 }, (_, i) => i)), mapOf(Array.from({ length: 32 }, (_, i) => i * 1000)));
  const calls = maps.flatMap((m) => [M('keys', m), M('values', m), M('to_list', m), M('fold', tfun('cons3', 3), [], m)]);
  const diffs = await diff(calls);
  assert.deepEqual(diffs.slice(0, 3), [], `seed ${SEED}: ${diffs.length} of ${calls.length} calls differ`);
});

test('maps of over 32 keys: iterators, ~p, ~w and term_to_binary as OTP 25', { skip }, async () => {
  const maps = fc.sample(keysArb(33, 200), { numRuns: 10, seed: SEED + 1 }).map(mapOf);
  const src = `[begin
      It = fun Walk(I) -> case maps:next(I) of none -> []; {K, V, Next} -> [{K, V} | Walk(Next)] end end,
      {It(maps:iterator(M)), lists:flatten(io_lib:format("~p", [M])), lists:flatten(io_lib:format("~w", [M])), term_to_binary(M)}
    end || M <- ${lit(maps)}]`;
  const theirs = decode(await erl().evalTerm(src));
  maps.forEach((m, i) => {
    const [iterated, p, w, bytes] = theirs[i];
    assert.deepEqual(mapOrder([...m]).map(([k, v]) => t2b(tuple(k, v))), iterated.map(t2b), `iterator, map ${i}`);
    assert.equal(ioFormat('~p', [m]), String.fromCodePoint(...p), `~p, map ${i}`);
    assert.equal(ioFormat('~w', [m]), String.fromCodePoint(...w), `~w, map ${i}`);
    assert.ok(erlangTermBifs.term_to_binary(null, m).equals(bytes), `term_to_binary, map ${i}`);
  });
});

test('atoms and pids in a large map: the other keys keep OTP 25\'s order among them', { skip }, async () => {
  const others = fc.sample(keysArb(40, 120), { numRuns: 4, seed: SEED + 2 });
  const pids = decode(await erl().evalTerm('[list_to_pid("<0." ++ integer_to_list(N) ++ ".0>") || N <- lists:seq(1, 30)]'));
  for (const ks of others) {
    const m = mapOf([...ks, ...Array.from({ length: 30 }, (_, i) => atom(`k${i}`)), ...pids, true, atom('ok')]);
    const theirs = decode(await erl().evalTerm(`maps:keys(${lit(m)})`));
    const mine = mapListOrder([...m]).map(([k]) => k);
    const vmFree = (k) => !(typeof k === 'boolean' || k?.constructor?.name === 'Atom' || k?.constructor?.name === 'Pid');
    const hex = (l) => l.filter(vmFree).map(t2b);
    assert.deepEqual(hex(mine), hex(theirs));
    assert.equal(mine.length, theirs.length);
  }
});
