// Erlang's operators (src/modules/operators.ts) against real erl: generated integers (small and
// big), floats and other terms, every binary and unary operator, one erl evaluation per batch;
// results and errors (reason and the {erlang, Op, Args} stack frame) must match byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { atom, float, ImproperList, tuple } from '../../dist/index.js';
import { binaryOp, unaryOp, operatorsModule } from '../../dist/modules/operators.js';
import { useErl } from '../support/erl.js';
import { assertSameOutcomes, erlApplyAll, jsOutcome } from '../support/bif-oracle.js';

const oracle = useErl();
const { skip } = oracle;

const ARITH = ['+', '-', '*', '/', 'div', 'rem', 'band', 'bor', 'bxor', '==', '/=', '=<', '<', '>=', '>', '=:=', '=/='];
const SHIFTS = ['bsl', 'bsr'];
const UNARY = ['-', '+', 'bnot'];

/** A bigint as the term mapping wants it: a number when safe. */
const canonical = (n) => (n >= -BigInt(Number.MAX_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);
const floatTerm = (x) => (Number.isInteger(x) ? float(x) : x);

const edgeInts = [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2n ** 53n, -(2n ** 53n), 2n ** 64n - 1n, -(2n ** 64n), 2n ** 1100n];
const integer = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }).map(canonical),
  fc.constantFrom(...edgeInts).map((n) => (typeof n === 'bigint' ? canonical(n) : n)),
);
const double = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(floatTerm),
  fc.constantFrom(0, -0, 0.5, 1, -1, 1e308, 2 ** 53, 1e-320).map(floatTerm),
);
const other = fc.constantFrom(atom('a'), true, [], [1], tuple(1), Buffer.from('x'));
const number = fc.oneof({ weight: 4, arbitrary: integer }, { weight: 3, arbitrary: double }, { weight: 1, arbitrary: other });

test('binary arithmetic, bit and comparison operators on generated numbers match erl', { skip }, async () => {
  // Shifts take small counts here (a count of 2^30 makes a 128 MiB bignum); huge ones are below.
  const cases = fc.sample(fc.tuple(fc.constantFrom(...ARITH), number, number), { numRuns: 3000, seed: 12 });
  const shifts = fc.sample(fc.tuple(fc.constantFrom(...SHIFTS), integer, fc.oneof(fc.integer({ min: -300, max: 300 }), fc.constantFrom(-(2 ** 40), -(2n ** 70n)))), { numRuns: 600, seed: 13 });
  const all = [...cases, ...shifts];
  const theirs = await erlApplyAll(oracle.erl, all.map(([op, a, b]) => ['erlang', op, [a, b]]));
  const mine = all.map(([op, a, b]) => jsOutcome(() => binaryOp(atom(op), a, b)));
  assertSameOutcomes(mine, theirs, (i) => `${all[i][1]} ${all[i][0]} ${all[i][2]}`);
});

test('unary operators and boolean operators match erl', { skip }, async () => {
  const unary = fc.sample(fc.tuple(fc.constantFrom(...UNARY), number), { numRuns: 600, seed: 14 });
  unary.push(['-', float(0)], ['-', float(-0)], ['-', 0], ['bnot', Number.MAX_SAFE_INTEGER], ['bnot', -(2 ** 53) + 1], ['not', true], ['not', false], ['not', atom('x')], ['not', 1]);
  const values = [true, false, atom('x'), 1];
  const bools = [];
  for (const op of ['and', 'or', 'xor']) for (const a of values) for (const b of values) bools.push([op, a, b]);
  const calls = [...unary.map(([op, a]) => ['erlang', op, [a]]), ...bools.map(([op, a, b]) => ['erlang', op, [a, b]])];
  const theirs = await erlApplyAll(oracle.erl, calls);
  const mine = [...unary.map(([op, a]) => jsOutcome(() => unaryOp(atom(op), a))), ...bools.map(([op, a, b]) => jsOutcome(() => binaryOp(atom(op), a, b)))];
  assertSameOutcomes(mine, theirs, (i) => JSON.stringify(calls[i], (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
});

test('++ and -- on generated lists and improper tails match erl', { skip }, async () => {
  const element = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(float(1), atom('a'), atom('b'), tuple(1), [1], 1.5, Buffer.from('x')));
  const list = fc.array(element, { maxLength: 8 });
  const anything = fc.oneof(list, element, fc.constantFrom(new ImproperList([1], 2), new ImproperList([1, 2], atom('t'))));
  const cases = [
    ...fc.sample(fc.tuple(fc.constantFrom('++', '--'), list, list), { numRuns: 400, seed: 15 }),
    ...fc.sample(fc.tuple(fc.constantFrom('++', '--'), anything, anything), { numRuns: 200, seed: 16 }),
  ];
  const theirs = await erlApplyAll(oracle.erl, cases.map(([op, a, b]) => ['erlang', op, [a, b]]));
  const mine = cases.map(([op, a, b]) => jsOutcome(() => binaryOp(atom(op), a, b)));
  assertSameOutcomes(mine, theirs, (i) => `case ${i} ${cases[i][0]}`);
});

test('huge shifts raise system_limit as on BEAM', { skip }, async () => {
  const cases = [[1, 2 ** 32], [1, 2n ** 80n], [0, 2n ** 80n], [5, -(2n ** 80n)], [-5, -(2n ** 80n)]];
  const theirs = await erlApplyAll(oracle.erl, cases.map((args) => ['erlang', 'bsl', args]));
  const mine = cases.map(([a, b]) => jsOutcome(() => binaryOp(atom('bsl'), a, b)));
  assertSameOutcomes(mine, theirs, (i) => `bsl case ${i}`);
});

test('operatorsModule serves erlang:Op/Arity', () => {
  assert.equal(operatorsModule['+'](null, 1, 2), 3);
  assert.equal(operatorsModule['-'](null, 5), -5);
  assert.equal(operatorsModule['=:='](null, 1, float(1)), false);
  assert.equal(operatorsModule.not(null, false), true);
});
