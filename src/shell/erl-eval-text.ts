/**
 * One Erlang input evaluated from text, for `noderl eval --erlang 'Expr'`: scanned here (the
 * final dot may be left out, as `erl -eval` allows), linted for unbound variables, parsed and
 * evaluated with the shell's commands, and printed as the Erlang shell prints (src/shell/erl-shell.ts).
 */
import { atom, isTuple, tuple, type Term } from '../term/types.js';
import type { Process } from '../process/process.js';
import { evalExprs } from '../erlang/eval.js';
import { classify } from '../erlang/control.js';
import { scanString } from '../erlang/scan.js';
import type { ErlangShellHost } from './erl-shell.js';
import { History } from './erl-shell-history.js';
import { shellCommands } from './erl-shell-commands.js';
import { checkCommand, errorInfoText, exceptionReport, parseCommand, printOptions, printValue } from './erl-shell-text.js';

/** The outcome of {@link evaluateText}: the text to print, on stdout (`ok`) or stderr. */
export interface TextOutcome {
  ok: boolean;
  text: string;
}

/** Evaluates `text` in `self` and gives what the shell would print for it. */
export async function evaluateText(self: Process, text: string, host: ErlangShellHost): Promise<TextOutcome> {
  const scanned = scanString(text, [1, 1]);
  if (!isTuple(scanned)) throw new Error('scanString gives a tuple');
  if (scanned[0] !== atom('ok')) return { ok: false, text: `${errorInfoText(scanned[1]!)}\n` };
  const tokens = scanned[1] as Term[];
  const last = tokens[tokens.length - 1];
  if (!(isTuple(last) && last[0] === atom('dot'))) tokens.push(tuple(atom('dot'), scanned[2]!));
  const command = parseCommand(tuple(atom('ok'), tokens, scanned[2]!));
  if (!isTuple(command) || command[0] !== atom('ok')) return { ok: false, text: `${errorInfoText(isTuple(command) ? command[1]! : command)}\n` };
  const session = { host, bindings: new Map<string, Term>(), history: new History(), records: new Map(), catchException: false, server: self };
  const checked = checkCommand(command[1] as Term[], session.records, new Set());
  if ('error' in checked) return { ok: false, text: `${checked.error}\n` };
  try {
    const { value } = await evalExprs(self, checked.forms, session.bindings, { apply: host.apply, applyFun: host.applyFun, local: shellCommands(session) });
    return { ok: true, text: `${printValue(value, 1, await printOptions(self, session))}\n` };
  } catch (err) {
    const [cls, reason, stack] = classify(err);
    return { ok: false, text: exceptionReport((cls as { name: string }).name, reason, stack, await printOptions(self, session)) };
  }
}
