/**
 * A noderl node: its processes, the services every node runs (`user`, `rex`, `global`), and the
 * public API. Being distributed (a name, the listener, the port mapper registration, connections)
 * is src/node/distribution.ts, which exists only while the node is distributed: a node started
 * without `sname`/`name` is `nonode@nohost`, as `erl` without `-sname`, until `netKernel.start`
 * makes it distributed; `netKernel.stop` makes it local again and its processes run on.
 */
import { EventEmitter } from 'node:events';
import { Atom, atom, tuple, type Pid, type Term, toAtom } from '../term/types.js';
import { resolveCookie } from './cookie.js';
import { isAuthYes, NET_KERNEL } from './is-auth.js';
import type { SpawnRequest } from '../channel/control.js';
import { CodePath } from '../modules/code-path.js';
import { createApply, serveSpawnRequest, type Apply, type SpawnHost } from '../process/spawn.js';
import type { SpawnOptions } from '../process/spawn-options.js';
import { REX, serveRex } from '../rpc/rex.js';
import type { Destination, Process } from '../process/process.js';
import { ProcessTable } from '../process/table.js';
import { startGenServer, type GenServerOptions, type GenServerSpec } from '../otp/gen-server.js';
import { Rpc } from '../rpc/rpc.js';
import { Erpc } from '../rpc/erpc.js';
import { CallerPool } from '../rpc/caller-pool.js';
import type { Global } from '../global/global.js';
import { NetKernel, NetKernelError, type NetKernelStartOptions } from './net-kernel.js';
import { Distribution, type DistributionHost, type DistributionOptions } from './connections.js';
import { LocalIdentity, NONODE } from '../process/local-identity.js';
import { GlobalService } from '../global/service.js';
import { NotAliveError } from '../process/exceptions.js';
import { serveIo } from '../modules/user.js';

/** Options of {@link Node.start}. Without `sname` or `name` the node is not distributed. */
export interface NodeOptions extends DistributionOptions {
  /** The cookie; default `~/.erlang.cookie`, created as erl creates it (read when the node becomes distributed). */
  cookie?: string;
  /** `net_ticktime` in seconds (default 60). */
  ticktime?: number;
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

const SHUTDOWN = atom('shutdown');

/** A running node. */
export class Node extends EventEmitter<NodeEvents> {
  /** Idle processes that make `rpc` and `erpc` calls from outside any process (src/rpc/caller-pool.ts). */
  private readonly callers = new CallerPool((fn) => this.spawn(fn));
  /** kernel's `rpc` client functions (src/rpc/rpc.ts): `call`, `cast`, `asyncCall`/`yield`/`nbYield`, `multicall`, `evalEverywhere`. */
  readonly rpc = new Rpc((fn) => this.spawn(fn), () => [this.name, ...this.nodes()], this.callers);
  /** `erpc` client functions (src/rpc/erpc.ts): `call` throws `ErpcError`; `cast`, `multicall`. */
  readonly erpc = new Erpc((fn) => this.spawn(fn), this.callers);
  /**
   * kernel's `net_kernel` API (src/node/net-kernel.ts): `start`/`stop` (distributed and back),
   * `connectNode`, `monitorNodes`/`watchNodes`, ticktime, `allow`.
   */
  readonly netKernel: NetKernel;
  /** Who the node is now: local pids and refs follow it (src/node/local-identity.ts). */
  private readonly identity = new LocalIdentity();
  /** Present while the node is distributed. */
  private dist?: Distribution;
  /** A `netKernel.start` under way. */
  private starting?: Promise<void>;
  /** A `netKernel.stop` under way: a start or a stop waits for it. */
  private undistributing?: Promise<void>;
  private readonly globalService: GlobalService;
  /** `erlang:set_cookie/2` cookies, by peer; the rest use {@link defaultCookie}. */
  private readonly cookies = new Map<string, string>();
  private defaultCookie?: string;
  private ticktime: number;
  private readonly processes: ProcessTable;
  private stopping?: Promise<void>;
  private readonly serveSpawn: (request: SpawnRequest) => void;
  /** `apply(M, F, Args)` in a process: built-ins, then the code path (src/node/spawn.ts). */
  private readonly applyMfa: Apply;

