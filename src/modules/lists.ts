/** The `lists` functions a noderl node serves (DESIGN.md "Modules"): `sort/1`, `reverse/1`. */
import { isList } from '../term/types.js';
import { BADARG, FUNCTION_CLAUSE } from '../term/atoms.js';
import { compare } from '../term/compare.js';
import { callError } from '../process/exceptions.js';
import type { BuiltinModule } from './registry.js';

export const listsModule: BuiltinModule = {
  sort: (_self, list) => {
    if (!isList(list)) throw callError(FUNCTION_CLAUSE, 'lists', 'sort', [list!]);
    return [...list].sort(compare);
  },
  reverse: (_self, list) => {
    if (!isList(list)) throw callError(BADARG, 'lists', 'reverse', [list!]);
    return [...list].reverse();
  },
};
