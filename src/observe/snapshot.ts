/**
 * The snapshot `noderl observe` shows, prints with `--json` and serves as `/snapshot.json`: the
 * shape issue 15 fixes (`cluster[].node`, `kind`, `connected`, `processes[]`), and more fields.
 */

/** One process of a node's top lists. */
export interface ProcessRow {
  /** `<0.90.0>`, as the node itself prints it. */
  pid: string;
  /** The registered name, or null. */
  name: string | null;
  messageQueueLen: number;
  /** Bytes (`process_info(P, memory)`). */
  memory: number;
  reductions: number;
  /** `m:f/a`, or null when the node does not say. */
  currentFunction: string | null;
}

/** One connection of an observed node, as that node knows it. */
export interface ConnectionReport {
  peer: string;
  type: 'visible' | 'hidden';
  /** Counters, null where the node's kind cannot tell them (a BEAM node's TLS connection). */
  bytesIn: number | null;
  bytesOut: number | null;
  /**
   * Control messages on a noderl node; socket packets (ticks included) on a BEAM node, which is
   * what `inet:getstat/2` counts.
   */
  messagesIn: number | null;
  messagesOut: number | null;
  /**
   * Milliseconds since the peer last sent anything. A noderl node knows it; for a BEAM node it is
   * inferred from when its received-packet count last moved, so it needs two snapshots and is as
   * fine as the refresh interval (null until then).
   */
  lastInputAgeMs: number | null;
  /** Bytes waiting to be sent to the peer. */
  sendQueueBytes: number | null;
}

/** Why a node's data is missing. */
export type NodeState = 'up' | 'unresponsive' | 'down';

/** One node of the cluster. */
export interface NodeReport {
  node: string;
  kind: 'beam' | 'noderl' | 'unknown';
  /** `up`; `unresponsive` when its answer did not come in time; `down` once it is unreachable. */
  state: NodeState;
  /** Its `nodes(connected)`, the observer left out. */
  connected: string[];
  visible: string[];
  hidden: string[];
  processCount: number | null;
  /** `erlang:memory/0`, in bytes, by type (`total`, `processes`, `binary`, ...). */
  memory: Record<string, number> | null;
  /** The top processes by message queue, memory and reductions (the union), sorted by the chosen key. */
  processes: ProcessRow[];
  /** `global:registered_names()`. */
  globalNames: string[];
  /** `pg:which_groups()` of the default scope, null when pg is not running there. */
  pgGroups: string[] | null;
  /** `net_kernel:get_net_ticktime()`, seconds. */
  netTicktime: number | null;
  connections: ConnectionReport[];
  /** Why the node's data is missing, when it is. */
  error?: string;
}

/** The whole view. */
export interface Snapshot {
  /** The hidden node that observes (left out of every `connected` list). */
  observer: string;
  /** When the snapshot was taken, ISO 8601. */
  takenAt: string;
  /** How long reading every node took, ms. */
  tookMs: number;
  /** The node the view started from first, then the others by name. */
  cluster: NodeReport[];
  /** Slow or frozen peers: ticks late, send queues that keep growing. */
  warnings: string[];
}

/** The keys the process tables sort by. */
export type SortKey = 'messageQueueLen' | 'memory' | 'reductions';
/** Every sort key, in the order the terminal view's `s` key cycles through them. */
export const SORT_KEYS: readonly SortKey[] = ['messageQueueLen', 'memory', 'reductions'];

/** `rows` sorted by `key`, biggest first (ties by pid, so the order is stable between refreshes). */
export function sortProcesses(rows: readonly ProcessRow[], key: SortKey): ProcessRow[] {
  return [...rows].sort((a, b) => b[key] - a[key] || a.pid.localeCompare(b.pid));
}
