// maps (src/modules/maps.ts) against OTP 25's maps, differentially: a table of edge cases
// (badmap, badkey, bad funs, iterators, 1 vs 1.0 keys) and generated maps of up to 32 keys (larger
// maps, hash tries on BEAM: stdlib-maps-large.test.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ImproperList, atom, float, tuple } from '../../dist/index.js';
import { efun, loadTestFuns, tfun, useStdlib } from './stdlib-harness.js';

const { skip, seed: SEED, diff, erl } = useStdlib();

const [a, b, x] = [atom('a'), atom('b'), atom('x')];
const M = (f, ...args) => ['maps', f, args];
const map = (...kvs) => new Map(kvs);
const max2 = efun('max', 2);
const isAtom = efun('is_atom', 1);
const abs = efun('abs', 1);
const [cons3, tag3, le, swap, keep] = [tfun('cons3', 3), tfun('tag3', 3), tfun('le', 2), tfun('swap', 2), tfun('keep', 2)];
const m1 = map([a, 1], [1, 2], [float(1), 3], [b, -4]);
const m2 = map([a, 9], [float(1), 8], [x, 7]);

test('maps: edge cases and errors as OTP 25 raises them', { skip }, async () => {
  await loadTestFuns(erl());
  const it = new ImproperList([0], m1);
  const table = [
    M('iterator', x), M('next', x), M('next', new ImproperList([0], x)), M('next', it), M('next', atom('none')), M('next', tuple(a, 1, atom('none'))),
    M('filter', max2, m1), M('filter', max2, x), M('filter', isAtom, map()), M('filter', le, it), M('filter', le, x), M('filter', isAtom, x),
    M('map', max2, x), M('map', isAtom, m1), M('map', swap, it), M('fold', isAtom, 0, map()), M('fold', max2, 0, x), M('fold', cons3, [], x), M('fold', cons3, [], it),
    M('foreach', max2, x), M('foreach', max2, m1), M('filtermap', max2, m1), M('filtermap', keep, m1), M('filtermap', keep, x),
    M('get', a, map()), M('get', a, x), M('get', a, x, 0), M('get', float(1), m1), M('get', 1, m1, 0), M('get', 2, m1, 0), M('find', a, x), M('find', 1, m2),
    M('from_list', [a]), M('from_list', x), M('from_list', new ImproperList([tuple(a, 1)], x)), M('from_list', [tuple(a, 1), tuple(a, 2), tuple(1, 1), tuple(float(1), 2)]),
    M('from_keys', new ImproperList([a], x), 1), M('from_keys', x, 1), M('from_keys', [a, b, a, 1, float(1)], 0),
    M('is_key', a, x), M('is_key', 1, m2), M('keys', x), M('values', x), M('merge', x, map()), M('merge', map(), x), M('merge', m1, m2),
    M('put', a, 1, x), M('put', float(1), 0, m1), M('remove', a, x), M('remove', 1, m2), M('take', a, x), M('take', a, map()), M('take', float(1), m1),
    M('to_list', x), M('update', a, 1, map()), M('update', a, 1, x), M('update', 1, 0, m1),
    M('update_with', a, isAtom, map()), M('update_with', a, isAtom, x), M('update_with', a, x, m1), M('update_with', a, isAtom, 1, x), M('update_with', b, abs, m1),
    M('update_with', x, abs, 5, m1), M('update_with', a, abs, 5, m1), M('size', x), M('size', m1),
    M('with', x, map()), M('with', [a], x), M('with', new ImproperList([a], x), m1), M('with', [1, x, b, b], m1),
    M('without', new ImproperList([a], x), m1), M('without', x, map()), M('without', [a], x), M('without', [float(1), x], m1),
    M('intersect', x, map()), M('intersect', map(), x), M('intersect', m1, m2), M('intersect_with', max2, map(), x), M('intersect_with', tag3, map(), x),
    M('intersect_with', x, map(), map()), M('intersect_with', tag3, m1, m2), M('merge_with', x, map(), map()), M('merge_with', max2, x, map()),
    M('merge_with', tag3, x, map()), M('merge_with', tag3, m1, m2), M('new'),
    M('groups_from_list', isAtom, x), M('groups_from_list', x, []), M('groups_from_list', isAtom, [a, 1, b]), M('groups_from_list', isAtom, efun('is_integer', 1), [a, 1, b]),
    M('groups_from_list', isAtom, new ImproperList([a], x)), M('groups_from_list', isAtom, abs, [a]), M('groups_from_list', abs, [1, -1, 2, float(1), -2.5]),
    M('to_list', map([float(1), a], [1, b], [b, atom('c')], [a, atom('d')], [tuple(), 1], [[], 2], [Buffer.alloc(0), 3], [2, 4])),
  ];
  assert.deepEqual(await diff(table), []);
});

const key = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constantFrom(a, b, x, float(1), float(2), 2.5, tuple(1), [], [1], Buffer.from('k')));
const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(a, b, [], float(3)));
const termMap = fc.array(fc.tuple(key, value), { maxLength: 32 }).map((kvs) => {
  const m = new Map();
  for (const [k, v] of kvs) if (![...m.keys()].some((o) => sameKey(o, k))) m.set(k, v);
  return m;
});
import { equals } from '../../dist/index.js';
const sameKey = (p, q) => equals(p, q);
const keys = fc.array(key, { maxLength: 8 });

const shapes = {
  keys: fc.tuple(termMap), values: fc.tuple(termMap), to_list: fc.tuple(termMap), size: fc.tuple(termMap),
  get: fc.tuple(key, termMap, value), find: fc.tuple(key, termMap), is_key: fc.tuple(key, termMap), put: fc.tuple(key, value, termMap),
  remove: fc.tuple(key, termMap), take: fc.tuple(key, termMap), update: fc.tuple(key, value, termMap), merge: fc.tuple(termMap, termMap),
  intersect: fc.tuple(termMap, termMap), with: fc.tuple(keys, termMap), without: fc.tuple(keys, termMap), from_keys: fc.tuple(keys, value),
  from_list: fc.tuple(fc.array(fc.tuple(key, value).map((t) => tuple(...t)), { maxLength: 12 })),
  filter: fc.tuple(fc.constant(le), termMap), map: fc.tuple(fc.constant(swap), termMap), fold: fc.tuple(fc.constant(cons3), fc.constant([]), termMap),
  filtermap: fc.tuple(fc.constant(keep), termMap), merge_with: fc.tuple(fc.constant(tag3), termMap, termMap), intersect_with: fc.tuple(fc.constant(tag3), termMap, termMap),
  update_with: fc.tuple(key, fc.constant(abs), value, termMap),
  groups_from_list: fc.tuple(fc.constant(abs), fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 10 })),
  next: fc.tuple(termMap.map((m) => new ImproperList([0], m))),
};

test('maps: generated maps agree with OTP 25', { skip }, async () => {
  await loadTestFuns(erl());
  const calls = [];
  for (const [f, arb] of Object.entries(shapes)) for (const args of fc.sample(arb, { numRuns: 60, seed: SEED })) calls.push(M(f, ...args));
  const diffs = await diff(calls);
  assert.deepEqual(diffs.slice(0, 10), [], `seed ${SEED}: ${diffs.length} of ${calls.length} calls differ`);
});
