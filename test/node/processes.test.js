// Processes, messages, links, monitors and exit signals between noderl and real erl, both directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useErlAndNode, uniqueName } from '../support/epmd.js';
import { TIMEOUT } from '../../dist/process/mailbox.js';
import { atom, tuple, isTuple, Pid } from '../../dist/term/types.js';
import { format } from '../../dist/term/format.js';
import { equals } from '../../dist/term/compare.js';
import { runInProcess, isTag } from '../support/processes.js';

let erl;
let node;
const { skip } = useErlAndNode({ ping: true, ready: (s) => ({ erl, node } = s) });

/** Runs `fn` as a noderl process and resolves with what it returns (or rejects with what it throws). */
const run = (fn) => runInProcess(node, fn);

const N = () => `'${node.name}'`;
const E = () => atom(erl.node);

test('processes: local spawn, selective receive, timeout, register, exit reasons', { skip }, async () => {
  const results = [];
  const pid = node.spawn(async (self) => {
    const second = await self.receive({ match: isTag('b') });
    const first = await self.receive();
    const none = await self.receive({ timeout: 30 });
    results.push(second, first, none);
  });
  assert.ok(node.register('local_box', pid));
  assert.equal(node.whereis('local_box'), pid);
  node.send(atom('local_box'), tuple(atom('a'), 1));
  node.send(pid, tuple(atom('b'), 2));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(format(results[0]), '{b,2}');
  assert.equal(format(results[1]), '{a,1}');
  assert.equal(results[2], TIMEOUT);
  assert.equal(node.whereis('local_box'), undefined, 'the name goes with the process');

  // Local links and trap_exit: a thrower's reason reaches a trapping linked process.
  const got = await run(async (self) => {
    self.trapExit(true);
    const child = node.spawn(async (c) => {
      await c.receive();
      throw new Error('boom');
    });
    self.link(child);
    self.send(child, atom('go'));
    return self.receive({ timeout: 2000 });
  });
  assert.match(format(got), /^\{'EXIT',<[0-9.]+>,\{js_error,<<"Error: boom">>\}\}$/);

  // Name ! Msg to a name nobody has raises badarg, as in Erlang; demonitor flushes a queued DOWN.
  const badarg = await run(async (self) => {
    self.trapExit(true);
    const child = node.spawn(async (c) => c.send('nobody_has_this_name', atom('hi')));
    self.link(child);
    const gone = node.spawn(async () => {});
    const sleep = () => self.receive({ match: () => false, timeout: 20 });
    await sleep();
    const ref = self.monitor(gone);
    await sleep();
    self.demonitor(ref);
    const flushed = await self.receive({ match: isTag('DOWN'), timeout: 0 });
    return [await self.receive({ match: isTag('EXIT'), timeout: 2000 }), flushed];
  });
  assert.match(format(badarg[0][2]), /^\{badarg,\[\{erlang,send,\[nobody_has_this_name,hi\],\[\]\}\]\}$/);
  assert.equal(badarg[1], TIMEOUT);
});

