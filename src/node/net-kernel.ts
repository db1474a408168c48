/**
 * kernel's `net_kernel` API on a noderl node: `start/1` and `stop/0` (a node that is not
 * distributed becomes distributed, and back), `connect_node/1`, `monitor_nodes/1,2`,
 * `get_net_ticktime/0`/`set_net_ticktime/1` and `allow/1` (the `{is_auth, _}` responder peers
 * call is src/services/net_kernel.ts).
 *
 * monitor_nodes messages are shaped as OTP 25's runtime sends them, checked against a real erl:
 * without options `{nodeup, N}`/`{nodedown, N}`; with any option the 3-tuple form, whose info list
 * on nodedown puts `{nodedown_reason, R}` before `{node_type, T}` (the order is fixed, not the
 * order the options were given in). Each subscription delivers its own message, so subscribing
 * twice means two messages per event, and `monitorNodes(false, same options)` takes one back.
 * Subscriptions outlive net_kernel:stop/start, and OTP reports the node's own name too: `nodeup`
 * when it becomes distributed, `nodedown` (`net_kernel_terminated`, after its peers') when it stops.
 */
import { Atom, atom, tuple, type Pid, type Term, type Tuple } from '../term/types.js';
import { type Process } from '../process/process.js';
import type { DistributionOptions } from './connections.js';
import { pidKey } from '../process/local-identity.js';

/** `net_kernel:start/1`'s options: the name (`sname` or `name`) and how the node is distributed. */
export interface NetKernelStartOptions extends DistributionOptions {
  /** The cookie; default the one the node was given, else `~/.erlang.cookie`. */
  cookie?: string;
  /** `net_ticktime` in seconds. */
  ticktime?: number;
}

/** How the node becomes distributed and stops being so (src/node/node.ts). */
export interface Distributing {
  start(options: NetKernelStartOptions): Promise<void>;
  stop(): Promise<void>;
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

export type NodeType = 'visible' | 'hidden' | 'all';

/** net_kernel:monitor_nodes/2's options: `{node_type, T}` and `nodedown_reason`. */
export interface MonitorNodesOptions {
  nodeType?: NodeType;
  nodedownReason?: boolean;
}

/** A node event as a monitor_nodes subscriber of code outside processes gets it. */
export interface NodeEvent {
  event: 'nodeup' | 'nodedown';
  node: string;
  nodeType: 'visible' | 'hidden';
  /** The nodedown reason (`connection_closed`, `disconnect`, `net_tick_timeout`...), on nodedown. */
  reason?: string;
  /** The message a process subscribed with the same options would get. */
  message: Tuple;
}

/** What the net kernel needs of its node. */
export interface NetKernelHost {
  readonly name: string;
  /** True while the node is distributed. */
  readonly alive: boolean;
  connect(peer: string): Promise<boolean>;
  send(to: Pid, message: Term): void;
  isAlive(pid: Pid): boolean;
  getNetTicktime(): number;
  setNetTicktime(seconds: number): 'unchanged' | 'change_initiated';
  on(event: 'nodeup', fn: (node: string, visible: boolean) => void): unknown;
  on(event: 'nodedown', fn: (node: string, reason: string, visible: boolean) => void): unknown;
}

interface Subscription {
  key: string;
  nodeType?: NodeType;
  nodedownReason: boolean;
  deliver: (message: Tuple, event: Omit<NodeEvent, 'message'>) => void;
  /** A process subscriber: its subscriptions end with it. */
  pid?: Pid;
}

const NODEUP = atom('nodeup');
const NODEDOWN = atom('nodedown');
const NODE_TYPE = atom('node_type');
const NODEDOWN_REASON = atom('nodedown_reason');

/** The connection's close reason as the nodedown_reason OTP gives for the same cause. */
export function nodedownReason(closeReason: string): string {
  if (closeReason === 'net_tick_timeout' || closeReason === 'disconnect') return closeReason;
  if (closeReason === 'shutdown') return 'net_kernel_terminated'; // this node stopped
  return 'connection_closed';
}

export class NetKernel {
  private readonly subscriptions: Subscription[] = [];
  /** `allow/1`'s list; empty means any node with the cookie may connect. */
  private readonly allowed = new Set<string>();
  private listening = false;
  private listeners = 0;

  constructor(
    private readonly host: NetKernelHost,
    private readonly distributing: Distributing,
  ) {}

  /**
   * `net_kernel:start/1`: makes a node that is not distributed distributed, as
   * `start({ sname: 'fries' })` = `net_kernel:start([fries, shortnames])`. Pids and refs of the
   * node made before keep their identity and carry the new name from now on. Rejects with
   * {@link NetKernelError} (`already_started`) on a distributed node, with `EpmdError` for a name
   * in use.
   */
  start(options: NetKernelStartOptions): Promise<void> {
    if (options.sname === undefined && options.name === undefined) {
      return Promise.reject(new RangeError('net_kernel start needs a node name: sname or name'));
    }
    return this.distributing.start(options);
  }

  /**
   * `net_kernel:stop/0`: disconnects every peer (they get nodedown), unregisters the name and
   * closes the listener; the node's processes keep running, as `nonode@nohost`. Rejects with
   * {@link NetKernelError} (`not_found`) on a node that is not distributed.
   */
  stop(): Promise<void> {
    return this.distributing.stop();
  }

