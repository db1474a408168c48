// SmallMap (src/process/small-map.ts): the Map subset processes use for their monitors, links and
// pending spawns, kept in one array up to SMALL entries and in a Map past that. Checked against
// a real Map by random operations, across the switch both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SmallMap, SMALL } from '../../dist/process/small-map.js';

const keys = fc.constantFrom(...Array.from({ length: SMALL + 8 }, (_, i) => `k${i}`));
const op = fc.oneof(
  fc.record({ kind: fc.constant('set'), key: keys, value: fc.integer() }),
  fc.record({ kind: fc.constant('delete'), key: keys }),
  fc.record({ kind: fc.constant('clear') }, { requiredKeys: ['kind'] }),
);

test('SmallMap behaves as a Map: get, has, size, insertion order, set of an existing key keeps its place', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const small = new SmallMap();
      const model = new Map();
      for (const o of ops) {
        if (o.kind === 'set') {
          assert.equal(small.set(o.key, o.value), small);
          model.set(o.key, o.value);
        } else if (o.kind === 'delete') assert.equal(small.delete(o.key), model.delete(o.key));
        else if (o.kind === 'clear') (small.clear(), model.clear());
        assert.equal(small.size, model.size);
        assert.deepEqual([...small.entries()], [...model.entries()]);
        assert.deepEqual([...small], [...model]);
        assert.deepEqual([...small.values()], [...model.values()]);
        for (const k of ['k0', `k${SMALL}`, 'absent']) {
          assert.equal(small.get(k), model.get(k));
          assert.equal(small.has(k), model.has(k));
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('SmallMap: iterating gives a snapshot, so a loop may delete what it visits', () => {
  for (const n of [3, SMALL + 3]) {
    const m = new SmallMap();
    for (let i = 0; i < n; i++) m.set(`k${i}`, i);
    const seen = [];
    for (const [k, v] of m) {
      seen.push(v);
      m.delete(k);
    }
    assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i));
    assert.equal(m.size, 0);
    assert.deepEqual([...m.values()], []);
  }
});

test('SmallMap: an empty map iterates as empty, and values of undefined are kept', () => {
  const m = new SmallMap();
  assert.deepEqual([...m], []);
  m.set('a', undefined);
  assert.equal(m.has('a'), true);
  assert.equal(m.size, 1);
  assert.deepEqual([...m], [['a', undefined]]);
});
