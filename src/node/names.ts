/**
 * Node names as `erl` makes and checks them (otp-distribution.md §2; kernel's `net_kernel` and
 * `inet_tcp_dist:splitnode/2`).
 */
import { hostname } from 'node:os';
import { isIP } from 'node:net';

/** A name `erl` would refuse to start with, or a peer a node cannot dial, with erl's reason. */
export class NodeNameError extends Error {
  readonly code = 'ERR_NODERL_NODE_NAME';
  constructor(message: string) {
    super(message);
    this.name = 'NodeNameError';
  }
}

const ALIVE = /^[0-9A-Za-z_-]+$/;

/**
 * The full node name for `-sname`/`-name`: a short name takes the host's short hostname
 * (`inet_db:gethostname()`), a long name the full hostname, which must have a domain unless it
 * is given (an IP address such as `127.0.0.1` is allowed).
 */
export function resolveNodeName(opts: { sname?: string; name?: string }, host: string = hostname()): { node: string; longNames: boolean } {
  if ((opts.sname === undefined) === (opts.name === undefined)) throw new NodeNameError('give exactly one of sname and name');
  const longNames = opts.name !== undefined;
  const given = (opts.name ?? opts.sname)!;
  const at = given.indexOf('@');
  const alive = at < 0 ? given : given.slice(0, at);
  let nodeHost = at < 0 ? undefined : given.slice(at + 1);
  if (!ALIVE.test(alive)) throw new NodeNameError(`invalid node name '${given}': the name part must match [0-9A-Za-z_-]+`);
  if (nodeHost === undefined) {
    if (!longNames) nodeHost = host.split('.')[0]!;
    else if (host.includes('.')) nodeHost = host;
    else throw new NodeNameError(`Can't set long node name: the host name '${host}' has no domain; give the name as ${alive}@host.domain or ${alive}@127.0.0.1`);
  }
  if (nodeHost.length === 0 || !/^[\x21-\xff]+$/.test(nodeHost)) throw new NodeNameError(`invalid host part in node name '${given}'`);
  if (!longNames && nodeHost.includes('.')) throw new NodeNameError(`Can't set short node name ${alive}@${nodeHost}: the host part contains a dot`);
  return { node: `${alive}@${nodeHost}`, longNames };
}

/** `alive` and `host` of `alive@host`, or undefined when it is not a node name. */
export function splitNode(node: string): { alive: string; host: string } | undefined {
  const parts = node.split('@');
  if (parts.length !== 2 || parts[0]!.length === 0 || parts[1]!.length === 0) return undefined;
  return { alive: parts[0]!, host: parts[1]! };
}

/**
 * Why a node in this naming mode may not dial `peer` (`inet_tcp_dist:splitnode/2`), as OTP logs
 * it, or undefined when it may. The check is on the dialling side only, as in OTP.
 */
export function dialRefusal(peer: string, longNames: boolean): string | undefined {
  const parts = splitNode(peer);
  if (parts === undefined) return `** Nodename ${peer} illegal, no '@' character **`;
  const dotted = parts.host.includes('.');
  if (!longNames && dotted) return '** System NOT running to use fully qualified hostnames **';
  if (longNames && !dotted && isIP(parts.host) === 0) return '** System running to use fully qualified hostnames **';
  return undefined;
}
