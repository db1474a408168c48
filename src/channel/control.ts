/**
 * Control messages (otp-distribution.md §5) to and from the {@link Signal}s processes exchange:
 * the one place that knows op codes. Outgoing, the forms OTP 25 itself sends when the flags allow
 * (SEND_SENDER, PAYLOAD_EXIT*, UNLINK_ID); incoming, every form a peer may use, old, new and traced
 * (a peer switches from "hopeful" to negotiated forms mid-connection, §5). Only `connection.ts`
 * calls the encoders and decoders: above the channel, signals and spawn requests travel as these
 * types, never as tuples (the shape of erl_dist's `message.rs`: one type, one read and one write).
 */
import { Atom, atom, isList, isTuple, Pid, Ref, tuple, type Term, type Tuple } from '../term/types.js';
import { DistFlag, hasFlag } from './flags.js';

/** A registered name on a node: the target of `{Name, Node} ! Msg` and of a monitor by name. */
export interface NameAt {
  name: Atom;
  node: Atom;
}
/** Where a signal goes. */
export type Address = Pid | NameAt;
/** Where a signal can be routed: an {@link Address}, or an alias (a message only). */
export type SignalTarget = Address | Ref;

/** The signals between processes (the control messages of otp-distribution.md §5, by meaning). */
export type Signal =
  | { kind: 'message'; from: Pid; message: Term }
  | { kind: 'link'; from: Pid }
  | { kind: 'unlink'; from: Pid; id: bigint | number }
  | { kind: 'unlink_ack'; from: Pid; id: bigint | number }
  | { kind: 'exit'; from: Pid; reason: Term; link: boolean }
  | { kind: 'monitor'; from: Pid; ref: Ref; target: Pid | Atom }
  | { kind: 'demonitor'; from: Pid; ref: Ref; target: Pid | Atom }
  /** `from` is what the watcher monitored: the pid, or the name atom for a monitor by name. */
  | { kind: 'down'; from: Pid | Atom; ref: Ref; reason: Term }
  /** GROUP_LEADER: `from` is the new group leader (op 7 carries it where other ops carry the sender). */
  | { kind: 'group_leader'; from: Pid }
  /** The answer to our SPAWN_REQUEST `ref`: `flags` 1 link, 2 monitor; `result` the pid or an error atom. */
  | { kind: 'spawn_reply'; ref: Ref; flags: number; result: Term };

export const Op = {
  LINK: 1,
  SEND: 2,
  EXIT: 3,
  UNLINK: 4,
  REG_SEND: 6,
  GROUP_LEADER: 7,
  EXIT2: 8,
  SEND_TT: 12,
  EXIT_TT: 13,
  REG_SEND_TT: 16,
  EXIT2_TT: 18,
  MONITOR_P: 19,
  DEMONITOR_P: 20,
  MONITOR_P_EXIT: 21,
  SEND_SENDER: 22,
  SEND_SENDER_TT: 23,
  PAYLOAD_EXIT: 24,
  PAYLOAD_EXIT_TT: 25,
  PAYLOAD_EXIT2: 26,
  PAYLOAD_EXIT2_TT: 27,
  PAYLOAD_MONITOR_P_EXIT: 28,
  SPAWN_REQUEST: 29,
  SPAWN_REQUEST_TT: 30,
  SPAWN_REPLY: 31,
  SPAWN_REPLY_TT: 32,
  ALIAS_SEND: 33,
  ALIAS_SEND_TT: 34,
  UNLINK_ID: 35,
  UNLINK_ID_ACK: 36,
} as const;

const EMPTY = atom('');

/** A control tuple and its payload, ready for the outbox (`Outbox.send`). */
export type Outgoing = [control: Tuple, payload: Term | undefined];

