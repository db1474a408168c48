/**
 * A noderl node: a name registered with the port mapper, a listening socket that runs the
 * accepting handshake, dialled connections, and the connections' control messages turned into
 * actions (kernel's `net_kernel` owns the same jobs in OTP).
 *
 * Incoming control messages become signals (src/dist/control.ts) handed to the process table
 * (src/node/processes.ts), which also routes every signal our processes send. `net_kernel` answers
 * `{is_auth, _}` so `net_adm:ping` gives pong.
 */
import { EventEmitter } from 'node:events';
import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { ensureEpmd } from '../epmd/daemon.js';
import { EpmdRegistration, lookupNode } from '../epmd/client.js';
import { epmdPort as defaultEpmdPort } from '../epmd/protocol.js';
import { Atom, atom, Pid, Ref, tuple, type Term, type Tuple } from '../term/types.js';
import { advertisedFlags, DistFlag, hasFlag } from '../dist/flags.js';
import { acceptHandshake, dialHandshake, HandshakeError, type HandshakeResult, type LocalNode, type NameStatus } from '../dist/handshake.js';
import { Connection } from '../dist/connection.js';
import { resolveCookie } from './cookie.js';
import { dialRefusal, resolveNodeName, splitNode } from './names.js';
import { isAuthYes, NET_KERNEL, netKernelAnswer } from '../services/net_kernel.js';
import { decodeSignal, decodeSpawnRequest, type SpawnRequest } from '../dist/control.js';
import { CodePath } from './code-path.js';
import { createApply, serveSpawnRequest, type Apply, type SpawnHost } from './spawn.js';
import type { SpawnOptions } from './spawn-options.js';
import { serveIo } from '../services/io.js';
import { REX, serveRex } from '../services/rex.js';
import type { Destination, Process } from './process.js';
import { toAtom } from './registry.js';
import { format } from '../term/format.js';
import { ProcessTable } from './processes.js';
import { startGenServer, type GenServerOptions, type GenServerSpec } from './gen-server.js';
import { Rpc } from '../rpc/rpc.js';
import { Erpc } from '../rpc/erpc.js';
import { startGlobal } from '../global/start.js';
import type { Global } from '../global/global.js';
import type { NameServer } from '../global/name-server.js';
import { NetKernel } from './net-kernel.js';

/** Options of {@link Node.start}. */
export interface NodeOptions {
  /** A short name (`a` or `a@host`); the host part defaults to the short hostname, as `erl -sname`. */
  sname?: string;
  /** A long name (`a@host.domain`, `a@127.0.0.1`), as `erl -name`. */
  name?: string;
  /** The cookie; default `~/.erlang.cookie`, created as erl creates it. */
  cookie?: string;
  /** Leave out PUBLISHED: connections are hidden, as `erl -hidden`. */
  hidden?: boolean;
  /** `net_ticktime` in seconds (default 60). */
  ticktime?: number;
  /** Per handshake step, ms (OTP's `net_setuptime`, default 7000). */
  setupTimeMs?: number;
  /** Bound on one incoming frame, bytes (default 256 MiB). */
  maxFrameSize?: number;
  /**
   * Ports the node may accept connections on (kernel's `inet_dist_listen_min`/`max`): the first
   * free port of `min..max` is taken. Default: any port the system gives.
   */
  listen?: { min: number; max?: number };
  /** Port mapper port (default `ERL_EPMD_PORT`, else 4369). */
  epmdPort?: number;
  /** Where log lines go (default: stderr). */
  log?: (line: string) => void;
  /**
   * The code path: a folder of ES modules, one per Erlang module (`echo.js` serves `echo:F/A`);
   * remote spawn and {@link Node.apply} resolve `M:F/A` there after the built-ins.
   */
  codePath?: string;
  /** Where the node's default group leader (`user`) writes output (default: stdout). */
  output?: (text: string) => void;
  /** `erl -connect_all`: false keeps this node out of global's transitive mesh and name sync (default true). */
  connectAll?: boolean;
}

export interface NodeEvents {
  /** `visible`: a published connection (false for a hidden one), as `nodes()` counts it. */
  nodeup: [node: string, visible: boolean];
  nodedown: [node: string, reason: string, visible: boolean];
  /** The node stopped (`node.stop()`, or `init:stop()` called on it). */
  stopped: [];
}

