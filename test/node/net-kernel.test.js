// node.netKernel against real erl: monitor_nodes seen from both sides with every info form,
// connect_node, ticktime, and allow/1 refusing in both directions with OTP's log lines.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { erlSkip, uniqueName } from '../support/epmd.js';
import { cluster, eventually } from '../global/support.js';
import { TIMEOUT } from '../../dist/process/mailbox.js';
import { format } from '../../dist/term/format.js';

const skip = erlSkip();
let c;
after(async () => c?.stop());
async function setup() {
  c ??= await cluster();
  return c;
}

/**
 * Waits until global on both sides is done with the new connection: a lock still being released
 * when the connection goes is released over a new one, which an erl's locker dials.
 */
async function globalSettled(n, e) {
  await n.global.sync();
  await e.eval('global:sync()');
  await eventually('erl holds no global locks', async () => (await e.eval('ets:info(global_locks, size)')) === '0');
  await new Promise((r) => setTimeout(r, 200)); // the last del_lock call to the noderl side
}

/** Every message `self` gets until `ms` pass without one, formatted. */
async function drain(self, ms = 300) {
  const out = [];
  for (;;) {
    const m = await self.receive({ timeout: ms });
    if (m === TIMEOUT) return out;
    out.push(format(m));
  }
}

test('erl monitor_nodes sees a visible and a hidden noderl node come and go, with node_type and nodedown_reason', { skip }, async () => {
  const { erl, noderl } = await setup();
  const e = await erl();
  await e.eval(
    'begin Self = self(), register(col, spawn(fun() -> ok = net_kernel:monitor_nodes(true, [{node_type, all}, nodedown_reason]), ok = net_kernel:monitor_nodes(true), Self ! subscribed, (fun L(Acc) -> receive {get, P} -> P ! {got, lists:reverse(Acc)}, L(Acc); M -> L([M | Acc]) end end)([]) end)), receive subscribed -> ok end end',
  );
  const visible = await noderl();
  assert.equal(await visible.ping(e.node), 'pong');
  await globalSettled(visible, e);
  await visible.stop();
  await eventually('erl sees the visible node go', async () => !(await e.eval('nodes(connected)')).includes(visible.name));
  const hidden = await noderl({ hidden: true });
  assert.equal(await hidden.ping(e.node), 'pong');
  await hidden.stop();
  await eventually('erl sees the hidden node go', async () => !(await e.eval('nodes(connected)')).includes(hidden.name));
  const got = await e.eval('begin col ! {get, self()}, receive {got, L} -> L after 5000 -> timeout end end');
  const [v, h] = [visible.name, hidden.name];
  assert.equal(
    got,
    `[{nodeup,${v},[{node_type,visible}]},{nodeup,${v}},` +
      `{nodedown,${v},[{nodedown_reason,connection_closed},{node_type,visible}]},{nodedown,${v}},` +
      `{nodeup,${h},[{node_type,hidden}]},{nodedown,${h},[{nodedown_reason,connection_closed},{node_type,hidden}]}]`,
  );
});

