/**
 * `gen_server:call({global, Name}, Request, Timeout)`, as gen.erl's `do_for_proc` makes it: the
 * pid `global` has for the name now, `noproc` when it has none, and `noproc` too when that pid's
 * node is down but global has not noticed yet. The error names `{global, Name}`, as BEAM's does.
 */
import { atom, tuple, type Atom, type Pid, type Term, type TermInput } from '../term/types.js';
import { NOPROC } from '../term/atoms.js';
import type { Process } from '../process/process.js';
import { CallError, genCall } from '../process/gen-call.js';
import { handedOver } from '../process/mailbox.js';
import type { GlobalName } from '../otp/gen-server.js';

/** Calls the server registered in global as `dest.global`, from `self`. */
export async function callGlobal(
  self: Process,
  whereisName: (name: Term) => Pid | undefined,
  dest: GlobalName,
  request: TermInput,
  timeoutMs: number,
  whereis: (name: Atom) => Pid | undefined,
): Promise<Term> {
  const named = handedOver(tuple(atom('global'), dest.global));
  const pid = whereisName(handedOver(dest.global));
  if (!pid) throw new CallError(NOPROC, named, handedOver(request), timeoutMs);
  try {
    return await genCall(self, pid, named, request, timeoutMs, whereis);
  } catch (err) {
    if (err instanceof CallError && err.code === 'nodedown') throw new CallError(NOPROC, named, handedOver(request), timeoutMs);
    throw err;
  }
}
