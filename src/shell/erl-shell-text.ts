/**
 * What the Erlang shell reads and prints, in OTP 25's words: a `get_until` reply turned into
 * forms (src/erlang/parse.ts), an ErrorInfo as `1:5: syntax error before: ')'`, a value as
 * shell.erl's pp/3 prints it (io_lib_pretty, depth 30, 60 characters a line at most), and an
 * exception as report_exception does (erl_error's text after `** `).
 */
import { Atom, atom, isTuple, tuple, type Term } from '../term/types.js';
import { EOF, ERROR, OK } from '../term/atoms.js';
import { ioFormat } from '../term/io-format.js';
import { prettyPrint } from '../term/pretty.js';
import { parseExprs, ErlParseError, formatErrorInfo } from '../erlang/parse.js';
import { formatShellException } from './erl-error.js';

/** shell.erl's pp: the depth and line length the shell prints values with. */
const DEPTH = 30;
const LINE_MAX_CHARS = 60;

/** `{ok, Forms}`, `{error, ErrorInfo}` or `eof` for io:scan_erl_exprs's reply. */
export function parseCommand(reply: Term): Term {
  if (isTuple(reply) && reply[0] === OK && Array.isArray(reply[1])) {
    try {
      return tuple(OK, parseExprs(reply[1]));
    } catch (err) {
      if (err instanceof ErlParseError) return tuple(ERROR, err.info);
      throw err;
    }
  }
  if (isTuple(reply) && reply[0] === atom('eof')) return EOF;
  if (isTuple(reply) && reply[0] === ERROR && reply.length === 3) return tuple(ERROR, reply[1]!);
  if (reply === EOF) return EOF;
  return tuple(ERROR, atom('terminated'));
}

/** An ErrorInfo `{Location, Module, Description}` as the shell prints it: `* 1:5: syntax error before: ')'`. */
export function errorInfoText(info: Term): string {
  if (isTuple(info) && info.length === 3 && info[1] === atom('erl_lint')) {
    const d = info[2];
    if (isTuple(d) && d[0] === atom('unbound_var')) return `* ${position(info[0]!)}: ${ioFormat('variable ~w is unbound', [d[1]!])}`;
  }
  return formatErrorInfo(info);
}

function position(loc: Term): string {
  return isTuple(loc) ? `${String(loc[0])}:${String(loc[1])}` : String(loc);
}

/** A value as the shell prints it on `node` (its pids as `<0.N.M>`), starting at `column` (1: the start of the line). */
export function printValue(value: Term, node: Atom, column = 1, lineLength = 80): string {
  return prettyPrint(value, { column, lineLength, depth: DEPTH, lineMaxChars: LINE_MAX_CHARS, encoding: 'unicode', localNode: node });
}

/** The lines shell.erl's report_exception prints for an exception of `cls`. */
export function exceptionReport(cls: string, reason: Term, stack: Term, _session?: unknown): string {
  return formatShellException(cls as 'error' | 'exit' | 'throw', reason, Array.isArray(stack) ? stack : [], {});
}

