/**
 * The short-lived node a one-shot command (`noderl ping`, `noderl rpc`) runs as, like erl_call's:
 * hidden, so it joins no mesh and no `global`, with a unique name of the same kind (short or long)
 * as the target's, since a short-name node cannot dial a long name.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Node } from '../node/node.js';

/**
 * Starts a hidden node named `noderl_<command>_<pid>_<random>` able to reach `targetHost`; `tls`
 * (an ssl_dist optfile's text) makes it speak TLS distribution, for a target that does.
 */
export function startTempNode(command: string, targetHost: string, cookie: string | undefined, tls?: string): Promise<Node> {
  const alive = `noderl_${command}_${process.pid}_${randomBytes(3).toString('hex')}`;
  return Node.start(targetHost.includes('.') ? { name: `${alive}@${longHost()}`, cookie, hidden: true, tls } : { sname: alive, cookie, hidden: true, tls });
}

/** Our long host name: the full hostname when it has a domain, else 127.0.0.1. */
function longHost(): string {
  const h = hostname();
  return h.includes('.') ? h : '127.0.0.1';
}
