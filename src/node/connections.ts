/**
 * A node being distributed: its name registered with the port mapper, the listening socket that
 * runs the accepting handshake, dialled connections, and the connections' control messages turned
 * into actions. It exists from `Node.start({ sname })` or `netKernel.start()` until `node.stop()`
 * or `netKernel.stop()`; the node's processes outlive it (src/node/node.ts). In OTP these are
 * net_kernel's jobs, with the port mapper client and the listener of `inet_tcp_dist`.
 *
 * Each connection hands over typed signals and spawn requests (src/channel/connection.ts decodes
 * and encodes every control message); `dispatch` gives a signal to the process table
 * (src/process/table.ts), so nothing here knows an op code. `net_kernel` answers `{is_auth, _}`
 * so `net_adm:ping` gives pong. Handshake failures are judged by `HandshakeError`'s fields
 * (`status`, `missing`, `stage`), and logged in OTP's words.
 */
import type { Server, Socket } from 'node:net';
import { ensureEpmd } from '../epmd/daemon.js';
import { EpmdRegistration, lookupNode } from '../epmd/client.js';
import { epmdPort as defaultEpmdPort } from '../epmd/protocol.js';
import { Atom, atom, Pid, Ref } from '../term/types.js';
import { advertisedFlags, flagList } from '../channel/flags.js';
import { acceptHandshake, dialHandshake, HandshakeError, type HandshakeResult, type LocalNode, type NameStatus } from '../channel/handshake.js';
import { Connection } from '../channel/connection.js';
import type { TlsDistOptions } from '../channel/tls-options.js';
import { TlsRefusal, type TlsTransport } from '../channel/tls-transport.js';
import { listenInRange, openSocket, tlsTransport } from './dist-sockets.js';
import { dialRefusal, resolveNodeName, splitNode } from './names.js';
import { NET_KERNEL, netKernelAnswer } from './is-auth.js';
import type { Signal, SpawnRequest } from '../channel/control.js';
import type { ProcessTable } from '../process/table.js';

/** What makes a node distributed: its name and how it listens (the rest of `NodeOptions`). */
export interface DistributionOptions {
  /** A short name (`a` or `a@host`); the host part defaults to the short hostname, as `erl -sname`. */
  sname?: string;
  /** A long name (`a@host.domain`, `a@127.0.0.1`), as `erl -name`. */
  name?: string;
  /** Leave out PUBLISHED: connections are hidden, as `erl -hidden`. */
  hidden?: boolean;
  /** Per handshake step, ms (OTP's `net_setuptime`, default 7000). */
  setupTimeMs?: number;
  /** Bound on one incoming frame, bytes (default 256 MiB). */
  maxFrameSize?: number;
  /**
   * Bytes queued toward one peer at which its connection is busy (OTP's `dist_buf_busy_limit`,
   * `erl +zdbbl KB`; default 1 MiB, as OTP): a process that sends there waits (`await self.send`),
   * `erlang:send/3` with `nosuspend` answers `nosuspend`, and the node emits `busy`/`unbusy`.
   */
  distBufBusyLimit?: number;
  /**
   * Ports the node may accept connections on (kernel's `inet_dist_listen_min`/`max`): the first
   * free port of `min..max` is taken. Default: any port the system gives.
   */
  listen?: { min: number; max?: number };
  /** Port mapper port (default `ERL_EPMD_PORT`, else 4369). */
  epmdPort?: number;
  /**
   * TLS distribution, as `erl -proto_dist inet_tls`: every connection, accepted or dialled, is TLS
   * from its first byte, with the distribution handshake and traffic inside. Either the text of
   * an `-ssl_dist_optfile` (`[{server, [...]}, {client, [...]}]`, Erlang terms; the files it names
   * are read at start), or Node `tls` options for each role. Every peer must then speak TLS too.
   */
  tls?: string | TlsDistOptions;
}

/** What a distributed node needs from its node. */
export interface DistributionHost {
  readonly processes: ProcessTable;
  /** Serves a SPAWN_REQUEST from a peer (src/process/spawn.ts). */
  serveSpawn(request: SpawnRequest): void;
  /** net_kernel:allow/1's list. */
  isAllowed(peer: string): boolean;
  cookieFor(peer: string): string;
  /** `net_ticktime`, seconds. */
  ticktime(): number;
  nodeUp(peer: string, visible: boolean): void;
  nodeDown(peer: string, reason: string, visible: boolean): void;
  /** The connection to `peer` became busy (true) or not busy any more (false). */
  busy(peer: string, busy: boolean, queuedBytes: number): void;
  log(line: string): void;
}

