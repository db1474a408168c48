// The full mesh made by global's sync (otp-distribution.md §8.2–8.3) with real erl nodes: a noderl
// node that joins one member of a cluster ends connected to every visible member, and global:sync()
// returns ok on every BEAM node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erlNodes, eventually, setup } from './support.js';

let c;

const { skip } = setup(async (cl) => {
  c = cl;
});

test('a noderl node that joins erl a of a–b is meshed with b, and global:sync() returns ok everywhere', { skip }, async () => {
  const a = await c.erl();
  const b = await c.erl();
  assert.equal(await a.eval(`net_adm:ping('${b.node}')`), 'pong');
  const n = await c.noderl();
  assert.equal(await n.ping(a.node), 'pong');
  await eventually(`${n.name} connected to ${b.node}`, () => n.nodes().includes(b.node));
  await eventually(`${b.node} sees ${n.name}`, async () => (await erlNodes(b)).includes(n.name));
  assert.equal(await a.eval('global:sync()'), 'ok');
  assert.equal(await b.eval('global:sync()'), 'ok');
  await n.global.sync();
  assert.deepEqual(n.nodes().sort(), [a.node, b.node].sort());
  assert.deepEqual(await erlNodes(b), [a.node, n.name].sort());
});

test('a chain noderl n1 – noderl n2 – erl e becomes a full mesh', { skip }, async () => {
  const e = await c.erl();
  const n1 = await c.noderl();
  const n2 = await c.noderl();
  assert.equal(await n1.ping(n2.name), 'pong');
  await n1.global.sync();
  assert.equal(await e.eval(`net_adm:ping('${n2.name}')`), 'pong');
  await eventually(`${n1.name} connected to ${e.node}`, () => n1.nodes().includes(e.node));
  await eventually(`${e.node} sees ${n1.name}`, async () => (await erlNodes(e)).includes(n1.name));
  assert.equal(await e.eval('global:sync()'), 'ok');
  await n1.global.sync();
  await n2.global.sync();
  assert.ok(n2.nodes().includes(e.node) && n2.nodes().includes(n1.name));
});

test('a hidden noderl node takes no part: no mesh, and global:sync() still returns ok', { skip }, async () => {
  const a = await c.erl();
  const b = await c.erl();
  assert.equal(await a.eval(`net_adm:ping('${b.node}')`), 'pong');
  const h = await c.noderl({ hidden: true });
  assert.equal(await h.ping(a.node), 'pong');
  assert.equal(await a.eval('global:sync()'), 'ok');
  assert.equal(await b.eval('global:sync()'), 'ok');
  assert.ok(!(await erlNodes(b)).includes(h.name));
  assert.deepEqual(h.nodes('hidden'), [a.node]);
  assert.ok(!h.nodes('connected').includes(b.node));
});

test('two partitions, erl a – erl b and noderl n1 – noderl n2, joined by n2 → a: all four meshed', { skip }, async () => {
  const a = await c.erl();
  const b = await c.erl();
  assert.equal(await a.eval(`net_adm:ping('${b.node}')`), 'pong');
  const n1 = await c.noderl();
  const n2 = await c.noderl();
  assert.equal(await n1.ping(n2.name), 'pong');
  await n1.global.sync();
  assert.equal(await n2.ping(a.node), 'pong');
  const all = [a.node, b.node, n1.name, n2.name].sort();
  for (const n of [n1, n2]) await eventually(`${n.name} meshed`, () => n.nodes().length === 3);
  for (const e of [a, b]) await eventually(`${e.node} meshed`, async () => (await erlNodes(e)).length === 3);
  for (const e of [a, b]) assert.equal(await e.eval('global:sync()'), 'ok');
  for (const n of [n1, n2]) await n.global.sync();
  assert.deepEqual([n1.name, ...n1.nodes()].sort(), all);
  assert.deepEqual([b.node, ...(await erlNodes(b))].sort(), all);
  // global logged nothing unexpected on the BEAM side
  for (const e of [a, b]) assert.doesNotMatch(e.output(), /global|unexpected/i);
});
