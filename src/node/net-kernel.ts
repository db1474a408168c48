/**
 * kernel's `net_kernel` and `auth` on a noderl node: being distributed (`start/1`, `stop/0`: the
 * node's name, the listener and the connections of src/node/connections.ts), `connect_node/1`,
 * cookies (`erlang:set_cookie/1,2`, `get_cookie/0,1`), `net_ticktime`, `allow/1`, and the
 * monitor_nodes subscriptions (src/node/monitor-nodes.ts) fed from nodeup and nodedown. The
 * `{is_auth, _}` answer peers' `net_adm:ping` gets is src/node/is-auth.ts.
 */
import { Atom, atom, tuple, type Pid, type Term } from '../term/types.js';
import type { SpawnRequest } from '../channel/control.js';
import { NONODE, type LocalIdentity } from '../process/local-identity.js';
import type { Process } from '../process/process.js';
import type { ProcessTable } from '../process/table.js';
import { resolveCookie } from './cookie.js';
import { Distribution, type DistributionHost, type DistributionOptions } from './connections.js';
import { MonitorNodes, nodedownReason, type MonitorNodesOptions, type NodeEvent } from './monitor-nodes.js';

export type { MonitorNodesOptions, NodeEvent, NodeType } from './monitor-nodes.js';

/** `net_kernel:start/1`'s options: the name (`sname` or `name`) and how the node is distributed. */
export interface NetKernelStartOptions extends DistributionOptions {
  /** The cookie; default the one the node was given, else `~/.erlang.cookie`. */
  cookie?: string;
  /** `net_ticktime` in seconds. */
  ticktime?: number;
}

/**
 * `net_kernel:start/1` or `stop/0` refused. `reason` is what OTP returns in `{error, Reason}`:
 * `{already_started, Pid}` (start on a distributed node), `not_found` (stop on a node that is not
 * distributed). A name already registered fails with the port mapper's `EpmdError` instead
 * (`the name N seems to be in use by another node`), where OTP gives a supervisor report.
 */
export class NetKernelError extends Error {
  constructor(
    readonly code: 'ERR_NODERL_ALREADY_STARTED' | 'ERR_NODERL_NOT_DISTRIBUTED' | 'ERR_NODERL_NODE_STOPPED',
    message: string,
    readonly reason: Term,
  ) {
    super(message);
    this.name = 'NetKernelError';
  }
}

/** What OTP's net_kernel answers on a node that is not distributed (`connect_node/1`, `get_net_ticktime/0`). */
export type Ignored = 'ignored';

/** What the net kernel needs of its node. */
export interface NetKernelHost {
  /** Who the node is: becoming distributed renames it, and its pids and refs follow. */
  readonly identity: LocalIdentity;
  /** Where the connections' signals go. */
  readonly processes: ProcessTable;
  /** Serves a SPAWN_REQUEST from a peer (src/process/spawn.ts). */
  serveSpawn(request: SpawnRequest): void;
  /** True once the node began to stop. */
  stopping(): boolean;
  /** A peer came up or went down: the node's own `nodeup`/`nodedown` events. */
  nodeUp(peer: string, visible: boolean): void;
  nodeDown(peer: string, reason: string, visible: boolean): void;
  /** The connection to `peer` became busy, or not busy any more (the node's `busy`/`unbusy` events). */
  busy(peer: string, busy: boolean, queuedBytes: number): void;
  /** The node is about to leave the distribution (global then reports no lost connections). */
  leaving(): void;
  /** The node has its new name (or `nonode@nohost` again): resolves once global runs under it. */
  renamed(): Promise<void>;
  log(line: string): void;
}

export class NetKernel {
  /** Present while the node is distributed. */
  private dist?: Distribution;
  /** A `start` under way. */
  private starting?: Promise<void>;
  /** A `stop` under way: a start or a stop waits for it. */
  private stopping?: Promise<void>;
  /** `erlang:set_cookie/2` cookies, by peer; the rest use {@link defaultCookie}. */
  private readonly cookies = new Map<string, string>();
  private defaultCookie?: string;
  private ticktime: number;
  /** `allow/1`'s list; empty means any node with the cookie may connect. */
  private readonly allowed = new Set<string>();
  private readonly subscriptions: MonitorNodes;

  /** @internal The node makes its net kernel. */
  constructor(
    private readonly host: NetKernelHost,
    /** How every `start` listens, unless it says otherwise (`Node.start`'s options). */
    private readonly defaults: NetKernelStartOptions,
  ) {
    this.defaultCookie = defaults.cookie;
    this.ticktime = defaults.ticktime ?? 60;
    this.subscriptions = new MonitorNodes({
      get name() {
        return host.identity.nodeAtom.name;
      },
      send: (to, message) => host.processes.send(to, message),
      isAlive: (pid) => host.processes.isAlive(pid),
    });
  }