interface DialAttempt {
  promise: Promise<boolean>;
  socket?: Socket;
  /** Set when the peer's own attempt won a simultaneous connect (we answered `ok_simultaneous`). */
  aborted: boolean;
}

export class Distribution {
  /** The full node name, `alive@host`. */
  readonly name: string;
  readonly nodeAtom: Atom;
  /** The incarnation the port mapper assigned. */
  readonly creation: number;
  /** The TCP port that accepts distribution connections. */
  readonly port: number;
  readonly hidden: boolean;
  /** The pid `net_kernel`'s answers come from (there is no such process here; see dispatch). */
  readonly netKernelPid: Pid;
  private readonly connections = new Map<string, Connection>();
  private readonly dialing = new Map<string, DialAttempt>();
  /** Every node connected while distributed (`nodes(known)`). */
  private readonly known = new Set<string>();
  /** Dials waiting for the other side of a simultaneous connect to come up. */
  private readonly upWaiters = new Map<string, Set<() => void>>();
  private readonly local: LocalNode;
  private stopping?: Promise<void>;

  private constructor(
    private readonly host: DistributionHost,
    private readonly options: DistributionOptions & { longNames: boolean },
    node: string,
    private readonly server: Server,
    private readonly registration: EpmdRegistration,
    /** Present when the node speaks TLS distribution. */
    private readonly tls: TlsTransport | undefined,
  ) {
    this.name = node;
    this.nodeAtom = atom(node);
    this.creation = registration.creation;
    this.port = registration.port;
    this.hidden = options.hidden ?? false;
    this.netKernelPid = new Pid(this.nodeAtom, 1, 0, this.creation);
    this.local = {
      name: this.name,
      flags: advertisedFlags(this.hidden),
      creation: this.creation,
      cookieFor: (peer) => host.cookieFor(peer),
      setupTimeMs: options.setupTimeMs ?? 7000,
      headerBytes: tls === undefined ? 2 : 4,
    };
    server.on('connection', (socket) => this.accept(socket));
    registration.on('lost', (err) => host.log(`** noderl ${this.name}: port mapper registration lost: ${err.message} **`));
  }

  /**
   * Resolves the name as erl does, makes sure a port mapper runs, listens, and registers. Resolves
   * once connections are accepted; rejects as `Node.start` documents (name in use: EpmdError).
   */
  static async start(host: DistributionHost, options: DistributionOptions): Promise<Distribution> {
    const { node, longNames } = resolveNodeName(options);
    const tls = options.tls === undefined ? undefined : tlsTransport(options.tls);
    const port = options.epmdPort ?? defaultEpmdPort();
    await ensureEpmd({ port });
    const server = await listenInRange(options.listen);
    // Until the Distribution exists, a connection has no one to handshake with: close it (a peer
    // that found our port this early retries as on a refused connection).
    const early = (socket: Socket): void => void socket.destroy();
    server.on('connection', early);
    const address = server.address();
    if (address === null || typeof address === 'string') {
      server.close();
      throw new Error('the listening socket has no TCP port');
    }
    let registration: EpmdRegistration;
    try {
      registration = await EpmdRegistration.register({ name: splitNode(node)!.alive, port: address.port, hidden: options.hidden }, { port });
    } catch (err) {
      server.close();
      throw err;
    }
    server.off('connection', early);
    return new Distribution(host, { ...options, longNames }, node, server, registration, tls);
  }

  /** The connection to `peer`, if one is up. */
  connection(peer: string): Connection | undefined {
    return this.connections.get(peer);
  }

  /** As `Node.nodes`. */
  nodes(kind: 'visible' | 'hidden' | 'connected' | 'known'): string[] {
    if (kind === 'known') return [this.name, ...this.known];
    const out: string[] = [];
    for (const c of this.connections.values()) {
      if (kind === 'connected' || (kind === 'visible') === c.visible) out.push(c.peer);
    }
    return out;
  }

  /** Connects to `peer`; resolves true once the handshake succeeded (or it was up already). */
  connect(peer: string): Promise<boolean> {
    if (peer === this.name || this.connections.has(peer)) return Promise.resolve(true);
    if (this.stopping) return Promise.resolve(false);
    const pending = this.dialing.get(peer);
    if (pending) return pending.promise;
    const attempt: DialAttempt = { promise: Promise.resolve(false), aborted: false };
    attempt.promise = this.dial(peer, attempt).finally(() => {
      if (this.dialing.get(peer) === attempt) this.dialing.delete(peer);
    });
    this.dialing.set(peer, attempt);
    return attempt.promise;
  }

