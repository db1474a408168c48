/** `timer:sleep/1`, as the chapter's examples call it on a peer: a receive that matches nothing. */
import { FUNCTION_CLAUSE, INFINITY, OK } from '../term/atoms.js';
import { callError } from '../process/exceptions.js';
import type { BuiltinModule } from './registry.js';

export const timerModule: BuiltinModule = {
  sleep: async (self, ms) => {
    const forever = ms === INFINITY;
    if (!forever && (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0)) throw callError(FUNCTION_CLAUSE, 'timer', 'sleep', [ms!]);
    await self.receive({ match: () => false, timeout: forever ? undefined : (ms as number) });
    return OK;
  },
};
