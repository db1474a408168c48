// Receive timeouts (src/process/mailbox.ts): a mailbox keeps one timer and re-arms it for each
// receive with the same timeout. Whatever the order of messages, timeouts and changes of timeout,
// a receive resolves with its message or TIMEOUT, and a timer left over from an earlier receive
// neither ends a later one nor keeps Node running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Mailbox, TIMEOUT } from '../../dist/process/mailbox.js';
import { atom } from '../../dist/term/types.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a receive with a timeout gets its message, or TIMEOUT once the time passed', async () => {
  const box = new Mailbox();
  const first = box.receive({ timeout: 50 });
  box.push('a');
  assert.equal(await first, 'a');
  // The same timeout again (the timer is re-armed, not made anew): it must run its full time.
  const t0 = Date.now();
  assert.equal(await box.receive({ timeout: 50 }), TIMEOUT);
  assert.ok(Date.now() - t0 >= 45, `timed out after ${Date.now() - t0} ms`);
  // After it went off, the same timeout works again, and so does a message before it.
  assert.equal(await box.receive({ timeout: 20 }), TIMEOUT);
  const third = box.receive({ timeout: 20 });
  setTimeout(() => box.push('b'), 5);
  assert.equal(await third, 'b');
});

test('a timer left by a receive that got its message does not end a later receive', async () => {
  const box = new Mailbox();
  const first = box.receive({ timeout: 30 });
  box.push('a');
  assert.equal(await first, 'a');
  // No timeout now: the old timer goes off meanwhile and must find nothing to do.
  const second = box.receive();
  await sleep(60);
  box.push('b');
  assert.equal(await second, 'b');
  // A longer timeout replaces a shorter one that is still pending.
  const third = box.receive({ timeout: 10 });
  box.push('c');
  assert.equal(await third, 'c');
  const fourth = box.receive({ timeout: 80 });
  await sleep(30);
  box.push('d');
  assert.equal(await fourth, 'd');
});

test('selective receive with a timeout: an unmatched message neither ends the wait nor the timer', async () => {
  const box = new Mailbox();
  const waiting = box.receive({ match: (m) => m === 'want', timeout: 40 });
  box.push('other');
  assert.equal(await waiting, TIMEOUT);
  assert.deepEqual(box.messages(), ['other']);
  assert.equal(await box.receive({ timeout: 40 }), 'other');
});

test('close rejects a waiting receive and leaves no timer behind', async () => {
  const box = new Mailbox();
  const waiting = box.receive({ timeout: 10_000 });
  box.close(atom('gone'));
  await assert.rejects(waiting, (e) => e.name === 'ProcessExit' && e.reason === atom('gone'));
  // A receive after the end fails the same way.
  await assert.rejects(box.receive(), (e) => e.name === 'ProcessExit' && e.reason === atom('gone'));
});

test('a receive that got its message leaves no timer keeping Node running', () => {
  const script = `
    const { Mailbox } = await import(${JSON.stringify(new URL('../../dist/process/mailbox.js', import.meta.url).href)});
    const box = new Mailbox();
    const r = box.receive({ timeout: 60000 });
    box.push('x');
    await r;`;
  const t0 = Date.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(child.status, 0, child.stderr);
  assert.ok(Date.now() - t0 < 15_000, 'Node waited for the receive timer');
});