interface DialAttempt {
  promise: Promise<boolean>;
  socket?: Socket;
  /** Set when the peer's own attempt won a simultaneous connect (we answered `ok_simultaneous`). */
  aborted: boolean;
}

/** A running node. */
export class Node extends EventEmitter<NodeEvents> {
  /** The full node name, `alive@host`. */
  readonly name: string;
  readonly nodeAtom: Atom;
  /** The incarnation the port mapper assigned. */
  readonly creation: number;
  /** The TCP port that accepts distribution connections. */
  readonly port: number;
  readonly hidden: boolean;
  /** kernel's `rpc` client functions (src/rpc/rpc.ts): `call`, `cast`, `asyncCall`/`yield`/`nbYield`, `multicall`, `evalEverywhere`. */
  readonly rpc = new Rpc((fn) => this.spawn(fn), () => [this.name, ...this.nodes()]);
  /** `erpc` client functions (src/rpc/erpc.ts): `call` throws `ErpcError`; `cast`, `multicall`. */
  readonly erpc = new Erpc((fn) => this.spawn(fn));
  /** OTP's `global` (src/global/): the replicated name registry, locks, `sync`; inert on a hidden node. */
  readonly global: Global;
  /** kernel's `net_kernel` API (src/node/net-kernel.ts): `connectNode`, `monitorNodes`/`watchNodes`, ticktime, `allow`. */
  readonly netKernel: NetKernel = new NetKernel(this);
  private readonly globalServer: NameServer;
  private readonly connections = new Map<string, Connection>();
  private readonly dialing = new Map<string, DialAttempt>();
  /** Every node connected this session (`nodes(known)`). */
  private readonly known = new Set<string>();
  /** `erlang:set_cookie/2` cookies, by peer; the rest use {@link defaultCookie}. */
  private readonly cookies = new Map<string, string>();
  private defaultCookie: string;
  private ticktime: number;
  private readonly local: LocalNode;
  private readonly netKernelPid: Pid;
  private readonly processes: ProcessTable;
  private stopping?: Promise<void>;
  private readonly serveSpawn: (request: SpawnRequest) => void;
  /** `apply(M, F, Args)` in a process: built-ins, then the code path (src/node/spawn.ts). */
  private readonly applyMfa: Apply;

  private constructor(
    private readonly options: NodeOptions & { node: string; longNames: boolean; cookie: string },
    private readonly server: Server,
    private readonly registration: EpmdRegistration,
  ) {
    super();
    this.name = options.node;
    this.nodeAtom = atom(options.node);
    this.creation = registration.creation;
    this.port = registration.port;
    this.hidden = options.hidden ?? false;
    this.netKernelPid = new Pid(this.nodeAtom, 1, 0, this.creation);
    this.defaultCookie = options.cookie;
    this.ticktime = options.ticktime ?? 60;
    this.local = {
      name: this.name,
      flags: advertisedFlags(this.hidden),
      creation: this.creation,
      cookieFor: (peer) => this.getCookie(peer),
      setupTimeMs: options.setupTimeMs ?? 7000,
    };
    this.processes = new ProcessTable(this.nodeAtom, this.creation, {
      connection: (node) => this.connections.get(node),
      connect: (node) => this.connect(node),
    });
    this.applyMfa = createApply(options.codePath === undefined ? undefined : new CodePath(options.codePath), {
      nodeAtom: this.nodeAtom,
      nodes: (kind) => this.nodes(kind),
      stop: () => setImmediate(() => void this.stop()), // after the init:stop() caller gets its ok
    });
    const write = options.output ?? ((text: string) => void process.stdout.write(text));
    this.processes.defaultGroupLeader = this.processes.spawn((self) => serveIo(self, write));
    this.processes.register('user', this.processes.defaultGroupLeader);
    const user = this.processes.defaultGroupLeader;
    const rexHost = { nodeAtom: this.nodeAtom, apply: this.applyMfa, user: () => user, whereis: (name: Atom) => this.processes.whereis(name) };
    this.processes.register(REX, this.processes.spawn((self) => serveRex(self, rexHost)));
    const spawnHost: SpawnHost = {
      spawnWith: (f, gl) => this.processes.spawnWith(f, gl),
      process: (pid) => this.processes.process(pid),
      route: (to, signal) => this.processes.route(to, signal),
      apply: this.applyMfa,
    };
    // SPAWN_REQUESTs from peers (dispatch) and from this node's own processes land here.
    this.serveSpawn = (req) => serveSpawnRequest(spawnHost, req);
    this.processes.onSpawnRequest = this.serveSpawn;
    ({ global: this.global, server: this.globalServer } = startGlobal(this, {
      me: this.name,
      creation: this.creation,
      connect: (peer) => this.connect(peer),
      disconnect: (peer) => void this.disconnect(peer),
      isAlive: (pid) => this.isAlive(pid),
      rpcResolve: (peer, args) => this.rpc.call(peer, 'global', 'resolve_it', args),
      connectAll: options.connectAll,
      apply: this.applyMfa,
      log: (line) => this.log(line),
    }));
    server.on('connection', (socket) => this.accept(socket));
    registration.on('lost', (err) => this.log(`** noderl ${this.name}: port mapper registration lost: ${err.message} **`));
  }

