/**
 * The client side of the Erlang I/O protocol (otp-distribution.md §10; OTP's io.erl): how every
 * noderl process writes through its group leader (`self.format`, `self.print`). The server side,
 * what `user` runs, is src/modules/user.ts.
 */
import { charsToString, ioFormat, IoFormatError } from '../term/io-format.js';
import { atom, isTuple, Ref, tuple, type Pid, type Term, type TermInput, type Tuple } from '../term/types.js';
import { ERROR, IO_REPLY, IO_REQUEST, OK, UNICODE } from '../term/atoms.js';
import { ProcessExit } from './exceptions.js';
import { handedOver } from './mailbox.js';
import { sameRef } from './local-identity.js';
import { awaitReply, sendRequest, type GenCaller } from './gen.js';

const PUT_CHARS = atom('put_chars');

/** What a request needs of the process that makes it (a `Process`). */
export interface IoCaller extends GenCaller {
  readonly groupLeader: Pid;
}

/**
 * Sends `{io_request, Self, Ref, Request}` to the group leader and waits for `{io_reply, Ref,
 * Reply}`, monitoring the group leader meanwhile, as io.erl does (the monitor ref is the ReplyAs).
 * Throws ProcessExit `terminated` when the group leader dies first.
 */
export async function ioRequest(self: IoCaller, request: TermInput): Promise<Term> {
  const ref = sendRequest(self, self.groupLeader, (ref) => tuple(IO_REQUEST, self.pid, ref, request));
  const outcome = await awaitReply(self, ref, ioReplyTo(ref));
  if (outcome.kind !== 'reply') throw new ProcessExit(atom('terminated'));
  return outcome.reply[2];
}

/** `{io_reply, Ref, Reply}` for the request tagged `ref`. */
function ioReplyTo(ref: Ref): (m: Term) => m is Tuple<[typeof IO_REPLY, Ref, Term]> {
  return (m): m is Tuple<[typeof IO_REPLY, Ref, Term]> => isTuple(m) && m.length === 3 && m[0] === IO_REPLY && m[1] instanceof Ref && sameRef(m[1], ref);
}

/** `io:format(Fmt, Args)`: formatted here, sent as one `{put_chars, unicode, Binary}`. */
export async function ioFormatRequest(self: IoCaller, fmt: TermInput, args: TermInput[]): Promise<void> {
  let text: string;
  try {
    text = ioFormat(fmt, args);
  } catch (err) {
    if (err instanceof IoFormatError) throw new ProcessExit(tuple(atom('format'), [tuple(atom('io'), atom('format'), [handedOver(fmt), args.map(handedOver)], [])]));
    throw err;
  }
  await putChars(self, Buffer.from(text, 'utf8'));
}

/** `io:put_chars(Chars)`: a JS string, a binary, or Erlang character data. */
export async function ioPrintRequest(self: IoCaller, chars: TermInput): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = Buffer.isBuffer(chars) ? chars : Buffer.from(typeof chars === 'string' ? chars : charsToString(chars, true), 'utf8');
  } catch {
    throw new ProcessExit(tuple(atom('badarg'), [tuple(atom('io'), atom('put_chars'), [handedOver(chars)], [])]));
  }
  await putChars(self, bytes);
}

async function putChars(self: IoCaller, bytes: Buffer): Promise<void> {
  const reply = await ioRequest(self, tuple(PUT_CHARS, UNICODE, bytes));
  if (reply !== OK) throw new ProcessExit(isTuple(reply) && reply[0] === ERROR ? reply[1]! : reply);
}