test('erl sends to a registered noderl process ({Name, Node} ! Msg and Pid ! Msg) and gets replies', { skip }, async () => {
  const name = uniqueName('echo');
  const pid = node.spawn(async (self) => {
    for (;;) {
      const m = await self.receive();
      if (isTuple(m)) self.send(m[0], tuple(atom('reply'), self.pid, m[1]));
    }
  });
  node.register(name, pid);
  const out = await erl.eval(
    `begin {${name}, ${N()}} ! {self(), hi}, receive {reply, P, hi} -> P ! {self(), again}, receive {reply, P, M} -> {ok, M, node(P)} after 5000 -> t2 end after 5000 -> t1 end end`,
  );
  assert.equal(out.replace(/'/g, ''), `{ok,again,${node.name}}`);
  node.unregister(name);
  node.send(pid, atom('bye'));
});

test('noderl sends to an erl registered process and to an erl pid; wrong creation and unknown names are dropped', { skip }, async () => {
  const sink = uniqueName('sink');
  await erl.eval(`begin register(${sink}, spawn(fun L() -> receive {fwd, P, M} -> P ! M, L(); {From, M} -> From ! {got, M, self()}, L() end end)), ok end`);
  const got = await run(async (self) => {
    self.send(tuple(atom(sink), E()), tuple(self.pid, atom('ping')));
    const r1 = await self.receive({ timeout: 5000 });
    self.send(r1[2], tuple(self.pid, atom('direct')));
    const r2 = await self.receive({ timeout: 5000 });
    // BEAM forwards to a pid of ours with another creation; we must drop it.
    const stale = new Pid(self.pid.node, self.pid.id, self.pid.serial, self.pid.creation + 1);
    self.send(r1[2], tuple(atom('fwd'), stale, atom('stale')));
    self.send(r1[2], tuple(atom('fwd'), self.pid, atom('fresh')));
    const r3 = await self.receive({ timeout: 5000 });
    const r4 = await self.receive({ timeout: 200 });
    return [r1, r2, r3, r4];
  });
  assert.equal(format(got[0][1]), 'ping');
  assert.equal(format(got[1][1]), 'direct');
  assert.equal(format(got[2]), 'fresh');
  assert.equal(got[3], TIMEOUT);
  await erl.eval(`begin {nosuch_name_xyz, ${N()}} ! hello, ok end`);
  assert.equal(await node.ping(erl.node), 'pong');
});

test('links: erl links and dies -> noderl gets EXIT; noderl throws -> erl gets EXIT with the reason', { skip }, async () => {
  const victim = uniqueName('victim');
  await erl.eval(`begin register(${victim}, spawn(fun() -> receive {link_me, P} -> link(P), P ! {linked, self()}, receive go -> exit(boom) end end end)), ok end`);
  const exit = await run(async (self) => {
    self.trapExit(true);
    self.send(tuple(atom(victim), E()), tuple(atom('link_me'), self.pid));
    const [, v] = await self.receive({ match: isTag('linked'), timeout: 5000 });
    self.send(v, atom('go'));
    return self.receive({ match: isTag('EXIT'), timeout: 5000 });
  });
  assert.match(format(exit), /^\{'EXIT',<\d+\.\d+\.\d+>,boom\}$/);

  const thrower = uniqueName('thrower');
  const pid = node.spawn(async (self) => {
    const [, e] = await self.receive({ match: isTag('hello') });
    self.link(e);
    self.send(e, atom('linked'));
    await self.receive({ timeout: 100 });
    throw new Error('boom');
  });
  node.register(thrower, pid);
  const reason = await erl.eval(
    `begin S = self(), spawn(fun() -> process_flag(trap_exit, true), {${thrower}, ${N()}} ! {hello, self()}, receive linked -> ok end, receive {'EXIT', _, R} -> S ! {r, R} end end), receive {r, R} -> R after 5000 -> timeout end end`,
  );
  assert.equal(reason, '{js_error,<<"Error: boom">>}');
});

test('links: exit/2 both ways, kill cannot be trapped and becomes killed, normal ignored unless trapping', { skip }, async () => {
  // exit(Pid, normal) is ignored by a process that does not trap exits.
  const calm = node.spawn(async (self) => {
    for (;;) {
      const m = await self.receive();
      if (isTag('ping')(m)) self.send(m[1], tuple(atom('pong'), self.pid));
    }
  });
  const creg = uniqueName('calm');
  node.register(creg, calm);
  const alive = await erl.eval(
    `begin {${creg}, ${N()}} ! {ping, self()}, receive {pong, P} -> exit(P, normal), P ! {ping, self()}, receive {pong, P} -> alive after 2000 -> dead end after 5000 -> t end end`,
  );
  assert.equal(alive, 'alive');
  node.unregister(creg);
  node.send(calm, tuple(atom('ping'), calm));
  const k = node.spawn(async (self) => {
    self.trapExit(true);
    const [, e] = await self.receive({ match: isTag('hello') });
    self.link(e);
    self.send(e, tuple(atom('linked'), self.pid));
    await self.receive({ match: () => false, timeout: 10_000 });
  });
  const kreg = uniqueName('killme');
  node.register(kreg, k);
  const killed = await erl.eval(
    `begin S = self(), spawn(fun() -> process_flag(trap_exit, true), {${kreg}, ${N()}} ! {hello, self()}, receive {linked, P} -> exit(P, normal), exit(P, kill) end, receive {'EXIT', _, R} -> S ! {r, R} end end), receive {r, R} -> R after 5000 -> timeout end end`,
  );
  assert.equal(killed, 'killed');
  assert.equal(node.isAlive(k), false);

  // noderl exit(E, Reason) reaches a trapping erl process as {'EXIT', From, Reason}.
  const ereg = uniqueName('exiter');
  node.register(ereg, node.spawn(async (self) => {
    const [, e] = await self.receive({ match: isTag('hello') });
    self.exit(e, tuple(atom('my_reason'), 42));
  }));
  const trapped = await erl.eval(
    `begin S = self(), spawn(fun() -> process_flag(trap_exit, true), {${ereg}, ${N()}} ! {hello, self()}, receive {'EXIT', _, R} -> S ! {r, R} end end), receive {r, R} -> R after 5000 -> timeout end end`,
  );
  assert.equal(trapped, '{my_reason,42}');

  // noderl exit(E, kill) kills even a trapping erl process; its monitor sees killed.
  const kreg2 = uniqueName('killer');
  node.register(kreg2, node.spawn(async (self) => {
    const [, e] = await self.receive({ match: isTag('hello') });
    self.exit(e, atom('kill'));
  }));
  const killedErl = await erl.eval(
    `begin P = spawn(fun() -> process_flag(trap_exit, true), {${kreg2}, ${N()}} ! {hello, self()}, receive after 5000 -> ok end end), R = monitor(process, P), receive {'DOWN', R, process, P, W} -> W after 5000 -> timeout end end`,
  );
  assert.equal(killedErl, 'killed');
});

test('links: noproc for a dead pid both ways; unlink (UNLINK_ID) stops exits', { skip }, async () => {
  const dead = await run(async (self) => {
    self.trapExit(true);
    const reg = uniqueName('deadsrc');
    await erl.eval(`begin register(${reg}, spawn(fun() -> receive {P} -> P ! {dead, spawn(fun() -> ok end)} end end)), ok end`);
    self.send(tuple(atom(reg), E()), tuple(self.pid));
    const [, d] = await self.receive({ match: isTag('dead'), timeout: 5000 });
    await self.receive({ timeout: 100 });
    self.link(d);
    return self.receive({ match: isTag('EXIT'), timeout: 5000 });
  });
  assert.match(format(dead), /^\{'EXIT',<\d+\.\d+\.\d+>,noproc\}$/);

  const gone = node.spawn(async () => {});
  const reg = uniqueName('ghost');
  const holder = node.spawn(async (self) => {
    const [, e] = await self.receive({ match: isTag('hello') });
    self.send(e, tuple(atom('pid'), gone));
  });
  node.register(reg, holder);
  await new Promise((r) => setTimeout(r, 20));
  const fromErl = await erl.eval(
    `begin process_flag(trap_exit, true), {${reg}, ${N()}} ! {hello, self()}, R = receive {pid, P} -> link(P), receive {'EXIT', P, X} -> X after 5000 -> timeout end after 5000 -> nopid end, process_flag(trap_exit, false), R end`,
  );
  assert.equal(fromErl, 'noproc');

  // unlink: after unlink, the erl process's death does not reach us.
  const unlinked = await run(async (self) => {
    self.trapExit(true);
    const r = uniqueName('ul');
    await erl.eval(`begin register(${r}, spawn(fun() -> receive {P} -> link(P), P ! {linked, self()}, receive go -> exit(boom) end end end)), ok end`);
    self.send(tuple(atom(r), E()), tuple(self.pid));
    const [, e] = await self.receive({ match: isTag('linked'), timeout: 5000 });
    self.unlink(e);
    self.send(e, atom('go'));
    return self.receive({ timeout: 300 });
  });
  assert.equal(unlinked, TIMEOUT);
});

test('monitors: noderl monitors erl processes by pid and by {Name, Node}; noproc; demonitor', { skip }, async () => {
  const reg = uniqueName('mon');
  await erl.eval(`begin register(${reg}, spawn(fun() -> receive {P} -> P ! {me, self()}, receive go -> exit(bye) end end end)), ok end`);
  const downs = await run(async (self) => {
    const byName = self.monitor(tuple(atom(reg), E()));
    self.send(tuple(atom(reg), E()), tuple(self.pid));
    const [, e] = await self.receive({ match: isTag('me'), timeout: 5000 });
    const byPid = self.monitor(e);
    const dropped = self.monitor(e);
    self.demonitor(dropped);
    self.send(e, atom('go'));
    const d1 = await self.receive({ match: (m) => isTag('DOWN')(m) && equals(m[1], byPid), timeout: 5000 });
    const d2 = await self.receive({ match: (m) => isTag('DOWN')(m) && equals(m[1], byName), timeout: 5000 });
    const none = await self.receive({ match: isTag('DOWN'), timeout: 200 });
    const unknown = self.monitor(tuple(atom('no_such_name_here'), E()));
    const d3 = await self.receive({ match: isTag('DOWN'), timeout: 5000 });
    const deadRef = self.monitor(e);
    const d4 = await self.receive({ match: isTag('DOWN'), timeout: 5000 });
    return { e, d1, d2, none, d3, unknown, d4, deadRef };
  });
  assert.equal(format(downs.d1[4]), 'bye');
  assert.ok(downs.d1[3] instanceof Pid);
  assert.equal(format(downs.d2), format(tuple(atom('DOWN'), downs.d2[1], atom('process'), tuple(atom(reg), E()), atom('bye'))));
  assert.equal(downs.none, TIMEOUT, 'demonitor: no DOWN');
  assert.equal(format(downs.d3[3]), format(tuple(atom('no_such_name_here'), E())));
  assert.equal(format(downs.d3[4]), 'noproc');
  assert.equal(format(downs.d4[4]), 'noproc');
});

test('monitors: erl monitors noderl processes by pid and by {Name, Node}; noproc for unknown and dead', { skip }, async () => {
  const reg = uniqueName('watched');
  const pid = node.spawn(async (self) => {
    const [, from] = await self.receive({ match: isTag('hello') });
    self.send(from, tuple(atom('me'), self.pid));
    await self.receive({ match: (m) => m === atom('stop') });
    self.exit(tuple(atom('shutdown'), atom('by_test')));
  });
  node.register(reg, pid);
  const out = await erl.eval(
    `begin R1 = monitor(process, {${reg}, ${N()}}), {${reg}, ${N()}} ! {hello, self()}, P = receive {me, X} -> X after 5000 -> none end, R2 = monitor(process, P), P ! stop, A = receive {'DOWN', R2, process, O2, W2} -> {O2 =:= P, W2} after 5000 -> t2 end, B = receive {'DOWN', R1, process, O1, W1} -> {O1, W1} after 5000 -> t1 end, R3 = monitor(process, P), C = receive {'DOWN', R3, process, _, W3} -> W3 after 5000 -> t3 end, R4 = monitor(process, {nobody_here, ${N()}}), D = receive {'DOWN', R4, process, _, W4} -> W4 after 5000 -> t4 end, {A, B, C, D} end`,
  );
  assert.equal(out.replace(/'/g, ''), `{{true,{shutdown,by_test}},{{${reg},${node.name}},{shutdown,by_test}},noproc,noproc}`);
});
