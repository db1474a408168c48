/**
 * The processes of a node and the signals between them: the process table, the registered names,
 * and the {@link SignalRouter} that delivers a signal locally or hands it to the connection to its
 * node, which encodes it (src/channel/connection.ts). ERTS keeps the same jobs in erl_process.c and
 * erl_proc_sig_queue.c.
 */
import { randomFillSync } from 'node:crypto';
import { Atom, isTuple, Pid, Ref, tuple, type Term, type TermInput, toAtom } from '../term/types.js';
import { SpawnReplyFlag, type SpawnRequest, type Address, type Signal, type SignalTarget } from '../channel/control.js';
import type { Connection } from '../channel/connection.js';
import { handedOver } from './mailbox.js';
import { processInternals, type Destination, type Process, type SignalRouter } from './process.js';
import type { SendOptions } from './router.js';
import { ProcessDictionary } from './dictionary.js';
import { Registry } from './registry.js';
import { AliasTable, type AliasMode } from './aliases.js';
import { NodeMonitors } from './node-monitors.js';
import { genCall } from './gen-call.js';
import { localPid, localRef, type LocalIdentity, pidKey } from './local-identity.js';
import { exitReasonOf, NotAliveError } from './exceptions.js';
import { SmallMap } from './small-map.js';
import { NOCONNECTION, NODEDOWN, NOPROC, NORMAL } from '../term/atoms.js';

/** What the table needs from the node: its connections. */
export interface NodeLinks {
  connection(node: string): Connection | undefined;
  /** Connects (as `dist_auto_connect`); true once up. */
  connect(node: string): Promise<boolean>;
}

/** Bytes of randomness fetched at once for new refs (8 per ref). */
const RANDOM_POOL = 4096;

/** What waits for a connection being made: each runs with it, or with undefined when it failed. */
type ConnectingQueue = ((conn: Connection | undefined) => void)[];

/**
 * Settled once: `then` on it queues a microtask. Node's `queueMicrotask` makes an AsyncResource
 * and a bound function per call, and local signals and process starts queue one each.
 */
const RESOLVED = Promise.resolve();

export class ProcessTable implements SignalRouter {
  readonly registry = new Registry();
  private readonly aliases = new AliasTable();
  private readonly nodeMonitors = new NodeMonitors();
  private readonly processes = new Map<string, Process>();
  private nextPid = 100;
  private refCounter = 0;
  private readonly random = Buffer.alloc(RANDOM_POOL);
  private randomAt = RANDOM_POOL;
  /** A SmallMap: every remote spawn (each rpc:call served here) adds one and its end takes it (small-map.ts). */
  private readonly initialCalls = new SmallMap<Term>();
  private readonly dictionaries = new Map<string, ProcessDictionary>();
  /**
   * What was sent to a node while its connection was being made, in sending order. Until the
   * queue is flushed every later signal to that node joins it, even once the connection is up:
   * a message sent in that window must not overtake the ones queued before it (Erlang orders
   * the signals between two processes; the soak in the bench caught 11 and 12 arriving before 1).
   */
  private readonly connecting = new Map<string, ConnectingQueue>();
  /** The group leader of processes started from outside any process (the node's `user`). */
  defaultGroupLeader?: Pid;
  /** Serves a SPAWN_REQUEST addressed to this node (set by the node). */
  onSpawnRequest?: (request: SpawnRequest) => void;

  constructor(
    /** The node's current name and creation; local pids and refs follow it. */
    readonly identity: LocalIdentity,
    private readonly links: NodeLinks,
  ) {}

  get nodeAtom(): Atom {
    return this.identity.nodeAtom;
  }

  /**
   * Starts a process; it ends with `normal` when `fn` returns, else with the reason it threw.
   */
  spawn(fn: (self: Process) => unknown, groupLeader?: Pid, initialCall?: Term): Pid {
    const pid = this.newPid();
    const proc = processInternals.create(pid, this, groupLeader ?? this.defaultGroupLeader);
    this.processes.set(pidKey(pid), proc);
    if (initialCall !== undefined) this.initialCalls.set(pidKey(pid), initialCall);
    // It starts on a later microtask, as a BEAM process starts after spawn returns.
    void RESOLVED.then(() => fn(proc)).then(
      () => processInternals.end(proc, NORMAL),
      (err: unknown) => processInternals.end(proc, exitReasonOf(err)),
    );
    return pid;
  }

