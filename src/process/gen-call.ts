/**
 * The calling side of `gen_server:call/3` as OTP 25's `gen:do_call/4` does it: monitor the server
 * with the monitor ref as an alias that ends with the monitor, send
 * `{'$gen_call', {Self, [alias|Mref]}, Request}`, and wait for `{[alias|Mref], Reply}` or the
 * DOWN. A reply that comes after the timeout finds the alias gone and is dropped, so it never
 * reaches the caller's mailbox (otp-distribution.md §7.6).
 */
import { Atom, atom, isTuple, ImproperList, Pid, Ref, tuple, type Term } from '../term/types.js';
import { format } from '../term/format.js';
import { type Process } from './process.js';
import { TIMEOUT } from './mailbox.js';
import { pidKey, refKey } from './local-identity.js';
import { ProcessExit } from './exceptions.js';
import { type NameAt } from '../channel/control.js';
import { NOCONNECTION, NOPROC } from '../term/atoms.js';

const GEN_CALL = atom('$gen_call');
const ALIAS = atom('alias');
const DOWN = atom('DOWN');

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
    const timeout = Number.isFinite(timeoutMs) ? timeoutMs : atom('infinity');
    super(tuple(callReason, tuple(atom('gen_server'), atom('call'), [dest, request, timeout])));
    this.name = 'CallError';
    this.message = `gen_server call to ${format(dest)} failed: ${format(callReason)}`;
  }

  /** `'noproc'`, `'timeout'`, `'nodedown'`, `'calling_self'`, or `'exit'` for a server that died with another reason. */
  get code(): 'noproc' | 'timeout' | 'nodedown' | 'calling_self' | 'exit' {
    const r = this.callReason;
    if (r === NOPROC || r === atom('timeout') || r === atom('calling_self')) return (r as Atom).name as 'noproc' | 'timeout' | 'calling_self';
    if (isTuple(r) && r.length === 2 && r[0] === atom('nodedown')) return 'nodedown';
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
  dest: Term,
  request: Term,
  timeoutMs: number,
  whereis: (name: Atom) => Pid | undefined,
): Promise<Term> {
  const fail = (reason: Term): CallError => new CallError(reason, dest, request, timeoutMs);
  let to: Pid | NameAt = target;
  if (!(to instanceof Pid) && to.node === self.pid.node) {
    const pid = whereis(to.name);
    if (!pid) throw fail(NOPROC);
    to = pid;
  }
  if (to instanceof Pid && pidKey(to) === pidKey(self.pid)) throw fail(atom('calling_self'));
  const address: Term = to instanceof Pid ? to : tuple(to.name, to.node);
  const mref = self.monitor(address, { alias: 'demonitor' });
  const key = refKey(mref);
  self.send(address, tuple(GEN_CALL, tuple(self.pid, new ImproperList([ALIAS], mref)), request));
  const isReply = (m: Term): boolean =>
    isTuple(m) && m.length === 2 && m[0] instanceof ImproperList && m[0].tail instanceof Ref && refKey(m[0].tail) === key;
  const isDown = (m: Term): boolean => isTuple(m) && m.length === 5 && m[0] === DOWN && m[1] instanceof Ref && refKey(m[1]) === key;
  const got = await self.receive({ match: (m) => isReply(m) || isDown(m), timeout: Number.isFinite(timeoutMs) ? timeoutMs : undefined });
  if (got === TIMEOUT) {
    self.demonitor(mref);
    // A reply that raced the timer is still taken, as gen:do_call's `after 0` clause does.
    const late = await self.receive({ match: isReply, timeout: 0 });
    if (late !== TIMEOUT) return (late as Term[])[1]!;
    throw fail(atom('timeout'));
  }
  const m = got as Term[];
  if (isReply(got)) {
    self.demonitor(mref);
    return m[1]!;
  }
  if (m[4] === NOCONNECTION) throw fail(tuple(atom('nodedown'), to.node));
  throw fail(m[4]!);
}
