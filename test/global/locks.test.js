// global locks between noderl and real erl nodes: set_lock/del_lock/trans contend on the same
// resource, and a lock held by a process that dies (or whose node goes) is released.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erlPairWithNoderl, eventually, setup } from './support.js';

let c;
let a;
let b;
let n;
let atom;

const { skip } = setup(async (cl) => {
  c = cl;
  ({ atom } = await import('../../dist/term/types.js'));
  ({ a, b, n } = await erlPairWithNoderl(c));
});

/** Runs `fn(self)` in a noderl process that stays alive until `release()`. */
function holder(fn) {
  let release;
  const done = new Promise((r) => (release = r));
  let result;
  const ready = new Promise((resolve, reject) => {
    n.spawn(async (self) => {
      try {
        result = await fn(self);
        resolve(result);
      } catch (err) {
        reject(err);
      }
      await done;
    });
  });
  return { ready, release: () => release() };
}

test('a lock set by BEAM blocks noderl until BEAM deletes it, and the other way round', { skip }, async () => {
  assert.equal(await a.eval("global:set_lock({res1, beam})"), 'true');
  const first = holder((self) => n.global.setLock(self, [atom('res1'), atom('js')], undefined, 0));
  assert.equal(await first.ready, false);
  first.release();
  assert.equal(await a.eval("global:del_lock({res1, beam})"), 'true');
  const second = holder((self) => n.global.setLock(self, [atom('res1'), atom('js')], undefined, 0));
  assert.equal(await second.ready, true);
  assert.equal(await b.eval("global:set_lock({res1, beam}, [node() | nodes()], 0)"), 'false');
  second.release(); // the holder ends: every node drops its lock
  await eventually('lock free after the holder died', async () => (await b.eval("global:set_lock({res1, beam}, [node() | nodes()], 0)")) === 'true');
  assert.equal(await b.eval("global:del_lock({res1, beam})"), 'true');
});

test('trans runs the function under the lock and frees it after', { skip }, async () => {
  let seen;
  const t = holder((self) =>
    n.global.trans(self, [atom('res2'), atom('js')], async () => {
      seen = await a.eval("global:set_lock({res2, beam}, [node() | nodes()], 0)");
      return atom('done');
    }),
  );
  assert.equal(await t.ready, atom('done'));
  t.release();
  assert.equal(seen, 'false');
  assert.equal(await a.eval("global:trans({res2, beam}, fun() -> inside end, [node() | nodes()], 0)"), 'inside');
});

test('a lock held by a BEAM node that dies is released everywhere', { skip }, async () => {
  assert.equal(await b.eval("global:set_lock({res3, beam_b})"), 'true');
  const blocked = holder((self) => n.global.setLock(self, [atom('res3'), atom('js')], undefined, 0));
  assert.equal(await blocked.ready, false);
  blocked.release();
  await b.stop();
  await eventually('b gone', () => !n.nodes().includes(b.node));
  // erl a's global frees b's lock on its own nodedown, which may come a moment after noderl's.
  let free;
  await eventually('res3 free on every node', async () => {
    free = holder((self) => n.global.setLock(self, [atom('res3'), atom('js')], undefined, 0));
    if (await free.ready) return true;
    free.release();
    return false;
  });
  assert.equal(await free.ready, true);
  assert.equal(await a.eval("global:set_lock({res3, beam_a}, [node() | nodes()], 0)"), 'false');
  free.release();
  await eventually('released', async () => (await a.eval("global:set_lock({res3, beam_a}, [node() | nodes()], 0)")) === 'true');
});
