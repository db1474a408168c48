/**
 * `net_kernel:monitor_nodes/1,2`, as OTP 25's runtime sends its messages, checked against a real
 * erl: without options `{nodeup, N}`/`{nodedown, N}`; with any option the 3-tuple form, whose info
 * list on nodedown puts `{nodedown_reason, R}` before `{node_type, T}` (the order is fixed, not the
 * order the options were given in). Each subscription delivers its own message, so subscribing
 * twice means two messages per event, and `monitorNodes(false, same options)` takes one back.
 * Subscriptions outlive net_kernel:stop/start, and OTP reports the node's own name too: `nodeup`
 * when it becomes distributed, `nodedown` (`net_kernel_terminated`, after its peers') when it stops.
 */
import { atom, tuple, type Pid, type Term, type Tuple } from '../term/types.js';
import { NODEDOWN, NODEUP } from '../term/atoms.js';
import { pidKey } from '../process/local-identity.js';
import type { Process } from '../process/process.js';

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

/** What the subscriptions need of the node. */
export interface MonitorNodesHost {
  /** The node's name now: only its own processes subscribe. */
  readonly name: string;
  send(to: Pid, message: Term): void;
  isAlive(pid: Pid): boolean;
}

interface Subscription {
  key: string;
  nodeType?: NodeType;
  nodedownReason: boolean;
  deliver: (message: Tuple, event: Omit<NodeEvent, 'message'>) => void;
  /** A process subscriber: its subscriptions end with it. */
  pid?: Pid;
}

const NODE_TYPE = atom('node_type');
const NODEDOWN_REASON = atom('nodedown_reason');

/** The connection's close reason as the nodedown_reason OTP gives for the same cause. */
export function nodedownReason(closeReason: string): string {
  if (closeReason === 'net_tick_timeout' || closeReason === 'disconnect') return closeReason;
  if (closeReason === 'shutdown') return 'net_kernel_terminated'; // this node stopped
  return 'connection_closed';
}

/** The monitor_nodes subscriptions of one node. */
export class MonitorNodes {
  private readonly subscriptions: Subscription[] = [];
  private listeners = 0;

  constructor(private readonly host: MonitorNodesHost) {}

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

  private subscribe(key: string, options: MonitorNodesOptions | undefined, deliver: Subscription['deliver'], pid?: Pid): void {
    const nodeType = options?.nodeType;
    if (nodeType !== undefined && nodeType !== 'visible' && nodeType !== 'hidden' && nodeType !== 'all') {
      throw new RangeError(`monitor_nodes: bad option value {node_type, ${String(nodeType)}} (visible, hidden or all)`);
    }
    this.subscriptions.push({ key, nodeType, nodedownReason: options?.nodedownReason === true, deliver, pid });
  }

  private unsubscribe(key: string): 'ok' {
    const i = this.subscriptions.findIndex((s) => s.key === key);
    if (i >= 0) this.subscriptions.splice(i, 1);
    return 'ok';
  }

  /** A node came up or went down (`reason` is the nodedown reason OTP gives, see {@link nodedownReason}). */
  fire(event: 'nodeup' | 'nodedown', node: string, type: 'visible' | 'hidden', reason?: string): void {
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
