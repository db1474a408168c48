// A node that is not distributed, made distributed by netKernel.start and local again by
// netKernel.stop (net_kernel:start/stop in the chapter), against a real erl node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { atom, tuple, Pid } from '../../dist/term/types.js';
import { encode, equals, format } from '../../dist/index.js';
import { isTag } from '../support/processes.js';

const skip = erlSkip();
let epmd;
let erl;
const nodes = [];

before(async () => {
  if (skip) return;
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port });
});

after(async () => {
  for (const n of nodes) await n.stop();
  await erl?.stop();
  await epmd?.stop();
});

async function localNode() {
  const { Node } = await import('../../dist/node/node.js');
  const node = await Node.start({ cookie: erl.cookie, epmdPort: epmd.port, log: () => {}, output: () => {} });
  nodes.push(node);
  return node;
}

/** Evaluates `expr` in erl until it prints `want` (global names travel asynchronously). */
async function erlUntil(expr, want, timeoutMs = 8000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await erl.eval(expr);
    if (got === want || Date.now() > end) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A process answering `{From, hello}` with `{hi, self()}` and keeping the EXIT messages it gets. */
function echo(node, exits) {
  return node.spawn(async (self) => {
    self.trapExit(true);
    for (;;) {
      const m = await self.receive();
      if (isTag('EXIT')(m)) exits.push(m);
      else if (Array.isArray(m) && m[1] === atom('hello')) self.send(m[0], tuple(atom('hi'), self.pid));
    }
  });
}

/** `{echo, Node} ! {self(), hello}` from a short-lived process of `node`: the pid that answered. */
function helloLocal(node) {
  return new Promise((resolve, reject) => {
    node.spawn(async (self) => {
      self.send('echo', tuple(self.pid, atom('hello')));
      const m = await self.receive({ match: isTag('hi'), timeout: 5000 });
      if (m === undefined || typeof m === 'symbol') reject(new Error('no answer'));
      else resolve(m[1]);
    });
  });
}

test('not distributed, then netKernel.start: erl reaches the registered name and the pid captured before; stop and start again', { skip }, async () => {
  const node = await localNode();
  assert.equal(node.name, 'nonode@nohost');
  assert.equal(node.creation, 0);
  assert.equal(node.alive, false);
  assert.equal(node.port, undefined);
  assert.deepEqual(node.nodes(), []);
  assert.equal(await node.ping(erl.node), 'pang');
  assert.equal(await node.connect(erl.node), false);
  assert.equal(await node.rpc.call(node.name, 'erlang', 'is_alive', []), false);
  assert.equal(await node.rpc.call(node.name, 'erlang', 'node', []), atom('nonode@nohost'));

  const exits = [];
  const captured = echo(node, exits);
  assert.ok(node.register('echo', captured));
  assert.equal(format(captured, { localNode: node.nodeAtom }), `<0.${captured.id}.0>`);
  assert.ok(equals(await helloLocal(node), captured));
  assert.equal(await node.global.registerName(atom('nk_echo'), captured), 'yes'); // global runs locally
  assert.ok(equals(node.global.whereisName(atom('nk_echo')), captured));

  const ups = [];
  node.on('nodeup', (peer) => ups.push(peer));
  const fries = uniqueName('fries');
  await node.netKernel.start({ sname: fries });
  assert.match(node.name, new RegExp(`^${fries}@`));
  assert.equal(node.alive, true);
  assert.notEqual(node.creation, 0);
  // The same pid, now with the node's name and creation, on the wire too.
  assert.equal(captured.node, node.nodeAtom);
  assert.equal(captured.creation, node.creation);
  assert.ok(equals(captured, new Pid(node.nodeAtom, captured.id, 0, node.creation)));
  assert.deepEqual(encode(captured), encode(new Pid(node.nodeAtom, captured.id, 0, node.creation)));
  assert.equal(await node.rpc.call(node.name, 'erlang', 'is_alive', []), true);

  const N = `'${node.name}'`;
  const friesName = node.name;
  assert.equal(await erl.eval(`net_adm:ping(${N})`), 'pong');
  assert.deepEqual(ups, [erl.node]);
  // By the registered name, and to the pid erl learns through global: the pid captured before start.
  assert.equal(
    await erl.eval(`begin {echo, ${N}} ! {self(), hello}, receive {hi, P} -> node(P) after 5000 -> timeout end end`),
    friesName,
  );
  assert.equal(await erlUntil(`begin global:sync(), is_pid(global:whereis_name(nk_echo)) end`, 'true'), 'true');
  assert.equal(
    await erl.eval(`begin G = global:whereis_name(nk_echo), G ! {self(), hello}, receive {hi, P} -> {P =:= G, node(G)} after 5000 -> timeout end end`),
    `{true,${friesName}}`,
  );
  // erl links to the pid and watches the node.
  await erl.eval(
    `begin Me = self(), register(nk_watch, spawn(fun() -> process_flag(trap_exit, true), G = global:whereis_name(nk_echo), link(G), G ! {self(), hello}, receive {hi, _} -> ok end, monitor_node(${N}, true), Me ! linked, R1 = receive {'EXIT', _, R} -> R end, R2 = receive {nodedown, _} = M -> M end, receive {get, F} -> F ! {got, R1, R2} end end)), receive linked -> ok end end`,
  );
  // (the hello went after the LINK from the same process, so its answer means noderl has the link)

  const down = new Promise((resolve) => node.once('nodedown', (peer, reason) => resolve([peer, reason])));
  await node.netKernel.stop();
  assert.deepEqual(await down, [erl.node, 'shutdown']);
  assert.equal(node.name, 'nonode@nohost');
  assert.equal(node.alive, false);
  assert.equal(node.creation, 0);
  assert.deepEqual(node.nodes(), []);
  assert.equal(
    await erl.eval(`begin nk_watch ! {get, self()}, receive {got, _, _} = M -> M after 5000 -> timeout end end`),
    `{got,noconnection,{nodedown,${friesName}}}`,
  );
  assert.equal(await erl.eval(`net_adm:ping(${N})`), 'pang');
  // The process runs on with its state and name, as nonode@nohost.
  assert.ok(node.isAlive(captured));
  assert.equal(captured.node, atom('nonode@nohost'));
  assert.ok(equals(await helloLocal(node), captured));
  await until('the EXIT of the link from erl', () => exits.length >= 1);
  assert.equal(exits.length, 1, 'the link from erl came down with noconnection');
  assert.equal(format(exits[0][2]), 'noconnection');
  assert.ok(equals(node.global.whereisName(atom('nk_echo')), captured), 'a local global name stays');
  assert.equal(await node.ping(erl.node), 'pang');

  // Again, under another name.
  const chips = uniqueName('chips');
  await node.netKernel.start({ sname: chips });
  const C = `'${node.name}'`;
  assert.match(node.name, new RegExp(`^${chips}@`));
  assert.equal(
    await erl.eval(`begin {echo, ${C}} ! {self(), hello}, receive {hi, P} -> node(P) after 5000 -> timeout end end`),
    node.name,
  );
  assert.equal(await erlUntil(`begin global:sync(), catch node(global:whereis_name(nk_echo)) end`, node.name), node.name);
  assert.ok(equals(await helloLocal(node), captured));
});

test('netKernel bad input: stop when not distributed, start twice, a name in use, no name', { skip }, async () => {
  const { NetKernelError } = await import('../../dist/index.js');
  const node = await localNode();
  await assert.rejects(node.netKernel.stop(), (err) => err instanceof NetKernelError && err.code === 'ERR_NODERL_NOT_DISTRIBUTED' && err.reason === atom('not_found'));
  await assert.rejects(node.netKernel.start({}), RangeError);
  // erl's own name: the port mapper refuses it; the node stays local and serves.
  await assert.rejects(node.netKernel.start({ sname: erl.name }), /seems to be in use/);
  assert.equal(node.alive, false);
  assert.equal(node.name, 'nonode@nohost');
  const exits = [];
  const pid = echo(node, exits);
  node.register('echo', pid);
  assert.ok(equals(await helloLocal(node), pid));

  await node.netKernel.start({ sname: uniqueName('twice') });
  const name = node.name;
  await assert.rejects(node.netKernel.start({ sname: uniqueName('other') }), (err) => err instanceof NetKernelError && err.code === 'ERR_NODERL_ALREADY_STARTED' && format(err.reason).startsWith('{already_started,'));
  assert.equal(node.name, name);
  assert.equal(await erl.eval(`net_adm:ping('${name}')`), 'pong');
  await node.netKernel.stop();
  await assert.rejects(node.netKernel.stop(), NetKernelError);
  assert.ok(node.isAlive(pid));
});

/** A process that collects every message it gets into `got`. */
function collector(node, got) {
  return node.spawn(async (self) => {
    for (;;) got.push(await self.receive());
  });
}

async function until(what, check, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("not distributed, OTP's answers: connect_node and get_net_ticktime ignored, monitor_node notalive, nodes(known), nocookie; distributed, the real ones", { skip }, async () => {
  const { NotAliveError } = await import('../../dist/index.js');
  const node = await localNode();
  const me = node.name;
  // The TS API (erl -noshell without -sname answers the same; docs/otp-facts.md)
  assert.equal(await node.netKernel.connectNode(erl.node), 'ignored');
  assert.equal(node.netKernel.getNetTicktime(), 'ignored');
  assert.deepEqual(node.nodes('known'), ['nonode@nohost']);
  assert.equal(node.getCookie(), 'nocookie');
  assert.equal(node.getCookie(erl.node), 'nocookie');
  await assert.rejects(node.monitorNode(erl.node), (err) => err instanceof NotAliveError && err.code === 'ERR_NODERL_NOT_ALIVE' && err.error === atom('notalive'));
  // ...and what a process gets calling the built-ins
  assert.equal(await node.rpc.call(me, 'net_kernel', 'connect_node', [atom(erl.node)]), atom('ignored'));
  assert.equal(await node.rpc.call(me, 'net_kernel', 'get_net_ticktime', []), atom('ignored'));
  assert.deepEqual(await node.rpc.call(me, 'erlang', 'nodes', [atom('known')]), [atom('nonode@nohost')]);
  assert.deepEqual(await node.rpc.call(me, 'erlang', 'nodes', [[atom('this'), atom('known')]]), [atom('nonode@nohost'), atom('nonode@nohost')]);
  assert.equal(await node.rpc.call(me, 'erlang', 'get_cookie', []), atom('nocookie'));
  // monitor_node in a process raises notalive (for false too); uncaught, the process exits as on BEAM
  const caught = await new Promise((resolve) => {
    node.spawn(async (self) => {
      const out = [];
      for (const on of [true, false]) {
        try {
          self.monitorNode(erl.node, on);
          out.push('returned');
        } catch (err) {
          out.push(err instanceof NotAliveError ? format(err.error) : String(err));
        }
      }
      resolve(out);
    });
  });
  assert.deepEqual(caught, ['notalive', 'notalive']);
  const reason = await new Promise((resolve) => {
    node.spawn(async (self) => {
      const pid = node.spawn(async (s) => s.monitorNode(erl.node));
      const ref = self.monitor(pid);
      const down = await self.receive({ match: (m) => isTag('DOWN')(m) && equals(m[1], ref), timeout: 5000 });
      resolve(format(down[4]));
    });
  });
  assert.equal(reason, `{notalive,[{erlang,monitor_node,[${erl.node},true],[]}]}`);

  await node.netKernel.start({ sname: uniqueName('answers') });
  assert.equal(await node.netKernel.connectNode(erl.node), true);
  assert.equal(await node.netKernel.connectNode(atom(erl.node)), true);
  assert.equal(node.netKernel.getNetTicktime(), 60);
  assert.equal(node.getCookie(), erl.cookie);
  assert.equal(await node.rpc.call(node.name, 'erlang', 'get_cookie', []), atom(erl.cookie));
  assert.equal(await node.rpc.call(node.name, 'net_kernel', 'get_net_ticktime', []), 60);
  assert.deepEqual(node.nodes('known'), [node.name, erl.node]);
  const gone = node.monitorNode(erl.node);
  node.disconnect(erl.node);
  await gone;
  // Erlang-facing connect_node on a distributed node: reconnects (erl's own answer on this node is the same)
  assert.equal(await node.rpc.call(node.name, 'net_kernel', 'connect_node', [atom(erl.node)]), true);
  assert.equal(await erl.eval(`rpc:call('${node.name}', net_kernel, connect_node, ['${erl.node}'])`), 'true');
  await node.netKernel.stop();
  assert.equal(node.getCookie(), 'nocookie');
  assert.equal(node.netKernel.getNetTicktime(), 'ignored');
  assert.deepEqual(node.nodes('known'), ['nonode@nohost']);
});

test('monitor_nodes across netKernel.stop and start: net_kernel_terminated for the peers, then the own name, as OTP; subscriptions stay', { skip }, async () => {
  const node = await localNode();
  const full = [];
  const plain = [];
  const mn = [];
  node.netKernel.monitorNodes(collector(node, full), true, { nodedownReason: true, nodeType: 'all' });
  node.netKernel.monitorNodes(collector(node, plain), true);
  const events = [];
  node.netKernel.watchNodes((e) => events.push(`${e.event} ${e.node} ${e.reason ?? ''}`.trim()), { nodedownReason: true });

  await node.netKernel.start({ sname: uniqueName('mon') });
  const me = node.name;
  assert.equal(await node.ping(erl.node), 'pong');
  const watcher = node.spawn(async (self) => {
    self.monitorNode(erl.node);
    mn.push(await self.receive());
  });
  await until('the nodeups', () => full.length === 2 && plain.length === 2);
  await node.netKernel.stop();
  await until('the nodedowns', () => full.length === 4 && plain.length === 4 && mn.length === 1);
  assert.ok(!node.isAlive(watcher));
  assert.deepEqual(full.map((m) => format(m)), [
    `{nodeup,${me},[{node_type,visible}]}`,
    `{nodeup,${erl.node},[{node_type,visible}]}`,
    `{nodedown,${erl.node},[{nodedown_reason,net_kernel_terminated},{node_type,visible}]}`,
    `{nodedown,${me},[{nodedown_reason,net_kernel_terminated},{node_type,visible}]}`,
  ]);
  assert.deepEqual(plain.map((m) => format(m)), [`{nodeup,${me}}`, `{nodeup,${erl.node}}`, `{nodedown,${erl.node}}`, `{nodedown,${me}}`]);
  assert.deepEqual(mn.map((m) => format(m)), [`{nodedown,${erl.node}}`]);
  assert.deepEqual(events, [`nodeup ${me}`, `nodeup ${erl.node}`, `nodedown ${erl.node} net_kernel_terminated`, `nodedown ${me} net_kernel_terminated`]);

  // The subscriptions outlive the stop: the next start reports the new name.
  await node.netKernel.start({ sname: uniqueName('mon2') });
  await until('the second nodeup', () => plain.length === 5);
  assert.equal(format(plain[4]), `{nodeup,${node.name}}`);
  // node.stop while distributed: the same reasons to code outside processes
  const second = node.name;
  assert.equal(await node.ping(erl.node), 'pong');
  await node.stop();
  assert.deepEqual(events.slice(-3), [`nodeup ${erl.node}`, `nodedown ${erl.node} net_kernel_terminated`, `nodedown ${second} net_kernel_terminated`]);
});

test('a stopped name no longer leads to the node: netKernel.stop and node.stop forget it', { skip }, async () => {
  const { homeOf } = await import('../../dist/process/local-identity.js');
  const node = await localNode();
  await node.netKernel.start({ sname: uniqueName('forget') });
  const first = new Pid(node.nodeAtom, 4242, 0, node.creation); // as decoded from the wire
  assert.ok(homeOf(first) !== undefined);
  await node.netKernel.stop();
  assert.equal(homeOf(first), undefined);
  await node.netKernel.start({ sname: uniqueName('forget2') });
  const second = new Pid(node.nodeAtom, 4242, 0, node.creation);
  assert.ok(homeOf(second) !== undefined);
  assert.equal(homeOf(first), undefined);
  await node.stop();
  assert.equal(homeOf(second), undefined);
});

test("global names carried to the new name keep their resolve method: a JS resolver decides the conflict, a built-in's fun travels to erl", { skip }, async () => {
  const node = await localNode();
  const calls = [];
  const resolve = (name, p1, p2) => (calls.push([name, p1, p2]), 'none');
  const a = echo(node, []);
  const b = echo(node, []);
  const js = atom(uniqueName('nk_js'));
  const notify = atom(uniqueName('nk_notify'));
  assert.equal(await node.global.registerName(js, a, resolve), 'yes');
  assert.equal(await node.global.registerName(notify, b, 'random_notify_name'), 'yes');
  // 'aa…' < 'erl…': this node runs exchange_names, so its resolver decides the conflict
  await node.netKernel.start({ sname: uniqueName('aa') });
  await erl.eval(`P = spawn(fun() -> receive _ -> ok end end), yes = global:register_name('${js.name}', P)`);
  assert.equal(await node.ping(erl.node), 'pong');
  await node.global.sync();
  assert.equal(await erl.eval('global:sync()'), 'ok');
  assert.equal(calls.length, 1, 'the JS resolver given before netKernel.start decided');
  assert.equal(calls[0][0], js);
  assert.equal(node.global.whereisName(js), undefined);
  assert.equal(await erl.eval(`global:whereis_name('${js.name}')`), 'undefined');
  assert.equal(await erlUntil(`element(3, hd(ets:lookup(global_names, '${notify.name}')))`, 'fun global:random_notify_name/3'), 'fun global:random_notify_name/3');
});

test('hidden and the listen range hold for every netKernel.start, as -hidden and inet_dist_listen_min/max do; a stop and a start may overlap', { skip }, async () => {
  const { Node } = await import('../../dist/node/node.js');
  const min = 20000 + Math.floor(Math.random() * 20000);
  const node = await Node.start({ sname: uniqueName('hid'), hidden: true, listen: { min, max: min + 20 }, cookie: erl.cookie, epmdPort: epmd.port, log: () => {}, output: () => {} });
  nodes.push(node);
  assert.equal(node.hidden, true);
  assert.ok(node.port >= min && node.port <= min + 20, `port ${node.port} in ${min}..${min + 20}`);
  // stop and start again at once: the start waits for the stop, and the node ends up distributed.
  const stopped = node.netKernel.stop();
  const again = uniqueName('hid2');
  await Promise.all([stopped, node.netKernel.start({ sname: again })]);
  assert.equal(node.name.split('@')[0], again);
  assert.equal(node.alive, true);
  assert.equal(node.hidden, true, 'still hidden');
  assert.ok(node.port >= min && node.port <= min + 20, `port ${node.port} still in the range`);
  assert.equal(await node.ping(erl.node), 'pong');
  assert.equal(await erl.eval(`lists:member('${node.name}', nodes(hidden))`), 'true');
  assert.equal(await erl.eval(`lists:member('${node.name}', nodes())`), 'false');
});

test('a failed netKernel.start leaves the cookie and ticktime as they were', { skip }, async () => {
  const node = await localNode();
  const taken = erl.node.split('@')[0]; // erl holds this name in the port mapper
  await assert.rejects(node.netKernel.start({ sname: taken, cookie: 'other', ticktime: 7 }), /in use/);
  assert.equal(node.alive, false);
  assert.equal(node.getNetTicktime(), 60);
  await node.netKernel.start({ sname: uniqueName('after') });
  assert.equal(node.getCookie(), erl.cookie, 'the cookie given to Node.start, not the failed start');
  assert.equal(await node.ping(erl.node), 'pong');
});
