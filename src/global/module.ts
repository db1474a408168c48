/**
 * The `global` module a noderl node serves, so evaluated code and peers' rpc calls reach the
 * node's `global` as on a BEAM node: `whereis_name/1`, `register_name/2,3`,
 * `re_register_name/2,3`, `unregister_name/1`, `registered_names/0`, `send/2`, `sync/0`, and what
 * OTP's name conflicts call: `resolve_it/4` (`rpc:call(Owner, global, resolve_it, ...)`) and the
 * three built-in methods a BEAM node's resolve_it may run here as `fun global:random_exit_name/3`.
 */
import { atom, ExportFun, Pid, type Atom, type Term } from '../term/types.js';
import { BADARG, OK, UNDEFINED } from '../term/atoms.js';
import { callError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { arities, type Apply, type BuiltinModule } from '../modules/registry.js';
import type { Global } from './global.js';
import { notifyAllName, randomExitName, randomNotifyName, resolveItOnNode } from './resolvers.js';
import type { Resolve } from './types.js';

/** A Method as register_name/3 takes it from Erlang: `fun M:F/3` (the built-in ones are `fun global:…/3`). */
function method(fn: string, args: Term[], m: Term | undefined): Resolve | undefined {
  if (m === undefined) return undefined;
  if (m instanceof ExportFun && m.arity === 3) return m;
  throw callError(BADARG, 'global', fn, args);
}

export function globalModule(global: () => Global, nodeAtom: () => Atom, apply: Apply): BuiltinModule {
  const register = (fn: 'register_name' | 're_register_name') =>
    arities([2, 3], async (_self: Process, name?: Term, pid?: Term, m?: Term) => {
      const args = m === undefined ? [name!, pid!] : [name!, pid!, m];
      if (!(pid instanceof Pid)) throw callError(BADARG, 'global', fn, args);
      const resolve = method(fn, args, m);
      return atom(await (fn === 'register_name' ? global().registerName(name!, pid, resolve) : global().reRegisterName(name!, pid, resolve)));
    });
  return {
    whereis_name: (_self, name) => global().whereisName(name!) ?? UNDEFINED,
    register_name: register('register_name'),
    re_register_name: register('re_register_name'),
    unregister_name: async (_self, name) => (await global().unregisterName(name!), OK),
    registered_names: () => global().registeredNames(),
    send: (self, name, msg) => global().send(name!, msg!, self),
    sync: async () => (await global().sync(), OK),
    resolve_it: (self, m, name, a, b) => resolveItOnNode(self, nodeAtom(), [m!, name!, a!, b!], apply),
    random_exit_name: (self, name, a, b) => randomExitName(self, name!, a as Pid, b as Pid),
    random_notify_name: (self, name, a, b) => randomNotifyName(self, name!, a as Pid, b as Pid),
    notify_all_name: (self, name, a, b) => notifyAllName(self, name!, a as Pid, b as Pid),
  };
}
