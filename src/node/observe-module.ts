/**
 * `noderl_observe`, the module only a noderl node serves: what `noderl observe` asks a noderl
 * node beyond the standard BIFs. `connections/0` gives each connection's counters, which BEAM
 * keeps in its distribution socket (`inet:getstat/2`) and noderl keeps in the connection itself
 * (src/channel/connection.ts). A BEAM node has no such module, so `noderl observe` tells the two
 * kinds apart by calling it.
 */
import { atom, type Term } from '../term/types.js';
import type { ConnectionStats } from '../channel/connection.js';
import type { BuiltinModule } from '../modules/registry.js';

/** What the module needs of its node: each connected peer, its kind, and its counters. */
export interface ObserveHost {
  connections(): Array<{ peer: string; visible: boolean; stats: ConnectionStats }>;
}

/**
 * The module: `connections()` is a list of maps, one per connection, `#{node, type (visible |
 * hidden), bytes_in, bytes_out, messages_in, messages_out, last_input_age_ms, send_queue_bytes,
 * ticktime_ms}`.
 */
export function observeModule(host: ObserveHost): BuiltinModule {
  return {
    connections: (): Term =>
      host.connections().map(({ peer, visible, stats }) =>
        new Map<Term, Term>([
          [atom('node'), atom(peer)],
          [atom('type'), atom(visible ? 'visible' : 'hidden')],
          [atom('bytes_in'), stats.bytesIn],
          [atom('bytes_out'), stats.bytesOut],
          [atom('messages_in'), stats.messagesIn],
          [atom('messages_out'), stats.messagesOut],
          [atom('last_input_age_ms'), stats.lastInputAgeMs],
          [atom('send_queue_bytes'), stats.sendQueueBytes],
          [atom('ticktime_ms'), stats.ticktimeMs],
        ]),
      ),
  };
}