  /** Closes the connection to `peer`, if any. */
  disconnect(peer: string): boolean {
    const c = this.connections.get(peer);
    c?.close('disconnect');
    return c !== undefined;
  }

  /** Every connection, open or made later, ticks by `seconds` (see Node.setNetTicktime). */
  setTicktime(seconds: number): void {
    for (const c of this.connections.values()) c.setTicktime(seconds * 1000);
  }

  /**
   * Stops being distributed: the listener closes, every peer is disconnected (each gets a
   * nodedown, and links toward it fire `noconnection` here), and the name is unregistered.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.server.close();
      for (const c of [...this.connections.values()]) c.close('shutdown');
      for (const a of this.dialing.values()) a.socket?.destroy();
      for (const waiters of [...this.upWaiters.values()]) for (const done of [...waiters]) done();
      await this.registration.close();
    })();
    return this.stopping;
  }

  private async dial(peer: string, attempt: DialAttempt): Promise<boolean> {
    const refusal = dialRefusal(peer, this.options.longNames);
    if (refusal !== undefined) {
      this.host.log(refusal);
      return false;
    }
    if (!this.host.isAllowed(peer)) {
      this.host.log(`** Connection attempt with disallowed node ${peer} **`); // net_kernel:allow/1, OTP's words
      return false;
    }
    const { alive, host } = splitNode(peer)!;
    let socket: Socket;
    try {
      const found = await lookupNode(alive, { host, port: this.registration.epmdPort, timeoutMs: this.local.setupTimeMs });
      if (found === null) return false;
      socket = this.tls === undefined ? await openSocket(host, found.port, this.local.setupTimeMs) : await this.tls.dial(host, found.port, this.local.setupTimeMs);
    } catch (err) {
      // A TLS peer that refused us, or that we refused, is worth a line; nothing answering is
      // pang, as OTP gives it without a log line.
      if (err instanceof TlsRefusal) this.host.log(`** ${this.name}: TLS connection to node ${peer} at ${err.address} failed: ${err.reason} **`);
      return false;
    }
    attempt.socket = socket;
    if (this.stopping) {
      socket.destroy(); // net_kernel:stop came while we looked the peer up: no handshake
      return false;
    }
    if (attempt.aborted || this.connections.has(peer)) {
      socket.destroy(); // the peer's attempt won while we looked it up
      return this.waitUp(peer);
    }
    let result: HandshakeResult;
    try {
      result = await dialHandshake(socket, this.local, peer, () => !attempt.aborted && !this.stopping && !this.connections.has(peer));
    } catch (err) {
      socket.destroy();
      // The peer's attempt won the race: it answered nok, or alive and we kept the connection
      // that came up meanwhile (or we answered its attempt ok_simultaneous).
      if (attempt.aborted || (err instanceof HandshakeError && (err.status === 'nok' || err.status === 'alive'))) return this.waitUp(peer);
      if (err instanceof HandshakeError && err.missing.length > 0) {
        this.host.log(`** ${this.name}: Connection to node ${peer} refused since it cannot handle ${flagList(err.missing)}.**`);
      }
      return false;
    }
    if (attempt.aborted || this.stopping) {
      socket.destroy();
      return this.stopping ? false : this.waitUp(peer);
    }
    this.up(socket, result);
    return true;
  }

  /** Resolves true once `peer` is up (the other side of a simultaneous connect), false after a while. */
  private waitUp(peer: string): Promise<boolean> {
    if (this.connections.has(peer)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiters = this.upWaiters.get(peer) ?? new Set();
      this.upWaiters.set(peer, waiters);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.upWaiters.get(peer) === waiters) this.upWaiters.delete(peer);
        resolve(this.connections.has(peer));
      };
      const timer = setTimeout(done, this.local.setupTimeMs * 3);
      waiters.add(done);
    });
  }

  /** `dist_util:handshake_other_started/1`'s decisions about a peer's name. */
  private nameStatus(peer: string): NameStatus {
    if (this.stopping) return 'not_allowed';
    if (!this.host.isAllowed(peer)) {
      this.host.log(`** Connection attempt from disallowed node ${peer} **`);
      return 'not_allowed';
    }
    if (this.connections.has(peer)) return 'alive';
    const pending = this.dialing.get(peer);
    if (pending) {
      // Simultaneous connect: the greater name keeps its own attempt (atoms compare as text).
      if (this.name > peer) return 'nok';
      pending.aborted = true;
      pending.socket?.destroy();
      return 'ok_simultaneous';
    }
    return 'ok';
  }

  private async accept(raw: Socket): Promise<void> {
    raw.on('error', () => {});
    const from = `${raw.remoteAddress}:${raw.remotePort}`;
    let socket = raw;
    if (this.tls !== undefined) {
      raw.setNoDelay(true);
      try {
        socket = await this.tls.accept(raw, this.local.setupTimeMs);
      } catch (err) {
        if (err instanceof TlsRefusal && !err.silent) this.host.log(`** ${this.name}: TLS distribution connection from ${from} refused: ${err.reason} **`);
        return;
      }
      socket.on('error', () => {});
    }
    let result: HandshakeResult;
    try {
      result = await acceptHandshake(
        socket,
        this.local,
        (peer) => this.nameStatus(peer),
        (peer, replace) => {
          if (replace) this.connections.get(peer)?.close('replaced by a new connection');
        },
      );
    } catch (err) {
      socket.destroy();
      this.logRefusal(err, from);
      return;
    }
    if (this.stopping) return void socket.destroy();
    this.up(socket, result);
  }

  private logRefusal(err: unknown, from: string): void {
    const log = (line: string): void => this.host.log(line);
    if (!(err instanceof HandshakeError)) {
      log(`** ${this.name}: handshake with ${from} failed: ${String(err)} **`);
      return;
    }
    // Closed before a byte was sent: a dial the peer abandoned (simultaneous connect) or a port probe.
    if (err.code === 'ERR_NODERL_HANDSHAKE_CLOSED' && err.peer === undefined && err.truncated === 0 && err.cause === undefined) return;
    if (err.code === 'ERR_NODERL_BAD_COOKIE') log(`** Connection attempt from disallowed node ${err.peer} **`);
    else if (err.missing.length > 0) log(`** ${this.name}: Connection attempt from node ${err.peer} rejected since it cannot handle ${flagList(err.missing)}.**`);
    else if (err.code !== 'ERR_NODERL_HANDSHAKE_REFUSED') log(`** ${this.name}: handshake with ${err.peer ?? from} failed: ${err.message} **`);
  }

  /** A handshake succeeded: the connection is up. */
  private up(socket: Socket, result: HandshakeResult): void {
    this.connections.get(result.peerName)?.close('replaced by a new connection');
    const conn = new Connection(socket, result, { ticktimeMs: this.host.ticktime() * 1000, maxFrameSize: this.options.maxFrameSize, distBufBusyLimit: this.options.distBufBusyLimit });
    this.connections.set(conn.peer, conn);
    this.known.add(conn.peer);
    conn.on('busy', (bytes) => this.host.busy(conn.peer, true, bytes));
    conn.on('unbusy', (bytes) => this.host.busy(conn.peer, false, bytes));
    conn.on('signal', (to, signal) => this.dispatch(conn, to, signal));
    conn.on('spawnRequest', (request) => this.host.serveSpawn(request));
    conn.once('close', (reason) => {
      if (this.connections.get(conn.peer) === conn) this.connections.delete(conn.peer);
      if (reason === 'net_tick_timeout') this.host.log(`** Node ${conn.peer} not responding **\n** Removing (timedout) connection **`);
      else if (reason.startsWith('bad ')) this.host.log(`** ${this.name}: connection to ${conn.peer} closed: ${reason} **`);
      this.host.processes.nodeDown(atom(conn.peer));
      this.host.nodeDown(conn.peer, reason, conn.visible);
    });
    this.host.nodeUp(conn.peer, conn.visible);
    for (const done of [...(this.upWaiters.get(conn.peer) ?? [])]) done();
  }

  /** The one place a peer's signal becomes an action (the connection decoded it: src/channel/control.ts). */
  private dispatch(conn: Connection, to: Pid | Atom | Ref, signal: Signal): void {
    const processes = this.host.processes;
    if (to instanceof Ref) {
      if (to.node === this.nodeAtom) processes.deliverToAlias(to, signal); // ALIAS_SEND
      return;
    }
    if (to instanceof Pid) {
      if (to.node !== this.nodeAtom) return;
      processes.deliverLocal(to, signal);
      return;
    }
    if (to === NET_KERNEL && !processes.registry.whereis(to)) {
      // MONITOR_P of net_kernel is left unanswered on purpose: a DOWN/noproc would make ping pang (§7.6).
      if (signal.kind !== 'message') return;
      const answer = netKernelAnswer(signal.message);
      if (answer) conn.sendSignal(answer.to, { kind: 'message', from: this.netKernelPid, message: answer.reply });
      return;
    }
    processes.deliverToName(to, signal);
  }
}
