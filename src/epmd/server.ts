/**
 * The port mapper daemon: serves OTP 25's epmd protocol to real `erl` nodes, `epmd -names`,
 * `net_adm:names/0` and noderl nodes (otp-distribution.md §1; erts/epmd/src/epmd_srv.c).
 *
 * One request per connection, except ALIVE2_REQ, whose connection is the registration: it lives
 * until the socket closes or sends one more byte. Malformed, refused and idle connections are
 * closed without a reply, as epmd closes them, with one log line each; registered nodes are never
 * disturbed by what other connections do.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { isLocalPeer, listenAddresses } from './addresses.js';
import {
  alive2Reply,
  dumpReply,
  epmdPort,
  namesReply,
  port2Reply,
  readAlive2Fields,
  Request,
  MAX_NAME_BYTES,
  type NodeRegistration,
} from './protocol.js';
import { creationFor, lookupNameProblem, NodeTable, registrationProblem, type NodeEntry } from './registry.js';

export { isLocalPeer, listenAddresses, EpmdAddressError } from './addresses.js';

/** epmd's INBUF_SIZE (3 × MAXSYMLEN): a request of this size or more, length field included, is refused. */
const INBUF_SIZE = 3 * MAX_NAME_BYTES;
/** epmd's CLOSE_TIMEOUT: a connection that is not a registration and stays silent this long is closed. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** Enough for a burst of clients; far below common descriptor limits. Beyond it, new connections are dropped. */
const DEFAULT_MAX_CONNECTIONS = 10_000;
/** OTP 25's epmd answers STOP of an unknown name with both strings (a bug; later releases send NOEXIST only). */
const STOP_UNKNOWN_REPLY = Buffer.from('NOEXISTSTOPPED');

/** Receives one line per refused request or unusual event. */
export type EpmdLogger = (message: string) => void;

/** Options of {@link EpmdServer.listen}. */
export interface EpmdServerOptions {
  /** TCP port; default `ERL_EPMD_PORT`, else 4369. 0 picks a free port (see `port`). */
  port?: number;
  /**
   * Addresses to listen on; default `ERL_EPMD_ADDRESS` (comma or space separated), else every
   * interface. With a list, the loopback addresses are always added, as epmd does.
   */
  addresses?: string[];
  /** epmd's `-relaxed_command_check`: KILL with live nodes and STOP are allowed. Default: `ERL_EPMD_RELAXED_COMMAND_CHECK` set. */
  relaxedCommandCheck?: boolean;
  /** Idle time after which a connection that is not a registration is closed (epmd: 60 s). */
  idleTimeoutMs?: number;
  /** Where refusals are reported; default one line on stderr; `false` silences. */
  log?: EpmdLogger | false;
  /** Connections held at once before new ones are dropped (default 10,000). */
  maxConnections?: number;
}

/** Why the daemon could not start. */
export class EpmdServerError extends Error {
  constructor(
    readonly code: 'ERR_NODERL_EPMD_PORT_IN_USE' | 'ERR_NODERL_EPMD_LISTEN',
    message: string,
    readonly address?: string,
    readonly port?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EpmdServerError';
  }
}

/** A registered node as the daemon sees it: what it registered, and the creation it was given. */
export interface RegisteredNode extends NodeRegistration {
  /** 32-bit, or 1..3 for clients below version 6. */
  creation: number;
}

/** Per-connection state: epmd's `Connection` (buffer, got/want, keep, local_peer). */
class Connection {
  chunks: Buffer[] = [];
  got = 0;
  want = 0;
  /** 'reading' a request, 'kept' as a registration, 'done' after its one request or a refusal. */
  state: 'reading' | 'kept' | 'done' = 'reading';
  entry: NodeEntry | undefined;

  constructor(readonly socket: Socket) {}

  /**
   * Whether the peer may register, dump, kill and stop. Asked only by those requests: the two
   * address look-ups are system calls that PORT_PLEASE2, the hot path, does not need.
   */
  get local(): boolean {
    return isLocalPeer(this.socket.remoteAddress, this.socket.localAddress);
  }

  private peerName: string | undefined;

