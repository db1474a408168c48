/**
 * A noderl node: its processes, the services every node runs (`user`, `rex`, `global`), and the
 * public API. Being distributed (a name, the listener, the port mapper registration, connections)
 * is src/node/distribution.ts, which exists only while the node is distributed: a node started
 * without `sname`/`name` is `nonode@nohost`, as `erl` without `-sname`, until `netKernel.start`
 * makes it distributed; `netKernel.stop` makes it local again and its processes run on.
 */
import { EventEmitter } from 'node:events';
import { atom, tuple, toAtom, type Atom, type Pid, type Term, type TermInput } from '../term/types.js';
import { SHUTDOWN } from '../term/atoms.js';
import { LocalIdentity } from '../process/local-identity.js';
import { ProcessTable } from '../process/table.js';
import { serveSpawnRequest } from '../process/spawn.js';
import type { SpawnOptions } from '../process/spawn-options.js';
import { SENT, type Destination, type Process } from '../process/process.js';
import { NotAliveError } from '../process/exceptions.js';
import { CodePath } from '../modules/code-path.js';
import { ModuleRegistry } from '../modules/registry.js';
import { erlangModule } from '../modules/erlang.js';
import { erlangProcessBifs } from '../modules/erlang-processes.js';
import { erlangTermBifs } from '../modules/erlang-terms.js';
import { operatorsModule } from '../modules/operators.js';
import { closureRunner } from '../erlang/eval.js';
import { erlangSystemBifs } from '../modules/erlang-system.js';
import { osModule } from '../modules/os.js';
import { listsModule } from '../modules/lists.js';
import { mapsModule } from '../modules/maps.js';
import { proplistsModule } from '../modules/proplists.js';
import { mathModule } from '../modules/math.js';
import { stringModule } from '../modules/string.js';
import { binaryModule } from '../modules/binary.js';
import { unicodeModule } from '../modules/unicode.js';
import { ioLibModule } from '../modules/io_lib.js';
import { netAdmModule } from '../modules/net_adm.js';
import { EpmdError, listNames } from '../epmd/client.js';
import { epmdPort as defaultEpmdPort } from '../epmd/protocol.js';
import { hostname } from 'node:os';
import { timerModule } from '../modules/timer.js';
import { ioModule } from '../modules/io.js';
import { initModule } from '../modules/init.js';
import { netKernelModule } from '../modules/net_kernel.js';
import { serveIo } from '../modules/user.js';
import { isGlobalName, startGenServer, type GenServerOptions, type GenServerSpec, type GlobalName } from '../otp/gen-server.js';
import { Rpc, rpcModule } from '../rpc/rpc.js';
import { Erpc, erpcModule } from '../rpc/erpc.js';
import { CallerPool } from '../rpc/caller-pool.js';
import { REX, serveRex } from '../rpc/rex.js';
import type { Global } from '../global/global.js';
import { GlobalService } from '../global/service.js';
import { globalModule } from '../global/module.js';
import { DEFAULT_SCOPE, Pg, PgScopes } from '../pg/pg.js';
import { pgModule } from '../pg/module.js';
import { pgHost } from './pg-host.js';
import { callGlobal } from './global-call.js';
import { erlangShellModule, shellModule } from '../shell/served.js';
import type { ErlangShellHost } from '../shell/erl-shell.js';
import { cModule } from '../shell/c.js';
import { getUntil } from '../erlang/get-until.js';
import { erlEvalModule } from '../erlang/erl-eval-module.js';
import { observeModule } from './observe-module.js';
import { NODERL_VERSION } from './version.js';
import { isAuthYes, NET_KERNEL } from './is-auth.js';
import { NetKernel } from './net-kernel.js';
import type { DistributionOptions } from './connections.js';
import { DEFAULT_DIST_BUF_BUSY_LIMIT } from '../channel/busy-limit.js';

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
  /**
   * Refuse closures sent to this node (an erl shell's `spawn(Node, fun() -> ... end)`, a fun in an
   * rpc): only the built-ins and the code path run. A refused fun raises `{refused_fun, Fun}` in
   * its process and logs a line. Default false: funs run, as on a BEAM node.
   */
  refuseFuns?: boolean;
  /**
   * Run pg's default scope `pg` (OTP's `-kernel start_pg true`), so peers' `pg` scopes see this
   * node's groups and this node sees theirs. Default true; other scopes start with `node.pg.start`.
   */
  pg?: boolean;
}