  /**
   * Starts a process with the given group leader (remote spawns, and processes' own `self.spawn`);
   * `initialCall` is the `{M, F, Arity}` that `process_info(P, initial_call)` reports.
   */
  spawnWith(fn: (self: Process) => unknown, groupLeader: Pid, initialCall?: Term): Pid {
    return this.spawn(fn, groupLeader, initialCall);
  }

  /** Every live process of this node (`erlang:processes/0`), oldest first. */
  pids(): Pid[] {
    return [...this.processes.values()].map((p) => p.pid);
  }

  /** The process dictionary of the live process `pid` (made when first used), or undefined for a process that is not alive here. */
  dictionary(pid: Pid): ProcessDictionary | undefined {
    if (!this.isAlive(pid)) return undefined;
    const key = pidKey(pid);
    let d = this.dictionaries.get(key);
    if (!d) this.dictionaries.set(key, (d = new ProcessDictionary()));
    return d;
  }

  /** The `{M, F, Arity}` a process was spawned with, when it was spawned as a call (remote spawn, `spawn/3`). */
  initialCall(pid: Pid): Term | undefined {
    return this.initialCalls.get(pidKey(pid));
  }

  /** The live process `pid` of this node. */
  process(pid: Pid): Process | undefined {
    return this.identity.owns(pid) ? this.processes.get(pidKey(pid)) : undefined;
  }

  /** Sends a SPAWN_REQUEST (serves it here when `node` is this node); a node we cannot reach answers `noconnection`. */
  requestSpawn(node: Atom, request: SpawnRequest): void {
    if (node === this.nodeAtom) {
      void RESOLVED.then(() => this.onSpawnRequest?.(request));
      return;
    }
    this.withConnection(
      node,
      (conn) => conn.requestSpawn(request),
      () => this.deliverLocal(request.from, { kind: 'spawn_reply', ref: request.reqId, flags: 0, result: NOCONNECTION }),
    );
  }

  /**
   * Acts on the connection to `node`, connecting first when there is none (`dist_auto_connect`);
   * `unreachable` runs instead when the connection cannot be made. The promise `act` may return
   * (a sender's wait), or one that settles after the connection was made.
   */
  private withConnection(node: Atom, act: (conn: Connection) => Promise<void> | void, unreachable: () => void): Promise<void> | void {
    let queue = this.connecting.get(node.name);
    if (!queue) {
      const conn = this.links.connection(node.name);
      if (conn) return act(conn);
      const made: ConnectingQueue = (queue = []);
      this.connecting.set(node.name, made);
      void this.links.connect(node.name).then((ok) => {
        this.connecting.delete(node.name);
        const c = ok ? this.links.connection(node.name) : undefined;
        for (const go of made) go(c);
      });
    }
    const waiting = queue;
    return new Promise((resolve) => waiting.push((c) => resolve(c ? act(c) : unreachable())));
  }

  /** True while `pid` is a live process of this node. */
  isAlive(pid: Pid): boolean {
    return this.identity.owns(pid) && this.processes.has(pidKey(pid));
  }

  /**
   * `Dest ! Msg` from outside any process (the sender is a pid that no process owns). A promise
   * while the connection the message went to is busy, as `Process.send`.
   */
  send(dest: Destination, message: TermInput): Promise<void> | undefined {
    return this.route(dest instanceof Ref ? dest : this.destination(dest), { kind: 'message', from: this.newPid(), message: handedOver(message) });
  }

  /** `register/2`; false (Erlang's badarg) when the name is taken or the pid is not a live process here. */
  register(name: string | Atom, pid: Pid): boolean {
    const proc = this.isAlive(pid) ? this.processes.get(pidKey(pid)) : undefined;
    return proc !== undefined && this.registry.register(toAtom(name), proc.pid);
  }

  whereis(name: Atom): Pid | undefined {
    return this.registry.whereis(name);
  }

  /** A process ended: it leaves the table and its names are free. */
  ended(proc: Process): void {
    this.processes.delete(pidKey(proc.pid));
    this.initialCalls.delete(pidKey(proc.pid));
    this.dictionaries.delete(pidKey(proc.pid));
    this.registry.forget(proc.pid);
    this.aliases.forget(proc.pid);
    this.nodeMonitors.forget(proc.pid);
  }