  /**
   * Starts a node: resolves the name as erl does, finds the cookie, makes sure a port mapper
   * runs, listens, and registers. Resolves once it accepts connections.
   */
  static async start(options: NodeOptions): Promise<Node> {
    const { node, longNames } = resolveNodeName(options);
    const cookie = resolveCookie(options.cookie);
    const port = options.epmdPort ?? defaultEpmdPort();
    await ensureEpmd({ port });
    const server = await listenInRange(options.listen);
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the listening socket has no TCP port');
    let registration: EpmdRegistration;
    try {
      registration = await EpmdRegistration.register({ name: splitNode(node)!.alive, port: address.port, hidden: options.hidden }, { port });
    } catch (err) {
      server.close();
      throw err;
    }
    return new Node({ ...options, node, longNames, cookie }, server, registration);
  }

  /**
   * Connected nodes: `visible` (default, as `nodes()`), `hidden`, or all `connected`; `known` is
   * this node and every node connected during this session, as `nodes(known)`.
   */
  nodes(kind: 'visible' | 'hidden' | 'connected' | 'known' = 'visible'): string[] {
    if (kind === 'known') return [this.name, ...this.known];
    const out: string[] = [];
    for (const c of this.connections.values()) {
      if (kind === 'connected' || (kind === 'visible') === c.visible) out.push(c.peer);
    }
    return out;
  }

  /**
   * Starts a process: `fn` gets the process handle (`self`) and runs from the next microtask. The
   * process ends with `normal` when `fn` returns, with the reason of `self.exit(reason)`, or with
   * an Erlang-shaped reason when it throws (`{js_error, <<"Name: message">>}`, `{nocatch, Term}`).
   */
  spawn(fn: (self: Process) => unknown): Pid {
    return this.processes.spawn(fn);
  }

  /**
   * `spawn(Node, M, F, Args)` from outside any process: a SPAWN_REQUEST (our `user` is the group
   * leader), resolving to the new pid. Throws `SpawnError` for an error reply (`badopt`, `notsup`,
   * `noconnection`...). Links and monitors belong to a process: use `self.spawnRemote`.
   */
  spawnRemote(node: string, module: string | Atom, fn: string | Atom, args: Term[], options: Pick<SpawnOptions, 'priority'> = {}): Promise<Pid> {
    return new Promise((resolve, reject) => {
      this.spawn((self) => self.spawnRemote(node, module, fn, args, options).then(resolve, reject));
    });
  }

  /**
   * `group_leader(GL, Pid)`: here it takes effect at once, for a pid of another node it is sent
   * as GROUP_LEADER (op 7).
   */
  groupLeader(pid: Pid, groupLeader: Pid): void {
    this.processes.route(pid, { kind: 'group_leader', from: groupLeader });
  }

  /**
   * `apply(M, F, Args)` run by `self`, resolved as remote spawns resolve it: the built-ins, then
   * the code path. A missing function makes it throw `ProcessExit({undef, [{M, F, Args, []}]})`.
   */
  apply(self: Process, module: string | Atom, fn: string | Atom, args: Term[]): Promise<Term> {
    return this.applyMfa(self, toAtom(module), toAtom(fn), args);
  }

