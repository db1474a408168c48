/**
 * The Erlang I/O protocol (otp-distribution.md §10; OTP's io.erl client, group.erl/user server):
 * the client side every noderl process uses to write through its group leader, and the I/O server
 * the node's default group leader runs, which writes to stdout.
 */
import { charsToString, ioFormat, IoFormatError } from '../term/io-format.js';
import { Atom, atom, isTuple, Ref, tuple, type Term, type Tuple } from '../term/types.js';
import { ProcessExit, refKey, type Process } from '../node/process.js';

const IO_REQUEST = atom('io_request');
const IO_REPLY = atom('io_reply');
const DOWN = atom('DOWN');
const OK = atom('ok');
const ERROR = atom('error');
const UNICODE = atom('unicode');
const PUT_CHARS = atom('put_chars');
const IO_LIB = atom('io_lib');
const GETOPTS = atom('getopts');

/**
 * Sends `{io_request, Self, Ref, Request}` to the group leader and waits for `{io_reply, Ref,
 * Reply}`, monitoring the group leader meanwhile, as io.erl does (the monitor ref is the ReplyAs).
 * Throws ProcessExit `terminated` when the group leader dies first.
 */
export async function ioRequest(self: Process, request: Term): Promise<Term> {
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
export async function ioFormatRequest(self: Process, fmt: Term, args: Term[]): Promise<void> {
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
export async function ioPrintRequest(self: Process, chars: Term): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = Buffer.isBuffer(chars) ? chars : Buffer.from(typeof chars === 'string' ? chars : charsToString(chars, true), 'utf8');
  } catch {
    throw new ProcessExit(tuple(atom('badarg'), [tuple(atom('io'), atom('put_chars'), [chars], [])]));
  }
  await putChars(self, bytes);
}

async function putChars(self: Process, bytes: Buffer): Promise<void> {
  const reply = await ioRequest(self, tuple(PUT_CHARS, UNICODE, bytes));
  if (reply !== OK) throw new ProcessExit(isTuple(reply) && reply[0] === ERROR ? reply[1]! : reply);
}

/**
 * An I/O server loop (what `user` is on a BEAM node): answers every `{io_request, From, ReplyAs,
 * Request}` with `{io_reply, ReplyAs, Reply}` and passes output to `write`. Other messages are
 * dropped. Never returns.
 */
export async function serveIo(self: Process, write: (text: string) => void): Promise<never> {
  for (;;) {
    const m = await self.receive();
    if (!isTuple(m) || m.length !== 4 || m[0] !== IO_REQUEST) continue;
    self.send(m[1]!, tuple(IO_REPLY, m[2]!, ioReply(m[3]!, write)));
  }
}

/** The reply an I/O server gives `request` (§10 "Replies"); output goes to `write`. */
export function ioReply(request: Term, write: (text: string) => void): Term {
  if (request === GETOPTS) return [tuple(atom('binary'), false), tuple(atom('encoding'), UNICODE)];
  if (!isTuple(request) || !(request[0] instanceof Atom)) return tuple(ERROR, atom('request'));
  try {
    switch (request[0].name) {
      case 'put_chars':
        return putCharsReply(request, write);
      case 'requests': {
        let last: Term = OK;
        for (const r of Array.isArray(request[1]) ? request[1] : []) {
          last = ioReply(r, write);
          if (isTuple(last) && last[0] === ERROR) break;
        }
        return last;
      }
      case 'get_geometry':
      case 'setopts':
        return tuple(ERROR, atom('enotsup'));
      default:
        return tuple(ERROR, atom('request'));
    }
  } catch (err) {
    if (err instanceof IoFormatError) return tuple(ERROR, PUT_CHARS);
    throw err;
  }
}

/** `{put_chars, [Enc,] Chars}` and `{put_chars, [Enc,] io_lib, format|fwrite|write, Args}` (no Enc: before UNICODE_IO, latin1). */
function putCharsReply(r: Tuple, write: (text: string) => void): Term {
  const hasEnc = r.length === 3 || r.length === 5;
  const unicode = hasEnc ? r[1] === UNICODE : false;
  const rest = r.slice(hasEnc ? 2 : 1);
  if (rest.length === 1) {
    write(charsToString(rest[0]!, unicode || Buffer.isBuffer(rest[0])));
    return OK;
  }
  const [m, f, a] = rest;
  if (rest.length !== 3 || m !== IO_LIB || !(f instanceof Atom) || !Array.isArray(a)) return tuple(ERROR, atom('request'));
  if ((f.name === 'format' || f.name === 'fwrite') && (a.length === 2 || a.length === 1)) {
    write(ioFormat(a[0]!, a.length === 2 && Array.isArray(a[1]) && !isTuple(a[1]) ? (a[1] as Term[]) : []));
    return OK;
  }
  if (f.name === 'write' && a.length === 1) {
    write(ioFormat('~w', [a[0]!]));
    return OK;
  }
  return tuple(ERROR, atom('request'));
}
