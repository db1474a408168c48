// The round trips of the latency scenario as a noderl node makes them, and the echoes that answer
// them, shared by the bench's noderl peer (noderl-peer.js) and bench/tools/alloc-per-trip.js, so
// the tool counts the bytes of the very trips the bench times. `lib` is the noderl module under
// test (NODERL_BENCH_MODULE may point at another build).

/** One round trip of `kind` from process `self` to `dest` ({Name, Node}), or undefined when this build cannot make it. */
export function roundTrip(lib, node, kind, self, dest) {
  const { atom, tuple, isTuple } = lib;
  const PING = atom('ping');
  const PONG = atom('pong');
  if (kind === 'ping') {
    return async (i) => {
      self.send(dest, tuple(PING, self.pid, i));
      const reply = await self.receive({ timeout: 10_000 });
      if (!isTuple(reply) || reply[0] !== PONG || reply[1] !== i) throw new Error(`round trip ${i}: got ${String(reply)}`);
    };
  }
  // gen_server:call, when noderl has it (self.call, issue 5): the same echo as dist_bench.erl's.
  if (kind === 'call' && typeof self.call === 'function') {
    return async (i) => {
      const reply = await self.call(dest, i, 10_000);
      if (reply !== i) throw new Error(`call ${i}: got ${String(reply)}`);
    };
  }
  // rpc:call(B, erlang, node, []) through noderl's rpc client (node.rpc, issue 6).
  if (kind === 'rpc' && node.rpc) {
    const peer = dest[1];
    return async (i) => {
      const reply = await node.rpc.call(peer.name, 'erlang', 'node', [], { timeout: 10_000 });
      if (reply !== peer) throw new Error(`rpc ${i}: got ${String(reply)}`);
    };
  }
  return undefined;
}

/** The registered echo of the ping round trip: `{ping, From, I}` answered with `{pong, I}`. */
export function echo(lib) {
  const { atom, tuple, isTuple } = lib;
  const PING = atom('ping');
  const PONG = atom('pong');
  return async (self) => {
    for (;;) {
      const m = await self.receive();
      if (isTuple(m) && m.length === 3 && m[0] === PING) self.send(m[1], tuple(PONG, m[2]));
    }
  };
}

/** The echo gen_server of dist_bench.erl: every call answered with its request. */
export const ECHO_SERVER = { init: () => null, handleCall: (request, _from, state) => ({ reply: request, state }) };