/** The control message that carries `signal` to `to` over a connection with `flags`. */
export function encodeSignal(to: SignalTarget, signal: Signal, flags: bigint): Outgoing | undefined {
  // `Alias ! Msg`: ALIAS_SEND, only when ALIAS was negotiated; else dropped, as OTP drops it (§7.1).
  if (to instanceof Ref) return signal.kind === 'message' && hasFlag(flags, DistFlag.ALIAS) ? [tuple(Op.ALIAS_SEND, signal.from, to), signal.message] : undefined;
  const payloadExits = hasFlag(flags, DistFlag.EXIT_PAYLOAD);
  const toPid = to instanceof Pid ? to : undefined;
  switch (signal.kind) {
    case 'message':
      if (!toPid) return [tuple(Op.REG_SEND, signal.from, EMPTY, (to as { name: Atom }).name), signal.message];
      if (hasFlag(flags, DistFlag.SEND_SENDER)) return [tuple(Op.SEND_SENDER, signal.from, toPid), signal.message];
      return [tuple(Op.SEND, EMPTY, toPid), signal.message];
    case 'link':
      return toPid && [tuple(Op.LINK, signal.from, toPid), undefined];
    case 'unlink':
      if (!toPid) return undefined;
      if (hasFlag(flags, DistFlag.UNLINK_ID)) return [tuple(Op.UNLINK_ID, signal.id, signal.from, toPid), undefined];
      return [tuple(Op.UNLINK, signal.from, toPid), undefined];
    case 'unlink_ack':
      // An old-protocol UNLINK (op 4, no UNLINK_ID) expects no ack.
      if (!toPid || !hasFlag(flags, DistFlag.UNLINK_ID)) return undefined;
      return [tuple(Op.UNLINK_ID_ACK, signal.id, signal.from, toPid), undefined];
    case 'exit': {
      if (!toPid) return undefined;
      if (payloadExits) return [tuple(signal.link ? Op.PAYLOAD_EXIT : Op.PAYLOAD_EXIT2, signal.from, toPid), signal.reason];
      return [tuple(signal.link ? Op.EXIT : Op.EXIT2, signal.from, toPid, signal.reason), undefined];
    }
    case 'monitor':
      return [tuple(Op.MONITOR_P, signal.from, signal.target, signal.ref), undefined];
    case 'demonitor':
      return [tuple(Op.DEMONITOR_P, signal.from, signal.target, signal.ref), undefined];
    case 'down':
      if (!toPid) return undefined;
      if (payloadExits) return [tuple(Op.PAYLOAD_MONITOR_P_EXIT, signal.from, toPid, signal.ref), signal.reason];
      return [tuple(Op.MONITOR_P_EXIT, signal.from, toPid, signal.ref, signal.reason), undefined];
    case 'group_leader':
      return toPid && [tuple(Op.GROUP_LEADER, signal.from, toPid), undefined];
    case 'spawn_reply':
      return toPid && [tuple(Op.SPAWN_REPLY, signal.ref, toPid, signal.flags, signal.result), undefined];
  }
}

/** An incoming signal and its local target: a pid, or a registered name (REG_SEND, MONITOR_P by name). */
export interface Incoming {
  /** A pid, a registered name, or one of our aliases (ALIAS_SEND). */
  to: Pid | Atom | Ref;
  signal: Signal;
}

/**
 * The signal a control message carries, or undefined for an op that is not a process signal
 * (SPAWN_REQUEST: see {@link decodeSpawnRequest}) or a malformed one.
 */
export function decodeSignal(c: Tuple, payload: Term | undefined): Incoming | undefined {
  // Element 1 is the sender of most ops, element 2 their target (the sender of UNLINK_ID and its ack).
  const from = pidAt(c, 1), pid2 = pidAt(c, 2);
  if (payload === undefined && CARRIES_PAYLOAD.has(c[0] as number)) return undefined;
  switch (c[0]) {
    case Op.SEND:
    case Op.SEND_TT:
      // SEND has no sender; the message still arrives (`from` is only used for replies we never make).
      return pid2 && { to: pid2, signal: { kind: 'message', from: pid2, message: payload! } };
    case Op.SEND_SENDER:
    case Op.SEND_SENDER_TT:
      return from && pid2 && { to: pid2, signal: { kind: 'message', from, message: payload! } };
    case Op.ALIAS_SEND:
    case Op.ALIAS_SEND_TT:
      return from && c[2] instanceof Ref ? { to: c[2], signal: { kind: 'message', from, message: payload! } } : undefined;
    case Op.REG_SEND:
    case Op.REG_SEND_TT:
      return from && c[3] instanceof Atom ? { to: c[3], signal: { kind: 'message', from, message: payload! } } : undefined;
    case Op.LINK:
      return from && pid2 && { to: pid2, signal: { kind: 'link', from } };
    case Op.UNLINK: // old protocol: no id, no ack expected
      return from && pid2 && { to: pid2, signal: { kind: 'unlink', from, id: 0 } };
    case Op.UNLINK_ID:
      return pid2 && pidAt(c, 3) && { to: pidAt(c, 3)!, signal: { kind: 'unlink', from: pid2, id: c[1] as number | bigint } };
    case Op.UNLINK_ID_ACK:
      return pid2 && pidAt(c, 3) && { to: pidAt(c, 3)!, signal: { kind: 'unlink_ack', from: pid2, id: c[1] as number | bigint } };
    case Op.EXIT:
    case Op.EXIT2:
      return from && pid2 && { to: pid2, signal: { kind: 'exit', from, reason: c[3]!, link: c[0] === Op.EXIT } };
    case Op.EXIT_TT:
    case Op.EXIT2_TT:
      return from && pid2 && { to: pid2, signal: { kind: 'exit', from, reason: c[4]!, link: c[0] === Op.EXIT_TT } };
    case Op.PAYLOAD_EXIT:
    case Op.PAYLOAD_EXIT2:
    case Op.PAYLOAD_EXIT_TT:
    case Op.PAYLOAD_EXIT2_TT:
      return from && pid2 && { to: pid2, signal: { kind: 'exit', from, reason: payload!, link: c[0] === Op.PAYLOAD_EXIT || c[0] === Op.PAYLOAD_EXIT_TT } };
    case Op.MONITOR_P:
    case Op.DEMONITOR_P: {
      const target = c[2];
      if (!from || !(c[3] instanceof Ref) || !(target instanceof Pid || isAtomTerm(target))) return undefined;
      const kind = c[0] === Op.MONITOR_P ? 'monitor' : 'demonitor';
      return { to: target as Pid | Atom, signal: { kind, from, ref: c[3], target: target as Pid | Atom } };
    }
    case Op.GROUP_LEADER: // {7, NewGroupLeader, Pid}: element 1 is the new group leader, not a sender (§5)
      return from && pid2 && { to: pid2, signal: { kind: 'group_leader', from } };
    case Op.SPAWN_REPLY:
    case Op.SPAWN_REPLY_TT: {
      const flags = c[3];
      if (!(c[1] instanceof Ref) || !pid2 || typeof flags !== 'number' || c[4] === undefined) return undefined;
      return { to: pid2, signal: { kind: 'spawn_reply', ref: c[1], flags, result: c[4] } };
    }
    case Op.MONITOR_P_EXIT:
    case Op.PAYLOAD_MONITOR_P_EXIT: {
      const object = c[1];
      if (!pid2 || !(c[3] instanceof Ref) || !(object instanceof Pid || isAtomTerm(object))) return undefined;
      const reason = c[0] === Op.MONITOR_P_EXIT ? c[4]! : payload!;
      return { to: pid2, signal: { kind: 'down', from: object as Pid | Atom, ref: c[3], reason } };
    }
    default:
      return undefined;
  }
}

