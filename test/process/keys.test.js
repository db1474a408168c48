// pidKey/refKey/sameRef (src/process/local-identity.ts): the keys every table of pids and refs
// uses. A local pid or ref and its copy decoded from the wire share a key; keys of different
// pids or refs differ; sameRef agrees with comparing keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LocalIdentity, localPid, localRef, pidKey, refKey, sameRef } from '../../dist/process/local-identity.js';
import { atom, Pid, Ref } from '../../dist/term/types.js';
import { decode } from '../../dist/term/decode.js';
import { encode } from '../../dist/term/encode.js';

const word = fc.integer({ min: 0, max: 0xffffffff });
const home = new LocalIdentity();
home.become(atom(`keys_${process.pid}@127.0.0.1`), 0x12345678);
const other = new LocalIdentity();
other.become(atom(`keys_other_${process.pid}@127.0.0.1`), 7);

test('a local pid and ref key as their decoded copies do, and keep their keys across a rename', () => {
  fc.assert(
    fc.property(word, word, word, word, word, (id, serial, a, b, c) => {
      const pid = localPid(home, id, serial);
      const ref = localRef(home, [a, b, c]);
      const pidCopy = decode(encode(pid));
      const refCopy = decode(encode(ref));
      assert.notEqual(pidCopy, pid);
      assert.notEqual(refCopy, ref);
      assert.equal(pidKey(pidCopy), pidKey(pid));
      assert.equal(refKey(refCopy), refKey(ref));
      assert.ok(sameRef(refCopy, ref) && sameRef(ref, refCopy));
    }),
    { numRuns: 200 },
  );
  const pid = localPid(other, 42, 0);
  const before = pidKey(pid);
  other.become(atom(`keys_renamed_${process.pid}@127.0.0.1`), 8);
  assert.equal(pidKey(pid), before);
  assert.equal(pidKey(decode(encode(pid))), before);
});

test('keys of different pids and refs differ; sameRef agrees with refKey', () => {
  const node = atom('remote@host');
  const refs = fc.oneof(
    fc.tuple(word, word, word).map((ids) => localRef(home, ids)),
    fc.tuple(word, word, word, fc.constantFrom(1, 2)).map(([a, b, c, cr]) => new Ref(node, [a, b, c], cr)),
    fc.array(word, { minLength: 1, maxLength: 5 }).map((ids) => new Ref(atom('other@host'), ids, 3)),
  );
  fc.assert(
    fc.property(refs, refs, (x, y) => {
      assert.equal(refKey(x) === refKey(y), x.equals(y));
      assert.equal(sameRef(x, y), refKey(x) === refKey(y));
    }),
    { numRuns: 500 },
  );
  const pids = fc.oneof(
    fc.tuple(word, word).map(([i, s]) => localPid(home, i, s)),
    fc.tuple(word, word, fc.constantFrom(1, 2)).map(([i, s, c]) => new Pid(node, i, s, c)),
  );
  fc.assert(fc.property(pids, pids, (x, y) => assert.equal(pidKey(x) === pidKey(y), x.equals(y))), { numRuns: 500 });
  // Close calls: the same words on another node, or in another order.
  assert.notEqual(refKey(new Ref(node, [1, 2, 3], 1)), refKey(new Ref(node, [1, 2, 3], 2)));
  assert.notEqual(refKey(new Ref(node, [1, 2, 3], 1)), refKey(new Ref(atom('remote@hos'), [1, 2, 3], 1)));
  assert.notEqual(refKey(localRef(home, [1, 2, 3])), refKey(localRef(other, [1, 2, 3])));
  assert.notEqual(pidKey(new Pid(node, 1, 2, 3)), pidKey(new Pid(node, 2, 1, 3)));
});
