/**
 * The options of a remote spawn (`spawn_opt/5`) as they travel in a SPAWN_REQUEST, the answer
 * message a `spawn_request` gets, and the error a refused spawn raises. A leaf module: processes import it, and it imports nothing of theirs.
 */
import { Atom, atom, isTuple, Pid, toAtom, tuple, type Term, type Tuple } from '../term/types.js';
import { ERROR, OK, SPAWN_REPLY } from '../term/atoms.js';

const LINK = atom('link');
const MONITOR = atom('monitor');

/** What our own remote spawns ask for (`spawn_opt/5` options that travel on the wire). */
export interface SpawnOptions {
  /** `spawn_link`: the new process is linked to the caller. */
  link?: boolean;
  /** `spawn_monitor`: the caller monitors it; the monitor's ref is the request id. */
  monitor?: boolean;
  /** `{priority, P}`: sent as OTP sends it; noderl itself runs every process alike. */
  priority?: 'low' | 'normal' | 'high' | 'max';
  /** Further spawn_opt options, sent as given (`tuple(atom('fullsweep_after'), 10)`); the peer answers badopt for one it refuses. */
  extra?: Term[];
}

/**
 * `erlang:spawn_request/5`'s options: those of a remote spawn, and `reply`, which says which
 * answers come as messages: `yes` (default) both `{spawn_reply, ReqId, ok, Pid}` and
 * `{spawn_reply, ReqId, error, Reason}`, `error_only`, `success_only`, or `no`. The SPAWN_REPLY
 * still crosses the wire in every case (it sets up the link and the monitor); `reply` only
 * decides what reaches the mailbox.
 */
export interface SpawnRequestOptions extends SpawnOptions {
  reply?: 'yes' | 'no' | 'error_only' | 'success_only';
  /** `{reply_tag, Tag}`: the first element of the answer messages instead of `spawn_reply`. */
  replyTag?: Term;
}

/**
 * The message a `spawn_request` answers with, `{ReplyTag, ReqId, ok, Pid}` or
 * `{ReplyTag, ReqId, error, Reason}` (a pid is a success), or null when its `reply` mode wants
 * none of that kind.
 */
export function spawnAnswer(reply: SpawnRequestOptions['reply'] = 'yes', replyTag: Term | undefined, reqId: Term, result: Term): Tuple | null {
  const ok = result instanceof Pid;
  if (reply !== 'yes' && reply !== (ok ? 'success_only' : 'error_only')) return null;
  return tuple(replyTag ?? SPAWN_REPLY, reqId, ok ? OK : ERROR, result);
}

/** The spawn_opt list for a SPAWN_REQUEST, in the order OTP writes it (`[monitor, link]`). */
export function spawnOptions(o: SpawnOptions): Term[] {
  const out: Term[] = [];
  if (o.priority) out.push(tuple(atom('priority'), atom(o.priority)));
  if (o.monitor) out.push(MONITOR);
  if (o.link) out.push(LINK);
  if (o.extra) out.push(...o.extra);
  return out;
}

/** `M:F/Arity` for messages (a refused spawn's, an rpc's error). */
export function mfaName(m: string | Atom, f: string | Atom, args: readonly unknown[]): string {
  return `${toAtom(m).name}:${toAtom(f).name}/${Array.isArray(args) ? args.length : '?'}`;
}

/** A remote spawn answered with an error atom (`badopt`, `notsup`, `system_limit`, `noconnection`, ...). */
export class SpawnError extends Error {
  readonly code = 'ERR_NODERL_SPAWN';
  constructor(
    /** The error in the SPAWN_REPLY, as `spawn/4` raises it. */
    readonly reason: Term,
    readonly node: string,
    readonly mfa: string,
  ) {
    super(`spawn of ${mfa} on ${node} failed: ${reason instanceof Atom ? reason.name : String(reason)}`);
    this.name = 'SpawnError';
  }
}

/** The spawn_opt options a SPAWN_REQUEST may carry that take a value; ERTS ignores none, noderl ignores the values. */
const VALUE_OPTIONS = new Set(['priority', 'fullsweep_after', 'min_heap_size', 'min_bin_vheap_size', 'max_heap_size', 'message_queue_data', 'monitor', 'async_dist']);

/** `link`/`monitor` from a request's options, or undefined when one is not a valid spawn option (badopt). */
export function parseSpawnOptions(options: Term[]): { link: boolean; monitor: boolean } | undefined {
  let link = false;
  let monitor = false;
  for (const o of options) {
    if (o === LINK) link = true;
    else if (o === MONITOR) monitor = true;
    else if (isTuple(o) && o.length === 2 && o[0] instanceof Atom && VALUE_OPTIONS.has(o[0].name)) monitor ||= o[0] === MONITOR;
    else return undefined; // {reply, _} is local-only: a peer sending it gets badopt, as from OTP (§5)
  }
  return { link, monitor };
}

