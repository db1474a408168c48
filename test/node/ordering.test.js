// Erlang orders the signals between two processes, also while the connection they cross is still
// being made. A process that sends 1 to a node it is not connected to (noderl dials), then sends
// 2 and 3 as soon as it hears nodeup, must have erl receive 1, 2, 3: nodeup reaches the process
// before the messages queued during the handshake have gone out, and 2 and 3 once overtook 1
// there (the soak in the bench saw it first: 11 and 12 before 1..10).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useErlAndNode } from '../support/epmd.js';
import { atom, isTuple, tuple } from '../../dist/term/types.js';

const state = useErlAndNode();
const { skip } = state;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('messages sent while the connection is made and at nodeup arrive in sending order', { skip }, async () => {
  const { erl, node } = state;
  // A collector in erl: the first 5 messages that reach `ordered`, in the order they came.
  await erl.eval('register(ordered, spawn(fun() -> persistent_term:put(ordered, [receive M -> M after 20000 -> timeout end || _ <- lists:seq(1, 5)]) end))');
  assert.ok(!node.nodes().includes(erl.node), 'not connected yet');
  node.spawn(async (self) => {
    node.netKernel.monitorNodes(self, true);
    const to = tuple(atom('ordered'), atom(erl.node));
    self.send(to, 1);
    self.send(to, 2);
    await self.receive({ match: (m) => isTuple(m) && m[0] === atom('nodeup') });
    for (const i of [3, 4, 5]) self.send(to, i);
  });
  let collected = 'pending';
  for (let i = 0; i < 250 && collected === 'pending'; i++) {
    await sleep(40);
    collected = await erl.eval('persistent_term:get(ordered, pending)');
  }
  assert.equal(collected, '[1,2,3,4,5]');
});
