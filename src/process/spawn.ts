/**
 * Remote spawn (otp-distribution.md §5 "SPAWN_REQUEST", §7.2): serving a peer's SPAWN_REQUEST
 * as ERTS does (erts_internal:dist_spawn_request, erl_proc_sig_queue.c) and the options our own
 * requests carry. Every request is answered with a SPAWN_REPLY, even one we cannot honour: OTP's
 * `spawn/4` blocks its caller until the reply comes (§11 item 5).
 */
import { atom, tuple, type Atom, type Pid, type Term } from '../term/types.js';
import { parseSpawnOptions } from './spawn-options.js';
import { SpawnReplyFlag, type SpawnRequest, type Signal, type SignalTarget } from '../channel/control.js';
import type { Process } from './process.js';
import { builtin, type BuiltinContext } from '../modules/builtins.js';
import type { CodePath } from '../modules/code-path.js';
import { ErlangError } from './exceptions.js';
import { UNDEF } from '../term/atoms.js';

const BADOPT = atom('badopt');

/** Runs `M:F(Args)` for a process: the code path, then the built-ins; `undef` when neither has it. */
export type Apply = (self: Process, module: Atom, fn: Atom, args: Term[]) => Promise<Term>;

/** What serving a SPAWN_REQUEST needs from the node. */
export interface SpawnHost {
  spawnWith(fn: (self: Process) => unknown, groupLeader: Pid): Pid;
  /** Delivers a signal to a process of this node at once (ProcessTable.deliverLocal). */
  deliverLocal(to: Pid, signal: Signal): void;
  route(to: SignalTarget, signal: Signal): void;
  apply: Apply;
}

/**
 * Serves a SPAWN_REQUEST: spawns `M:F(Args)` with the request's group leader, sets up the link
 * and monitor it asks for (the monitor's ref is the ReqId), and answers SPAWN_REPLY before the new
 * process can send anything. An unknown function still spawns, and the process exits
 * `{undef, [{M, F, Args, []}]}`, as on BEAM (§11 item 6).
 */
export function serveSpawnRequest(host: SpawnHost, req: SpawnRequest): void {
  const opts = parseSpawnOptions(req.options);
  if (!opts) {
    host.route(req.from, { kind: 'spawn_reply', ref: req.reqId, flags: 0, result: BADOPT });
    return;
  }
  const pid = host.spawnWith((self) => host.apply(self, req.module, req.function, req.args), req.groupLeader);
  if (opts.link) host.deliverLocal(pid, { kind: 'link', from: req.from });
  if (opts.monitor) host.deliverLocal(pid, { kind: 'monitor', from: req.from, ref: req.reqId, target: pid });
  host.route(req.from, { kind: 'spawn_reply', ref: req.reqId, flags: (opts.link ? SpawnReplyFlag.LINK : 0) | (opts.monitor ? SpawnReplyFlag.MONITOR : 0), result: pid });
}

/** What the built-ins need from the node (src/services/builtins.ts), less `apply`, which this file makes. */
export type ApplyContext = Omit<BuiltinContext, 'apply'>;

/**
 * `apply(M, F, Args)` for processes of a node: the built-ins, then the code path. Neither having
 * `M:F/Arity` raises `{undef, [{M, F, Args, []}]}`, the reason BEAM gives. Built-ins come first
 * so a code-path module cannot shadow them, as sticky modules cannot be reloaded on BEAM.
 */
export function createApply(code: CodePath | undefined, node: ApplyContext): Apply {
  const ctx: BuiltinContext = {
    get nodeAtom() {
      return node.nodeAtom; // the node's current name: it changes with net_kernel:start/stop
    },
    nodes: (kind) => node.nodes(kind),
    stop: () => node.stop(),
    apply: (self, m, f, args) => apply(self, m, f, args),
    node: node.node,
  };
  const apply: Apply = async (self, m, f, args) => {
    const b = builtin(m.name, f.name, args.length);
    if (b) return b(ctx, self, args);
    const fn = await code?.resolve(m.name, f.name, args.length);
    if (fn) return (await fn(self, ...args)) as Term;
    throw new ErlangError(UNDEF, [tuple(m, f, args, [])]);
  };
  return apply;
}