  /**
   * `net_kernel:connect_node/1`: true once connected (or already), false when it cannot be;
   * `'ignored'`, as OTP, on a node that is not distributed.
   */
  connectNode(node: string | Atom): Promise<boolean | Ignored> {
    if (!this.host.alive) return Promise.resolve('ignored');
    return this.host.connect(node instanceof Atom ? node.name : node);
  }

  /**
   * `net_kernel:monitor_nodes/1,2` for a process: `{nodeup, N}`/`{nodedown, N}` messages, or the
   * 3-tuple forms when an option is given (no options is OTP's `[]`). `on` false takes back one
   * subscription with the same options. Throws RangeError for an unknown node type or a pid of
   * another node (OTP subscribes the calling process only).
   */
  monitorNodes(subscriber: Process | Pid, on: boolean, options?: MonitorNodesOptions): 'ok' {
    const pid = 'pid' in subscriber ? subscriber.pid : subscriber;
    if (pid.node.name !== this.host.name) throw new RangeError(`monitor_nodes: ${pid.node.name}'s process cannot subscribe on ${this.host.name}`);
    const key = `${pidKey(pid)}|${optionsKey(options)}`;
    if (!on) return this.unsubscribe(key);
    this.subscribe(key, options, (message) => this.host.send(pid, message), pid);
    return 'ok';
  }

  /**
   * monitor_nodes for code outside processes: `listener` gets each event (with the message a
   * process would get); returns the function that ends the subscription.
   */
  watchNodes(listener: (event: NodeEvent) => void, options?: MonitorNodesOptions): () => void {
    const key = `listener:${(this.listeners += 1)}`;
    this.subscribe(key, options, (message, event) => listener({ ...event, message }));
    return () => void this.unsubscribe(key);
  }

  /**
   * `net_kernel:get_net_ticktime/0`, in seconds; `'ignored'`, as OTP, on a node that is not
   * distributed (`node.getNetTicktime()` still gives the ticktime the node will start with).
   */
  getNetTicktime(): number | Ignored {
    return this.host.alive ? this.host.getNetTicktime() : 'ignored';
  }

  /**
   * The node became distributed as `name` (called by the node): OTP reports its own name to
   * monitor_nodes subscribers as a `nodeup`, before any peer's, always `visible` (erts does so
   * for a hidden node too).
   */
  started(name: string): void {
    this.fire('nodeup', name, 'visible');
  }

  /**
   * The node stopped being distributed (net_kernel:stop, or the node stopped), after its peers'
   * nodedowns: OTP then reports its own old name as down, `net_kernel_terminated`.
   */
  stopped(name: string): void {
    this.fire('nodedown', name, 'visible', 'net_kernel_terminated');
  }

  /** `net_kernel:set_net_ticktime/1` (see Node.setNetTicktime for how noderl switches). */
  setNetTicktime(seconds: number): 'unchanged' | 'change_initiated' {
    return this.host.setNetTicktime(seconds);
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

  private subscribe(key: string, options: MonitorNodesOptions | undefined, deliver: Subscription['deliver'], pid?: Pid): void {
    const nodeType = options?.nodeType;
    if (nodeType !== undefined && nodeType !== 'visible' && nodeType !== 'hidden' && nodeType !== 'all') {
      throw new RangeError(`monitor_nodes: bad option value {node_type, ${String(nodeType)}} (visible, hidden or all)`);
    }
    this.listen();
    this.subscriptions.push({ key, nodeType, nodedownReason: options?.nodedownReason === true, deliver, pid });
  }

  private unsubscribe(key: string): 'ok' {
    const i = this.subscriptions.findIndex((s) => s.key === key);
    if (i >= 0) this.subscriptions.splice(i, 1);
    return 'ok';
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.host.on('nodeup', (node, visible) => this.fire('nodeup', node, visible ? 'visible' : 'hidden'));
    this.host.on('nodedown', (node, closeReason, visible) => this.fire('nodedown', node, visible ? 'visible' : 'hidden', nodedownReason(closeReason)));
  }

  private fire(event: 'nodeup' | 'nodedown', node: string, type: 'visible' | 'hidden', reason?: string): void {
    for (const s of [...this.subscriptions]) {
      if (s.pid && !this.host.isAlive(s.pid)) {
        this.unsubscribe(s.key); // a process's subscriptions end with it
        continue;
      }
      // Without node_type only visible nodes are reported, as in OTP.
      if ((s.nodeType ?? 'visible') !== 'all' && (s.nodeType ?? 'visible') !== type) continue;
      s.deliver(message(s, event, node, type, reason), { event, node, nodeType: type, ...(reason === undefined ? {} : { reason }) });
    }
  }
}

function message(s: Subscription, event: 'nodeup' | 'nodedown', node: string, type: string, reason?: string): Tuple {
  const tag = event === 'nodeup' ? NODEUP : NODEDOWN;
  if (s.nodeType === undefined && !s.nodedownReason) return tuple(tag, atom(node)); // monitor_nodes(Flag, [])
  const info: Term[] = [];
  if (event === 'nodedown' && s.nodedownReason) info.push(tuple(NODEDOWN_REASON, atom(reason ?? 'connection_closed')));
  if (s.nodeType !== undefined) info.push(tuple(NODE_TYPE, atom(type)));
  return tuple(tag, atom(node), info);
}

/** Subscriptions with equal options are the same subscription for monitor_nodes(false, ...). */
function optionsKey(options: MonitorNodesOptions | undefined): string {
  return `${options?.nodeType ?? '-'}/${options?.nodedownReason === true}`;
}