export interface NodeEvents {
  /** `visible`: a published connection (false for a hidden one), as `nodes()` counts it. */
  nodeup: [node: string, visible: boolean];
  nodedown: [node: string, reason: string, visible: boolean];
  /**
   * The bytes queued toward `node` reached `distBufBusyLimit` (a peer that does not read): sends
   * to it wait until `unbusy`. OTP reports the same as `busy_dist_port` to `erlang:system_monitor/2`.
   */
  busy: [node: string, queuedBytes: number];
  /** The queue toward `node` dropped below the limit: waiting senders go on. A connection that closes while busy says so with `nodedown` instead. */
  unbusy: [node: string, queuedBytes: number];
  /** The node stopped (`node.stop()`, or `init:stop()` called on it). */
  stopped: [];
}

/** A running node. */
export class Node extends EventEmitter<NodeEvents> {
  /** Idle processes that make `rpc` and `erpc` calls from outside any process (src/rpc/caller-pool.ts). */
  private readonly callers = new CallerPool((fn) => this.spawn(fn));
  /** kernel's `rpc` client functions (src/rpc/rpc.ts): `call`, `cast`, `asyncCall`/`yield`/`nbYield`, `multicall`, `evalEverywhere`. */
  readonly rpc = new Rpc((fn) => this.spawn(fn), () => [this.name, ...this.nodes()], this.callers);
  /** `erpc` client functions (src/rpc/erpc.ts): `call` throws `ErpcError`; `cast`, `multicall`. */
  readonly erpc = new Erpc((fn) => this.spawn(fn), this.callers);
  /**
   * kernel's `net_kernel` (src/node/net-kernel.ts): `start`/`stop` (distributed and back),
   * `connectNode`, `monitorNodes`/`watchNodes`, cookies, ticktime, `allow`.
   */
  readonly netKernel: NetKernel;
  /** Who the node is now: local pids and refs follow it (src/process/local-identity.ts). */
  private readonly identity = new LocalIdentity();
  private readonly processes: ProcessTable;
  /** The modules the node serves: built-ins, then the code path (src/modules/registry.ts). */
  private readonly modules: ModuleRegistry;
  private readonly globalService: GlobalService;
  /** The pg scopes running here (src/pg/). */
  private readonly pgScopes: PgScopes;
  /**
   * OTP's `pg` process groups (src/pg/), on the default scope `pg`; `node.pg.scope(name)` works on
   * another scope, which `node.pg.start(name)` starts.
   */
  readonly pg: Pg;
  private stopping?: Promise<void>;

