// rpc:async_call/4, rpc:yield/1 and rpc:nb_yield/1,2 served to Erlang code on a noderl node
// (src/rpc/rpc.ts asyncCalls), against erl: the same async calls made by a process of the noderl
// node and by erl itself give the same results (values, {badrpc, ...} for errors and exits, a
// thrown value as is, {badrpc, nodedown}), nb_yield times out then gives {value, R}, the key is
// [Ref | Ref] as OTP 25's, and bad arguments are badarg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImproperList, Ref, atom, format } from '../../dist/index.js';
import { ErlangError } from '../../dist/process/exceptions.js';
import { useErlAndNode } from '../support/epmd.js';

const state = useErlAndNode();
const { skip } = state;

/** Runs `body(self, call)` in a process of the noderl node, `call(M, F, Args)` applying through its modules. */
function inProcess(body) {
  const { node } = state;
  return new Promise((resolve, reject) => {
    node.spawn(async (self) => {
      try {
        resolve(await body(self, (m, f, args) => node.apply(self, m, f, args)));
      } catch (e) {
        reject(e);
      }
    });
  });
}

const MFAS = [['lists', 'reverse', '[[1, 2]]'], ['erlang', 'error', '[x]'], ['erlang', 'exit', '[x]'], ['erlang', 'throw', '[x]'], ['erlang', 'node', '[]']];

test('rpc:async_call and yield on noderl give what they give on erl', { skip }, async () => {
  const { erl } = state;
  // erl calls itself; noderl calls the erl node: both run the calls on erl.
  const expected = await erl.eval(`[rpc:yield(rpc:async_call(node(), M, F, A)) || {M, F, A} <- [${MFAS.map(([m, f, a]) => `{${m}, ${f}, ${a}}`).join(', ')}]] ++ [rpc:yield(rpc:async_call('nobody@nowhere', erlang, node, []))]`);
  const { parse } = await import('../../dist/index.js');
  const mine = await inProcess(async (_self, call) => {
    const out = [];
    for (const [m, f, a] of MFAS) out.push(await call('rpc', 'yield', [await call('rpc', 'async_call', [atom(erl.node), atom(m), atom(f), parse(a)])]));
    out.push(await call('rpc', 'yield', [await call('rpc', 'async_call', [atom('nobody@nowhere'), atom('erlang'), atom('node'), []])]));
    return out;
  });
  assert.equal(format(mine), expected);
});

test('rpc:nb_yield times out, then gives {value, R}; the key is [Ref | Ref]; bad arguments are badarg', { skip }, async () => {
  const { erl } = state;
  const r = await inProcess(async (self, call) => {
    const key = await call('rpc', 'async_call', [atom(erl.node), atom('timer'), atom('sleep'), [300]]);
    const early = await call('rpc', 'nb_yield', [key]);
    const stillEarly = await call('rpc', 'nb_yield', [key, 10]);
    const late = await call('rpc', 'nb_yield', [key, 5000]);
    const key2 = await call('rpc', 'async_call', [atom(erl.node), atom('erlang'), atom('node'), []]);
    const inf = await call('rpc', 'nb_yield', [key2, atom('infinity')]);
    const errors = [];
    for (const [f, args] of [['async_call', [1, 2, 3, 4]], ['nb_yield', [key, -1]], ['yield', [atom('foo')]], ['nb_yield', [atom('foo'), 0]]]) {
      try {
        await call('rpc', f, args);
        errors.push('no error');
      } catch (e) {
        errors.push(e instanceof ErlangError ? format(e.error) : String(e));
      }
    }
    return { key, early, stillEarly, late, inf, errors };
  });
  assert.ok(r.key instanceof ImproperList && r.key.elements[0] instanceof Ref && r.key.tail instanceof Ref);
  assert.deepEqual([r.early, r.stillEarly].map((x) => format(x)), ['timeout', 'timeout']);
  assert.equal(format(r.late), '{value,ok}');
  assert.equal(format(r.inf), format(atom(erl.node)).replace(/^/, '{value,') + '}');
  assert.deepEqual(r.errors, ['badarg', 'badarg', 'badarg', 'badarg']);
  // erl agrees on the timeouts and the badargs
  assert.equal(await erl.eval(`begin K = rpc:async_call(node(), timer, sleep, [300]), {rpc:nb_yield(K), rpc:nb_yield(K, 10), rpc:nb_yield(K, 5000)} end`), '{timeout,timeout,{value,ok}}');
  const bad = (expr) => `case catch ${expr} of {'EXIT', {badarg, _}} -> badarg; Other -> Other end`;
  assert.equal(await erl.eval(`[${[bad('rpc:async_call(1, 2, 3, 4)'), bad('rpc:nb_yield(rpc:async_call(node(), erlang, node, []), -1)'), bad('rpc:yield(foo)'), bad('rpc:nb_yield(foo, 0)')].join(', ')}]`), '[badarg,badarg,badarg,badarg]');
});

test('a key yields only in the process that made it (nb_yield elsewhere times out)', { skip }, async () => {
  const { erl } = state;
  const key = await inProcess((_self, call) => call('rpc', 'async_call', [atom(erl.node), atom('erlang'), atom('node'), []]));
  const other = await inProcess((_self, call) => call('rpc', 'nb_yield', [key, 200]));
  assert.equal(format(other), 'timeout');
});
