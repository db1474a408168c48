// net_adm (src/modules/net_adm.ts) on a distributed noderl node, against a real erl node sharing
// its port mapper: ping/1, localhost/0 and names/0,1 called from erl through rpc and applied on
// the noderl node itself give what erl's own net_adm gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atom, format } from '../../dist/index.js';
import { useErlAndNode } from '../support/epmd.js';

const state = useErlAndNode();
const { skip } = state;

/** erl's answer to `expr` on its own node, and through rpc on the noderl node (the same expr with net_adm's calls sent there). */
async function both(call) {
  const N = `'${state.node.name}'`;
  const [own, viaRpc] = await Promise.all([
    state.erl.eval(`catch net_adm:${call}`),
    state.erl.eval(`case rpc:call(${N}, net_adm, ${rpcForm(call)}) of {badrpc, {'EXIT', {R, _}}} -> {'EXIT', R}; V -> V end`),
  ]);
  return { own, viaRpc };
}

/** `ping('x@y')` as `ping, ['x@y']` for rpc:call/4. */
function rpcForm(call) {
  const m = /^(\w+)\((.*)\)$/.exec(call);
  return `${m[1]}, [${m[2]}]`;
}

test('net_adm from erl by rpc: ping, localhost and names as erl\'s own', { skip }, async () => {
  const { erl } = state;
  const rpcPing = await both(`ping('${erl.node}')`);
  assert.equal(rpcPing.viaRpc, 'pong');
  assert.equal((await both(`ping('nobody@${erl.node.split('@')[1]}')`)).viaRpc, 'pang');
  const host = await both('localhost()');
  assert.equal(host.viaRpc, host.own);
  for (const call of ['names()', `names(${host.own})`, 'names(localhost)', 'names({127,0,0,1})', 'names("nonexistent.invalid")']) {
    const { own, viaRpc } = await both(call);
    assert.equal(viaRpc, own, call);
  }
  const bad = await both('ping(123)');
  assert.match(bad.viaRpc, /^\{'EXIT',function_clause\}$/);
  assert.match(bad.own, /function_clause/);
  assert.equal((await both('names(123)')).viaRpc, "{'EXIT',function_clause}");
  // the names include both nodes
  const names = (await both('names()')).viaRpc;
  assert.ok(names.includes(`"${state.node.name.split('@')[0]}"`) && names.includes(`"${erl.name}"`), names);
});

test('net_adm applied on the noderl node itself', { skip }, async () => {
  const { node, erl } = state;
  const results = await new Promise((resolve, reject) => {
    node.spawn(async (self) => {
      try {
        resolve([
          await node.apply(self, 'net_adm', 'ping', [atom(erl.node)]),
          await node.apply(self, 'net_adm', 'ping', [atom(node.name)]),
          await node.apply(self, 'net_adm', 'ping', [atom('nobody@nowhere.invalid')]),
          await node.apply(self, 'net_adm', 'names', []),
        ]);
      } catch (e) {
        reject(e);
      }
    });
  });
  assert.deepEqual(results.slice(0, 3).map((a) => a.name), ['pong', 'pong', 'pang']);
  assert.equal(format(results[3]), await erl.eval('net_adm:names()'));
});
