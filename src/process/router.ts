/**
 * The types between a process and its node: where a process can send, and the router (the
 * node's process table) through which every signal of a process goes.
 */
import { Atom, isTuple, Pid, Ref, type Term, type TermInput, type Tuple } from '../term/types.js';
import type { Address, Signal, SignalTarget, SpawnRequest } from '../channel/control.js';
import type { AliasMode } from './aliases.js';
import type { Mailbox } from './mailbox.js';

/**
 * Where `send`, `monitor` and `call` go: a pid, a registered name here (an atom or a string),
 * `tuple(Name, Node)` for a name on another node, or an alias (a `Ref`; `send` only).
 */
export type Destination = Pid | Ref | Atom | string | Tuple<TermInput[]>;

/** True for a term an Erlang caller may send to (`erlang:send/2`'s first argument): a pid, an alias, a name, `{Name, Node}`. */
export function isDestination(x: Term): x is Pid | Ref | Atom | Tuple {
  if (x instanceof Pid || x instanceof Ref || x instanceof Atom) return true;
  return isTuple(x) && x.length === 2 && x[0] instanceof Atom && x[1] instanceof Atom;
}

/**
 * `erlang:send/3`'s options: `nosuspend` does not send to a busy connection (and never waits),
 * `noconnect` does not send where a connection would have to be made first.
 */
export interface SendOptions {
  nosuspend?: boolean;
  noconnect?: boolean;
}

/** Options of `monitor/3`: `alias` makes the monitor's ref an alias of the monitoring process too. */
export interface MonitorOptions {
  alias?: 'explicit_unalias' | 'demonitor' | 'reply_demonitor';
}

/**
 * What a process needs from its node (the process table), for processes of type `P`: generic so
 * that this file needs no import of process.ts (process.ts names it `SignalRouter`).
 */
export interface Router<P> {
  readonly nodeAtom: Atom;
  /** A promise when the sender of a message should wait: see ProcessTable.route. */
  route(to: SignalTarget, signal: Signal): Promise<void> | undefined;
  /** `erlang:send/3`: see ProcessTable.sendWithOptions. */
  sendWithOptions(to: SignalTarget, signal: Signal, options: SendOptions): 'noconnect' | 'nosuspend' | Promise<void> | undefined;
  /** Resolves a `send` destination (throws badarg for an unregistered local name). */
  destination(dest: Destination | Term): Address;
  newRef(): Ref;
  /** The pid registered as `name` on this node. */
  whereis(name: Atom): Pid | undefined;
  ended(proc: P, reason: Term): void;
  /** Makes `ref` an alias of `owner` (src/node/aliases.ts). */
  alias(owner: Pid, mode: AliasMode, ref: Ref): void;
  unalias(owner: Pid, ref: Ref): boolean;
  /** `monitor_node(Node, On)` for `owner`. */
  monitorNode(owner: Pid, node: Atom, on: boolean): void;
  /** A gen_server call from `proc` (src/node/gen-call.ts). */
  call(proc: P, dest: Destination, request: TermInput, timeoutMs: number): Promise<Term>;
  /** Starts a process here whose group leader is `groupLeader`. */
  spawnWith(fn: (self: P) => unknown, groupLeader: Pid): Pid;
  /** Sends a SPAWN_REQUEST to `node` (serves it when it is this node); the answer comes as a `spawn_reply` signal. */
  requestSpawn(node: Atom, request: SpawnRequest): void;
}

/** What the process table does to a process of type `P` that its own code cannot (process.ts's `processInternals`). */
export interface ProcessInternals<P> {
  /** A new process; `groupLeader` defaults to the process itself. */
  create(pid: Pid, router: Router<P>, groupLeader?: Pid): P;
  /** A signal arrives, from this node or a connection. */
  deliver(proc: P, signal: Signal): void;
  /** The connection to `node` went down: links and monitors toward it fire with `noconnection`. */
  nodeDown(proc: P, node: Atom): void;
  /** Ends the process with `reason` (its function returned or threw, a kill, node stop). */
  end(proc: P, reason: Term): void;
  mailbox(proc: P): Mailbox;
  /** What `process_info/2` reports of the process's own state. */
  info(proc: P): ProcessState;
}

/** A process's own state as `process_info/2` reports it (src/process/process-info.ts). */
export interface ProcessState {
  links: Pid[];
  /** The monitors it holds: the pid, or `{Name, Node}` for a monitor by name. */
  monitors: Term[];
  /** The processes monitoring it. */
  monitoredBy: Pid[];
  trapExit: boolean;
  groupLeader: Pid;
  /** Signals handled so far: noderl's stand-in for reductions, which a JS process does not count. */
  signals: number;
}