  /** The peer as `address:port`, for log lines; remembered, as Node forgets it once the socket closes. */
  get peer(): string {
    this.peerName ??= `${this.socket.remoteAddress}:${this.socket.remotePort}`;
    return this.peerName;
  }

  /** The OS descriptor, which DUMP shows as epmd does; -1 where Node does not expose it. */
  get fd(): number {
    const handle = (this.socket as unknown as { _handle?: { fd?: number } })._handle;
    return typeof handle?.fd === 'number' ? handle.fd : -1;
  }
}

function defaultLogger(message: string): void {
  process.stderr.write(`noderl epmd: ${new Date().toISOString()}: ${message}\n`);
}

/**
 * The port mapper daemon. `EpmdServer.listen()` starts one; `close()` stops it and ends every
 * registration. Events: `register` and `unregister` (a {@link RegisteredNode}), `kill` (a KILL
 * request was granted; the server then closes), `close`.
 */
export class EpmdServer extends EventEmitter {
  private readonly servers: Server[] = [];
  private readonly connections = new Set<Connection>();
  private readonly table = new NodeTable();
  private readonly log: EpmdLogger;
  private readonly relaxed: boolean;
  private readonly idleTimeoutMs: number;
  private closing: Promise<void> | undefined;
  private boundPort = 0;
  private readonly bound: string[] = [];

  private constructor(options: EpmdServerOptions) {
    super();
    this.log = options.log === false ? () => {} : options.log ?? defaultLogger;
    this.relaxed = options.relaxedCommandCheck ?? process.env.ERL_EPMD_RELAXED_COMMAND_CHECK !== undefined;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  }

