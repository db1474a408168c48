/**
 * What the Erlang shell reads and prints, in OTP 25's words: a `get_until` reply turned into
 * forms (src/erlang/parse.ts), an ErrorInfo as `* 1:5: syntax error before: ')'`, a value as
 * shell.erl's pp/3 prints it (io_lib_pretty, depth 30, 60 characters a line at most, the group
 * leader's width and encoding), and an exception as report_exception does (erl_error.ts).
 */
import { Atom, atom, isTuple, tuple, type Term } from '../term/types.js';
import { EOF, ERROR, OK } from '../term/atoms.js';
import { ioFormat } from '../term/io-format.js';
import { ioRequest } from '../process/io.js';
import type { Process } from '../process/process.js';
import { expandRecords, RecordError, type RecordDefs } from '../erlang/records.js';
import { unboundVariable } from '../erlang/unbound.js';
import { parseExprs, ErlParseError, formatErrorInfo } from '../erlang/parse.js';
import { formatShellException, shellPrint, type ExceptionClass, type ShellPrintOptions } from './erl-error.js';

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

/**
 * What shell.erl's check_command does before evaluating: record forms expanded (with the
 * session's definitions), then no variable used unbound; the forms to evaluate, or the error line
 * to print instead (`* 1:1: record foo undefined`, `* 1:1: variable 'Y' is unbound`).
 */
export function checkCommand(forms: Term[], records: RecordDefs, bound: ReadonlySet<string>): { forms: Term[] } | { error: string } {
  let expanded: Term[];
  try {
    expanded = expandRecords(forms, records);
  } catch (err) {
    if (err instanceof RecordError) return { error: errorInfoText(err.info) };
    throw err;
  }
  const unbound = unboundVariable(expanded, bound);
  return unbound === undefined ? { forms: expanded } : { error: errorInfoText(unbound) };
}

/** An ErrorInfo `{Location, Module, Description}` as the shell prints it: `* 1:5: syntax error before: ')'`. */
export function errorInfoText(info: Term): string {
  if (isTuple(info) && info.length === 3 && info[1] === atom('erl_lint')) {
    const d = info[2];
    if (isTuple(d) && d[0] === atom('unbound_var')) return `* ${position(info[0]!)}: ${ioFormat('variable ~w is unbound', [d[1]!])}`;
    if (isTuple(d) && d[0] === atom('undefined_record')) return `* ${position(info[0]!)}: ${ioFormat('record ~tw undefined', [d[1]!])}`;
    if (isTuple(d) && d[0] === atom('undefined_field')) return `* ${position(info[0]!)}: ${ioFormat('field ~tw undefined in record ~tw', [d[2]!, d[1]!])}`;
  }
  return formatErrorInfo(info);
}

function position(loc: Term): string {
  return isTuple(loc) ? `${String(loc[0])}:${String(loc[1])}` : String(loc);
}

/** A value as the shell prints it from `column` (1: the start of the line), as shell.erl's pp/3. */
export function printValue(value: Term, column: number, options: ShellPrintOptions): string {
  return shellPrint(value, column, options);
}

/** The lines shell.erl's report_exception prints for an exception of `cls`. */
export function exceptionReport(cls: string, reason: Term, stack: Term, options: ShellPrintOptions): string {
  return formatShellException(cls as ExceptionClass, reason, Array.isArray(stack) ? stack : [], options);
}

/**
 * What the shell prints with, asked of its group leader as shell.erl asks (io:columns/0 and the
 * encoding of io:getopts/0): the terminal's width (80 without one) and its encoding.
 */
export async function printOptions(self: Process, session: { host: { nodeAtom: Atom }; records?: RecordDefs }): Promise<ShellPrintOptions> {
  const columns = await ioRequest(self, tuple(atom('get_geometry'), atom('columns'))).catch(() => undefined);
  const opts = await ioRequest(self, atom('getopts')).catch(() => undefined);
  let encoding: 'unicode' | 'latin1' = 'latin1';
  if (Array.isArray(opts)) for (const o of opts) if (isTuple(o) && o[0] === atom('encoding') && o[1] === atom('unicode')) encoding = 'unicode';
  const defs = session.records;
  const records = defs && ((tag: string, size: number) => {
    const fields = defs.get(tag);
    return fields && fields.length === size ? fields.map((f) => f.name) : undefined;
  });
  return { lineLength: typeof columns === 'number' && columns > 0 ? columns : 80, encoding, localNode: session.host.nodeAtom, records };
}