function pidAt(c: Tuple, i: number): Pid | undefined {
  const x = c[i];
  return x instanceof Pid ? x : undefined;
}

/** The ops whose frame must carry a payload term after the control tuple (§5). */
const CARRIES_PAYLOAD: ReadonlySet<number> = new Set([
  Op.SEND, Op.SEND_TT, Op.SEND_SENDER, Op.SEND_SENDER_TT, Op.REG_SEND, Op.REG_SEND_TT, Op.ALIAS_SEND, Op.ALIAS_SEND_TT,
  Op.PAYLOAD_EXIT, Op.PAYLOAD_EXIT_TT, Op.PAYLOAD_EXIT2, Op.PAYLOAD_EXIT2_TT, Op.PAYLOAD_MONITOR_P_EXIT,
]);

function isAtomTerm(x: Term | undefined): x is Atom {
  return x instanceof Atom;
}

/** SPAWN_REPLY flags (§5): the link and the monitor the spawning node set up. */
export const SpawnReplyFlag = { LINK: 1, MONITOR: 2 } as const;

/** A SPAWN_REQUEST (op 29, traced 30): `{29, ReqId, From, GroupLeader, {M, F, Arity}, Opts}` + Args. */
export interface SpawnRequest {
  /** Names the request in the SPAWN_REPLY, and is the monitor's ref when `monitor` was asked for. */
  reqId: Ref;
  from: Pid;
  groupLeader: Pid;
  module: Atom;
  function: Atom;
  args: Term[];
  /** The spawn_opt list as sent (`[]`, `[link]`, `[monitor]`, `[{priority, high}, link]`). */
  options: Term[];
}

/** The SPAWN_REQUEST in a control message, or undefined when the op is another or the message is malformed. */
export function decodeSpawnRequest(c: Tuple, payload: Term | undefined): SpawnRequest | undefined {
  if (c[0] !== Op.SPAWN_REQUEST && c[0] !== Op.SPAWN_REQUEST_TT) return undefined;
  // Indexed, not destructured: a Tuple is an Array subclass, and destructuring one makes an iterator.
  const reqId = c[1], from = c[2], groupLeader = c[3], mfa = c[4], options = c[5];
  if (!(reqId instanceof Ref) || !(from instanceof Pid) || !(groupLeader instanceof Pid)) return undefined;
  if (!isTuple(mfa) || mfa.length !== 3 || !(mfa[0] instanceof Atom) || !(mfa[1] instanceof Atom)) return undefined;
  if (!isList(options) || !isList(payload)) return undefined;
  return { reqId, from, groupLeader, module: mfa[0], function: mfa[1], args: payload, options };
}

/** The SPAWN_REQUEST control message and its argument list, ready for the outbox (`Outbox.send`). */
export function encodeSpawnRequest(r: SpawnRequest): Outgoing {
  return [tuple(Op.SPAWN_REQUEST, r.reqId, r.from, r.groupLeader, tuple(r.module, r.function, r.args.length), r.options), r.args];
}