  /** Starts a daemon and resolves once every address listens; rejects with {@link EpmdServerError}. */
  static async listen(options: EpmdServerOptions = {}): Promise<EpmdServer> {
    const server = new EpmdServer(options);
    const addresses = listenAddresses(options.addresses ?? process.env.ERL_EPMD_ADDRESS);
    try {
      await server.bind(addresses, options.port ?? epmdPort(), options.maxConnections ?? DEFAULT_MAX_CONNECTIONS);
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  }

  /** The port the daemon listens on (the real one when 0 was asked for). */
  get port(): number {
    return this.boundPort;
  }

  /** The addresses it listens on. */
  get addresses(): readonly string[] {
    return this.bound;
  }

  /** Registered nodes, newest first (NAMES order). */
  get nodes(): RegisteredNode[] {
    return this.table.registered().map(publicView);
  }

  /** Stops listening and closes every connection, registrations included. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    for (const conn of this.connections) conn.socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
    this.emit('close');
  }

  private async bind(addresses: { address: string; optional: boolean }[], port: number, maxConnections: number): Promise<void> {
    for (const { address, optional } of addresses) {
      const server = createServer((socket) => this.accept(socket));
      server.maxConnections = maxConnections;
      server.on('drop', (d?: { remoteAddress?: string; remotePort?: number }) =>
        this.log(`dropped a connection from ${d?.remoteAddress}:${d?.remotePort}: ${maxConnections} connections open`),
      );
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: address, port: this.boundPort || port, ipv6Only: address.includes(':'), backlog: 4096 }, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (optional && (code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL')) continue;
        if (code === 'EADDRINUSE') {
          throw new EpmdServerError('ERR_NODERL_EPMD_PORT_IN_USE', `there is already a port mapper running at port ${port}`, address, port, { cause: err });
        }
        throw new EpmdServerError('ERR_NODERL_EPMD_LISTEN', `cannot listen on ${address} port ${port}: ${(err as Error).message}`, address, port, { cause: err });
      }
      // A failing accept (EMFILE) must be logged, never crash the daemon.
      server.on('error', (err) => this.log(`accept failed: ${err.message}`));
      this.servers.push(server);
      this.bound.push(address);
      const info = server.address();
      if (this.boundPort === 0 && info !== null && typeof info === 'object') this.boundPort = info.port;
    }
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const conn = new Connection(socket);
    this.connections.add(conn);
    socket.setTimeout(this.idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
    socket.on('timeout', () => {
      if (conn.state !== 'reading') return;
      this.log(`closing the connection from ${conn.peer}: idle for ${this.idleTimeoutMs} ms`);
      this.drop(conn);
    });
    socket.on('error', () => {}); // a reset peer; 'close' follows and does the cleanup
    socket.on('close', () => this.onClose(conn));
  }

  /** Streaming input: a request may come byte by byte; epmd's `do_read`. */
  private onData(conn: Connection, chunk: Buffer): void {
    if (conn.state === 'done') return;
    if (conn.state === 'kept') {
      // epmd: "got more than expected on ALIVE socket": any byte ends the registration.
      const name = conn.entry ? `"${conn.entry.name}"` : 'a refused registration';
      this.log(`${chunk.length} unexpected bytes on the registration socket of ${name} from ${conn.peer}; unregistering`);
      this.unregisterConnection(conn);
      this.drop(conn);
      return;
    }
    const lengthKnownBefore = conn.want !== 0;
    conn.chunks.push(chunk);
    conn.got += chunk.length;
    if (conn.want === 0 && conn.got >= 2) {
      const head = conn.chunks.length === 1 ? conn.chunks[0] : Buffer.concat(conn.chunks);
      const length = head.readUInt16BE(0);
      conn.want = length + 2;
      if (length < 1 || conn.want >= INBUF_SIZE) return this.refuse(conn, `invalid packet size (${length})`);
    }
    if (conn.want === 0 || conn.got < conn.want) {
      void conn.peer; // a partial request: name the peer now, while it can be, for the log if it never ends
      return;
    }
    if (conn.got > conn.want && !lengthKnownBefore) {
      // epmd reads what is there at once: a request with more behind it in one read is refused.
      return this.refuse(conn, `got ${conn.got - 2} bytes in a request of ${conn.want - 2}`);
    }
    const all = conn.chunks.length === 1 ? conn.chunks[0] : Buffer.concat(conn.chunks);
    conn.chunks = [];
    this.handleRequest(conn, all.subarray(2, conn.want));
    if (conn.got > conn.want && (conn.state as Connection['state']) === 'kept') {
      // The extra bytes came after the request: epmd registers, then sees them and unregisters.
      this.onData(conn, all.subarray(conn.want));
    }
  }

  private onClose(conn: Connection): void {
    this.connections.delete(conn);
    if (conn.state === 'reading' && conn.got > 0 && !this.closing) this.log(`connection from ${conn.peer} closed after a partial request (${conn.got} bytes)`);
    conn.state = 'done';
    this.unregisterConnection(conn);
  }

  private unregisterConnection(conn: Connection): void {
    const entry = this.table.unregisterOwner(conn, conn.entry);
    if (entry) this.emit('unregister', publicView(entry));
  }

  /** Closes without a reply, as epmd does with every request it cannot or will not serve. */
  private refuse(conn: Connection, why: string): void {
    this.log(`${why} from ${conn.peer}; closing`);
    this.drop(conn);
  }

  private drop(conn: Connection): void {
    conn.state = 'done';
    conn.chunks = [];
    conn.socket.destroy();
  }

  /** Sends the one reply of a one-request connection and closes it (epmd: reply, then close). */
  private finish(conn: Connection, reply?: Buffer): void {
    conn.state = 'done';
    if (reply === undefined) conn.socket.destroy();
    else conn.socket.write(reply, () => conn.socket.destroy()); // close() sends the FIN, as epmd's does: no shutdown first
  }

  /** epmd's `do_request`: `body` starts with the request code. */
  private handleRequest(conn: Connection, body: Buffer): void {
    const code = body[0];
    switch (code) {
      case Request.PORT_PLEASE2:
        return this.portPlease(conn, body);
      case Request.ALIVE2:
        return this.alive(conn, body);
      case Request.NAMES:
        return this.finish(conn, namesReply(this.boundPort, this.table.registered()));
      case Request.DUMP:
        if (!conn.local) return this.refuse(conn, 'DUMP_REQ from a non-local address');
        return this.finish(conn, dumpReply(this.boundPort, this.table.registered(), this.table.unregistered()));
      case Request.KILL:
        return this.kill(conn);
      case Request.STOP:
        return this.stop(conn, body);
      default:
        return this.refuse(conn, `unknown request code ${code}`);
    }
  }

  private portPlease(conn: Connection, body: Buffer): void {
    // epmd drops one trailing NUL (pre-R3A clients sent a C string).
    const end = body.length > 1 && body[body.length - 1] === 0 ? body.length - 1 : body.length;
    const name = body.subarray(1, end);
    const problem = lookupNameProblem(name);
    if (problem) return this.refuse(conn, `PORT_PLEASE2_REQ with ${problem}`);
    this.finish(conn, port2Reply(this.table.get(name.toString('latin1'))));
  }

  private alive(conn: Connection, body: Buffer): void {
    if (!conn.local) return this.refuse(conn, 'ALIVE2_REQ from a non-local address');
    if (body.length <= 13) return this.refuse(conn, `ALIVE2_REQ too small (${body.length} bytes)`);
    const fields = readAlive2Fields(body.subarray(1));
    if (fields === undefined) return this.refuse(conn, 'ALIVE2_REQ with name or extra lengths beyond the request');
    if (fields.name.includes(0)) return this.refuse(conn, 'ALIVE2_REQ with a NUL in the node name');
    const key = fields.name.toString('latin1');
    const problem = registrationProblem(fields.name, fields.extra, this.table.has(key));
    const wide = fields.highestVersion >= 6;
    conn.state = 'kept'; // epmd keeps the socket even after a refused registration; the node closes it
    conn.socket.setTimeout(0);
    if (problem) {
      this.log(`registration of "${fields.name.toString('utf8')}" from ${conn.peer} refused: ${problem}`);
      conn.socket.write(alive2Reply(1, 99, wide));
      return;
    }
    const entry = this.table.register(key, { ...fields, name: fields.name.toString('utf8') }, conn, conn.fd);
    conn.entry = entry;
    conn.socket.write(alive2Reply(0, creationFor(entry), wide));
    this.emit('register', publicView(entry));
  }

  private kill(conn: Connection): void {
    if (!conn.local) return this.refuse(conn, 'KILL_REQ from a non-local address');
    if (!this.relaxed && this.table.size > 0) {
      this.log(`KILL_REQ from ${conn.peer} refused: ${this.table.size} live nodes`);
      return this.finish(conn, Buffer.from('NO'));
    }
    this.log(`KILL_REQ from ${conn.peer}: stopping`);
    conn.socket.end(Buffer.from('OK'), () => {
      conn.socket.destroy();
      this.emit('kill');
      void this.close();
    });
    conn.state = 'done';
  }

  private stop(conn: Connection, body: Buffer): void {
    if (!conn.local) return this.refuse(conn, 'STOP_REQ from a non-local address');
    if (!this.relaxed) return this.refuse(conn, 'STOP_REQ refused: no relaxed command check');
    if (body.length <= 1) return this.refuse(conn, 'STOP_REQ without a name');
    // epmd reads the name as a C string: up to the first NUL.
    const nul = body.indexOf(0, 1);
    const key = body.subarray(1, nul === -1 ? body.length : nul).toString('latin1');
    const entry = this.table.unregister(key);
    if (entry === undefined) {
      this.log(`STOP_REQ from ${conn.peer} for a name not registered`);
      return this.finish(conn, STOP_UNKNOWN_REPLY);
    }
    this.log(`STOP_REQ from ${conn.peer}: unregistered "${entry.name}"`);
    for (const other of this.connections) if (other.entry === entry) this.drop(other);
    this.emit('unregister', publicView(entry));
    this.finish(conn, Buffer.from('STOPPED'));
  }
}

function publicView(entry: NodeEntry): RegisteredNode {
  return {
    name: entry.name,
    port: entry.port,
    nodeType: entry.nodeType,
    protocol: entry.protocol,
    highestVersion: entry.highestVersion,
    lowestVersion: entry.lowestVersion,
    extra: entry.extra,
    creation: creationFor(entry),
  };
}
