// TEMPORARY until the erl_error port lands (helper branch `pretty`).
import type { Term } from '../term/types.js';
import { exceptionText } from './exception-text.js';
import { ErlangError, ProcessExit } from '../process/exceptions.js';
export function formatShellException(cls: 'error' | 'exit' | 'throw', reason: Term, stack: Term[], _o: object): string {
  return exceptionText(cls === 'error' ? new ErlangError(reason, stack) : cls === 'exit' ? new ProcessExit(reason) : reason);
}
