// connectAll: false, as `erl -connect_all false`. Checked on OTP 25.2.3 erl to erl: such a node's
// global ignores nodeups, so it syncs with nobody (get_known stays [], no names are exchanged
// either way, no transitive connections); a peer's init_connect waits unanswered, so global:sync()
// waits on both sides; names it registers stay local; locks still work. noderl matches it as
// either side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { uniqueName } from '../support/epmd.js';
import { erlNodes, eventually, setup } from './support.js';

let c;
let atom;

const { skip } = setup(async (cl) => {
  c = cl;
  ({ atom } = await import('../../dist/term/types.js'));
});

/** Two BEAM nodes in sync with a name each. */
async function pair() {
  const b = await c.erl();
  const d = await c.erl();
  assert.equal(await b.eval(`net_adm:ping('${d.node}')`), 'pong');
  assert.equal(await b.eval('global:sync()'), 'ok');
  await b.eval('P = spawn(fun() -> receive _ -> ok end end), yes = global:register_name(on_b, P)');
  return { b, d };
}

/** A full member that joins through b: once it is meshed and synced, global on b has had its turn. */
async function barrier(b, d) {
  const m = await c.noderl();
  assert.equal(await m.ping(b.node), 'pong');
  await eventually('m meshed', () => m.nodes().includes(d.node));
  await m.global.sync();
  assert.ok(m.global.whereisName(atom('on_b')));
  return m;
}

const knownOf = (e, node) => e.eval(`gen_server:call({global_name_server, '${node}'}, get_known)`);

test('a noderl node with connectAll false stays out of the mesh and of the name sync; locks still work', { skip }, async () => {
  const { b, d } = await pair();
  const n = await c.noderl({ connectAll: false });
  const p = n.spawn((self) => self.receive());
  assert.equal(await n.global.registerName(atom('on_n'), p), 'yes');
  assert.equal(await n.ping(b.node), 'pong');
  const m = await barrier(b, d);
  assert.deepEqual(n.nodes(), [b.node]);
  assert.ok(!(await erlNodes(d)).includes(n.name));
  assert.equal(await knownOf(b, n.name), '[]');
  assert.equal(n.global.whereisName(atom('on_b')), undefined);
  assert.deepEqual(n.global.registeredNames(), [atom('on_n')]);
  assert.equal(await b.eval('global:whereis_name(on_n)'), 'undefined');
  assert.equal(m.global.whereisName(atom('on_n')), undefined);
  // b's locks reach n all the same
  assert.equal(await b.eval(`global:set_lock({cl, beam}, [node(), '${n.name}'], 0)`), 'true');
  const held = await new Promise((resolve) => n.spawn(async (self) => resolve(await n.global.setLock(self, [atom('cl'), atom('js')], [n.name], 0))));
  assert.equal(held, false);
  assert.equal(await b.eval(`global:del_lock({cl, beam}, [node(), '${n.name}'])`), 'true');
  n.send(p, atom('stop'));
});

test('a BEAM node with -connect_all false and noderl: noderl gets no answer to init_connect and no names, and meshes nobody to it', { skip }, async () => {
  const { b, d } = await pair();
  const x = await c.erl(['-connect_all', 'false']);
  await x.eval('P = spawn(fun() -> receive _ -> ok end end), yes = global:register_name(on_x, P)');
  const m = await barrier(b, d);
  assert.equal(await m.ping(x.node), 'pong');
  const m2 = await barrier(b, d); // another full sync through b after m met x
  assert.deepEqual(await erlNodes(x), [m.name]);
  assert.ok(!m2.nodes().includes(x.node));
  assert.equal(await knownOf(x, x.node), '[]');
  assert.equal(m.global.whereisName(atom('on_x')), undefined);
  assert.equal(await x.eval('global:whereis_name(on_b)'), 'undefined');
  assert.equal(await knownOf(x, m.name).then((k) => k.includes(x.node)), false);
});

test('noderl start --connect-all false starts such a node; another value is refused', { skip }, async () => {
  const bin = fileURLToPath(new URL('../../bin/noderl.js', import.meta.url));
  const run = (args) => {
    const child = spawn(process.execPath, [bin, 'start', ...args], { env: { ...process.env, ERL_EPMD_PORT: String(c.epmd.port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.out = '';
    child.stdout.on('data', (d) => (child.out += d));
    child.done = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    return child;
  };
  assert.equal(await run(['--sname', uniqueName('cli'), '--connect-all', 'maybe']).done, 2);
  const { b, d } = await pair();
  const name = uniqueName('cli');
  const child = run(['--sname', name, '--cookie', c.cookie, '--connect-all', 'false']);
  try {
    await eventually('started', () => child.out.includes('started'));
    const node = `${name}@${b.node.split('@')[1]}`;
    assert.equal(await b.eval(`net_adm:ping('${node}')`), 'pong');
    await barrier(b, d);
    assert.ok(!(await erlNodes(d)).includes(node));
    assert.equal(await knownOf(b, node), '[]');
  } finally {
    child.kill('SIGTERM');
    await child.done;
  }
});
