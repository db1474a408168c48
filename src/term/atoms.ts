/**
 * The atoms the node's own code names again and again, made once: `atom()` interns, so these are
 * the very objects a decoded term holds and `===` compares them. Atoms one module alone uses stay
 * in that module, named for their role there.
 */
import { atom } from './types.js';

export const OK = atom('ok');
export const ERROR = atom('error');
export const UNDEFINED = atom('undefined');
export const TRUE_ATOM = atom('true');
export const INFINITY = atom('infinity');
export const YES = atom('yes');
/** The empty atom `''` (the unused sender field of SEND and REG_SEND). */
export const EMPTY = atom('');

// Exit reasons and exceptions (erl_proc_sig_queue.c, erl_bif_info.c's words).
export const NORMAL = atom('normal');
export const KILL = atom('kill');
export const KILLED = atom('killed');
export const SHUTDOWN = atom('shutdown');
export const NOPROC = atom('noproc');
export const NOCONNECTION = atom('noconnection');
export const BADARG = atom('badarg');
export const UNDEF = atom('undef');
export const FUNCTION_CLAUSE = atom('function_clause');
/** gen's and erpc's reason for a call that got no answer in time (the mailbox's TIMEOUT is a symbol). */
export const TIMEOUT_REASON = atom('timeout');

// Messages: `{'EXIT', From, Reason}`, `{'DOWN', Ref, process, Object, Reason}`, `{nodedown, Node}`.
export const EXIT = atom('EXIT');
export const DOWN = atom('DOWN');
export const PROCESS = atom('process');
export const NODEUP = atom('nodeup');
export const NODEDOWN = atom('nodedown');
/** `{spawn_reply, ReqId, ok | error, PidOrReason}`: `erlang:spawn_request/5`'s answer. */
export const SPAWN_REPLY = atom('spawn_reply');

// gen and the I/O protocol.
export const GEN_CALL = atom('$gen_call');
export const GEN_CAST = atom('$gen_cast');
export const ALIAS = atom('alias');
export const IO_REQUEST = atom('io_request');
export const IO_REPLY = atom('io_reply');
export const UNICODE = atom('unicode');
export const EOF = atom('eof');
