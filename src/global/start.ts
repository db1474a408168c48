/**
 * Starting `global` with a node: the name server registered as `global_name_server` from the first
 * moment (so a peer's MONITOR_P never gets noproc), its locker and the registrar, and the node's
 * visible nodeups and nodedowns turned into `{nodeup, Node}`/`{nodedown, Node}` messages to the
 * server, as net_kernel's `monitor_nodes` delivers them in OTP. A hidden node gets a `Global` whose
 * registry stays empty and whose registrations are refused: OTP sends hidden nodes no global traffic.
 */
import { Atom, atom, tuple, type Pid, type Term } from '../term/types.js';
import type { Process } from '../process/process.js';
import { startGenServer, type ServerHost } from '../otp/gen-server.js';
import { NAME_SERVER } from './multi-call.js';
import { NameServer, type NameServerHost } from './name-server.js';
import { Global } from './global.js';
import { format } from '../term/format.js';

// NODERL_GLOBAL_TRACE=1 prints every message the server handles: the sync protocol is a dialogue
// between several nodes, and its trace is how a stuck session is found (OTP has its high-level trace).
const TRACE = process.env.NODERL_GLOBAL_TRACE === '1';
function trace(me: string, kind: string, m: Term): void {
  if (TRACE) process.stderr.write(`[gns ${me.split('@')[0]}] ${kind} ${format(m).slice(0, 300)}\n`);
}

export interface GlobalNode extends ServerHost {
  readonly hidden: boolean;
  nodes(kind: 'visible'): string[];
  send(dest: Pid, message: Term): void;
  on(event: 'nodeup', fn: (node: string, visible: boolean) => void): unknown;
  on(event: 'nodedown', fn: (node: string, reason: string, visible: boolean) => void): unknown;
}

/** Starts global on `node` (nothing runs on a hidden node); returns `node.global`. */
export function startGlobal(node: GlobalNode, host: Omit<NameServerHost, 'spawn'>): { global: Global; server: NameServer } {
  const server = new NameServer({ ...host, spawn: (fn) => node.spawn(fn) });
  const global = new Global(server, (fn) => node.spawn(fn), () => node.nodes('visible'));
  if (node.hidden) return { global, server };
  node.spawn((self: Process) => server.locker.run(self));
  void startGenServer<NameServer>(
    node,
    {
      // Trapping exits as OTP's server does: it links the pids of external names it registered.
      init: (self) => (self.trapExit(true), (server.self = self), server),
      handleCall: (req, from, s) => {
        trace(host.me, 'call', tuple(from.pid, req));
        const r = guarded(host, req, () => (req instanceof Atom ? s.handleAtomCall(req) : s.handleCall(req, from)));
        return r === undefined ? { noreply: true, state: s } : { reply: r, state: s };
      },
      handleCast: (msg, s) => (trace(host.me, 'cast', msg), guarded(host, msg, () => s.handleCast(msg)), { noreply: true, state: s }),
      handleInfo: (msg, s) => (trace(host.me, 'info', msg), guarded(host, msg, () => s.handleInfo(msg)), { noreply: true, state: s }),
    },
    { name: NAME_SERVER },
  );
  global.startRegistrar();
  const gns = (): Pid | undefined => node.whereis(NAME_SERVER);
  // Hidden connections take no part in global, as in OTP (monitor_nodes without node_type).
  node.on('nodeup', (peer, visible) => {
    const pid = gns();
    if (pid && visible) node.send(pid, tuple(atom('nodeup'), atom(peer)));
  });
  node.on('nodedown', (peer, _reason, visible) => {
    const pid = gns();
    if (pid && visible) node.send(pid, tuple(atom('nodedown'), atom(peer)));
  });
  return { global, server };
}

/**
 * A message the server cannot handle is logged and dropped: the server must outlive any peer's
 * malformed message, or MONITOR_P of it would give noproc and every name on this node would go.
 */
function guarded<T>(host: Pick<NameServerHost, 'log' | 'me'>, msg: Term, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    host.log(`** global_name_server on ${host.me}: dropped ${format(msg).slice(0, 200)}: ${String(err)} **`);
    return undefined;
  }
}