test('noderl monitorNodes sees erl nodes as erl does: each subscription its own form, false takes one back, watchNodes for code outside processes', { skip }, async () => {
  const { erl, noderl } = await setup();
  const [e1, e2] = await Promise.all([erl(), erl(['-hidden'])]);
  const n = await noderl();
  const events = [];
  const unwatch = n.netKernel.watchNodes((ev) => events.push(`${ev.event} ${ev.node} ${ev.nodeType} ${ev.reason ?? '-'} ${format(ev.message)}`), { nodeType: 'all' });
  const got = await new Promise((resolve, reject) => {
    n.spawn(async (self) => {
      try {
        const nk = n.netKernel;
        assert.equal(nk.monitorNodes(self, true, { nodeType: 'all', nodedownReason: true }), 'ok');
        nk.monitorNodes(self, true, { nodedownReason: true });
        nk.monitorNodes(self.pid, true, { nodeType: 'visible' });
        nk.monitorNodes(self, true);
        nk.monitorNodes(self, true, { nodedownReason: true, nodeType: 'hidden' });
        assert.equal(nk.monitorNodes(self, false, { nodeType: 'visible' }), 'ok');
        assert.equal(nk.monitorNodes(self, false, { nodeType: 'visible' }), 'ok'); // none left: still ok
        assert.throws(() => nk.monitorNodes(self, true, { nodeType: 'x' }), RangeError);
        assert.equal(await nk.connectNode(e1.node), true);
        assert.equal(await nk.connectNode(e2.node), true);
        await globalSettled(n, e1);
        await e1.eval(`erlang:disconnect_node('${n.name}')`); // the peer closes: connection_closed here
        await eventually('e1 gone', () => !n.nodes().includes(e1.node));
        n.disconnect(e2.node); // we close: disconnect
        resolve(await drain(self));
      } catch (err) {
        reject(err);
      }
    });
  });
  const [a, b] = [e1.node, e2.node];
  assert.deepEqual(got, [
    `{nodeup,${a},[{node_type,visible}]}`,
    `{nodeup,${a},[]}`,
    `{nodeup,${a}}`,
    `{nodeup,${b},[{node_type,hidden}]}`,
    `{nodeup,${b},[{node_type,hidden}]}`,
    `{nodedown,${a},[{nodedown_reason,connection_closed},{node_type,visible}]}`,
    `{nodedown,${a},[{nodedown_reason,connection_closed}]}`,
    `{nodedown,${a}}`,
    `{nodedown,${b},[{nodedown_reason,disconnect},{node_type,hidden}]}`,
    `{nodedown,${b},[{nodedown_reason,disconnect},{node_type,hidden}]}`,
  ]);
  assert.deepEqual(events, [
    `nodeup ${a} visible - {nodeup,${a},[{node_type,visible}]}`,
    `nodeup ${b} hidden - {nodeup,${b},[{node_type,hidden}]}`,
    `nodedown ${a} visible connection_closed {nodedown,${a},[{node_type,visible}]}`,
    `nodedown ${b} hidden disconnect {nodedown,${b},[{node_type,hidden}]}`,
  ]);
  unwatch();
  assert.equal(await n.netKernel.connectNode(e1.node), true);
  assert.equal(events.length, 4, 'no events after unwatch');
  // A subscriber that ended gets nothing and its subscription goes.
  const gone = n.spawn(async (self) => void n.netKernel.monitorNodes(self, true));
  await eventually('subscriber ended', () => !n.isAlive(gone));
  n.disconnect(e1.node);
  assert.equal(await n.netKernel.connectNode(uniqueName('nobody') + '@' + a.split('@')[1]), false);
});

test('getNetTicktime/setNetTicktime delegate to the node', { skip }, async () => {
  const { noderl } = await setup();
  const n = await noderl({ ticktime: 20 });
  assert.equal(n.netKernel.getNetTicktime(), 20);
  assert.equal(n.netKernel.setNetTicktime(20), 'unchanged');
  assert.equal(n.netKernel.setNetTicktime(8), 'change_initiated');
  assert.equal(n.getNetTicktime(), 8);
  assert.throws(() => n.netKernel.setNetTicktime(0), RangeError);
});

test('allow: a listed erl node connects both ways, another gets pang and is refused with OTP log lines, in both directions', { skip }, async () => {
  const { erl, epmd, cookie } = await setup();
  const [ok1, bad] = await Promise.all([erl(), erl()]);
  const lines = [];
  const { Node } = await import('../../dist/node/node.js');
  const n = await Node.start({ sname: uniqueName('js'), cookie, epmdPort: epmd.port, log: (l) => lines.push(l) });
  try {
    assert.equal(n.netKernel.allow(['x@y', 1]), 'error');
    assert.equal(n.netKernel.allow([ok1.node]), 'ok');
    assert.equal(await bad.eval(`net_adm:ping('${n.name}')`), 'pang');
    assert.ok(lines.includes(`** Connection attempt from disallowed node ${bad.node} **`), lines.join('\n'));
    assert.equal(await n.netKernel.connectNode(bad.node), false);
    assert.ok(lines.includes(`** Connection attempt with disallowed node ${bad.node} **`), lines.join('\n'));
    assert.equal(await ok1.eval(`net_adm:ping('${n.name}')`), 'pong');
    n.disconnect(ok1.node);
    await eventually('ok1 gone', () => !n.nodes().includes(ok1.node));
    assert.equal(await n.ping(ok1.node), 'pong');
    assert.deepEqual(n.nodes('connected'), [ok1.node]);
    // The node kept serving: the refused node's global and ours agree there is nothing between them.
    assert.equal(await bad.eval('nodes()'), '[]');
  } finally {
    await n.stop();
  }
});
