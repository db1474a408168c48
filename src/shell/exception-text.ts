/**
 * What the shell prints for an input that raised, in the erl shell's words
 * (`** exception error: …`, `** exception exit: …`, `** exception throw: …`), and how it prints
 * a value: Erlang syntax when it is a term, else a JS description.
 */
import { inspect } from 'node:util';
import { format } from '../term/format.js';
import { Atom, isTuple, type Term } from '../term/types.js';
import { TIMEOUT } from '../process/mailbox.js';
import { ErlangError, ProcessExit } from '../process/exceptions.js';

/** A value as the shell shows it: `format` with this node's pids as `<0.N.0>`, or `#JS<…>` for a value with no Erlang form. */
export function valueText(value: unknown, localNode?: Atom): string {
  if (value === TIMEOUT) return 'TIMEOUT'; // what receive(ms) gives: the helper's own name, to compare with
  try {
    return format(value as Term, { localNode });
  } catch {
    const text = typeof value === 'function' ? `function ${value.name || '(anonymous)'}` : inspect(value, { depth: 1, breakLength: Infinity });
    return `#JS<${text}>`;
  }
}

/** The line (with its newline) erl prints for an exception of this class and reason. */
export function exceptionText(error: unknown, localNode?: Atom): string {
  if (error instanceof ErlangError) return `** exception error: ${errorDescription(error.error, error.stacktrace, localNode)}\n`;
  if (error instanceof ProcessExit) return `** exception exit: ${valueText(error.reason, localNode)}\n`;
  if (error instanceof Error) return `** exception error: ${error.name}: ${error.message}\n`;
  return `** exception throw: ${valueText(error, localNode)}\n`; // a JS throw of a non-Error value is Erlang's throw
}

/** erl's wording for the common error reasons (erl_error:format_exception), else the term. */
function errorDescription(reason: Term, stack: Term[], localNode?: Atom): string {
  if (reason instanceof Atom) {
    if (reason.name === 'badarg') return 'bad argument';
    if (reason.name === 'badarith') return 'an error occurred when evaluating an arithmetic expression';
    const top = stack[0];
    if (reason.name === 'undef' && isTuple(top) && top[0] instanceof Atom && top[1] instanceof Atom) {
      const arity = Array.isArray(top[2]) ? top[2].length : top[2];
      return `undefined function ${valueText(top[0])}:${valueText(top[1])}/${valueText(arity as Term)}`;
    }
  }
  return valueText(reason, localNode);
}