  private constructor(private readonly options: NodeOptions) {
    super();
    this.netKernel = new NetKernel(
      {
        identity: this.identity,
        get processes() {
          return processes;
        },
        serveSpawn: (request) => serveSpawnRequest(processes, request, this.modules.apply),
        stopping: () => this.stopping !== undefined,
        nodeUp: (peer, visible) => this.emit('nodeup', peer, visible),
        nodeDown: (peer, reason, visible) => this.emit('nodedown', peer, reason, visible),
        busy: (peer, busy, bytes) => (busy ? this.emit('busy', peer, bytes) : this.emit('unbusy', peer, bytes)),
        leaving: () => this.globalService.markStopping(),
        renamed: () => this.globalService.restart(),
        log: (line) => this.log(line),
      },
      options,
    );
    const kernel = this.netKernel;
    const processes = (this.processes = new ProcessTable(this.identity, {
      connection: (node) => kernel.connection(node),
      connect: (node) => kernel.connect(node),
    }));
    // SPAWN_REQUESTs from this node's own processes land where the peers' do.
    processes.onSpawnRequest = (request) => serveSpawnRequest(processes, request, this.modules.apply);
    this.pgScopes = new PgScopes(pgHost(this, (line) => this.log(line)));
    this.pg = new Pg(this.pgScopes);
    this.modules = this.serveModules(options.codePath);
    const write = options.output ?? ((text: string) => void process.stdout.write(text));
    const user = (processes.defaultGroupLeader = processes.spawn((self) => serveIo(self, write)));
    processes.register('user', user);
    const node = this;
    const rexHost = { get nodeAtom() { return node.nodeAtom; }, apply: this.modules.apply, user: () => user, whereis: (name: Atom) => processes.whereis(name) };
    processes.register(REX, processes.spawn((self) => serveRex(self, rexHost)));
    this.globalService = new GlobalService(this, {
      connect: (peer) => this.connect(peer),
      disconnect: (peer) => void this.disconnect(peer),
      rpcResolve: (peer, args) => this.rpc.call(peer, 'global', 'resolve_it', args),
      connectAll: options.connectAll,
      apply: this.modules.apply,
      log: (line) => this.log(line),
      isLocal: (pid) => processes.isAlive(pid),
      endProcess: (pid) => processes.exitProcess(pid, SHUTDOWN),
    });
    if (options.pg !== false) void this.pgScopes.start(DEFAULT_SCOPE);
  }

  /** The built-in modules, each given only the functions of the node it needs; then the code path. */
  private serveModules(codePath: string | undefined): ModuleRegistry {
    const modules = new ModuleRegistry(codePath === undefined ? undefined : new CodePath(codePath));
    const kernel = this.netKernel;
    const nodeAtom = (): Atom => this.nodeAtom;
    const apply = modules.apply;
    const stop = (): void => void setImmediate(() => void this.stop()); // after the init:stop() caller gets its ok
    const erlang = erlangModule({
      nodeAtom,
      nodes: (kind) => this.nodes(kind),
      cookie: (peer) => kernel.getCookie(peer),
      setCookie: (cookie, peer) => (peer === undefined ? kernel.setCookie(cookie) : kernel.setCookie(peer, cookie)),
      disconnect: (peer) => kernel.disconnect(peer),
      apply,
      applyFun: modules.applyFun,
    });
    const busyLimit = this.options.distBufBusyLimit ?? DEFAULT_DIST_BUF_BUSY_LIMIT;
    const system = erlangSystemBifs({ processCount: () => this.processes.pids().length, creation: () => this.creation, distBufBusyLimit: () => busyLimit });
    const processBifs = erlangProcessBifs({ table: this.processes, apply, applyFun: modules.applyFun });
    // erlang's node functions last, so theirs win where a name serves more than one arity.
    modules.register('erlang', { ...operatorsModule, ...erlangTermBifs, ...system, ...processBifs, ...erlang });
    modules.register('os', osModule);
    modules.register('lists', listsModule(modules.applyFun));
    modules.register('maps', mapsModule(modules.applyFun));
    modules.register('proplists', proplistsModule);
    modules.register('math', mathModule);
    modules.register('string', stringModule);
    modules.register('binary', binaryModule);
    modules.register('unicode', unicodeModule);
    // io_lib:get_until/4 (erl_scan tokens) is the evaluator's: a terminal elsewhere reads for a shell here with it.
    modules.register('io_lib', { ...ioLibModule, get_until: (_self: Process, state: Term, chars: Term, encoding: Term, mfa: Term) => getUntil(state, chars, encoding, mfa) });
    modules.register('net_adm', netAdmModule({
      ping: (peer) => this.ping(peer),
      hostname: () => hostname(),
      names: (host) => listNames({ host, port: this.options.epmdPort ?? defaultEpmdPort() }).then((r) => r.nodes, (err: unknown) => {
        if (err instanceof EpmdError) return undefined;
        throw err;
      }),
    }));
    modules.register('timer', timerModule);
    modules.register('io', ioModule);
    modules.register('init', initModule(stop));
    modules.register('net_kernel', netKernelModule(kernel));
    modules.register('erpc', erpcModule(apply, this.erpc));
    modules.register('rpc', rpcModule(this.rpc, () => [this.name, ...this.nodes()]));
    modules.register('global', globalModule(() => this.global, nodeAtom, apply));
    modules.register('pg', pgModule(this.pgScopes));
    // A remote shell here, whose group leader is the caller's: an Erlang shell for erl -remsh and
    // `noderl remsh --erlang` (shell:start), the JavaScript one for `noderl remsh` (noderl_shell:start).
    modules.register('shell', erlangShellModule(this.erlangShellHost(modules)));
    modules.register('noderl_shell', shellModule({ node: this, quit: stop }));
    modules.register('c', cModule(apply));
    // What `noderl observe` asks beyond the standard BIFs: each connection's counters.
    modules.register('noderl_observe', observeModule({
      connections: () => this.nodes('connected').flatMap((peer) => {
        const conn = kernel.connection(peer);
        return conn === undefined ? [] : [{ peer, visible: conn.visible, stats: conn.stats() }];
      }),
    }));
    // Closures (an erl shell's funs, and the evaluator's own) run in src/erlang/, unless refused.
    // erl_eval:exprs/2 runs code a peer sends as much as a fun does, so it is served only where funs run.
    if (!this.options.refuseFuns) {
      modules.runClosures(closureRunner(modules));
      modules.register('erl_eval', erlEvalModule(modules));
    }
    else modules.refuseClosures((self, fun) => this.log(`** noderl ${this.name}: refused a fun of ${fun.module.name} from ${String(fun.pid)} in ${String(self.pid)} (the node refuses funs) **`));
    return modules;
  }