  /** `register/2`; false (Erlang's badarg) when the name is taken or the pid is not a live process here. */
  register(name: string | Atom, pid: Pid): boolean {
    return this.processes.register(name, pid);
  }

  /** `unregister/1`. */
  unregister(name: string | Atom): boolean {
    return this.processes.registry.unregister(toAtom(name));
  }

  /** `whereis/1`. */
  whereis(name: string | Atom): Pid | undefined {
    return this.processes.registry.whereis(toAtom(name));
  }

  /** True while `pid` is a live process of this node. */
  isAlive(pid: Pid): boolean {
    return this.processes.isAlive(pid);
  }

  /** `Dest ! Msg` from outside any process (the sender is a pid that no process owns). */
  send(dest: Destination, message: Term): void {
    this.processes.send(dest, message);
  }

  /** Connects to `peer` (`net_kernel:connect_node/1`); resolves true once the handshake succeeded. */
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

  /** `net_adm:ping/1`: connects and asks the peer's `net_kernel` `{is_auth, Us}`. */
  async ping(peer: string, timeoutMs = 10_000): Promise<'pong' | 'pang'> {
    if (peer === this.name) return 'pong';
    if (!(await this.connect(peer))) return 'pang';
    try {
      if (isAuthYes(await this.call(tuple(NET_KERNEL, atom(peer)), tuple(atom('is_auth'), this.nodeAtom), timeoutMs))) return 'pong';
    } catch {
      // noproc, nodedown, timeout: pang
    }
    this.disconnect(peer); // net_adm:ping does erlang:disconnect_node/1 on anything but yes
    return 'pang';
  }