  private constructor(private readonly options: NodeOptions) {
    super();
    this.defaultCookie = options.cookie;
    this.ticktime = options.ticktime ?? 60;
    this.netKernel = new NetKernel(this, { start: (o) => this.distribute(o), stop: () => this.undistribute() });
    this.processes = new ProcessTable(this.identity, {
      connection: (node) => this.dist?.connection(node),
      connect: (node) => this.connect(node),
    });
    const identity = this.identity;
    this.applyMfa = createApply(options.codePath === undefined ? undefined : new CodePath(options.codePath), {
      get nodeAtom() {
        return identity.nodeAtom;
      },
      nodes: (kind) => this.nodes(kind),
      stop: () => setImmediate(() => void this.stop()), // after the init:stop() caller gets its ok
      node: this,
    });
    const write = options.output ?? ((text: string) => void process.stdout.write(text));
    this.processes.defaultGroupLeader = this.processes.spawn((self) => serveIo(self, write));
    this.processes.register('user', this.processes.defaultGroupLeader);
    const user = this.processes.defaultGroupLeader;
    const rexHost = {
      get nodeAtom() {
        return identity.nodeAtom;
      },
      apply: this.applyMfa,
      user: () => user,
      whereis: (name: Atom) => this.processes.whereis(name),
    };
    this.processes.register(REX, this.processes.spawn((self) => serveRex(self, rexHost)));
    const spawnHost: SpawnHost = {
      spawnWith: (f, gl) => this.processes.spawnWith(f, gl),
      deliverLocal: (to, signal) => this.processes.deliverLocal(to, signal),
      route: (to, signal) => this.processes.route(to, signal),
      apply: this.applyMfa,
    };
    // SPAWN_REQUESTs from peers (dispatch) and from this node's own processes land here.
    this.serveSpawn = (req) => serveSpawnRequest(spawnHost, req);
    this.processes.onSpawnRequest = this.serveSpawn;
    this.globalService = new GlobalService(this, {
      connect: (peer) => this.connect(peer),
      disconnect: (peer) => void this.disconnect(peer),
      rpcResolve: (peer, args) => this.rpc.call(peer, 'global', 'resolve_it', args),
      connectAll: options.connectAll,
      apply: this.applyMfa,
      log: (line) => this.log(line),
      isLocal: (pid) => this.processes.isAlive(pid),
      endProcess: (pid) => this.processes.exitProcess(pid, SHUTDOWN),
    });
  }

  /**
   * Starts a node. With `sname` or `name`: resolves the name as erl does, finds the cookie, makes
   * sure a port mapper runs, listens, and registers; resolves once it accepts connections.
   * Without: a node that is not distributed (`nonode@nohost`, creation 0), as `erl` without
   * `-sname`, which `node.netKernel.start({ sname })` makes distributed later.
   */
  static async start(options: NodeOptions = {}): Promise<Node> {
    const node = new Node(options);
    if (options.sname === undefined && options.name === undefined) {
      await node.globalService.restart();
      return node;
    }
    try {
      await node.distribute(options);
    } catch (err) {
      node.processes.endAll(SHUTDOWN);
      throw err;
    }
    return node;
  }

  /** The full node name, `alive@host`; `nonode@nohost` while not distributed. */
  get name(): string {
    return this.identity.nodeAtom.name;
  }

  get nodeAtom(): Atom {
    return this.identity.nodeAtom;
  }

  /** The incarnation the port mapper assigned; 0 while not distributed. */
  get creation(): number {
    return this.identity.creation;
  }

  /** The TCP port that accepts distribution connections; undefined while not distributed. */
  get port(): number | undefined {
    return this.dist?.port;
  }

  get hidden(): boolean {
    return this.dist?.hidden ?? false;
  }

  /** `erlang:is_alive/0`: true while the node is distributed. */
  get alive(): boolean {
    return this.dist !== undefined;
  }

  /**
   * OTP's `global` (src/global/): the replicated name registry, locks, `sync`; inert on a hidden
   * node. It runs on a node that is not distributed too, as in OTP (see GlobalService).
   */
  get global(): Global {
    return this.globalService.global;
  }

