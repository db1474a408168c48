/**
 * The observer: from a hidden node, reads NODE and every node NODE is connected to (and every
 * node seen before, so one that went down stays in view as down) and makes a {@link Snapshot}.
 * Each node is read with one rpc per refresh (query.ts); its kind is learnt once, by calling
 * `noderl_observe:connections/0`, which only a noderl node has.
 */
import { Atom, atom, isTuple, type Term } from '../term/types.js';
import { format } from '../term/format.js';
import type { Node } from '../node/node.js';
import { queryArgs, readAnswer, typeOf, type Reading } from './query.js';
import { sortProcesses, type ConnectionReport, type NodeReport, type Snapshot, type SortKey } from './snapshot.js';
import { QueueHistory, warningsOf } from './warnings.js';

/** Options of an {@link Observer}. */
export interface ObserverOptions {
  /** Rows per sort key read from each node (default 20). */
  top?: number;
  /** How long a node may take to answer, ms (default 5000). */
  timeoutMs?: number;
}

type Kind = NodeReport['kind'];

/** When a BEAM connection's received-packet count last moved: its last input, to a refresh's precision. */
interface InputMark {
  count: number;
  at: number;
}

/** Observes the cluster around one node. */
export class Observer {
  private readonly kinds = new Map<string, Kind>();
  /** Every node seen so far, in the order first seen. */
  private readonly seen = new Set<string>();
  private readonly lastInput = new Map<string, InputMark>();
  private readonly queues = new QueueHistory();
  private readonly top: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly node: Node,
    /** The node the view starts from. */
    readonly seed: string,
    options: ObserverOptions = {},
  ) {
    this.top = options.top ?? 20;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.seen.add(seed);
  }

  /** Reads every node once: the seed first (its connections say who else to read), the others together. */
  async snapshot(sort: SortKey = 'messageQueueLen'): Promise<Snapshot> {
    const started = performance.now();
    const first = await this.report(this.seed);
    for (const peer of first.connected) this.seen.add(peer);
    const others = await Promise.all([...this.seen].filter((n) => n !== this.seed).map((n) => this.report(n)));
    // A node the others name is read from the next refresh on.
    for (const r of others) for (const peer of r.connected) this.seen.add(peer);
    const cluster = [first, ...others.sort((a, b) => a.node.localeCompare(b.node))];
    this.keepUpWithTicks(cluster);
    for (const r of cluster) r.processes = sortProcesses(r.processes, sort);
    return { observer: this.node.name, takenAt: new Date().toISOString(), tookMs: Math.round(performance.now() - started), cluster, warnings: warningsOf(cluster, this.queues) };
  }

  /** One node's report; a node that cannot be reached is `down`, one that does not answer in time `unresponsive`. */
  private async report(name: string): Promise<NodeReport> {
    // A node whose host is gone can hold a dial for the whole setup time: the refresh does not wait for it.
    const connected = await Promise.race([this.node.connect(name), new Promise<false>((r) => setTimeout(r, this.timeoutMs, false).unref())]);
    if (!connected) return empty(name, this.kinds.get(name) ?? 'unknown', 'down', 'cannot connect');
    const kind = this.kinds.get(name) ?? (await this.learnKind(name));
    if (kind === 'unknown') return empty(name, kind, 'unresponsive', 'did not say what it is');
    const answer = await this.node.rpc.call(name, 'erl_eval', 'exprs', queryArgs(kind, this.top), { timeout: this.timeoutMs });
    const at = performance.now();
    const failure = badrpc(answer);
    if (failure !== undefined) {
      const state = failure === 'nodedown' || !this.node.nodes('connected').includes(name) ? 'down' : 'unresponsive';
      // A noderl node that refuses funs serves no erl_eval either (src/node/node.ts).
      const why = kind === 'noderl' && /\bundef\b/.test(failure) && failure.includes('erl_eval') ? 'it serves no erl_eval:exprs/2 (started with --refuse-funs)' : failure;
      return empty(name, kind, state, why);
    }
    let reading: Reading;
    try {
      reading = readAnswer(answer, this.node.name);
    } catch (err) {
      return empty(name, kind, 'unresponsive', (err as Error).message);
    }
    const { node, ...rest } = reading;
    return { node, kind, state: 'up', ...rest, connections: reading.connections.map((c) => ({ ...c, type: typeOf(reading, c.peer), lastInputAgeMs: c.lastInputAgeMs ?? this.inferredAge(name, c, at) })) };
  }

  /**
   * Ticks at least as often as the most demanding node observed: one with a net_ticktime of 4 s
   * drops a peer silent for 4 s, and a refresh interval can be longer than that.
   */
  private keepUpWithTicks(cluster: readonly NodeReport[]): void {
    const shortest = Math.min(...cluster.map((n) => n.netTicktime ?? Infinity));
    if (Number.isInteger(shortest) && shortest < this.node.getNetTicktime()) this.node.setNetTicktime(shortest);
  }

  /** noderl when `noderl_observe:connections/0` answers, beam when it is undef there. */
  private async learnKind(name: string): Promise<Kind> {
    const answer = await this.node.rpc.call(name, 'noderl_observe', 'connections', [], { timeout: this.timeoutMs });
    const failure = badrpc(answer);
    const kind: Kind = failure === undefined ? 'noderl' : /\bundef\b/.test(failure) ? 'beam' : 'unknown';
    if (kind !== 'unknown') this.kinds.set(name, kind);
    return kind;
  }

  /** A BEAM connection's last input age: since its received-packet count last moved (null on first sight). */
  private inferredAge(node: string, c: Omit<ConnectionReport, 'type'>, at: number): number | null {
    if (c.messagesIn === null) return null;
    const key = `${node} ${c.peer}`;
    const mark = this.lastInput.get(key);
    if (mark === undefined || mark.count !== c.messagesIn) {
      this.lastInput.set(key, { count: c.messagesIn, at });
      return mark === undefined ? null : 0;
    }
    return Math.round(at - mark.at);
  }
}

/** The reason of a `{badrpc, Reason}` as text; undefined for any other answer. */
function badrpc(answer: Term): string | undefined {
  if (!isTuple(answer) || answer.length !== 2 || answer[0] !== atom('badrpc')) return undefined;
  return answer[1] instanceof Atom ? answer[1].name : format(answer[1]!).slice(0, 300);
}

function empty(node: string, kind: Kind, state: NodeReport['state'], error: string): NodeReport {
  return { node, kind, state, error, connected: [], visible: [], hidden: [], processCount: null, memory: null, processes: [], globalNames: [], pgGroups: null, netTicktime: null, connections: [] };
}
