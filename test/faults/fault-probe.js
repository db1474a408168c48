// The noderl side of the fault tests, run inside a noderl node's own process by
// test/support/noderl-ipc-child.js: the functions of fault_probe.erl (read its header) with the
// same replies, written against noderl's public API. Terms in replies become JSON: atoms their
// names, tuples and lists arrays.

const SENDS_PER_TURN = 100; // let the connection flush between bursts, as bench/lib/noderl-peer.js

/** Atoms to names, tuples and lists to arrays, pids to their Erlang text. */
function toJson(term, noderl) {
  if (term instanceof noderl.Atom) return term.name;
  if (Array.isArray(term)) return Array.from(term, (t) => toJson(t, noderl));
  if (term instanceof noderl.Pid) return noderl.format(term);
  if (typeof term === 'bigint') return String(term);
  return term;
}

/** A process running `handle(message)` for each message into a log `report()` returns; registered as `name`. */
function recorder({ node, state }, name, handle, init = () => {}) {
  const log = [];
  state[name] = log;
  const pid = node.spawn(async (self) => {
    init(self);
    for (;;) log.push(handle(await self.receive()));
  });
  node.register(name, pid);
  return pid;
}

export function start(ctx) {
  const { node, noderl, state } = ctx;
  const { atom, isTuple } = noderl;
  state.nrl_events = [];
  for (const kind of ['nodeup', 'nodedown']) node.on(kind, (peer) => state.nrl_events.push([kind, peer, Date.now()]));
  const nodeOf = (pid) => pid.node.name;
  const held = (m) => {
    if (isTuple(m) && m[0] === atom('EXIT')) return ['exit', nodeOf(m[1]), toJson(m[2], noderl)];
    if (isTuple(m) && m[0] === atom('linked')) return ['linked', nodeOf(m[1]), 'ok'];
    return ['other', node.name, toJson(m, noderl)];
  };
  recorder(ctx, 'nrl_holder', held, (self) => self.trapExit(true));
  recorder(ctx, 'nrl_sink', (m) => (isTuple(m) && m[0] === atom('seq') ? [m[1].name, m[2].name, m[3]] : ['other', node.name, toJson(m, noderl)]));
  return 'ok';
}

export async function watch(ctx, nodes) {
  const { node, noderl } = ctx;
  const { atom, isTuple, tuple } = noderl;
  const holders = [];
  for (const n of nodes) holders.push(await node.rpc.call(n, 'erlang', 'whereis', [atom('nrl_holder')]));
  await new Promise((resolve) => {
    const watched = (m) => {
      if (isTuple(m) && m[0] === atom('EXIT')) return ['exit', m[1].node.name, toJson(m[2], noderl)];
      if (isTuple(m) && m[0] === atom('DOWN')) return ['down', m[3].node.name, toJson(m[4], noderl)];
      return ['other', node.name, toJson(m, noderl)];
    };
    recorder(ctx, 'nrl_watcher', watched, (self) => {
      self.trapExit(true);
      for (const holder of holders) {
        self.link(holder);
        self.monitor(holder);
        // after the link on the same path, so the holder sees it once the link holds
        self.send(holder, tuple(atom('linked'), self.pid));
      }
      resolve();
    });
  });
  return 'ok';
}

export function report({ state }) {
  return [state.nrl_events, state.nrl_holder, state.nrl_watcher ?? [], sinkSummary(state.nrl_sink)];
}

/** [Tag, From, Count, InOrder] per stream, as fault_probe:sink_summary/1. */
function sinkSummary(entries) {
  const streams = new Map();
  for (const [tag, from, i] of entries) {
    if (tag === 'other') continue;
    const key = `${tag} ${from}`;
    if (!streams.has(key)) streams.set(key, [tag, from, []]);
    streams.get(key)[2].push(i);
  }
  return [...streams.values()].sort().map(([tag, from, is]) => [tag, from, is.length, is.every((x, k) => x === k + 1)]);
}

export function connect({ node }, peer) {
  return node.connect(peer);
}

export function nodes({ node }) {
  return node.nodes();
}

export async function sync({ node }) {
  await node.global.sync();
  return 'ok';
}

/** A process registered here as owner_Name, then globally as Name. */
export function register_global(ctx, name) {
  const owner = idle(ctx, `owner_${name}`);
  return ctx.node.global.registerName(ctx.noderl.atom(name), owner);
}

export async function join(ctx, group) {
  await ctx.node.pg.join(ctx.noderl.atom(group), idle(ctx));
  return 'ok';
}

export function send_seq({ node, noderl }, to, tag, count, bytes) {
  const { atom, tuple } = noderl;
  const payload = Buffer.alloc(bytes, 'x');
  const dest = tuple(atom('nrl_sink'), atom(to));
  return new Promise((resolve, reject) => {
    node.spawn(async (self) => {
      try {
        for (let i = 1; i <= count; i++) {
          self.send(dest, tuple(atom('seq'), atom(tag), atom(node.name), i, payload));
          if (i % SENDS_PER_TURN === 0) await new Promise((r) => setImmediate(r));
        }
        resolve('ok');
      } catch (err) {
        reject(err);
      }
    });
  });
}

function idle({ node }, name) {
  const pid = node.spawn((self) => self.receive());
  if (name !== undefined) node.register(name, pid);
  return pid;
}
