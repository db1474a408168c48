/**
 * The core every request-and-reply protocol of a process shares, as OTP's gen.erl has it for
 * gen_server, and io.erl, global's multi_call and erpc repeat it: monitor the server, send the
 * request (the monitor ref tags it), then wait for the reply or the server's DOWN, whichever
 * comes first. The DOWN message matcher lives here too, so every caller recognises
 * `{'DOWN', Ref, process, Object, Reason}` the same way.
 */
import { Ref, isTuple, type Atom, type Pid, type Term, type TermInput, type Tuple } from '../term/types.js';
import { DOWN } from '../term/atoms.js';
import { sameRef } from './local-identity.js';
import { TIMEOUT, type Receive } from './mailbox.js';

/** `{'DOWN', Ref, process, Object, Reason}`: a monitor fired (Object is the pid or `{Name, Node}`). */
export type DownMessage = Tuple<[typeof DOWN, Ref, Atom, Term, Term]>;

/** True for a DOWN message of any monitor. */
export function isDown(m: Term): m is DownMessage {
  return isTuple(m) && m.length === 5 && m[0] === DOWN && m[1] instanceof Ref;
}

/** A matcher for the DOWN message of the monitor `ref` (and no other). */
export function downOf(ref: Ref): (m: Term) => m is DownMessage {
  return (m): m is DownMessage => isDownOf(m, ref);
}

/** True for the DOWN message of the monitor `ref` (refs compare as refKey does: a local ref keeps its identity across renames). */
export function isDownOf(m: Term, ref: Ref): m is DownMessage {
  return isDown(m) && sameRef(m[1], ref);
}

/** What the helpers need of the calling process (a `Process`; an interface so io.ts, which process.ts uses, needs no import of it). */
export interface GenCaller {
  readonly pid: Pid;
  monitor(target: Pid | Tuple<TermInput[]>, options?: { alias?: 'demonitor' }): Ref;
  demonitor(ref: Ref): boolean;
  send(to: Pid | Tuple<TermInput[]>, message: TermInput): void;
  receive: Receive;
}

/**
 * gen's `send_request`: monitors `server` (with `alias: 'demonitor'` the ref is also an alias that
 * ends with the monitor, as gen:do_call makes it) and sends it `request(mref)`. Returns the monitor
 * ref, the tag the reply carries.
 */
export function sendRequest(self: GenCaller, server: Pid | Tuple<TermInput[]>, request: (mref: Ref) => TermInput, options: { alias?: 'demonitor' } = {}): Ref {
  const mref = self.monitor(server, options);
  self.send(server, request(mref));
  return mref;
}

/** How waiting for a reply ended. */
export type ReplyOutcome<R extends Term> = { kind: 'reply'; reply: R } | { kind: 'down'; reason: Term } | { kind: 'timeout' };

/**
 * gen's `wait_response`: the first of the reply `isReply` recognises and the DOWN of `mref`, up to
 * `timeoutMs` (undefined: forever). A reply or a timeout takes the monitor down (flushing a DOWN
 * already queued); after a timeout a reply that raced the timer is still taken, as gen:do_call's
 * `after 0` clause does. Without `isReply` only the DOWN is awaited (erpc's result is a DOWN).
 */
export async function awaitReply<R extends Term = never>(
  self: GenCaller,
  mref: Ref,
  isReply: ((m: Term) => m is R) | undefined,
  timeoutMs?: number,
): Promise<ReplyOutcome<R>> {
  const replyOrDown = isReply ? (m: Term): m is R | DownMessage => isReply(m) || isDownOf(m, mref) : downOf(mref);
  const got = await self.receive({ match: replyOrDown, timeout: timeoutMs });
  if (got === TIMEOUT) {
    self.demonitor(mref);
    const late = isReply ? await self.receive({ match: isReply, timeout: 0 }) : TIMEOUT;
    return late === TIMEOUT ? { kind: 'timeout' } : { kind: 'reply', reply: late };
  }
  if (isDownOf(got, mref)) return { kind: 'down', reason: got[4] };
  self.demonitor(mref);
  return { kind: 'reply', reply: got };
}
