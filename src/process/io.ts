/**
 * The client side of the Erlang I/O protocol (otp-distribution.md §10; OTP's io.erl): how every
 * noderl process writes through its group leader (`self.format`, `self.print`). The server side,
 * what `user` runs, is src/modules/user.ts.
 */
import { charsToString, ioFormat, IoFormatError } from '../term/io-format.js';
import { atom, isTuple, Ref, tuple, type Pid, type Term, type Tuple } from '../term/types.js';
import { DOWN, ERROR, IO_REPLY, IO_REQUEST, OK, UNICODE } from '../term/atoms.js';
import { ProcessExit } from './exceptions.js';
import { refKey } from './local-identity.js';
import type { ReceiveOptions, Timeout } from './mailbox.js';

const PUT_CHARS = atom('put_chars');

/** What a request needs of the process that makes it (a `Process`). */
export interface IoCaller {
  readonly pid: Pid;
  readonly groupLeader: Pid;
  monitor(target: Pid): Ref;
  demonitor(ref: Ref): boolean;
  send(to: Pid, message: Term): void;
  receive(options: ReceiveOptions): Promise<Term | Timeout>;
}

/**
 * Sends `{io_request, Self, Ref, Request}` to the group leader and waits for `{io_reply, Ref,
 * Reply}`, monitoring the group leader meanwhile, as io.erl does (the monitor ref is the ReplyAs).
 * Throws ProcessExit `terminated` when the group leader dies first.
 */
export async function ioRequest(self: IoCaller, request: Term): Promise<Term> {
  const gl = self.groupLeader;
  const ref = self.monitor(gl);
  const key = refKey(ref);
  self.send(gl, tuple(IO_REQUEST, self.pid, ref, request));
  const isOurs = (m: Term): boolean =>
    isTuple(m) && m[1] instanceof Ref && refKey(m[1]) === key && ((m[0] === IO_REPLY && m.length === 3) || (m[0] === DOWN && m.length === 5));
  const answer = (await self.receive({ match: isOurs })) as Tuple;
  if (answer[0] === DOWN) throw new ProcessExit(atom('terminated'));
  self.demonitor(ref);
  return answer[2]!;
}

/** `io:format(Fmt, Args)`: formatted here, sent as one `{put_chars, unicode, Binary}`. */
export async function ioFormatRequest(self: IoCaller, fmt: Term, args: Term[]): Promise<void> {
  let text: string;
  try {
    text = ioFormat(fmt, args);
  } catch (err) {
    if (err instanceof IoFormatError) throw new ProcessExit(tuple(atom('format'), [tuple(atom('io'), atom('format'), [fmt, args], [])]));
    throw err;
  }
  await putChars(self, Buffer.from(text, 'utf8'));
}

/** `io:put_chars(Chars)`: a JS string, a binary, or Erlang character data. */
export async function ioPrintRequest(self: IoCaller, chars: Term): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = Buffer.isBuffer(chars) ? chars : Buffer.from(typeof chars === 'string' ? chars : charsToString(chars, true), 'utf8');
  } catch {
    throw new ProcessExit(tuple(atom('badarg'), [tuple(atom('io'), atom('put_chars'), [chars], [])]));
  }
  await putChars(self, bytes);
}

async function putChars(self: IoCaller, bytes: Buffer): Promise<void> {
  const reply = await ioRequest(self, tuple(PUT_CHARS, UNICODE, bytes));
  if (reply !== OK) throw new ProcessExit(isTuple(reply) && reply[0] === ERROR ? reply[1]! : reply);
}

