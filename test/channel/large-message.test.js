// Header mode against real erl: ~100 MB messages both ways with net_ticktime 4 on both sides
// (the connection must stay up: fragments interleave with ticks), the atom cache erl fills with
// many distinct atoms, and closures that arrive through the atom cache going back to erl intact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEpmd, startErlNode, uniqueName, erlSkip } from '../support/epmd.js';
import { atom, tuple, isTuple, Pid, ErlFun } from '../../dist/term/types.js';
import { DistFlag, hasFlag } from '../../dist/channel/flags.js';
import { TIMEOUT } from '../../dist/process/mailbox.js';

const skip = erlSkip();
let epmd, erl, node;
const logs = [];
const nodedowns = [];
/** What the echo process received, by kind, for checks on the noderl side. */
const seen = [];

before(async () => {
  if (skip) return;
  const { Node } = await import('../../dist/node/node.js');
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port, args: ['-kernel', 'net_ticktime', '4'] });
  node = await Node.start({ sname: uniqueName('js'), cookie: erl.cookie, epmdPort: epmd.port, ticktime: 4, log: (l) => logs.push(l) });
  node.on('nodedown', (peer, reason) => nodedowns.push(`${peer}: ${reason}`));
  // {From, Term} -> From ! {echo, Term}; `stop` ends it.
  const echo = node.spawn(async (self) => {
    for (;;) {
      const m = await self.receive({ timeout: 120_000 });
      if (m === TIMEOUT || m === atom('stop')) return;
      if (isTuple(m) && m[0] instanceof Pid) {
        seen.push(m[1]);
        self.send(m[0], tuple(atom('echo'), m[1]));
      }
    }
  });
  node.register('echo', echo);
  assert.equal(await erl.eval('net_kernel:monitor_nodes(true)'), 'ok');
  assert.equal(await erl.eval(`net_adm:ping('${node.name}')`), 'pong');
});

after(async () => {
  node?.send(atom('echo'), atom('stop'));
  await node?.stop();
  await erl?.stop();
  await epmd?.stop();
});

/** Erlang: send Term (bound by Setup) to noderl's echo and evaluate Check with the reply bound to R. */
const roundTrip = (setup, check, ms = 60000) =>
  erl.eval(`begin ${setup}, {echo, '${node.name}'} ! {self(), T}, receive {echo, R} -> ${check} after ${ms} -> timeout end end`);

test('header mode is negotiated with erl (DIST_HDR_ATOM_CACHE and FRAGMENTS on the connection)', { skip }, () => {
  // The Connection is internal to the node; its flags are read here only to prove the mode.
  const conn = node.netKernel.connection(erl.node); // internal: src/node/net-kernel.ts
  assert.ok(conn, 'a connection to erl');
  assert.ok(hasFlag(conn.flags, DistFlag.DIST_HDR_ATOM_CACHE) && hasFlag(conn.flags, DistFlag.FRAGMENTS));
});

test('~100 MB both ways with net_ticktime 4: a binary and a list of 1 KiB binaries; no nodedown', { skip, timeout: 55_000 }, async (t) => {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = Date.now();
  assert.equal(await roundTrip('T = binary:copy(<<"0123456789abcdef">>, 6250000)', '{byte_size(R), R =:= T}'), '{100000000,true}');
  const binarySeconds = (Date.now() - started) / 1000;
  assert.ok(Buffer.isBuffer(seen.at(-1)) && seen.at(-1).length === 100_000_000);
  const listStarted = Date.now();
  assert.equal(
    await roundTrip('T = [binary:copy(<<(I rem 256)>>, 1024) || I <- lists:seq(1, 100000)]', '{length(R), R =:= T}'),
    '{100000,true}',
  );
  const listSeconds = (Date.now() - listStarted) / 1000;
  const list = seen.at(-1);
  assert.ok(Array.isArray(list) && list.length === 100_000 && list[99_999].length === 1024 && list[99_999][0] === 100_000 % 256);
  seen.length = 0;
  delay.disable();
  t.diagnostic(`binary round trip ${binarySeconds.toFixed(1)} s, list round trip ${listSeconds.toFixed(1)} s; noderl event loop delay max ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms`);

  // Still connected on both sides, and erl saw no nodedown; a last small round trip works.
  assert.equal(await erl.eval(`{lists:member('${node.name}', nodes()), receive {nodedown, _, _} = D -> D; {nodedown, _} = D -> D after 0 -> none end}`), '{true,none}');
  assert.equal(await roundTrip('T = done', 'R'), 'done');
  assert.deepEqual(nodedowns, []);
  assert.ok(node.nodes().includes(erl.node));
  assert.deepEqual(logs.filter((l) => /not responding|closed/.test(l)), []);
});

test('many distinct atoms through the atom cache erl sends, both ways, =:= on erl', { skip, timeout: 30_000 }, async () => {
  seen.length = 0;
  // 3000 atoms in one message overflow the 2048 slots; the second send uses cached entries.
  assert.equal(
    await erl.eval(
      `begin As = [list_to_atom("cache_atom_" ++ integer_to_list(I)) || I <- lists:seq(1, 3000)], [begin {echo, '${node.name}'} ! {self(), As}, receive {echo, X} -> X =:= As after 10000 -> timeout end end || _ <- [1, 2]] end`,
    ),
    '[true,true]',
  );
  assert.equal(seen[0].length, 3000);
  assert.equal(seen[0][2999], atom('cache_atom_3000'));
  assert.equal(seen[1][0], atom('cache_atom_1'));
  // 500 messages of 10 new atoms each, every one checked by erl, and a tuple of 255 atoms.
  assert.equal(
    await erl.eval(
      `lists:usort([begin T = list_to_tuple([list_to_atom("m_" ++ integer_to_list(I * 10 + J)) || J <- lists:seq(1, 10)]), {echo, '${node.name}'} ! {self(), {T, node(), self(), true}}, receive {echo, R} -> R =:= {T, node(), self(), true} after 5000 -> timeout end end || I <- lists:seq(1, 500)])`,
    ),
    '[true]',
  );
  assert.equal(await roundTrip('T = list_to_tuple([list_to_atom([$z | integer_to_list(I)]) || I <- lists:seq(1, 255)])', 'R =:= T'), 'true');
  seen.length = 0;
});

test('a closure erl sends through the atom cache goes back to erl intact and still runs', { skip }, async () => {
  assert.equal(await roundTrip('Y = 5, T = fun(X) -> X + Y end', '{R(1), R =:= T}'), '{6,true}');
  assert.ok(seen.at(-1) instanceof ErlFun);
  assert.equal(await roundTrip('T = [fun lists:reverse/1, fun(A) -> {A, node()} end]', "{(lists:nth(2, R))(a), R =:= T}"), `{{a,${erl.node}},true}`);
});
