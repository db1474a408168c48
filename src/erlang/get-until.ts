/**
 * `io_lib:get_until/4` for `{erl_scan, tokens, Args}`, the step an I/O server takes for each line
 * of a `get_until` request (group.erl calls it on the requester's node): noderl serves it so a
 * terminal on another node (`noderl remsh --erlang`) can read for an Erlang shell here, as it
 * does for a BEAM shell on a BEAM node. The scanner's continuation travels as a term
 * (`{noderl_erl_scan, Text, Line, Column, TextOption}`) between the calls.
 */
import { atom, isTuple, tuple, type Term } from '../term/types.js';
import { charsToString } from '../term/io-format.js';
import { ErlangError } from '../process/exceptions.js';
import { scanTokens, type ScanContinuation, type ScanLocation, type ScanOptions } from './scan.js';

const CONTINUATION = atom('noderl_erl_scan');
const EOF = atom('eof');

/** io_lib:get_until(State, Chars, Encoding, {erl_scan, tokens, Args}): `{stop, Result, Rest}` or the next state. */
export function getUntil(state: Term, chars: Term, _encoding: Term, mfa: Term): Term {
  if (!isTuple(mfa) || mfa[0] !== atom('erl_scan') || mfa[1] !== atom('tokens') || !Array.isArray(mfa[2])) {
    throw new ErlangError(atom('badarg'), [tuple(atom('io_lib'), atom('get_until'), [state, chars, _encoding, mfa], [])]);
  }
  const [start, options] = scanArgs(mfa[2]);
  const text = chars === EOF ? 'eof' : charsToString(chars, true);
  const r = scanTokens(continuationOf(state), text, start, options);
  if ('more' in r) {
    const c = r.more;
    return tuple(CONTINUATION, Buffer.from(c.text, 'utf8'), c.line, c.column ?? atom('none'), c.options.text === true);
  }
  return tuple(atom('stop'), r.done, r.rest === 'eof' ? EOF : [...r.rest].map((ch) => ch.codePointAt(0)!));
}

/** erl_scan:tokens's extra arguments `[StartLocation]` or `[StartLocation, Options]` (a line or `{Line, Column}`; `text`). */
export function scanArgs(as: Term): [ScanLocation, ScanOptions] {
  const [loc, opts] = Array.isArray(as) ? as : [];
  const start: ScanLocation = isTuple(loc) && typeof loc[0] === 'number' && typeof loc[1] === 'number' ? [loc[0], loc[1]] : typeof loc === 'number' ? loc : 1;
  return [start, { text: Array.isArray(opts) && opts.includes(atom('text')) }];
}

function continuationOf(state: Term): ScanContinuation | null {
  if (!isTuple(state) || state[0] !== CONTINUATION || !Buffer.isBuffer(state[1]) || typeof state[2] !== 'number') return null;
  return { text: state[1].toString('utf8'), line: state[2], column: typeof state[3] === 'number' ? state[3] : null, options: { text: state[4] === true } };
}
