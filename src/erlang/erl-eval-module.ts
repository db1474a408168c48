/**
 * `erl_eval:exprs/2` as a peer calls it over rpc: the abstract format of some expressions
 * (`erl_parse:parse_exprs/1`'s list) and bindings in, `{value, Value, NewBindings}` out, as OTP
 * 25's erl_eval answers it. `noderl observe` sends one such call per refresh, so it reads a node's
 * processes with one round trip and without loading anything, on BEAM and noderl nodes alike.
 *
 * OTP 25's bindings are an orddict (a sorted list of `{Name, Value}`); a map of them (OTP 26's
 * form) is read too. The result's bindings are an orddict, as OTP 25 returns them.
 */
import { Atom, atom, isList, isTuple, tuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { bifError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import type { BuiltinModule } from '../modules/registry.js';
import { evalExprs } from './eval.js';
import type { Host } from './runtime.js';

const VALUE = atom('value');

/** The `erl_eval` module a node serves: `exprs/2`. */
export function erlEvalModule(host: Host): BuiltinModule {
  return {
    exprs: async (self: Process, exprs?: Term, bindings?: Term): Promise<Term> => {
      const env = readBindings(bindings!);
      if (env === undefined || !isList(exprs!)) throw bifError(BADARG, 'erl_eval', 'exprs', [exprs!, bindings!]);
      const { value, bindings: after } = await evalExprs(self, exprs, env, { apply: host.apply, applyFun: host.applyFun });
      const names = [...after.keys()].sort();
      return tuple(VALUE, value, names.map((name) => tuple(atom(name), after.get(name)!)));
    },
  };
}

/** An orddict or map of `Name => Value` as the evaluator's bindings; undefined when it is neither. */
function readBindings(bindings: Term): Map<string, Term> | undefined {
  const env = new Map<string, Term>();
  const entries: Array<[Term, Term]> = bindings instanceof Map ? [...bindings.entries()] : [];
  if (isList(bindings)) {
    for (const b of bindings) {
      if (!isTuple(b) || b.length !== 2) return undefined;
      entries.push([b[0]!, b[1]!]);
    }
  } else if (!(bindings instanceof Map)) {
    return undefined;
  }
  for (const [name, value] of entries) {
    if (!(name instanceof Atom)) return undefined;
    env.set(name.name, value);
  }
  return env;
}