  /** @internal What an Erlang shell on this node runs with (src/shell/erl-shell.ts): `noderl shell --erlang` starts one with it. */
  erlangShellHost(modules: ModuleRegistry = this.modules): ErlangShellHost {
    const node = this;
    return {
      get nodeAtom() {
        return node.nodeAtom;
      },
      get alive() {
        return node.alive;
      },
      get banner() {
        return `noderl V${NODERL_VERSION} on ${node.name} (Erlang; q() stops the node)`;
      },
      apply: modules.apply,
      applyFun: modules.applyFun,
    };
  }

  /**
   * Starts a node. With `sname` or `name`: resolves the name as erl does, finds the cookie, makes
   * sure a port mapper runs, listens, and registers; resolves once it accepts connections.
   * Without: a node that is not distributed (`nonode@nohost`, creation 0), as `erl` without
   * `-sname`, which `node.netKernel.start({ sname })` makes distributed later.
   */
  static async start(options: NodeOptions = {}): Promise<Node> {
    const limit = options.distBufBusyLimit;
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0)) throw new RangeError(`distBufBusyLimit must be a positive number of bytes, not ${String(limit)}`);
    const node = new Node(options);
    if (options.sname === undefined && options.name === undefined) {
      await node.globalService.restart();
      return node;
    }
    try {
      await node.netKernel.start(options);
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
    return this.netKernel.port;
  }

  get hidden(): boolean {
    return this.netKernel.hidden;
  }

  /** `erlang:is_alive/0`: true while the node is distributed. */
  get alive(): boolean {
    return this.netKernel.alive;
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
    return this.netKernel.nodes(kind);
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
  spawnRemote(node: string, module: string | Atom, fn: string | Atom, args: TermInput[], options: Pick<SpawnOptions, 'priority'> = {}): Promise<Pid> {
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
    return this.modules.apply(self, toAtom(module), toAtom(fn), args);
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

  /**
   * `Dest ! Msg` from outside any process (the sender is a pid that no process owns). Resolves at
   * once, or once the connection the message went to is no longer busy, as `self.send` does.
   */
  send(dest: Destination, message: TermInput): Promise<void> {
    return this.processes.send(dest, message) ?? SENT;
  }

  /**
   * Connects to `peer` (`net_kernel:connect_node/1`); resolves true once the handshake succeeded.
   * False on a node that is not distributed (where OTP answers `ignored`).
   */
  connect(peer: string): Promise<boolean> {
    return this.netKernel.connect(peer);
  }

  /** `net_adm:ping/1`: connects and asks the peer's `net_kernel` `{is_auth, Us}`. */
  async ping(peer: string, timeoutMs = 10_000): Promise<'pong' | 'pang'> {
    if (!this.alive) return 'pang'; // as net_adm:ping on a node that is not alive
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
   * here, `tuple(name, node)`, or `{ global: name }` (a name in `global`, src/node/global-call.ts).
   * Rejects with a `CallError` (`noproc`, `timeout`, `{nodedown, Node}`, or the server's exit
   * reason), as src/process/gen-call.ts describes.
   */
  call(dest: Destination | GlobalName, request: TermInput, timeoutMs = 5000): Promise<Term> {
    return new Promise((resolve, reject) => {
      this.spawn(async (self) => {
        try {
          const global = (name: Term): Pid | undefined => this.global.whereisName(name);
          resolve(await (isGlobalName(dest) ? callGlobal(self, global, dest, request, timeoutMs, (name) => this.whereis(name)) : self.call(dest, request, timeoutMs)));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  /**
   * Starts a gen_server run by `spec`'s callbacks (src/otp/gen-server.ts); resolves to its pid
   * once `init` returned, rejects with `GenServerStartError` when the name is taken or `init` throws.
   * `{ name: { global: term } }` registers it in `global` (`{global, Name}`), so
   * `gen_server:call({global, Name}, Req)` on any node of the cluster reaches it.
   */
  startGenServer<S>(spec: GenServerSpec<S>, options: GenServerOptions = {}): Promise<Pid> {
    return startGenServer(
      { spawn: (fn) => this.spawn(fn), register: (name, pid) => this.register(name, pid), whereis: (name) => this.whereis(name), globalNames: this.global },
      spec,
      options,
    );
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

  /** `erlang:set_cookie/1,2`: see {@link NetKernel.setCookie}. */
  setCookie(cookie: string): void;
  setCookie(peer: string, cookie: string): void;
  setCookie(a: string, b?: string): void {
    if (b === undefined) this.netKernel.setCookie(a);
    else this.netKernel.setCookie(a, b);
  }

  /** `erlang:get_cookie/0,1`: see {@link NetKernel.getCookie} (`nocookie` while not distributed). */
  getCookie(peer?: string): string {
    return this.netKernel.getCookie(peer);
  }

  /** `net_kernel:set_net_ticktime/1`: see {@link NetKernel.setNetTicktime}. */
  setNetTicktime(seconds: number): 'unchanged' | 'change_initiated' {
    return this.netKernel.setNetTicktime(seconds);
  }

  /** The `net_ticktime` in seconds, also while not distributed (the one the node will start with). */
  getNetTicktime(): number {
    return this.netKernel.ticktimeSeconds();
  }

  /** Closes the connection to `peer`, if any. */
  disconnect(peer: string): boolean {
    return this.netKernel.disconnect(peer);
  }

  /** Ends every process; a distributed node also unregisters and closes every connection and the listening socket. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.globalService.markStopping(); // a stopping node reports no lost connections
      this.processes.endAll(SHUTDOWN);
      await this.netKernel.shutdown();
      this.identity.retire();
      this.emit('stopped');
    })();
    return this.stopping;
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }
}
