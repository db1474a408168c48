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

const BADOPT = atom('badopt');

/** Runs `M:F(Args)` for a process (the node's modules, src/modules/registry.ts). */
export type Apply = (self: Process, module: Atom, fn: Atom, args: Term[]) => Promise<Term>;

/** What serving a SPAWN_REQUEST needs from the node. */
export interface SpawnHost {
  spawnWith(fn: (self: Process) => unknown, groupLeader: Pid, initialCall?: Term): Pid;
  /** Delivers a signal to a process of this node at once (ProcessTable.deliverLocal). */
  deliverLocal(to: Pid, signal: Signal): void;
  route(to: SignalTarget, signal: Signal): void;
}

/**
 * Serves a SPAWN_REQUEST: spawns `M:F(Args)` with the request's group leader, sets up the link
 * and monitor it asks for (the monitor's ref is the ReqId), and answers SPAWN_REPLY before the new
 * process can send anything. An unknown function still spawns, and the process exits
 * `{undef, [{M, F, Args, []}]}`, as on BEAM (§11 item 6).
 */
export function serveSpawnRequest(host: SpawnHost, req: SpawnRequest, apply: Apply): void {
  const opts = parseSpawnOptions(req.options);
  if (!opts) {
    host.route(req.from, { kind: 'spawn_reply', ref: req.reqId, flags: 0, result: BADOPT });
    return;
  }
  const pid = host.spawnWith((self) => apply(self, req.module, req.function, req.args), req.groupLeader, tuple(req.module, req.function, req.args.length));
  if (opts.link) host.deliverLocal(pid, { kind: 'link', from: req.from });
  if (opts.monitor) host.deliverLocal(pid, { kind: 'monitor', from: req.from, ref: req.reqId, target: pid });
  host.route(req.from, { kind: 'spawn_reply', ref: req.reqId, flags: (opts.link ? SpawnReplyFlag.LINK : 0) | (opts.monitor ? SpawnReplyFlag.MONITOR : 0), result: pid });
}
