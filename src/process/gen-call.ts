/**
 * The calling side of `gen_server:call/3` as OTP 25's `gen:do_call/4` does it: monitor the server
 * with the monitor ref as an alias that ends with the monitor, send
 * `{'$gen_call', {Self, [alias|Mref]}, Request}`, and wait for `{[alias|Mref], Reply}` or the
 * DOWN. A reply that comes after the timeout finds the alias gone and is dropped, so it never
 * reaches the caller's mailbox (otp-distribution.md §7.6).
 */
import { atom, isTuple, ImproperList, Pid, Ref, tuple, type Atom, type Term, type TermInput, type Tuple } from '../term/types.js';
import { format } from '../term/format.js';
import { type Process } from './process.js';
import { handedOver, TIMEOUT } from './mailbox.js';
import { sameRef } from './local-identity.js';
import { ProcessExit } from './exceptions.js';
import { isDownOf } from './gen.js';
import { type NameAt } from '../channel/control.js';
import { ALIAS, GEN_CALL, INFINITY, NOCONNECTION, NODEDOWN, NOPROC, TIMEOUT_REASON } from '../term/atoms.js';

const CALLING_SELF = atom('calling_self');

/**
 * A call failed as `gen_server:call/3` fails: `reason` is gen's reason (`noproc`, `timeout`,
 * `{nodedown, Node}`, `calling_self`, or the server's exit reason); uncaught in a process, the
 * process exits with `{Reason, {gen_server, call, [Dest, Request, Timeout]}}`, as a BEAM caller.
 */
export class CallError extends ProcessExit {
  constructor(
    readonly callReason: Term,
    readonly dest: Term,
    readonly request: Term,
    timeoutMs: number,
  ) {
    const timeout = Number.isFinite(timeoutMs) ? timeoutMs : INFINITY;
    super(tuple(callReason, tuple(atom('gen_server'), atom('call'), [dest, request, timeout])));
    this.name = 'CallError';
    this.message = `gen_server call to ${format(dest)} failed: ${format(callReason)}`;
  }

  /** `'noproc'`, `'timeout'`, `'nodedown'`, `'calling_self'`, or `'exit'` for a server that died with another reason. */
  get code(): 'noproc' | 'timeout' | 'nodedown' | 'calling_self' | 'exit' {
    const r = this.callReason;
    if (r === NOPROC) return 'noproc';
    if (r === TIMEOUT_REASON) return 'timeout';
    if (r === CALLING_SELF) return 'calling_self';
    if (isTuple(r) && r.length === 2 && r[0] === NODEDOWN) return 'nodedown';
    return 'exit';
  }
}

/**
 * Calls `target` from `self` (`dest` is what the caller named, for the error). A name on this
 * node that nobody has fails with `noproc` at once, as `gen:call/4` does with `whereis/1`.
 */
export async function genCall(
  self: Process,
  target: Pid | NameAt,
  dest: TermInput,
  request: TermInput,
  timeoutMs: number,
  whereis: (name: Atom) => Pid | undefined,
): Promise<Term> {
  let to: Pid | NameAt = target;
  if (!(to instanceof Pid) && to.node === self.pid.node) {
    const pid = whereis(to.name);
    if (!pid) throw new CallError(NOPROC, handedOver(dest), handedOver(request), timeoutMs);
    to = pid;
  }
  if (to instanceof Pid && to.equals(self.pid)) throw new CallError(CALLING_SELF, handedOver(dest), handedOver(request), timeoutMs);
  const address = to instanceof Pid ? to : tuple(to.name, to.node);
  // gen:do_call, written out (not sendRequest and awaitReply): a call is the hottest request there
  // is, and this way it makes one async frame and one matcher instead of three closures, two
  // frames and an outcome object.
  const mref = self.monitor(address, ALIAS_DEMONITOR);
  self.send(address, tuple(GEN_CALL, tuple(self.pid, new ImproperList([ALIAS], mref)), request));
  const timeout = Number.isFinite(timeoutMs) ? timeoutMs : undefined;
  let got = await self.receive({ match: (m) => isReplyTo(m, mref) || isDownOf(m, mref), timeout });
  if (got === TIMEOUT) {
    self.demonitor(mref);
    // A reply that raced the timer is still taken, as gen:do_call's `after 0` clause does.
    got = await self.receive({ match: (m) => isReplyTo(m, mref), timeout: 0 });
    if (got === TIMEOUT) throw new CallError(TIMEOUT_REASON, handedOver(dest), handedOver(request), timeoutMs);
  } else if (isDownOf(got, mref)) {
    const reason = got[4] === NOCONNECTION ? tuple(NODEDOWN, to.node) : got[4];
    throw new CallError(reason, handedOver(dest), handedOver(request), timeoutMs);
  } else self.demonitor(mref);
  return (got as Tuple)[1]!;
}

/** gen:do_call's monitor option (one object, not one per call). */
const ALIAS_DEMONITOR = Object.freeze({ alias: 'demonitor' as const });

/** `{[alias|Mref], Reply}`: gen's reply to the call tagged `mref`. */
function isReplyTo(m: Term, mref: Ref): boolean {
  return isTuple(m) && m.length === 2 && m[0] instanceof ImproperList && m[0].tail instanceof Ref && sameRef(m[0].tail, mref);
}
