/**
 * The sockets under a distribution (src/node/connections.ts): the listener on the first free port
 * of `inet_dist_listen_min..max`, a TCP dial with a deadline, and the TLS transport the `tls`
 * option asks for (`inet_tls_dist`'s, src/channel/tls-transport.ts).
 */
import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { fromNodeOptions, readOptfile, type TlsDistOptions } from '../channel/tls-options.js';
import { TlsTransport } from '../channel/tls-transport.js';

/** Listens on the first free port of the range (as inet_tcp_dist does), or on any port. */
export async function listenInRange(range: { min: number; max?: number } | undefined): Promise<Server> {
  const min = range?.min ?? 0;
  const max = range?.max ?? min;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max > 65535 || max < min) {
    throw new RangeError(`listen range ${min}..${max} is not a range of TCP ports`);
  }
  for (let port = min; port <= max; port++) {
    const server = createServer();
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(port, () => (server.removeAllListeners('error'), resolve(undefined)));
    });
    if (error === undefined) return server;
    if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error;
  }
  throw new Error(`no free port to listen on in ${min}..${max} (inet_dist_listen_min/max)`);
}

/** The node's TLS from its `tls` option: an optfile's text, or Node options per role. */
export function tlsTransport(tls: string | TlsDistOptions): TlsTransport {
  return new TlsTransport(typeof tls === 'string' ? readOptfile(tls) : fromNodeOptions(tls));
}

/** A TCP connection to `host:port`, or a rejection after `timeoutMs`. */
export function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port });
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`connect to ${host}:${port} timed out`))), timeoutMs);
    socket.once('connect', () => (clearTimeout(timer), socket.off('error', reject), resolve(socket)));
    socket.once('error', (err) => (clearTimeout(timer), reject(err)));
  });
}