  /** The connection to `node` is gone: links and monitors toward it fire with `noconnection`. */
  nodeDown(node: Atom): void {
    for (const p of [...this.processes.values()]) processInternals.nodeDown(p, node);
    for (const pid of this.nodeMonitors.fire(node.name)) this.deliverLocal(pid, { kind: 'message', from: pid, message: tuple(NODEDOWN, node) });
  }

  /** Ends every process (node stop). */
  endAll(reason: Term): void {
    for (const p of [...this.processes.values()]) processInternals.end(p, reason);
  }

  /** Ends the live process `pid` of this node with `reason`, as an untrappable exit would (the node's own shutdowns). */
  exitProcess(pid: Pid, reason: Term): void {
    const proc = this.process(pid);
    if (proc) processInternals.end(proc, reason);
  }

  /**
   * Delivers a signal to `to`, here or over the connection to its node (auto-connecting, as
   * `dist_auto_connect`). For a message, a promise when the sender has something to wait for, as
   * BEAM would suspend it: the connection being made, or the connection busy after the message
   * was queued (src/channel/busy-limit.ts); it resolves once the connection can take more or is gone.
   */
  route(to: SignalTarget, signal: Signal): Promise<void> | undefined {
    const node = to.node;
    if (node === this.nodeAtom) {
      // Local signals are asynchronous, as in ERTS: no re-entry into a process that is sending.
      if (to instanceof Ref) void RESOLVED.then(() => this.deliverToAlias(to, signal));
      else void RESOLVED.then(() => (to instanceof Pid ? this.deliverLocal(to, signal) : this.deliverToName(to.name, signal)));
      return undefined;
    }
    // The usual case, no closures made for it: a connection that is up, and nothing waiting for one.
    const conn = this.links.connection(node.name);
    if (conn && (this.connecting.size === 0 || !this.connecting.has(node.name))) {
      return conn.sendSignal(to, signal) || signal.kind !== 'message' ? undefined : conn.whenNotBusy();
    }
    // Only these signals make a connection; the others need one already up.
    if (signal.kind !== 'message' && signal.kind !== 'link' && signal.kind !== 'monitor') {
      // With no connection they are dropped; while one is being made they wait behind what was sent before them.
      this.connecting.get(node.name)?.push((c) => void c?.sendSignal(to, signal));
      return undefined;
    }
    const send = (conn: Connection): Promise<void> | undefined => (conn.sendSignal(to, signal) || signal.kind !== 'message' ? undefined : conn.whenNotBusy());
    return this.withConnection(node, send, () => this.unreachable(to, signal, NOCONNECTION)) ?? undefined;
  }

  /**
   * `erlang:send/3`: a message that is not sent when it would need a new connection
   * (`noconnect`) or when its connection is busy (`nosuspend`), and the atom that says so; else
   * as {@link route}, never waiting with `nosuspend` (ERTS's `erts_dsig_prepare` decides the same way).
   */
  sendWithOptions(to: SignalTarget, signal: Signal, options: SendOptions): 'noconnect' | 'nosuspend' | Promise<void> | undefined {
    if (to.node !== this.nodeAtom) {
      const conn = this.links.connection(to.node.name);
      if (!conn && options.noconnect) return 'noconnect';
      if (conn?.busy && options.nosuspend) return 'nosuspend';
    }
    const waiting = this.route(to, signal);
    return options.nosuspend ? undefined : waiting;
  }

  /**
   * A signal to a process of ours. A pid of another creation names an earlier incarnation: a
   * message to it is dropped, a link or monitor gets noproc (as BEAM does, verified on OTP 25).
   */
  deliverLocal(to: Pid, signal: Signal): void {
    const proc = this.identity.owns(to) ? this.processes.get(pidKey(to)) : undefined;
    if (proc) processInternals.deliver(proc, signal);
    else this.unreachable(to, signal, NOPROC);
  }

  /** A signal to a name registered here (REG_SEND, MONITOR_P by name). */
  deliverToName(name: Atom, signal: Signal): void {
    const pid = this.registry.whereis(name);
    if (pid) this.deliverLocal(pid, signal);
    else this.unreachable({ name, node: this.nodeAtom }, signal, NOPROC); // a message to an unknown name is dropped
  }

