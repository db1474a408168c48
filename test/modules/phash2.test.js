// erlang:phash2/1,2 and erlang:phash/2 (src/modules/term-hash2.ts, term-hash.ts, erlang-hash.ts)
// against OTP 25, differentially: every term is hashed by both at every range of RANGES, and bad
// ranges must fail alike (badarg with {erlang, F, Args} on top). The terms: a table of edge cases,
// closures and local pids/refs/ports made by erl, fast-check terms of every kind
// (test/support/term-arbitraries.js) and terms OTP generates (term_oracle:gen/2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BitBinary, ExportFun, ImproperList, Pid, Port, Ref, atom, decode, encode, float, tuple } from '../../dist/index.js';
import { erlangTermBifs } from '../../dist/modules/erlang-terms.js';
import { useErl } from '../support/erl.js';
import { assertSameOutcomes, erlApplyAll, jsOutcome } from '../support/bif-oracle.js';
import { termArb } from '../support/term-arbitraries.js';
import { format } from '../../dist/index.js';

const oracle = useErl();
const { skip } = oracle;
const SEED = process.env.FC_SEED === undefined ? Date.now() % 1e9 : Number(process.env.FC_SEED);

const RANGES = [1, 2, 3, 1000, 2 ** 27, 2 ** 31 + 11, 2 ** 32 - 1, 2 ** 32];
const BAD_RANGES = [0, -1, 2 ** 32 + 1, 2n ** 64n, float(1), 1.5, atom('a'), []];

/** Every hash of `t` noderl's BIFs give: phash2/1, then phash2/2 and phash/2 at each range. */
function localHashes(t) {
  const bif = (f, ...args) => erlangTermBifs[f](null, ...args);
  return [bif('phash2', t), ...RANGES.map((r) => bif('phash2', t, r)), ...RANGES.map((r) => bif('phash', t, r))];
}

