/**
 * `rex`, the registered server of kernel's rpc.erl, in the legacy forms OTP still sends to it
 * (otp-distribution.md §7.5 "Serving the legacy rex protocol"): `rpc:block_call`, erl_interface C
 * nodes and OTP 24 and older. OTP 23+ `rpc:call` does not come here (it is `erpc:execute_call`).
 *
 * - `{Caller, {call, M, F, A, GL}}` → `{rex, Result}`
 * - `{'$gen_call', {Caller, Tag}, {call | block_call, M, F, A, GL}}` → `{Tag, Result}`
 * - `{'$gen_cast', {cast, M, F, A, GL}}` → runs it, no reply
 * - `{Caller, {sbcast, Name, Msg}}` → delivers, replies `{rex, node(), node()}` or `{rex, node(), {nonexisting_name, Name}}`
 * - `{Caller, features_request}` → `{features_reply, node(), [erpc]}`
 *
 * Each call runs in a process of its own, so a slow call does not hold up the server. Result is the
 * value, or `{badrpc, {'EXIT', Reason}}` as `catch apply(M, F, A)` gives it.
 */
import { Atom, atom, isTuple, Pid, Ref, tuple, type Term, type Tuple } from '../term/types.js';
import { aliasOf } from '../otp/gen-server.js';
import { type Process } from '../process/process.js';
import { exitReasonOf, ProcessExit, ErlangError } from '../process/exceptions.js';
import { serveIo } from '../modules/user.js';
import { GEN_CALL, GEN_CAST } from '../term/atoms.js';

export const REX = atom('rex');
const CALL = atom('call');
const BLOCK_CALL = atom('block_call');
const CAST = atom('cast');
const SBCAST = atom('sbcast');
const USER = atom('user');
const SEND_STDOUT_TO_CALLER = atom('send_stdout_to_caller');

/** What rex needs from its node. */
export interface RexHost {
  readonly nodeAtom: Atom;
  apply(self: Process, module: Atom, fn: Atom, args: Term[]): Promise<Term>;
  /** The node's default group leader (`user`). */
  user(): Pid;
  whereis(name: Atom): Pid | undefined;
}

interface Mfa {
  m: Atom;
  f: Atom;
  args: Term[];
  gl: Term;
}

/** The server loop; never returns. */
export async function serveRex(self: Process, host: RexHost): Promise<never> {
  for (;;) {
    const msg = await self.receive();
    if (isTuple(msg)) handle(self, host, msg);
  }
}

function handle(self: Process, host: RexHost, msg: Tuple): void {
  if (msg.length === 3 && msg[0] === GEN_CALL && isTuple(msg[1]) && msg[1].length === 2 && msg[1][0] instanceof Pid) {
    const [caller, tag] = msg[1];
    const call = mfaOf(msg[2]!, [CALL, BLOCK_CALL]);
    // As gen:reply/2: an [alias|Ref] tag is answered through the alias, so a late reply is dropped.
    if (call) runCall(self, host, call, caller as Pid, (result) => tuple(tag!, result), aliasOf(tag!));
    return;
  }
  if (msg.length === 2 && msg[0] === GEN_CAST) {
    const cast = mfaOf(msg[1]!, [CAST]);
    if (cast) runCall(self, host, cast, undefined, () => undefined);
    return;
  }
  if (msg.length !== 2 || !(msg[0] instanceof Pid)) return;
  const caller = msg[0];
  const request = msg[1]!;
  if (request === atom('features_request')) {
    self.send(caller, tuple(atom('features_reply'), host.nodeAtom, [atom('erpc')]));
    return;
  }
  if (isTuple(request) && request.length === 3 && request[0] === SBCAST && request[1] instanceof Atom) {
    const to = host.whereis(request[1]);
    if (to) self.send(to, request[2]!);
    self.send(caller, tuple(REX, host.nodeAtom, to ? host.nodeAtom : tuple(atom('nonexisting_name'), request[1])));
    return;
  }
  const call = mfaOf(request, [CALL]);
  if (call) runCall(self, host, call, caller, (result) => tuple(REX, result));
}

function mfaOf(t: Term, kinds: Atom[]): Mfa | undefined {
  if (!isTuple(t) || t.length !== 5 || !kinds.includes(t[0] as Atom)) return undefined;
  const [, m, f, args, gl] = t;
  if (!(m instanceof Atom) || !(f instanceof Atom) || !Array.isArray(args) || isTuple(args)) return undefined;
  return { m, f, args, gl: gl! };
}

/** Runs the call in a new process whose group leader is the one asked for, then replies to `replyTo` (default: `caller`). */
function runCall(self: Process, host: RexHost, call: Mfa, caller: Pid | undefined, reply: (result: Term) => Term | undefined, replyTo: Pid | Ref | undefined = caller): void {
  self.spawn(async (worker) => {
    let forwarder: Pid | undefined;
    if (call.gl instanceof Pid) worker.setGroupLeader(call.gl);
    else if (call.gl === SEND_STDOUT_TO_CALLER && caller) {
      // Output comes back to the caller as {rex_stdout, Bytes}, before the result (rpc.erl's behaviour).
      forwarder = worker.spawn((io) => serveIo(io, (text) => io.send(caller, tuple(atom('rex_stdout'), Buffer.from(text, 'utf8')))));
      worker.setGroupLeader(forwarder);
    } else if (call.gl === USER || call.gl === undefined) worker.setGroupLeader(host.user());
    const result = await resultOf(worker, host, call);
    if (forwarder) worker.exit(forwarder, atom('kill'));
    const answer = reply(result);
    if (replyTo && answer !== undefined) await worker.send(replyTo, answer);
  });
}

/** `catch apply(M, F, A)` wrapped as rpc does: the value, a thrown value, or `{badrpc, {'EXIT', Reason}}`. */
async function resultOf(self: Process, host: RexHost, call: Mfa): Promise<Term> {
  try {
    return await host.apply(self, call.m, call.f, call.args);
  } catch (err) {
    if (err instanceof ErlangError || err instanceof ProcessExit || err instanceof Error) {
      return tuple(atom('badrpc'), tuple(atom('EXIT'), exitReasonOf(err)));
    }
    return err === undefined ? atom('undefined') : (err as Term); // throw(V): catch gives V
  }
}
