// Real Erlang/OTP against noderl's port mapper: `noderl epmd --port P` runs as its own process and
// real `erl -sname ... -start_epmd false` nodes (ERL_EPMD_PORT=P) register with it, find each
// other, and are listed by the real `epmd -names` and by `net_adm:names()`. Every process started
// here is killed by pid.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { lookupNode } from '../../dist/epmd/client.js';
import { epmdCommand, erlSkip, startErlNode, uniqueName } from '../support/epmd.js';
import { exchange, portPlease } from '../support/epmd-wire.js';
import { noderl, startNoderlEpmd, waitFor } from '../support/noderl-epmd.js';

const skip = erlSkip();

describe('real erl nodes with noderl epmd', { skip }, () => {
  let epmd;
  let a;
  let b;
  before(async () => {
    epmd = await startNoderlEpmd();
    [a, b] = await Promise.all([startErlNode({ epmdPort: epmd.port }), startErlNode({ epmdPort: epmd.port })]);
    // Each node has its own random cookie; b uses a's for a, so they can connect both ways.
    await b.eval(`erlang:set_cookie('${a.node}', '${a.cookie}')`);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await epmd?.stop();
  });

  test('two erl nodes find each other through it: net_adm:ping is pong both ways', async () => {
    assert.equal(await a.eval(`net_adm:ping('${b.node}')`), 'pong');
    assert.equal(await b.eval(`net_adm:ping('${a.node}')`), 'pong');
  });

  test('net_adm:names() in erl lists both (it checks the port in the reply)', async () => {
    const names = await a.eval('net_adm:names()');
    assert.match(names, /^\{ok,\[/);
    assert.ok(names.includes(`{"${a.name}",`) && names.includes(`{"${b.name}",`), names);
  });

  test('the real `epmd -names` lists them, and `noderl epmd --names` prints the same', async () => {
    const real = await epmdCommand(epmd.port, ['-names']);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, new RegExp(`^epmd: up and running on port ${epmd.port} with data:\n`));
    for (const n of [a, b]) assert.match(real.stdout, new RegExp(`^name ${n.name} at port \\d+$`, 'm'));
    const ours = await noderl(['epmd', '--names'], { ERL_EPMD_PORT: String(epmd.port) });
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout, real.stdout);
  });

  test('`epmd -kill` and `noderl epmd --kill` are refused while nodes live, with epmd’s words', async () => {
    const real = await epmdCommand(epmd.port, ['-kill']);
    assert.equal(real.stdout, 'Killing not allowed - living nodes in database.\n');
    assert.equal(real.code, 1);
    const ours = await noderl(['epmd', '--port', String(epmd.port), '--kill']);
    assert.equal(ours.stdout, real.stdout);
    assert.equal(ours.code, 1);
  });

  test('a second erl with a taken name does not start: "seems to be in use"', async () => {
    await assert.rejects(startErlNode({ epmdPort: epmd.port, name: a.name, timeoutMs: 15000 }), /seems to be in use/);
    assert.equal(await a.eval(`net_adm:ping('${b.node}')`), 'pong', 'the first one is untouched');
  });

  test('1,000 concurrent connections while the erl nodes stay registered and findable', async () => {
    // 1,000 NAMES requests that stall after their first byte for 2 s, all at once.
    const stalled = [];
    for (let i = 0; i < 1000; i++) {
      stalled.push(exchange(epmd.port, [Buffer.from([0]), Buffer.from([1, 110])], { gapMs: 2000, quietMs: 5000 }));
    }
    await new Promise((r) => setTimeout(r, 300));
    // Meanwhile erl and this process still get answers.
    const names = await b.eval('net_adm:names()');
    assert.ok(names.includes(`{"${a.name}",`), names);
    const found = await exchange(epmd.port, portPlease(b.name), { quietMs: 5000 });
    assert.equal(found.reply[0], 119);
    assert.equal(found.reply[1], 0);
    assert.notEqual(await lookupNode(a.name, { port: epmd.port }), null);
    // Then every stalled request completes with the full list.
    const results = await Promise.all(stalled);
    for (const r of results) {
      assert.equal(r.closed, true);
      const text = r.reply.toString('utf8', 4);
      assert.ok(text.includes(`name ${a.name} at port`) && text.includes(`name ${b.name} at port`), text);
    }
    assert.equal(await a.eval(`net_adm:ping('${b.node}')`), 'pong');
  });

  test('kill -9 of an erl node unregisters it; restarting it gives the next creation', async () => {
    const name = uniqueName('erl');
    const first = await startErlNode({ epmdPort: epmd.port, name });
    const creation = Number(await first.eval('erlang:system_info(creation)'));
    process.kill(first.pid, 'SIGKILL');
    assert.equal(await waitFor(async () => (await lookupNode(name, { port: epmd.port })) === null, 5000), true);
    const second = await startErlNode({ epmdPort: epmd.port, name });
    try {
      assert.equal(Number(await second.eval('erlang:system_info(creation)')), creation + 1);
      await second.eval(`erlang:set_cookie('${a.node}', '${a.cookie}')`);
      assert.equal(await second.eval(`net_adm:ping('${a.node}')`), 'pong');
    } finally {
      await second.stop();
    }
  });
});