  /**
   * `gen_server:call(Dest, Request, Timeout)` from a short-lived process: `dest` is a pid, a name
   * here, or `tuple(name, node)`. Rejects with a `CallError` (`noproc`, `timeout`,
   * `{nodedown, Node}`, or the server's exit reason), as src/node/gen-call.ts describes.
   */
  call(dest: Destination, request: Term, timeoutMs = 5000): Promise<Term> {
    return new Promise((resolve, reject) => {
      this.spawn(async (self) => {
        try {
          resolve(await self.call(dest, request, timeoutMs));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  /**
   * Starts a gen_server run by `spec`'s callbacks (src/node/gen-server.ts); resolves to its pid
   * once `init` returned, rejects with `GenServerStartError` when the name is taken or `init` throws.
   */
  startGenServer<S>(spec: GenServerSpec<S>, options: GenServerOptions = {}): Promise<Pid> {
    return startGenServer(this, spec, options);
  }

  /**
   * `erlang:monitor_node(Peer, true)` for code outside processes: resolves once the connection to
   * `peer` goes down, or at once when it cannot be made (processes use `self.monitorNode`, which
   * delivers `{nodedown, Node}`).
   */
  monitorNode(peer: string): Promise<void> {
    return new Promise((resolve) => {
      const pid = this.spawn(async (self) => {
        try {
          await self.receive();
        } finally {
          resolve();
        }
      });
      this.processes.monitorNode(pid, atom(peer), true); // now, so a disconnect right after is seen
    });
  }

  /**
   * `erlang:set_cookie/1,2`: `setCookie(cookie)` sets the cookie of every peer without its own
   * (and `setCookie(thisNode, cookie)` does the same); `setCookie(peer, cookie)` sets `peer`'s own,
   * used when dialling it and when it dials us.
   */
  setCookie(cookie: string): void;
  setCookie(peer: string, cookie: string): void;
  setCookie(a: string, b?: string): void {
    if (b === undefined || a === this.name) this.defaultCookie = b ?? a;
    else this.cookies.set(a, b);
  }

  /** `erlang:get_cookie/0,1`: `peer`'s own cookie if it has one, else the node's. */
  getCookie(peer?: string): string {
    return (peer === undefined ? undefined : this.cookies.get(peer)) ?? this.defaultCookie;
  }

  /**
   * `net_kernel:set_net_ticktime/1`, simplified: every connection, open or made later, ticks every
   * `seconds`/4 and drops a peer silent for `seconds`. OTP runs a transition period on each
   * connection before switching; noderl switches at once and restarts the silence count, so the
   * switch itself never drops a peer.
   */
  setNetTicktime(seconds: number): 'unchanged' | 'change_initiated' {
    if (!Number.isInteger(seconds) || seconds <= 0) throw new RangeError(`net_ticktime must be a positive integer number of seconds, not ${seconds}`);
    if (seconds === this.ticktime) return 'unchanged';
    this.ticktime = seconds;
    for (const c of this.connections.values()) c.setTicktime(seconds * 1000);
    return 'change_initiated';
  }

  /** `net_kernel:get_net_ticktime/0`, in seconds. */
  getNetTicktime(): number {
    return this.ticktime;
  }

  /** Closes the connection to `peer`, if any. */
  disconnect(peer: string): boolean {
    const c = this.connections.get(peer);
    c?.close('disconnect');
    return c !== undefined;
  }

  /** Unregisters, closes every connection and the listening socket. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.globalServer.markStopping(); // a stopping node reports no lost connections
      this.processes.endAll(atom('shutdown'));
      this.server.close();
      for (const c of [...this.connections.values()]) c.close('shutdown');
      for (const a of this.dialing.values()) a.socket?.destroy();
      await this.registration.close();
      this.emit('stopped');
    })();
    return this.stopping;
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  private async dial(peer: string, attempt: DialAttempt): Promise<boolean> {
    const refusal = dialRefusal(peer, this.options.longNames);
    if (refusal !== undefined) {
      this.log(refusal);
      return false;
    }
    if (!this.netKernel.isAllowed(peer)) {
      this.log(`** Connection attempt with disallowed node ${peer} **`); // net_kernel:allow/1, OTP's words
      return false;
    }
    const { alive, host } = splitNode(peer)!;
    let socket: Socket;
    try {
      const found = await lookupNode(alive, { host, port: this.registration.epmdPort, timeoutMs: this.local.setupTimeMs });
      if (found === null) return false;
      socket = await openSocket(host, found.port, this.local.setupTimeMs);
    } catch {
      return false; // nothing answers: pang, as OTP gives without a log line
    }
    attempt.socket = socket;
    if (attempt.aborted || this.connections.has(peer)) {
      socket.destroy(); // the peer's attempt won while we looked it up
      return this.waitUp(peer);
    }
    let result: HandshakeResult;
    try {
      result = await dialHandshake(socket, this.local, peer, () => !attempt.aborted && !this.connections.has(peer));
    } catch (err) {
      socket.destroy();
      // The peer's attempt won the race (it answered nok, or we answered it ok_simultaneous).
      if (attempt.aborted || (err instanceof HandshakeError && /status 'nok'|already connected/.test(err.message))) return this.waitUp(peer);
      if (err instanceof HandshakeError && err.code === 'ERR_NODERL_MISSING_FLAGS') {
        this.log(`** ${this.name}: Connection to node ${peer} refused since it cannot handle ${err.message.replace(/^.*cannot handle /, '')}.**`);
      }
      return false;
    }
    if (attempt.aborted || this.stopping) {
      socket.destroy();
      return this.waitUp(peer);
    }
    this.up(socket, result);
    return true;
  }

  private waitUp(peer: string): Promise<boolean> {
    if (this.connections.has(peer)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onUp = (node: string): void => {
        if (node !== peer) return;
        clearTimeout(timer);
        this.off('nodeup', onUp);
        resolve(true);
      };
      const timer = setTimeout(() => (this.off('nodeup', onUp), resolve(false)), this.local.setupTimeMs * 3);
      this.on('nodeup', onUp);
    });
  }

  /** `dist_util:handshake_other_started/1`'s decisions about a peer's name. */
  private nameStatus(peer: string): NameStatus {
    if (this.stopping) return 'not_allowed';
    if (!this.netKernel.isAllowed(peer)) {
      this.log(`** Connection attempt from disallowed node ${peer} **`);
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

  private async accept(socket: Socket): Promise<void> {
    socket.on('error', () => {});
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
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
    if (!(err instanceof HandshakeError)) {
      this.log(`** ${this.name}: handshake with ${from} failed: ${String(err)} **`);
      return;
    }
    // Closed before a byte was sent: a dial the peer abandoned (simultaneous connect) or a port probe.
    if (err.code === 'ERR_NODERL_HANDSHAKE_CLOSED' && err.peer === undefined && err.message === 'connection closed during the handshake') return;
    if (err.code === 'ERR_NODERL_BAD_COOKIE') this.log(`** Connection attempt from disallowed node ${err.peer} **`);
    else if (err.code === 'ERR_NODERL_MISSING_FLAGS') this.log(`** ${this.name}: Connection attempt from node ${err.peer} rejected since it cannot handle ${err.message.replace(/^.*cannot handle /, '')}.**`);
    else if (err.code !== 'ERR_NODERL_HANDSHAKE_REFUSED') this.log(`** ${this.name}: handshake with ${err.peer ?? from} failed: ${err.message} **`);
  }

  private up(socket: Socket, result: HandshakeResult): void {
    this.connections.get(result.peerName)?.close('replaced by a new connection');
    const conn = new Connection(socket, result, { ticktimeMs: this.ticktime * 1000, maxFrameSize: this.options.maxFrameSize });
    this.connections.set(conn.peer, conn);
    this.known.add(conn.peer);
    conn.on('message', (control, payload) => this.dispatch(conn, control, payload));
    conn.once('close', (reason) => {
      if (this.connections.get(conn.peer) === conn) this.connections.delete(conn.peer);
      if (reason === 'net_tick_timeout') this.log(`** Node ${conn.peer} not responding **\n** Removing (timedout) connection **`);
      else if (reason.startsWith('bad ')) this.log(`** ${this.name}: connection to ${conn.peer} closed: ${reason} **`);
      const peer = atom(conn.peer);
      this.processes.nodeDown(peer);
      this.emit('nodedown', conn.peer, reason, conn.visible);
    });
    this.emit('nodeup', conn.peer, conn.visible);
  }

  /** The one place a control message becomes an action (otp-distribution.md §5). */
  private dispatch(conn: Connection, control: Tuple, payload: Term | undefined): void {
    const spawn = decodeSpawnRequest(control, payload);
    if (spawn) return this.serveSpawn(spawn);
    const incoming = decodeSignal(control, payload);
    if (!incoming) {
      // As ERTS does with an invalid distribution message: the connection goes, the node stays.
      conn.close(`bad control message: ${format(control).slice(0, 200)}${payload === undefined ? ' (no payload)' : ''}`);
      return;
    }
    const { to, signal } = incoming;
    if (to instanceof Ref) {
      if (to.node === this.nodeAtom) this.processes.deliverToAlias(to, signal); // ALIAS_SEND
      return;
    }
    if (to instanceof Pid) {
      if (to.node !== this.nodeAtom) return;
      this.processes.deliverLocal(to, signal);
      return;
    }
    if (to === NET_KERNEL && !this.processes.registry.whereis(to)) {
      // MONITOR_P of net_kernel is left unanswered on purpose: a DOWN/noproc would make ping pang (§7.6).
      if (signal.kind !== 'message') return;
      const answer = netKernelAnswer(signal.message);
      if (answer) this.sendTo(conn, answer.to, answer.reply, this.netKernelPid);
      return;
    }
    this.processes.deliverToName(to, signal);
  }

  /** `Pid ! Msg` over a connection: SEND_SENDER when negotiated, else SEND. */
  private sendTo(conn: Connection, to: Pid, message: Term, from: Pid): void {
    if (hasFlag(conn.flags, DistFlag.SEND_SENDER)) conn.send(tuple(22, from, to), message);
    else conn.send(tuple(2, atom(''), to), message);
  }
}

/** Listens on the first free port of the range (as inet_tcp_dist does), or on any port. */
async function listenInRange(range: NodeOptions['listen']): Promise<Server> {
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

function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port });
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`connect to ${host}:${port} timed out`))), timeoutMs);
    socket.once('connect', () => (clearTimeout(timer), socket.off('error', reject), resolve(socket)));
    socket.once('error', (err) => (clearTimeout(timer), reject(err)));
  });
}