  /**
   * A message to one of our aliases (a local send, or ALIAS_SEND from a peer): into the owner's
   * mailbox while the alias is active, else dropped, as ERTS drops it. Another creation's ref
   * names an earlier incarnation's alias and is dropped too.
   */
  deliverToAlias(ref: Ref, signal: Signal): void {
    if (signal.kind !== 'message' || !this.identity.owns(ref)) return;
    const entry = this.aliases.take(ref);
    if (!entry) return;
    const owner = this.processes.get(pidKey(entry.owner));
    if (!owner) return;
    processInternals.deliver(owner, signal);
    if (entry.mode === 'reply_demonitor') owner.demonitor(ref);
  }

  alias(owner: Pid, mode: AliasMode, ref: Ref): void {
    this.aliases.add(ref, owner, mode);
  }

  unalias(owner: Pid, ref: Ref): boolean {
    return this.aliases.remove(ref, owner);
  }

  /**
   * `monitor_node/2`: connects when needed (`dist_auto_connect`); no connection means `{nodedown, Node}` at once.
   * Throws {@link NotAliveError} on a node that is not distributed, as OTP raises `notalive`.
   */
  monitorNode(owner: Pid, node: Atom, on: boolean): void {
    if (!this.identity.distributed) throw new NotAliveError('monitor_node', [node, on]);
    if (!on) {
      this.nodeMonitors.remove(node.name, owner);
      return;
    }
    if (node === this.nodeAtom) return; // monitoring ourselves never fires
    this.nodeMonitors.add(node.name, owner);
    this.withConnection(
      node,
      () => {},
      () => {
        if (this.nodeMonitors.remove(node.name, owner)) this.deliverLocal(owner, { kind: 'message', from: owner, message: tuple(NODEDOWN, node) });
      },
    );
  }

  async call(proc: Process, dest: Destination, request: TermInput, timeoutMs: number): Promise<Term> {
    return genCall(proc, this.destination(dest), dest, request, timeoutMs, (name) => this.registry.whereis(name));
  }

  /** A link or monitor whose target does not exist (or whose node cannot be reached) fires at once. */
  private unreachable(to: SignalTarget, signal: Signal, reason: Atom): void {
    if (signal.kind === 'link' && to instanceof Pid) this.route(signal.from, { kind: 'exit', from: to, reason, link: true });
    else if (signal.kind === 'monitor') this.route(signal.from, { kind: 'down', from: signal.target, ref: signal.ref, reason });
    else if (signal.kind === 'spawn_reply' && signal.result instanceof Pid && to instanceof Pid) {
      // The caller died before the reply: the link and monitor made for it come down at once.
      if (signal.flags & SpawnReplyFlag.LINK) this.route(signal.result, { kind: 'exit', from: to, reason, link: true });
      if (signal.flags & SpawnReplyFlag.MONITOR) this.route(signal.result, { kind: 'demonitor', from: to, ref: signal.ref, target: signal.result });
    }
  }

  /** Resolves a `send`/`monitor` destination: a pid, a name here, or `{Name, Node}`. */
  destination(dest: Destination | Term): Address {
    if (dest instanceof Pid) return dest;
    if (typeof dest === 'string' || dest instanceof Atom) return { name: toAtom(dest), node: this.nodeAtom };
    if (isTuple(dest) && dest.length === 2 && dest[0] instanceof Atom && (dest[1] instanceof Atom || typeof dest[1] === 'string')) {
      return { name: dest[0], node: toAtom(dest[1]) };
    }
    throw new Error(`badarg: ${String(dest)} is not a pid, a name or {Name, Node}`);
  }

  /** A new pid of this node (also for callers that are not processes, such as ping). */
  newPid(): Pid {
    return localPid(this.identity, this.nextPid++, 0);
  }

  /** A new reference of this node. */
  newRef(): Ref {
    this.refCounter = (this.refCounter + 1) >>> 0;
    // Random words make refs (and so aliases) unguessable; drawn from a pool because a
    // randomBytes call per ref measured 6-21% of an rpc call.
    if (this.randomAt === RANDOM_POOL) {
      randomFillSync(this.random);
      this.randomAt = 0;
    }
    const r = this.random, at = this.randomAt;
    this.randomAt += 8;
    return localRef(this.identity, [this.refCounter & 0x3ffff, r.readUInt32BE(at), r.readUInt32BE(at + 4)]);
  }
}
