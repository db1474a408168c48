// Shared set-up for the global tests: one private epmd, real erl nodes and noderl nodes with one
// random cookie, all stopped by the caller's `after`.
import { randomBytes } from 'node:crypto';
import { before, after } from 'node:test';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';

/**
 * A global test file's set-up: `skip` when erl is missing (a failure with REQUIRE_ERLANG=1), else
 * a cluster started before the tests, handed to `ready` (which loads what the tests use and starts
 * the nodes they share), and stopped after them. Call it at the top level of the file.
 */
export function setup(ready = async () => {}) {
  const skip = erlSkip();
  let c;
  before(async () => {
    if (skip) return;
    c = await cluster();
    await ready(c);
  });
  after(async () => {
    await c?.stop();
  });
  return { skip };
}

export async function cluster() {
  const epmd = await startEpmd();
  const cookie = randomBytes(12).toString('hex');
  const erls = [];
  const nodes = [];
  const { Node } = await import('../../dist/node/node.js');
  return {
    epmd,
    cookie,
    async erl(args = [], name = uniqueName('erl')) {
      const e = await startErlNode({ epmdPort: epmd.port, cookie, args, name });
      erls.push(e);
      return e;
    },
    async noderl(options = {}) {
      const n = await Node.start({ sname: uniqueName('js'), cookie, epmdPort: epmd.port, log: () => {}, ...options });
      nodes.push(n);
      return n;
    },
    /** A node that is not distributed (`nonode@nohost`), which `netKernel.start` can name later. */
    async local(options = {}) {
      const n = await Node.start({ cookie, epmdPort: epmd.port, log: () => {}, ...options });
      nodes.push(n);
      return n;
    },
    async stop() {
      for (const n of nodes) await n.stop();
      for (const e of erls) await e.stop();
      await epmd.stop();
    },
  };
}

/** Polls `check` (sync or async) until it returns a truthy value; throws with `what` after `ms`. */
export async function eventually(what, check, ms = 15000) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An erl node's nodes() as a sorted array of names. */
export async function erlNodes(erl) {
  const text = await erl.eval('nodes()');
  return text.replace(/[[\]']/g, '').split(',').filter(Boolean).sort();
}

/** A noderl process that records everything it receives in `got`, until it is killed. */
export function recorder(n) {
  const got = [];
  const pid = n.spawn(async (self) => {
    for (;;) got.push(await self.receive());
  });
  return { pid, got };
}

/**
 * erl a and b connected, then a noderl node that pings a only: meshed with b through global, and
 * `global:sync()` done on all three. The shared starting point of the names, locks and partitions tests.
 */
export async function erlPairWithNoderl(c) {
  const a = await c.erl();
  const b = await c.erl();
  if ((await a.eval(`net_adm:ping('${b.node}')`)) !== 'pong') throw new Error(`${a.node} got no pong from ${b.node}`);
  const n = await c.noderl();
  if ((await n.ping(a.node)) !== 'pong') throw new Error(`${n.name} got no pong from ${a.node}`);
  await eventually('mesh', () => n.nodes().includes(b.node));
  for (const e of [a, b]) if ((await e.eval('global:sync()')) !== 'ok') throw new Error(`global:sync() on ${e.node}`);
  await n.global.sync();
  return { a, b, n };
}

/**
 * Connects the first noderl node to every other node, then waits until every node sees the whole
 * mesh and global is in sync everywhere.
 */
export async function meshAll(noderls, erls) {
  const [first, ...rest] = noderls;
  const total = noderls.length + erls.length;
  for (const x of rest) if ((await first.ping(x.name)) !== 'pong') throw new Error(`no pong from ${x.name}`);
  for (const e of erls) if ((await first.ping(e.node)) !== 'pong') throw new Error(`no pong from ${e.node}`);
  for (const e of erls) await eventually(`${e.node} meshed`, async () => (await erlNodes(e)).length === total - 1);
  for (const n of noderls) await eventually(`${n.name} meshed`, () => n.nodes().length === total - 1);
  for (const e of erls) if ((await e.eval('global:sync()')) !== 'ok') throw new Error(`global:sync() on ${e.node}`);
  for (const n of noderls) await n.global.sync();
}
