// `noderl observe NODE --once --json` and `--json` (a snapshot a line) against a real cluster: a
// real erl node holding `busy` with 1000 queued messages, and a noderl node connected to it. The
// values are checked against what the erl node says of itself; then the noderl node is frozen
// (SIGSTOP: the erl node's warning lines, for its silence and for its stuck send queue), and
// killed with kill -9 (shown as down).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runNoderl } from '../support/noderl-cli.js';
import { skip, snapshotOf, startCluster, startObserve } from './support.js';

let cluster;

before(async () => {
  if (!skip) cluster = await startCluster();
});
after(async () => {
  await cluster?.stop();
});

const byNode = (snapshot, name) => snapshot.cluster.find((n) => n.node === name);

test('--once --json: both nodes with their kind, the connection both ways, busy with 1000 queued, rex on noderl', { skip }, async () => {
  const { erl, js } = cluster;
  const run = await runNoderl(['observe', erl.node, '--cookie', erl.cookie, '--once', '--json'], { epmdPort: cluster.epmd.port });
  assert.equal(run.code, 0, run.stderr);
  const snapshot = JSON.parse(run.stdout);
  assert.match(snapshot.observer, /^noderl_observe_/);
  assert.deepEqual(snapshot.cluster.map((n) => n.node), [erl.node, js.name]); // the start node first
  const [b, n] = [byNode(snapshot, erl.node), byNode(snapshot, js.name)];
  assert.equal(b.kind, 'beam');
  assert.equal(n.kind, 'noderl');
  assert.equal(b.state, 'up');
  assert.equal(n.state, 'up');
  assert.deepEqual(b.connected, [js.name]); // the observer itself is left out
  assert.deepEqual(n.connected, [erl.node]);
  assert.deepEqual(snapshot.warnings, []);

  const busy = b.processes.find((p) => p.name === 'busy');
  assert.ok(busy, JSON.stringify(b.processes.slice(0, 3)));
  assert.equal(busy.messageQueueLen, 1000);
  assert.equal(b.processes[0].name, 'busy'); // sorted by queue length
  assert.equal(busy.pid, await erl.eval('pid_to_list(whereis(busy))').then((s) => s.replace(/"/g, '')));
  assert.equal(typeof busy.memory, 'number');
  assert.ok(busy.memory > 1000 * 16, `1000 messages take room: ${busy.memory}`);
  assert.equal(typeof busy.reductions, 'number');
  assert.match(busy.currentFunction, /^\w+:\w+\/\d+$/);
  const rex = n.processes.find((p) => p.name === 'rex');
  assert.ok(rex, JSON.stringify(n.processes));
  assert.match(rex.pid, /^<0\.\d+\.\d+>$/);

  // What the erl node says of itself, read right after.
  const count = Number(await erl.eval('erlang:system_info(process_count)'));
  assert.ok(Math.abs(b.processCount - count) <= 5, `${b.processCount} vs ${count}`);
  assert.equal(b.memory.total > 0 && b.memory.processes > 0, true);
  assert.deepEqual([b.globalNames, n.globalNames], [['orders'], ['orders']]); // global's registry is replicated
  assert.deepEqual(b.pgGroups, ['workers']);
  assert.deepEqual(n.pgGroups, ['workers']); // the noderl node's default pg scope has BEAM's group replicated
  assert.equal(b.netTicktime, 4);
  assert.equal(n.netTicktime, 4);

  // The connection from both ends: the same link, the same bytes each way give or take the traffic between the two reads.
  const [bc] = b.connections;
  const [nc] = n.connections;
  assert.equal(bc.peer, js.name);
  assert.equal(nc.peer, erl.node);
  assert.equal(bc.type, 'visible');
  assert.equal(nc.type, 'visible');
  for (const c of [bc, nc]) for (const k of ['bytesIn', 'bytesOut', 'messagesIn', 'messagesOut', 'sendQueueBytes']) assert.equal(typeof c[k], 'number', `${k} of ${JSON.stringify(c)}`);
  assert.ok(Math.abs(bc.bytesIn - nc.bytesOut) < 2000 && Math.abs(bc.bytesOut - nc.bytesIn) < 2000, JSON.stringify([bc, nc]));
  assert.ok(nc.lastInputAgeMs >= 0 && nc.lastInputAgeMs < 2000, `ticks every second: ${nc.lastInputAgeMs}`);
  assert.equal(bc.lastInputAgeMs, null); // a BEAM node's age needs two readings
});

test('--once prints the text view; bad usage is exit 2; an unreachable node is exit 1', { skip }, async () => {
  const { erl, js, epmd } = cluster;
  const text = await runNoderl(['observe', erl.node, '--cookie', erl.cookie, '--once', '--sort', 'memory'], { epmdPort: epmd.port });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /sort: memory/);
  assert.match(text.stdout, new RegExp(`>${erl.node}\\s+beam\\s+up`));
  assert.match(text.stdout, new RegExp(` ${js.name}\\s+noderl\\s+up`));
  assert.match(text.stdout, /busy\s+1000\s/);
  assert.equal((await runNoderl(['observe', erl.node, '--sort', 'size'], { epmdPort: epmd.port })).code, 2);
  assert.equal((await runNoderl(['observe', erl.node, '--web', '0', '--once'], { epmdPort: epmd.port })).code, 2);
  const gone = await runNoderl(['observe', `nobody@${erl.node.split('@')[1]}`, '--cookie', erl.cookie, '--once', '--json'], { epmdPort: epmd.port });
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /cannot connect/);
});

test('--json with refreshes further apart than a 4 s ticktime: the observer ticks as the erl node asks, and stays', { skip }, async () => {
  const { erl, epmd } = cluster;
  const observe = startObserve([erl.node, '--cookie', erl.cookie, '--json', '--interval', '9000'], { epmdPort: epmd.port });
  try {
    const { observer } = snapshotOf(await observe.waitFor((l) => snapshotOf(l) !== undefined));
    const since = Date.now();
    // The next refresh is 9 s away: 3.5 s of slack for a loaded machine after the 5.5 s below.
    // Silent for 4 s, it would be dropped (between 4 and 5 s) and dialled again at the next refresh.
    await new Promise((r) => setTimeout(r, 5500));
    assert.equal(await erl.eval(`lists:member('${observer}', nodes(hidden))`), 'true');
    assert.ok(Date.now() - since < 9000 && observe.lines.length === 1, 'no refresh came in between');
  } finally {
    assert.equal(await observe.stop('SIGTERM'), 0, observe.stderr());
  }
});

test('--json: a frozen peer gets warning lines (silence, send queue) before it is dropped; killed with kill -9 it shows as down', { skip }, async () => {
  const { erl, js, epmd } = cluster;
  const observe = startObserve([erl.node, '--cookie', erl.cookie, '--json', '--interval', '300'], { epmdPort: epmd.port });
  try {
    const up = (line) => byNode(snapshotOf(line) ?? { cluster: [] }, js.name)?.state === 'up';
    await observe.waitFor((l) => up(l) && byNode(snapshotOf(l), erl.node).connections[0]?.lastInputAgeMs !== null);
    process.kill(js.child.pid, 'SIGSTOP'); // frozen: no ticks, no answers
    // ... and a megabyte every 100 ms sent to it, which piles up in the erl node's send queue.
    await erl.eval(`begin spawn(fun() -> B = binary:copy(<<1>>, 1000000), [begin {nowhere, '${js.name}'} ! B, timer:sleep(100) end || _ <- lists:seq(1, 40)] end), ok end`);
    const warned = snapshotOf(await observe.waitFor((l) => snapshotOf(l)?.warnings.some((w) => w.startsWith(`${erl.node}: nothing from ${js.name}`))));
    const age = byNode(warned, erl.node).connections.find((c) => c.peer === js.name).lastInputAgeMs;
    assert.ok(age >= 2000 && age < 4000 + 1000, `warned at ${age} ms, before the 4 s ticktime drops it`);
    assert.match(warned.warnings.join('\n'), /dropped after 4 s/);
    // BEAM's send_pend is the port's queue: it fills, then stays full while nothing more is written.
    const stuck = snapshotOf(await observe.waitFor((l) => snapshotOf(l)?.warnings.some((w) => new RegExp(`^${erl.node}: send queue to ${js.name} (keeps growing|does not drain)`).test(w))));
    assert.ok(byNode(stuck, erl.node).connections.find((c) => c.peer === js.name).sendQueueBytes > 0);
    // The erl node drops it; so does the observer, which ticks as the erl node's 4 s ticktime asks,
    // unless it is still waiting for it to answer.
    await observe.waitFor((l) => {
      const s = snapshotOf(l);
      return s && !byNode(s, erl.node).connected.includes(js.name) && ['unresponsive', 'down'].includes(byNode(s, js.name)?.state);
    });
    assert.ok(observe.lines.some((l) => byNode(snapshotOf(l) ?? { cluster: [] }, js.name)?.state === 'unresponsive'), 'frozen, it did not answer');
    process.kill(js.child.pid, 'SIGKILL');
    const down = snapshotOf(await observe.waitFor((l) => byNode(snapshotOf(l) ?? { cluster: [] }, js.name)?.state === 'down'));
    assert.equal(byNode(down, js.name).kind, 'noderl'); // still known for what it was
    assert.equal(byNode(down, erl.node).state, 'up');
  } finally {
    assert.equal(await observe.stop('SIGINT'), 0, observe.stderr()); // a clean stop on ^C
  }
});
