/**
 * Where the port mapper listens and whom it trusts (erts/epmd/src/epmd_srv.c, `run` and
 * `conn_local_peer_check`): every interface by default, or a list that always gets the loopback
 * addresses added; registrations, DUMP, KILL and STOP only from local peers.
 */
import { isIP } from 'node:net';

/** An address in the listen list that is not an IP address. */
export class EpmdAddressError extends Error {
  readonly code = 'ERR_NODERL_EPMD_BAD_ADDRESS';
  constructor(readonly address: string) {
    super(`cannot parse IP address "${address}"`);
    this.name = 'EpmdAddressError';
  }
}

/**
 * True when a peer may register, dump, kill or stop: 127.x.x.x, ::1, or the host's own address,
 * i.e. the same address the connection arrived on (epmd_srv.c `conn_local_peer_check`).
 */
export function isLocalPeer(remoteAddress: string | undefined, localAddress: string | undefined): boolean {
  if (remoteAddress === undefined) return false;
  const remote = unmapIPv4(remoteAddress);
  if (isIP(remote) === 4 && remote.startsWith('127.')) return true;
  if (remote === '::1') return true;
  return localAddress !== undefined && remote === unmapIPv4(localAddress);
}

function unmapIPv4(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** The listen addresses epmd uses for an address list: loopbacks first, then the others (epmd_srv.c `run`). */
export function listenAddresses(list: string[] | string | undefined): { address: string; optional: boolean }[] {
  const tokens = (Array.isArray(list) ? list.join(',') : list ?? '').split(/[ ,]+/).filter((t) => t !== '');
  if (tokens.length === 0) {
    // Separate IPv4 and IPv6-only sockets, bound in a fixed order so two daemons racing for the port
    // cannot each win one of them.
    return [
      { address: '0.0.0.0', optional: false },
      { address: '::', optional: true },
    ];
  }
  const out = [
    { address: '127.0.0.1', optional: false },
    { address: '::1', optional: true },
  ];
  for (const token of tokens) {
    const family = isIP(token);
    if (family === 0) throw new EpmdAddressError(token);
    if ((family === 4 && token.startsWith('127.')) || token === '::1') continue;
    if (!out.some((a) => a.address === token)) out.push({ address: token, optional: false });
  }
  return out;
}