  /**
   * Connected nodes: `visible` (default, as `nodes()`), `hidden`, or all `connected`; `known` is
   * this node and every node connected during this session, as `nodes(known)`.
   */
  nodes(kind: 'visible' | 'hidden' | 'connected' | 'known' = 'visible'): string[] {
    // Not distributed, `known` is `[nonode@nohost]` as in OTP (whose table may still hold names of
    // an earlier session while something refers to them; noderl forgets them).
    return this.dist?.nodes(kind) ?? (kind === 'known' ? [this.name] : []);
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

  /**
   * Connects to `peer` (`net_kernel:connect_node/1`); resolves true once the handshake succeeded.
   * False on a node that is not distributed (where OTP answers `ignored`).
   */
  connect(peer: string): Promise<boolean> {
    if (this.stopping || !this.dist) return Promise.resolve(false);
    return this.dist.connect(peer);
  }

  /** `net_adm:ping/1`: connects and asks the peer's `net_kernel` `{is_auth, Us}`. */
  async ping(peer: string, timeoutMs = 10_000): Promise<'pong' | 'pang'> {
    if (!this.dist) return 'pang'; // as net_adm:ping on a node that is not alive
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
   * delivers `{nodedown, Node}`). Rejects with `NotAliveError` (OTP's `notalive`) on a node that is
   * not distributed.
   */
  monitorNode(peer: string): Promise<void> {
    if (!this.alive) return Promise.reject(new NotAliveError('monitor_node', [atom(peer), true]));
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

  /**
   * `erlang:get_cookie/0,1`: `peer`'s own cookie if it has one, else the node's; `nocookie`, as
   * OTP says, while the node is not distributed. A cookie given to `Node.start` or `setCookie`
   * before then is kept for when it becomes distributed (OTP refuses `set_cookie` then, and forgets
   * the cookie at `net_kernel:stop`).
   */
  getCookie(peer?: string): string {
    return this.dist ? this.cookieFor(peer) : 'nocookie';
  }

  /** The cookie the handshake with `peer` uses (also while the node is becoming distributed). */
  private cookieFor(peer?: string): string {
    return (peer === undefined ? undefined : this.cookies.get(peer)) ?? this.defaultCookie ?? 'nocookie';
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
    this.dist?.setTicktime(seconds);
    return 'change_initiated';
  }

  /** `net_kernel:get_net_ticktime/0`, in seconds. */
  getNetTicktime(): number {
    return this.ticktime;
  }

  /** Closes the connection to `peer`, if any. */
  disconnect(peer: string): boolean {
    return this.dist?.disconnect(peer) ?? false;
  }

  /** Ends every process; a distributed node also unregisters and closes every connection and the listening socket. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.globalService.markStopping(); // a stopping node reports no lost connections
      this.processes.endAll(SHUTDOWN);
      await this.starting?.catch(() => {});
      await this.undistributing?.catch(() => {});
      const dist = this.dist;
      if (dist) {
        await dist.stop();
        this.netKernel.stopped(this.name);
      }
      this.identity.retire();
      this.emit('stopped');
    })();
    return this.stopping;
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  /**
   * Becomes distributed (`Node.start` with a name, `net_kernel:start/1`): listens, registers, and
   * from then on the node's pids and refs, old and new, carry the name and creation. `global`
   * restarts under the new name, keeping the names of this node's processes.
   */
  private distribute(options: NetKernelStartOptions): Promise<void> {
    if (this.stopping) return Promise.reject(new NetKernelError('ERR_NODERL_NODE_STOPPED', 'the node is stopped', atom('not_started')));
    if (this.dist || this.starting) {
      const pid = this.dist?.netKernelPid ?? this.identity.nodeAtom;
      return Promise.reject(new NetKernelError('ERR_NODERL_ALREADY_STARTED', `the node is already distributed as ${this.name}`, tuple(atom('already_started'), pid)));
    }
    const { epmdPort, setupTimeMs, maxFrameSize } = this.options;
    // -hidden and inet_dist_listen_min/max hold for every net_kernel:start, as in OTP.
    const settings = { epmdPort, setupTimeMs, maxFrameSize, ...options, hidden: options.hidden ?? this.options.hidden, listen: options.listen ?? this.options.listen };
    this.starting = (async () => {
      await this.undistributing?.catch(() => {}); // a net_kernel:stop still under way finishes first
      // The cookie is read when the node becomes distributed, as erl reads it only then; a start
      // that fails leaves the cookie and ticktime as they were.
      const before = { cookie: this.defaultCookie, ticktime: this.ticktime };
      let dist: Distribution;
      try {
        this.defaultCookie = options.cookie ?? this.defaultCookie ?? resolveCookie(undefined);
        if (options.ticktime !== undefined) this.setNetTicktime(options.ticktime); // not distributed yet: only checked and kept
        dist = await Distribution.start(this.distributionHost(), settings);
      } catch (err) {
        ({ cookie: this.defaultCookie, ticktime: this.ticktime } = before);
        throw err;
      }
      if (this.stopping) {
        await dist.stop();
        throw new NetKernelError('ERR_NODERL_NODE_STOPPED', 'the node stopped while it was becoming distributed', atom('not_started'));
      }
      this.dist = dist;
      this.identity.become(dist.nodeAtom, dist.creation);
      this.netKernel.started(this.name);
      await this.globalService.restart(); // resolves once the carried names are registered again
    })().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /**
   * `net_kernel:stop/0`: every peer is disconnected (each gets nodedown; links and monitors
   * toward them fire `noconnection` here), the name is unregistered and the listener closed. The
   * processes run on, as `nonode@nohost`.
   */
  private undistribute(): Promise<void> {
    const dist = this.dist;
    if (!dist || this.stopping) return Promise.reject(new NetKernelError('ERR_NODERL_NOT_DISTRIBUTED', 'the node is not distributed', atom('not_found')));
    this.globalService.markStopping();
    this.dist = undefined;
    this.undistributing = (async () => {
      await dist.stop();
      this.netKernel.stopped(this.name);
      this.identity.become(NONODE, 0);
      if (!this.stopping) await this.globalService.restart();
    })().finally(() => (this.undistributing = undefined));
    return this.undistributing;
  }

  private distributionHost(): DistributionHost {
    return {
      processes: this.processes,
      serveSpawn: this.serveSpawn,
      isAllowed: (peer) => this.netKernel.isAllowed(peer),
      cookieFor: (peer) => this.cookieFor(peer),
      ticktime: () => this.ticktime,
      nodeUp: (peer, visible) => this.emit('nodeup', peer, visible),
      nodeDown: (peer, reason, visible) => this.emit('nodedown', peer, reason, visible),
      log: (line) => this.log(line),
    };
  }
}