/** Hashes each of `terms` on both sides (each term sent to erl once) and asserts they agree. */
async function compare(terms) {
  const data = encode(terms).toString('base64');
  const theirs = decode(await oracle.erl.evalTerm(`[[erlang:phash2(T) | [erlang:phash2(T, R) || R <- ${format(RANGES)}] ++ [erlang:phash(T, R) || R <- ${format(RANGES)}]]
    || T <- binary_to_term(base64:decode("${data}"))]`));
  const failures = [];
  decode(encode(terms)).forEach((t, i) => {
    const mine = localHashes(t);
    if (!encode(mine).equals(encode(theirs[i]))) failures.push(`${format(t).slice(0, 200)}: noderl ${format(mine)}, erl ${format(theirs[i])}`);
  });
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${terms.length} terms hash differently`);
}

/** Runs the BIF calls on noderl and erl; asserts the same outcomes (errors: class, reason, top frame). */
async function compareCalls(calls) {
  const mine = calls.map(([, f, args]) => jsOutcome(() => erlangTermBifs[f](null, ...args)));
  assertSameOutcomes(mine, await erlApplyAll(oracle.erl, calls), (i) => `${calls[i][1]}(${format(calls[i][2])})`);
}

const bytes = (n, seed = 7) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + seed) & 255));
const node = atom('other@host');

/** Terms where make_hash2/make_hash take a different path or a boundary. */
function edgeCases() {
  const ints = [0, 1, -1, 255, 256, 2 ** 27 - 1, 2 ** 27, -(2 ** 27), -(2 ** 27) - 1, 2 ** 31, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 2 ** 53 - 1, -(2 ** 53) + 1,
    2n ** 59n - 1n, 2n ** 59n, -(2n ** 59n), 2n ** 60n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 64n), 2n ** 96n + 5n, -(2n ** 127n), 2n ** 128n, 3n ** 200n, -(7n ** 300n)];
  const floats = [float(0), float(-0), float(1), float(-1), 0.1, -2.5, 5e-324, 1.7976931348623157e308, float(2 ** 60), -1e-300];
  const atoms = ['', 'a', 'ok', 'é', 'ÿ', 'Ā', 'aé', 'é\u0080', '日本語', 'x'.repeat(255), 'ß'.repeat(100), '\u00c2\u0080'].map(atom);
  const bins = Array.from({ length: 40 }, (_, n) => bytes(n));
  const bits = Array.from({ length: 7 }, (_, b) => [0, 1, 5, 11, 12, 13].map((n) => new BitBinary(Buffer.from([...bytes(n), 0xb7 & (0xff << (7 - b))]), b + 1))).flat();
  const lists = [
    [], [1], [1, 2], [1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4, 5], [...bytes(9)], [...bytes(1000)], [256], [1, 256, 2, 3, 4, 5, 6], [atom('a'), 1, 2], [1, 2, 3, atom('b')],
    [[], []], [[1, 2], [3]], [1, [2, [3, [4]]]], [-1, 0, 255, 256], [1.5, 2], new ImproperList([1, 2], 3), new ImproperList([1, 2, 3, 4], Buffer.from('x')),
    new ImproperList([atom('a')], atom('b')), new ImproperList([1], float(0)), [Buffer.alloc(0)], [tuple()], Array.from({ length: 5000 }, (_, i) => i % 300),
  ];
  const tuples = [tuple(), tuple([]), tuple(atom('a')), tuple(1, 2, 3), tuple(tuple(tuple())), tuple(...bytes(300))];
  const maps = [new Map(), new Map([[atom('a'), 1]]), new Map([[1, atom('a')]]), new Map([[atom('a'), 1], [atom('b'), 2]]),
    new Map(Array.from({ length: 33 }, (_, i) => [i, i * i])), new Map(Array.from({ length: 200 }, (_, i) => [tuple(i), [i]])),
    new Map([[new Map([[1, 2]]), new Map()]]), new Map([[[], []], [Buffer.alloc(0), tuple()]])];
  const ids = [
    new Pid(node, 0, 0, 0), new Pid(node, 1, 2, 3), new Pid(node, 32767, 8191, 1), new Pid(node, 32768, 0, 0), new Pid(node, 0xffffffff, 0xffffffff, 0xffffffff), new Pid(atom('x@y'), 1, 2, 3),
    new Ref(node, [1], 0), new Ref(node, [1, 2, 3], 7), new Ref(node, [0xffffffff, 2, 3, 4, 5], 1), new Ref(node, [123456, 1, 2], 0xffffffff),
    new Port(node, 0, 0), new Port(node, 12345, 4), new Port(node, 0xffffffff, 1), new Port(node, 2n ** 40n + 3n, 2),
    new ExportFun(atom('lists'), atom('map'), 2), new ExportFun(atom('é'), atom('日本'), 0), new ExportFun(atom('m'), atom('f'), 255),
  ];
  let deep = [];
  for (let i = 0; i < 3000; i++) deep = i % 2 ? [deep, 1] : tuple(deep, atom('x'));
  return [...ints, ...floats, ...atoms, ...bins, ...bits, ...lists, ...tuples, ...maps, ...ids, true, false, tuple(deep)];
}

test('phash2/phash: edge cases, and bad ranges fail as OTP 25', { skip }, async () => {
  const t = tuple(atom('a'), [1, 2]);
  await compare(edgeCases());
  await compareCalls(BAD_RANGES.flatMap((r) => [['erlang', 'phash2', [t, r]], ['erlang', 'phash', [t, r]]]));
});

test('phash2/phash: closures, and pids, refs and ports local to erl', { skip }, async () => {
  const made = decode(await oracle.erl.evalTerm(`begin Y = 5, Z = {a, <<"z">>}, [term_oracle:closure(X) || X <- [1, a, [1, 2], {}, <<"b">>, #{k => v}]] ++
    [fun lists:map/2, fun(A) -> A + Y end, fun() -> Z end, fun(A, B) -> {A, B, Y, Z} end, fun F(0) -> 0; F(N) -> F(N - 1) end,
     self(), make_ref(), hd(erlang:ports()), list_to_pid("<0.1.0>"), {self(), [make_ref()]}] end`));
  await compare(made);
});

test('phash2/phash: generated terms of every kind agree with OTP 25', { skip }, async () => {
  const terms = fc.sample(termArb, { numRuns: 250, seed: SEED });
  await compare(terms);
});

test('phash2/phash: terms OTP generates (term_oracle:gen) agree', { skip }, async () => {
  const terms = [];
  for (let i = 0; i < 60; i++) terms.push(decode((await oracle.erl.gen(SEED + i, 1 + (i % 30))).bytes));
  await compare(terms);
});
