// The shell's JS evaluation on its own: bindings that last between inputs, declarations kept,
// promises awaited, completion values of statements, and the three kinds of bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Evaluator } from '../../dist/shell/evaluator.js';
import { exceptionText, valueText } from '../../dist/shell/exception-text.js';
import { TIMEOUT } from '../../dist/process/mailbox.js';
import { atom, tuple } from '../../dist/term/types.js';
import { ErlangError, ProcessExit } from '../../dist/index.js';

test('bindings, declarations, await and statements', async () => {
  const ev = new Evaluator({ atom });
  assert.deepEqual(await ev.evaluate('x = 2'), { kind: 'value', value: 2 });
  assert.deepEqual(await ev.evaluate('let y = x * 10'), { kind: 'value', value: 20 });
  assert.deepEqual(await ev.evaluate('const z = 1'), { kind: 'value', value: 1 });
  assert.deepEqual(await ev.evaluate('function inc(n) { return n + 1 }'), { kind: 'value', value: (await ev.evaluate('inc')).value });
  assert.deepEqual(await ev.evaluate('inc(y) + z'), { kind: 'value', value: 22 });
  assert.deepEqual(await ev.evaluate('await new Promise((r) => setTimeout(() => r(atom("late")), 5))'), { kind: 'value', value: atom('late') });
  assert.deepEqual(await ev.evaluate('Promise.resolve(3)'), { kind: 'value', value: 3 });
  assert.deepEqual(await ev.evaluate('a = 1; a + 1'), { kind: 'value', value: 2 });
  assert.deepEqual(await ev.evaluate('({ k: 1 })'), { kind: 'value', value: { k: 1 } });
  assert.equal(globalThis.x, undefined); // shell bindings never leak into JS globals
});

test('syntax errors, unfinished input and exceptions', async () => {
  const ev = new Evaluator({});
  assert.equal((await ev.evaluate(')(')).kind, 'syntax');
  assert.equal(ev.isIncomplete('[1,'), true);
  assert.equal(ev.isIncomplete('f(`a'), true);
  assert.equal(ev.isIncomplete('1 +'), true);
  assert.equal(ev.isIncomplete(')('), false);
  assert.equal(ev.isIncomplete('1 + 1'), false);
  const r = await ev.evaluate('nope + 1');
  assert.equal(r.kind, 'exception');
  assert.equal(exceptionText(r.error), '** exception error: ReferenceError: nope is not defined\n');
});

test('values and exceptions print as erl prints them', () => {
  assert.equal(valueText(tuple(atom('ok'), [1, 2])), '{ok,[1,2]}');
  assert.equal(valueText(() => 1), '#JS<function (anonymous)>');
  assert.equal(valueText(TIMEOUT), 'TIMEOUT', 'receive(ms) that timed out shows the helper it equals');
  assert.equal(exceptionText(new ErlangError(atom('badarg'), [])), '** exception error: bad argument\n');
  assert.equal(exceptionText(new ErlangError(atom('undef'), [tuple(atom('m'), atom('f'), [1, 2], [])])), '** exception error: undefined function m:f/2\n');
  assert.equal(exceptionText(new ProcessExit(atom('bye'))), '** exception exit: bye\n');
  assert.equal(exceptionText(tuple(atom('t'), 1)), '** exception throw: {t,1}\n');
});
