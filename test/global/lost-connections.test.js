// global's record of lost_connection reports (prevent_overlapping_partitions): a report is acted
// on once per reporter incarnation and OpId, and forgotten an hour after its last report, as
// OTP 25's global_lost_connections entries are (their cleanup timer; checked on erl 25.2.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atom } from '../../dist/term/types.js';
import { LostConnections, LOST_CONNECTION_TTL_MS } from '../../dist/global/partitions.js';

const report = (a, xcre, opId, b) => [atom('lost_connection'), atom(a), xcre, opId, atom(b)];

test('the cleanup time is OTP 25 global.erl lost_conn_info_cleanup_time, one hour', () => {
  assert.equal(LOST_CONNECTION_TTL_MS, 60 * 60 * 1000);
});

test('a report is new once; a repeat or an older OpId of the same incarnation is not, a newer one is', () => {
  const lc = new LostConnections({ now: () => 0 });
  const x = 2n ** 60n + 5n;
  assert.deepEqual(lc.firstSeen(report('a@h', x, -576460752303423486n, 'b@h')), { reporter: 'a@h', lost: 'b@h' });
  assert.equal(lc.firstSeen(report('a@h', x, -576460752303423486n, 'b@h')), undefined);
  assert.equal(lc.firstSeen(report('a@h', x, -576460752303423490n, 'b@h')), undefined);
  assert.ok(lc.firstSeen(report('a@h', x, -576460752303423480n, 'b@h')));
  // another incarnation of the reporter: new whatever its OpId
  assert.ok(lc.firstSeen(report('a@h', x + 1n, -576460752303423490n, 'b@h')));
  // the other direction is another pair
  assert.ok(lc.firstSeen(report('b@h', x, -576460752303423486n, 'a@h')));
  assert.equal(lc.size, 2);
});

test('an entry expires an hour after its last report: the same report is new again, and old pairs are dropped', () => {
  let now = 1_000;
  const lc = new LostConnections({ now: () => now });
  assert.ok(lc.firstSeen(report('a@h', 7, 1, 'b@h')));
  assert.ok(lc.firstSeen(report('c@h', 7, 1, 'd@h')));
  now += LOST_CONNECTION_TTL_MS - 1;
  assert.equal(lc.firstSeen(report('a@h', 7, 1, 'b@h')), undefined);
  assert.ok(lc.firstSeen(report('c@h', 7, 2, 'd@h'))); // a newer report restarts c-d's hour
  now += 1; // a-b's hour is over; c-d's is not
  assert.ok(lc.firstSeen(report('a@h', 7, 1, 'b@h')));
  assert.equal(lc.firstSeen(report('c@h', 7, 2, 'd@h')), undefined);
  now += LOST_CONNECTION_TTL_MS;
  assert.ok(lc.firstSeen(report('e@h', 7, 1, 'f@h')));
  assert.equal(lc.size, 1, 'expired pairs are not kept');
});

test('malformed reports are ignored', () => {
  const lc = new LostConnections();
  assert.equal(lc.firstSeen([atom('lost_connection'), 1, 2, 3, atom('b@h')]), undefined);
  assert.equal(lc.firstSeen([atom('lost_connection'), atom('a@h'), 2, 3, 'b']), undefined);
  assert.equal(lc.size, 0);
});

test("XCreation is OTP 25's creation_extension + creation + 2^59: a global restarted with the same creation is a new incarnation", () => {
  const creation = 1732500000;
  const first = new LostConnections().report('a@h', creation, 'b@h');
  const again = new LostConnections().report('a@h', creation, 'b@h');
  for (const [, , xcre] of [first, again]) {
    const ext = xcre - BigInt(creation) - 2n ** 59n;
    // global.erl init/1: (rand:uniform(2^60 - 1) - 1) band bnot (2^32 - 1)
    assert.ok(ext >= 0n && ext < 2n ** 60n - 1n, String(ext));
    assert.equal(ext & (2n ** 32n - 1n), 0n);
  }
  // 2^28 possible extensions: a collision here is a one in 268 million event
  assert.notEqual(first[2], again[2]);
  // OpIds come from one monotonic sequence, as erlang:unique_integer([monotonic]) does
  assert.ok(again[3] > first[3]);
  // A receiver that saw the first incarnation's report takes the restarted node's as new.
  const seen = new LostConnections({ now: () => 0 });
  assert.ok(seen.firstSeen(first));
  assert.ok(seen.firstSeen(again));
  // A fixed extension (tests) gives the formula exactly.
  const [, , x] = new LostConnections({ creationExtension: 3n << 32n }).report('a@h', 5, 'b@h');
  assert.equal(x, (3n << 32n) + 5n + 2n ** 59n);
});
