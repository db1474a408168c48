/**
 * The server side of the Erlang I/O protocol (otp-distribution.md §10; OTP's user.erl and
 * group.erl): what the node's default group leader `user` runs, writing to stdout, and the replies
 * the shell's terminal gives. The client side is src/process/io.ts.
 */
import { charsToString, ioFormat, IoFormatError } from '../term/io-format.js';
import { Atom, atom, isList, isTuple, tuple, type Term, type Tuple } from '../term/types.js';
import { ERROR, IO_REPLY, IO_REQUEST, OK, UNICODE } from '../term/atoms.js';
import type { Process } from '../process/process.js';
import { isDestination } from '../process/router.js';

const PUT_CHARS = atom('put_chars');
const IO_LIB = atom('io_lib');
const GETOPTS = atom('getopts');

/**
 * An I/O server loop (what `user` is on a BEAM node): answers every `{io_request, From, ReplyAs,
 * Request}` with `{io_reply, ReplyAs, Reply}` and passes output to `write`. Other messages are
 * dropped. Never returns.
 */
export async function serveIo(self: Process, write: (text: string) => void): Promise<never> {
  for (;;) {
    const m = await self.receive();
    if (!isTuple(m) || m.length !== 4 || m[0] !== IO_REQUEST || !isDestination(m[1]!)) continue;
    await self.send(m[1]!, tuple(IO_REPLY, m[2]!, ioReply(m[3]!, write)));
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
        for (const r of isList(request[1]) ? request[1] : []) {
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
  if (rest.length !== 3 || m !== IO_LIB || !(f instanceof Atom) || !isList(a)) return tuple(ERROR, atom('request'));
  if ((f.name === 'format' || f.name === 'fwrite') && (a.length === 2 || a.length === 1)) {
    write(ioFormat(a[0]!, a.length === 2 && isList(a[1]) ? a[1] : []));
    return OK;
  }
  if (f.name === 'write' && a.length === 1) {
    write(ioFormat('~w', [a[0]!]));
    return OK;
  }
  return tuple(ERROR, atom('request'));
}
