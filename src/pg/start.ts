/**
 * Starting a pg scope: `pg:start(Scope)` is `gen_server:start({local, Scope}, pg, [Scope], [])`,
 * so the scope's process is registered under the scope's name (peers address it as
 * `{Scope, Node}`), and its `init` subscribes to visible nodeups (`net_kernel:monitor_nodes(true)`)
 * and sends `{discover, Self}` to every visible node. The node's nodeup events become
 * `{nodeup, Node}` messages to the scope, as monitor_nodes delivers them in OTP.
 */
import { atom, isTuple, tuple, type Atom, type Pid, type Term, type TermInput } from '../term/types.js';
import { NODEUP } from '../term/atoms.js';
import { format } from '../term/format.js';
import type { Destination } from '../process/process.js';
import { startGenServer, type ServerHost } from '../otp/gen-server.js';
import { PgScope } from './scope.js';

/** What pg needs from its node. */
export interface PgNode extends ServerHost {
  /** `node()`: local pids carry it. */
  readonly nodeAtom: Atom;
  isAlive(pid: Pid): boolean;
  /** `nodes()`: the visible nodes, which pg discovers. */
  visibleNodes(): string[];
  /** True while a connection to `node` is up (for `send(…, [noconnect])`). */
  connected(node: string): boolean;
  send(dest: Destination, message: TermInput): void;
  /** Calls `fn` on every nodeup until the returned function is called. */
  onNodeUp(fn: (node: string, visible: boolean) => void): () => void;
  /** `gen_server:call/3` from a short-lived process. */
  call(dest: Destination, request: TermInput, timeoutMs: number): Promise<Term>;
  log(line: string): void;
}

/** A scope that runs: its process and its server state (whose table `get_members` reads). */
export interface RunningScope {
  readonly pid: Pid;
  readonly scope: PgScope;
}

/**
 * Starts the scope `name` and calls `started` from its `init`, before any message is handled.
 * Rejects with `GenServerStartError({already_started, Pid})` when the name is taken.
 */
export function startScope(node: PgNode, name: Atom, started: (running: RunningScope) => void): Promise<Pid> {
  const scope = new PgScope(name, {
    sendNoconnect: (self, dest, message) => {
      const to = isTuple(dest) ? (dest[1] as Atom) : dest.node;
      if (to === self.pid.node || node.connected(to.name)) self.send(dest, message);
    },
  });
  return startGenServer<PgScope>(
    node,
    {
      init: (self) => {
        const off = node.onNodeUp((peer, visible) => {
          if (!node.isAlive(self.pid)) return off();
          if (visible) node.send(self.pid, tuple(NODEUP, atom(peer)));
        });
        started({ pid: self.pid, scope });
        return scope.init(self, node.visibleNodes());
      },
      handleCall: (request, from, s) => ({ reply: guarded(node, name, request, () => s.handleCall(request, from.pid)) ?? false, state: s }),
      handleCast: (message, s) => (guarded(node, name, message, () => s.handleCast(message)), { noreply: true, state: s }),
      handleInfo: (message, s) => (guarded(node, name, message, () => s.handleInfo(message)), { noreply: true, state: s }),
    },
    { name },
  );
}

/** A message the scope cannot take is logged and dropped (OTP's scope would end with badarg). */
function guarded<T>(node: PgNode, scope: Atom, message: Term, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    node.log(`** pg scope ${scope.name}: dropped ${format(message).slice(0, 200)}: ${String(err)} **`);
    return undefined;
  }
}
