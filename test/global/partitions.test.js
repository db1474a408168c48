// OTP 25's prevent_overlapping_partitions (default true) with noderl taking part: when one
// connection of a full mesh breaks, both ends report it (lost_connection) and the other nodes drop
// both ends (remove_connection), as global.erl describes, whichever side (noderl or BEAM) broke it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erlNodes, erlPairWithNoderl, eventually, setup } from './support.js';

let c;

const { skip } = setup(async (cl) => {
  c = cl;
});

const mesh = () => erlPairWithNoderl(c);

test('noderl drops a: b, told by both ends, drops both (three partitions of one node)', { skip }, async () => {
  const { a, b, n } = await mesh();
  n.disconnect(a.node);
  await eventually('b alone', async () => (await erlNodes(b)).length === 0);
  await eventually('a alone', async () => (await erlNodes(a)).length === 0);
  await eventually('n alone', () => n.nodes().length === 0);
  assert.equal(await b.eval('global:sync()'), 'ok');
  await n.global.sync();
});

test('BEAM a drops noderl: n ends cut off, a and b agree, and n joins again', { skip }, async () => {
  const { a, b, n } = await mesh();
  assert.equal(await a.eval(`erlang:disconnect_node('${n.name}')`), 'true');
  // Racy as in OTP: when b relays {lost_connection, a, _, _, n} to n before n sees its nodedown of
  // a, n (the lost node) asks a to remove it and reports nothing itself, so a–b stay; otherwise n
  // reports a's loss too and b drops both.
  await eventually('n alone', () => n.nodes().length === 0);
  await eventually('b without n', async () => !(await erlNodes(b)).includes(n.name));
  const [na, nb] = [await erlNodes(a), await erlNodes(b)];
  assert.ok((na.length === 0 && nb.length === 0) || (na[0] === b.node && nb[0] === a.node), `a: ${na}, b: ${nb}`);
  assert.equal(await a.eval('global:sync()'), 'ok');
  // and it can join again
  assert.equal(await n.ping(a.node), 'pong');
  assert.equal(await n.ping(b.node), 'pong');
  await eventually('mesh again', async () => n.nodes().length === 2 && (await erlNodes(a)).length === 2);
  for (const e of [a, b]) assert.equal(await e.eval('global:sync()'), 'ok');
});