  /** `erlang:is_alive/0`: true while the node is distributed. */
  get alive(): boolean {
    return this.dist !== undefined;
  }

  /** The TCP port that accepts distribution connections; undefined while not distributed. */
  get port(): number | undefined {
    return this.dist?.port;
  }

  /** True when the node is distributed as a hidden node (`erl -hidden`). */
  get hidden(): boolean {
    return this.dist?.hidden ?? false;
  }

  /**
   * `net_kernel:start/1`: makes a node that is not distributed distributed, as
   * `start({ sname: 'fries' })` = `net_kernel:start([fries, shortnames])`: listens, registers, and
   * from then on the node's pids and refs, old and new, carry the name and creation; `global`
   * restarts under the new name, keeping the names of this node's processes. Rejects with
   * {@link NetKernelError} (`already_started`) on a distributed node, with `EpmdError` for a name
   * in use.
   */
  start(options: NetKernelStartOptions): Promise<void> {
    if (options.sname === undefined && options.name === undefined) {
      return Promise.reject(new RangeError('net_kernel start needs a node name: sname or name'));
    }
    if (this.host.stopping()) return Promise.reject(new NetKernelError('ERR_NODERL_NODE_STOPPED', 'the node is stopped', atom('not_started')));
    if (this.dist || this.starting) {
      const pid = this.dist?.netKernelPid ?? this.host.identity.nodeAtom;
      return Promise.reject(new NetKernelError('ERR_NODERL_ALREADY_STARTED', `the node is already distributed as ${this.name}`, tuple(atom('already_started'), pid)));
    }
    const { epmdPort, setupTimeMs, maxFrameSize, hidden, listen, distBufBusyLimit } = this.defaults;
    // -hidden and inet_dist_listen_min/max hold for every net_kernel:start, as in OTP; the busy
    // limit is the node's own, as +zdbbl is the emulator's.
    const settings = { epmdPort, setupTimeMs, maxFrameSize, ...options, hidden: options.hidden ?? hidden, listen: options.listen ?? listen, distBufBusyLimit };
    this.starting = this.distribute(options, settings).finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async distribute(options: NetKernelStartOptions, settings: DistributionOptions): Promise<void> {
    await this.stopping?.catch(() => {}); // a net_kernel:stop still under way finishes first
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
    if (this.host.stopping()) {
      await dist.stop();
      throw new NetKernelError('ERR_NODERL_NODE_STOPPED', 'the node stopped while it was becoming distributed', atom('not_started'));
    }
    this.dist = dist;
    this.host.identity.become(dist.nodeAtom, dist.creation);
    // OTP reports the node's own name to monitor_nodes subscribers as a nodeup, before any
    // peer's, always visible (erts does so for a hidden node too).
    this.subscriptions.fire('nodeup', this.name, 'visible');
    await this.host.renamed(); // resolves once the carried global names are registered again
  }

  /**
   * `net_kernel:stop/0`: disconnects every peer (they get nodedown; links and monitors toward
   * them fire `noconnection` here), unregisters the name and closes the listener; the node's
   * processes keep running, as `nonode@nohost`. Rejects with {@link NetKernelError} (`not_found`)
   * on a node that is not distributed.
   */
  stop(): Promise<void> {
    const dist = this.dist;
    if (!dist || this.host.stopping()) return Promise.reject(new NetKernelError('ERR_NODERL_NOT_DISTRIBUTED', 'the node is not distributed', atom('not_found')));
    this.host.leaving();
    this.dist = undefined;
    this.stopping = (async () => {
      await this.leave(dist);
      this.host.identity.become(NONODE, 0);
      if (!this.host.stopping()) await this.host.renamed();
    })().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  /** @internal The node stops: a start or stop under way ends first, then the distribution. */
  async shutdown(): Promise<void> {
    await this.starting?.catch(() => {});
    await this.stopping?.catch(() => {});
    const dist = this.dist;
    this.dist = undefined;
    if (dist) await this.leave(dist);
  }

  /** After the peers' nodedowns, OTP reports the node's own old name as down, `net_kernel_terminated`. */
  private async leave(dist: Distribution): Promise<void> {
    await dist.stop();
    this.subscriptions.fire('nodedown', dist.name, 'visible', 'net_kernel_terminated');
  }

  private get name(): string {
    return this.host.identity.nodeAtom.name;
  }

  /**
   * Connected nodes: `visible` (default, as `nodes()`), `hidden`, or all `connected`; `known` is
   * this node and every node connected during this session, as `nodes(known)`. Not distributed,
   * `known` is `[nonode@nohost]` as in OTP (whose table may still hold names of an earlier
   * session while something refers to them; noderl forgets them).
   */
  nodes(kind: 'visible' | 'hidden' | 'connected' | 'known' = 'visible'): string[] {
    return this.dist?.nodes(kind) ?? (kind === 'known' ? [this.name] : []);
  }

  /**
   * `net_kernel:connect_node/1`: true once connected (or already), false when it cannot be;
   * `'ignored'`, as OTP, on a node that is not distributed.
   */
  connectNode(node: string | Atom): Promise<boolean | Ignored> {
    if (!this.dist) return Promise.resolve('ignored');
    return this.connect(node instanceof Atom ? node.name : node);
  }

  /** @internal Dials `peer` (`dist_auto_connect` too); false when not distributed or stopping. */
  connect(peer: string): Promise<boolean> {
    if (this.host.stopping() || !this.dist) return Promise.resolve(false);
    return this.dist.connect(peer);
  }

  /** @internal Closes the connection to `peer`, if any (`erlang:disconnect_node/1`). */
  disconnect(peer: string): boolean {
    return this.dist?.disconnect(peer) ?? false;
  }

  /** @internal The connection to `node`, for the process table. */
  connection(node: string): ReturnType<Distribution['connection']> {
    return this.dist?.connection(node);
  }

  /**
   * `net_kernel:monitor_nodes/1,2` for a process: `{nodeup, N}`/`{nodedown, N}` messages, or the
   * 3-tuple forms when an option is given (no options is OTP's `[]`). `on` false takes back one
   * subscription with the same options. Throws RangeError for an unknown node type or a pid of
   * another node (OTP subscribes the calling process only).
   */
  monitorNodes(subscriber: Process | Pid, on: boolean, options?: MonitorNodesOptions): 'ok' {
    return this.subscriptions.monitorNodes(subscriber, on, options);
  }

  /**
   * monitor_nodes for code outside processes: `listener` gets each event (with the message a
   * process would get); returns the function that ends the subscription.
   */
  watchNodes(listener: (event: NodeEvent) => void, options?: MonitorNodesOptions): () => void {
    return this.subscriptions.watchNodes(listener, options);
  }

  /**
   * `net_kernel:get_net_ticktime/0`, in seconds; `'ignored'`, as OTP, on a node that is not
   * distributed (`node.getNetTicktime()` still gives the ticktime the node will start with).
   */
  getNetTicktime(): number | Ignored {
    return this.dist ? this.ticktime : 'ignored';
  }

  /** @internal The ticktime, distributed or not (`node.getNetTicktime()`). */
  ticktimeSeconds(): number {
    return this.ticktime;
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

  /**
   * `net_kernel:allow/1`: from now on only the listed nodes (added to earlier lists; none can be
   * taken off) may connect, in either direction; connections already up stay. `error`, as OTP,
   * when an element is not a node name; then nothing is added.
   */
  allow(nodes: readonly (string | Atom)[]): 'ok' | 'error' {
    if (!Array.isArray(nodes) || !nodes.every((n) => typeof n === 'string' || n instanceof Atom)) return 'error';
    for (const n of nodes) this.allowed.add(n instanceof Atom ? n.name : n);
    return 'ok';
  }

  /** False when allow/1 was called and `peer` is not on its list. */
  isAllowed(peer: string): boolean {
    return this.allowed.size === 0 || this.allowed.has(peer);
  }

  /**
   * `erlang:set_cookie/1,2` (auth's job in OTP): `setCookie(cookie)` sets the cookie of every peer
   * without its own (and `setCookie(thisNode, cookie)` does the same); `setCookie(peer, cookie)`
   * sets `peer`'s own, used when dialling it and when it dials us.
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

  private distributionHost(): DistributionHost {
    const host = this.host;
    return {
      processes: host.processes,
      serveSpawn: (request) => host.serveSpawn(request),
      isAllowed: (peer) => this.isAllowed(peer),
      cookieFor: (peer) => this.cookieFor(peer),
      ticktime: () => this.ticktime,
      nodeUp: (peer, visible) => {
        host.nodeUp(peer, visible);
        this.subscriptions.fire('nodeup', peer, visible ? 'visible' : 'hidden');
      },
      nodeDown: (peer, reason, visible) => {
        host.nodeDown(peer, reason, visible);
        this.subscriptions.fire('nodedown', peer, visible ? 'visible' : 'hidden', nodedownReason(reason));
      },
      busy: (peer, busy, bytes) => host.busy(peer, busy, bytes),
      log: (line) => host.log(line),
    };
  }
}
