/**
 * The part of kernel's `net_kernel` that every peer calls: `{is_auth, Node}` (otp-distribution.md
 * §7.6). `net_adm:ping/1` sends `{'$gen_call', {Caller, Tag}, {is_auth, CallerNode}}` to the
 * registered name `net_kernel` and wants `{Tag, yes}` back; `net_kernel:handle_call/3` answers
 * `yes` to any caller that got through the handshake.
 */
import { atom, isTuple, Pid, tuple, type Term, type Tuple } from '../term/types.js';

export const NET_KERNEL = atom('net_kernel');
const GEN_CALL = atom('$gen_call');
const IS_AUTH = atom('is_auth');
const YES = atom('yes');

/**
 * The answer `net_kernel` gives to a message sent to it: the pid to send to and the reply term,
 * or undefined for a message it does not answer.
 */
export function netKernelAnswer(message: Term | undefined): { to: Pid; reply: Tuple } | undefined {
  if (!isTuple(message) || message.length !== 3 || message[0] !== GEN_CALL) return undefined;
  const from = message[1];
  const request = message[2];
  if (!isTuple(from) || from.length !== 2 || !(from[0] instanceof Pid)) return undefined;
  if (!isTuple(request) || request.length !== 2 || request[0] !== IS_AUTH) return undefined;
  return { to: from[0], reply: tuple(from[1]!, YES) };
}

/** True when `reply` is net_kernel's yes to an is_auth call. */
export function isAuthYes(reply: Term | undefined): boolean {
  return reply === YES;
}
