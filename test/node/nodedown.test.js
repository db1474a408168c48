// kill -9 of a BEAM peer: every link and monitor toward it fires with noconnection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useErlAndNode, uniqueName } from '../support/epmd.js';
import { atom, tuple } from '../../dist/term/types.js';
import { format } from '../../dist/term/format.js';
import { isTag } from '../support/processes.js';

let erl;
let node;
const { skip } = useErlAndNode({ ping: false, ready: (s) => ({ erl, node } = s) });


test('kill -9 of the erl node: links and monitors fire with noconnection', { skip }, async () => {
  const reg = uniqueName('far');
  await erl.eval(`begin register(${reg}, spawn(fun L() -> receive {P} -> P ! {me, self()}, L() end end)), ok end`);
  const ready = [];
  const results = [];
  const watcher = (trap) =>
    new Promise((resolve) => {
      const pid = node.spawn(async (self) => {
        self.trapExit(trap);
        self.send(tuple(atom(reg), atom(erl.node)), tuple(self.pid));
        const [, e] = await self.receive({ match: isTag('me'), timeout: 5000 });
        self.link(e);
        const ref = self.monitor(e);
        const byName = self.monitor(tuple(atom(reg), atom(erl.node)));
        resolve();
        const a = await self.receive({ match: isTag('EXIT'), timeout: 10_000 });
        const b = await self.receive({ match: (m) => isTag('DOWN')(m) && m[1] === ref, timeout: 1000 });
        const c = await self.receive({ match: (m) => isTag('DOWN')(m) && m[1] === byName, timeout: 1000 });
        results.push([a, b, c]);
      });
      ready.push(pid);
    });
  await watcher(true);
  const plain = node.spawn(async (self) => {
    self.send(tuple(atom(reg), atom(erl.node)), tuple(self.pid));
    const [, e] = await self.receive({ match: isTag('me'), timeout: 5000 });
    self.link(e);
    await self.receive({ match: () => false });
  });
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(node.isAlive(plain));
  const down = new Promise((resolve) => node.once('nodedown', resolve));
  process.kill(erl.pid, 'SIGKILL');
  await down;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(results.length, 1);
  const [a, b, c] = results[0];
  assert.equal(format(a[2]), 'noconnection');
  assert.equal(format(b[4]), 'noconnection');
  assert.equal(format(c[4]), 'noconnection');
  assert.equal(format(c[3]), format(tuple(atom(reg), atom(erl.node))));
  assert.equal(node.isAlive(plain), false, 'a linked process that does not trap exits dies with noconnection');
});
