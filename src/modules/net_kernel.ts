/**
 * The `net_kernel` functions a peer calls on a noderl node: `connect_node/1` and
 * `get_net_ticktime/0`, which answer `ignored` on a node that is not distributed, as OTP does.
 * The API itself is src/node/net-kernel.ts.
 */
import { Atom, atom } from '../term/types.js';
import { FUNCTION_CLAUSE } from '../term/atoms.js';
import { callError } from '../process/exceptions.js';
import type { BuiltinModule } from './registry.js';

/** What the module needs of the node's net kernel. */
export interface NetKernelFunctions {
  connectNode(node: Atom): Promise<boolean | 'ignored'>;
  getNetTicktime(): number | 'ignored';
}

export function netKernelModule(kernel: NetKernelFunctions): BuiltinModule {
  return {
    connect_node: async (_self, peer) => {
      if (!(peer instanceof Atom)) throw callError(FUNCTION_CLAUSE, 'net_kernel', 'connect_node', [peer!]);
      const r = await kernel.connectNode(peer);
      return typeof r === 'string' ? atom(r) : r;
    },
    get_net_ticktime: () => {
      const t = kernel.getNetTicktime();
      return typeof t === 'string' ? atom(t) : t;
    },
  };
}
