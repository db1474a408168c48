/**
 * The `io` functions a peer calls on a noderl node: `format/1,2`, `put_chars/1`, `nl/0`, written
 * through the calling process's group leader (for an rpc, the caller's: its output goes home).
 */
import { isList, type Term } from '../term/types.js';
import { BADARG, OK } from '../term/atoms.js';
import { callError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { arities, type BuiltinModule } from './registry.js';

export const ioModule: BuiltinModule = {
  format: arities([1, 2], async (self: Process, fmt?: Term, args: Term = []) => {
    if (!isList(args)) throw callError(BADARG, 'io', 'format', [fmt!, args]);
    await self.format(fmt!, args);
    return OK;
  }),
  put_chars: async (self, chars) => (await self.print(chars!), OK),
  nl: async (self) => (await self.print('\n'), OK),
};
