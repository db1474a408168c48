// Process aliases: alias/unalias, monitor with {alias, …}, ALIAS_SEND both ways with real erl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useErlAndNode, uniqueName } from '../support/epmd.js';
import { TIMEOUT } from '../../dist/process/mailbox.js';
import { atom, tuple, Pid, Ref } from '../../dist/term/types.js';
import { format } from '../../dist/term/format.js';
import { encodeSignal, decodeSignal } from '../../dist/channel/control.js';
import { DistFlag } from '../../dist/channel/flags.js';
import { runInProcess, isTag } from '../support/processes.js';

let erl;
let node;
const { skip } = useErlAndNode({ ping: true, ready: (s) => ({ erl, node } = s) });

const run = (fn) => runInProcess(node, fn);

const E = () => atom(erl.node);

test('ALIAS_SEND is encoded only when ALIAS was negotiated, and decodes to a message for the alias', () => {
  const me = atom('a@h');
  const from = new Pid(atom('b@h'), 1, 0, 1);
  const alias = new Ref(me, [1, 2, 3], 7);
  const msg = { kind: 'message', from, message: atom('hi') };
  const [control, payload] = encodeSignal(alias, msg, DistFlag.ALIAS);
  assert.equal(format(control), format(tuple(33, from, alias)));
  assert.equal(payload, atom('hi'));
  assert.equal(encodeSignal(alias, msg, 0n), undefined, 'without ALIAS the send is dropped, as OTP drops it');
  const incoming = decodeSignal(tuple(33, from, alias), atom('hi'));
  assert.ok(incoming.to instanceof Ref);
  assert.equal(incoming.signal.message, atom('hi'));
  assert.equal(decodeSignal(tuple(33, from, atom('not_a_ref')), atom('hi')), undefined);
});

test('local aliases: delivered while active, dropped after unalias; reply aliases end after one message', { skip }, async () => {
  const got = await run(async (self) => {
    const a = self.alias();
    node.send(a, atom('one'));
    const one = await self.receive({ timeout: 2000 });
    const wasActive = self.unalias(a);
    const again = self.unalias(a);
    node.send(a, atom('dropped'));
    self.send(self.pid, atom('marker'));
    const marker = await self.receive({ timeout: 2000 });
    const afterUnalias = await self.receive({ timeout: 0 });

    const r = self.alias({ reply: true });
    self.send(r, atom('first'));
    self.send(r, atom('second'));
    self.send(self.pid, atom('marker2'));
    const seen = [await self.receive({ timeout: 2000 }), await self.receive({ timeout: 2000 }), await self.receive({ timeout: 0 })];
    return { one, wasActive, again, marker, afterUnalias, seen };
  });
  assert.equal(got.one, atom('one'));
  assert.equal(got.wasActive, true);
  assert.equal(got.again, false);
  assert.equal(got.marker, atom('marker'));
  assert.equal(got.afterUnalias, TIMEOUT);
  assert.deepEqual(got.seen, [atom('first'), atom('marker2'), TIMEOUT]);
});

test('monitor with {alias, demonitor}: the alias ends with the monitor; explicit_unalias outlives it', { skip }, async () => {
  const got = await run(async (self) => {
    const target = self.spawn(async (t) => t.receive());
    const m1 = self.monitor(target, { alias: 'demonitor' });
    self.send(m1, atom('via_monitor_alias'));
    const first = await self.receive({ timeout: 2000 });
    self.demonitor(m1);
    self.send(m1, atom('after_demonitor'));
    const m2 = self.monitor(target, { alias: 'explicit_unalias' });
    self.demonitor(m2);
    self.send(m2, atom('explicit_survives'));
    const second = await self.receive({ timeout: 2000 });
    const rest = await self.receive({ timeout: 50 });
    self.send(target, atom('stop'));
    return { first, second, rest };
  });
  assert.equal(got.first, atom('via_monitor_alias'));
  assert.equal(got.second, atom('explicit_survives'));
  assert.equal(got.rest, TIMEOUT);
});

test('erl sends to a noderl alias (ALIAS_SEND); after unalias its sends are dropped', { skip }, async () => {
  const relay = uniqueName('relay');
  await erl.eval(`begin register(${relay}, spawn(fun L() -> receive {fwd, To, Msg} -> To ! Msg, L() end end)), ok end`);
  const got = await run(async (self) => {
    const a = self.alias();
    self.send(tuple(atom(relay), E()), tuple(atom('fwd'), a, tuple(atom('hello'), a)));
    const first = await self.receive({ timeout: 5000 });
    self.unalias(a);
    // The same relay, the same connection: the late send arrives (and is dropped) before the marker.
    self.send(tuple(atom(relay), E()), tuple(atom('fwd'), a, atom('late')));
    self.send(tuple(atom(relay), E()), tuple(atom('fwd'), self.pid, atom('marker')));
    const marker = await self.receive({ timeout: 5000 });
    const late = await self.receive({ timeout: 0 });
    return { a, first, marker, late };
  });
  assert.equal(format(got.first), format(tuple(atom('hello'), got.a)));
  assert.equal(got.marker, atom('marker'));
  assert.equal(got.late, TIMEOUT);
});

test('noderl sends to an erl alias (ALIAS_SEND); erl drops sends after its unalias', { skip }, async () => {
  const name = uniqueName('aliased');
  await erl.eval(
    `begin register(${name}, spawn(fun() -> A = alias(), P = receive {hello, P0} -> P0 end, P ! {alias, A}, X = receive {first, V} -> V end, unalias(A), P ! {unaliased, X}, receive marker -> ok end, Late = receive late -> got_late after 0 -> no_late end, P ! {result, Late} end)), ok end`,
  );
  const got = await run(async (self) => {
    self.send(tuple(atom(name), E()), tuple(atom('hello'), self.pid));
    const [, alias] = await self.receive({ match: isTag('alias'), timeout: 5000 });
    self.send(alias, tuple(atom('first'), 42));
    const unaliased = await self.receive({ match: isTag('unaliased'), timeout: 5000 });
    self.send(alias, atom('late'));
    self.send(tuple(atom(name), E()), atom('marker'));
    const result = await self.receive({ match: isTag('result'), timeout: 5000 });
    return { alias, unaliased, result };
  });
  assert.ok(got.alias instanceof Ref);
  assert.equal(got.alias.node, E());
  assert.equal(format(got.unaliased), '{unaliased,42}');
  assert.equal(format(got.result), '{result,no_late}');
});
