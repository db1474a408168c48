// Self-test of the real-erl helper (test/support/erl.js). Does not use noderl's codec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErlError, ErlRejected, erlOrSkip, startErl, useErl } from './erl.js';

const oracle = useErl();

const b = (...bytes) => Buffer.from(bytes);

test('ping and evalTerm give the exact term_to_binary bytes', async (t) => {
  if (erlOrSkip(t)) return;
  assert.equal(await oracle.erl.ping(), 'pong');
  assert.deepEqual(await oracle.erl.evalTerm('{ok, 1}'), b(131, 104, 2, 100, 0, 2, 111, 107, 97, 1));
  assert.deepEqual(
    await oracle.erl.evalTermWith('{ok, 1}', '[{minor_version,2}]'),
    b(131, 104, 2, 119, 2, 111, 107, 97, 1),
  );
  assert.deepEqual(
    await oracle.erl.evalTermWith('ok', { minorVersion: 2 }),
    b(131, 119, 2, 111, 107),
  );
  // multi-expression sources, with bindings
  assert.deepEqual(await oracle.erl.evalTerm('X = 2, X * 3'), b(131, 97, 6));
  // unicode source text
  assert.deepEqual(
    await oracle.erl.evalTermWith("'é'", '[{minor_version,2}]'),
    b(131, 119, 2, 0xc3, 0xa9),
  );
});

test('compressed option is passed through', async (t) => {
  if (erlOrSkip(t)) return;
  const c = await oracle.erl.evalTermWith('lists:seq(1, 1000)', { compressed: true });
  assert.equal(c[1], 80);
  assert.ok(await oracle.erl.equal(c, await oracle.erl.evalTerm('lists:seq(1, 1000)')));
});

test('roundTrip re-encodes, or marks bytes OTP refuses', async (t) => {
  if (erlOrSkip(t)) return;
  assert.deepEqual(await oracle.erl.roundTrip(b(131, 98, 0, 0, 0, 5)), b(131, 97, 5));
  assert.deepEqual(
    await oracle.erl.roundTrip(b(131, 100, 0, 2, 111, 107), '[{minor_version,2}]'),
    b(131, 119, 2, 111, 107),
  );
  const bad = await oracle.erl.roundTrip(b(131, 108, 255, 255, 255, 255, 106));
  assert.ok(bad instanceof ErlRejected, String(bad));
  assert.match(bad.reason, /badarg/);
  assert.equal(await oracle.erl.accepts(b(131, 106)), true);
  assert.equal(await oracle.erl.accepts(b(131)), false);
});

test('equal and compare', async (t) => {
  if (erlOrSkip(t)) return;
  assert.equal(await oracle.erl.equal(b(131, 97, 1), b(131, 98, 0, 0, 0, 1)), true);
  assert.equal(await oracle.erl.equal(b(131, 97, 1), b(131, 97, 2)), false);
  // 1 and 1.0 are not =:=
  assert.equal(await oracle.erl.equal(b(131, 97, 1), await oracle.erl.evalTerm('1.0')), false);
  await assert.rejects(oracle.erl.equal(b(131, 97, 1), b(131, 200)), ErlError);
  assert.equal(await oracle.erl.compare(b(131, 97, 1), b(131, 97, 2)), -1);
  assert.equal(await oracle.erl.compare(await oracle.erl.evalTerm('a'), b(131, 97, 2)), 1);
  assert.equal(await oracle.erl.compare(b(131, 97, 1), b(131, 97, 1)), 0);
  assert.equal(await oracle.erl.format(await oracle.erl.evalTerm('{a, "b", <<"c">>}')), '{a,[98],<<99>>}');
  assert.equal(await oracle.erl.format(await oracle.erl.evalTerm('"b"'), '~p'), '"b"');
});

test('bad expressions are errors, and the oracle keeps serving', async (t) => {
  if (erlOrSkip(t)) return;
  await assert.rejects(oracle.erl.evalTerm('1 +'), ErlError);
  await assert.rejects(oracle.erl.evalTerm('erlang:error(boom)'), /boom/);
  assert.deepEqual(await oracle.erl.evalTerm('[]'), b(131, 106));
});

test('many concurrent requests get their own replies', async (t) => {
  if (erlOrSkip(t)) return;
  const replies = await Promise.all(
    Array.from({ length: 200 }, (_, i) => oracle.erl.evalTerm(`${i} * 1000`)),
  );
  for (let i = 0; i < 200; i++) {
    assert.ok(await oracle.erl.equal(replies[i], await oracle.erl.evalTerm(String(i * 1000))));
  }
});

test('gen is deterministic per seed and makes decodable terms', async (t) => {
  if (erlOrSkip(t)) return;
  const a = await oracle.erl.gen(42, 20);
  const again = await oracle.erl.gen(42, 20);
  assert.deepEqual(a, again);
  const seen = new Set();
  for (let seed = 0; seed < 50; seed++) {
    const { bytes, options } = await oracle.erl.gen(seed, 20);
    seen.add(options);
    assert.ok(await oracle.erl.accepts(bytes), `seed ${seed}`);
  }
  assert.ok(seen.size >= 4, `options used: ${[...seen].join(' ')}`);
});

test('a large request and reply', async (t) => {
  if (erlOrSkip(t)) return;
  const big = Buffer.concat([b(131, 109, 0, 0x10, 0, 0), Buffer.alloc(0x100000, 7)]);
  assert.deepEqual(await oracle.erl.roundTrip(big), big);
});

test('stop kills erl by pid; a second oracle is independent', async (t) => {
  if (erlOrSkip(t)) return;
  const other = await startErl();
  const pid = other.pid;
  assert.doesNotThrow(() => process.kill(pid, 0));
  await other.stop();
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  await other.stop(); // idempotent
  await assert.rejects(other.ping(), ErlError);
  assert.equal(await oracle.erl.ping(), 'pong');
});
