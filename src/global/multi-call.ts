/**
 * `gen_server:multi_call/3` and `gen_server:cast/2` to `global_name_server` on many nodes, made by
 * the calling process itself. global's locks belong to the pid that asked for them (the remote
 * server monitors it), so the locker and the registrar must make their calls themselves, not
 * through a short-lived helper: OTP 25's `do_multi_call` with an infinite timeout does the same,
 * From = `{Self, {Tag, Node}}`, one monitor per node, replies `{{Tag, Node}, Reply}`.
 */
import { Atom, atom, isTuple, Ref, tuple, type Term, type TermInput, type Tuple } from '../term/types.js';
import { type Process } from '../process/process.js';
import { refKey } from '../process/local-identity.js';
import { isDown, sendRequest, type DownMessage } from '../process/gen.js';
import { GEN_CALL, GEN_CAST } from '../term/atoms.js';

/** `global_name_server`, the registered name of global's server on every node. */
export const NAME_SERVER = atom('global_name_server');

/** `gen_server:cast({global_name_server, Node}, Msg)`. */
export function castNameServer(self: Process, node: string, message: TermInput): void {
  self.send(tuple(NAME_SERVER, atom(node)), tuple(GEN_CAST, message));
}

/** `{{Tag, Node}, Reply}`: multi_call's reply from one node. */
type NodeReply = Tuple<[Tuple<[Ref, Atom]>, Term]>;

/**
 * Calls `{global_name_server, N}` on every node of `nodes` at once; resolves to the replies of the
 * nodes that answered (a node that is down or has no server is left out, as multi_call's BadNodes).
 */
export async function multiCallNameServer(self: Process, nodes: readonly string[], request: TermInput): Promise<Array<[string, Term]>> {
  const tag = self.makeRef();
  const waiting = new Map<string, { node: string; mref: Ref }>();
  for (const node of new Set(nodes)) { // a node named twice is called once, as multi_call does
    const server = tuple(NAME_SERVER, atom(node));
    const mref = sendRequest(self, server, () => tuple(GEN_CALL, tuple(self.pid, tuple(tag, atom(node))), request));
    waiting.set(refKey(mref), { node, mref });
  }
  const tagKey = refKey(tag);
  const isReply = (x: Term): x is NodeReply =>
    isTuple(x) && x.length === 2 && isTuple(x[0]) && x[0].length === 2 && x[0][0] instanceof Ref && refKey(x[0][0]) === tagKey && x[0][1] instanceof Atom;
  const replies: Array<[string, Term]> = [];
  const byNode = new Map([...waiting.values()].map((w) => [w.node, w]));
  while (byNode.size > 0) {
    const m = await self.receive({ match: (x): x is NodeReply | DownMessage => isReply(x) || (isDown(x) && waiting.has(refKey(x[1]))) });
    if (isDown(m)) {
      const w = waiting.get(refKey(m[1]))!;
      waiting.delete(refKey(w.mref));
      byNode.delete(w.node);
      continue;
    }
    const node = m[0][1].name;
    const w = byNode.get(node);
    if (!w) continue;
    self.demonitor(w.mref);
    waiting.delete(refKey(w.mref));
    byNode.delete(node);
    replies.push([node, m[1]]);
  }
  return replies;
}
