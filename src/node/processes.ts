/**
 * The processes of a node and the signals between them: the process table, the registered names,
 * and the {@link SignalRouter} that delivers a signal locally or over the connection to its node
 * as a control message (src/dist/control.ts). ERTS keeps the same jobs in erl_process.c and
 * erl_proc_sig_queue.c.
 */
import { randomBytes } from 'node:crypto';
import { Atom, isTuple, Pid, Ref, type Term } from '../term/types.js';
import { encodeSignal } from '../dist/control.js';
import type { Connection } from '../dist/connection.js';
import { exitReasonOf, NOCONNECTION, NOPROC, NORMAL, pidKey, Process, type Address, type Destination, type Signal, type SignalRouter } from './process.js';
import { Registry, toAtom } from './registry.js';

/** What the table needs from the node: its connections. */
export interface NodeLinks {
  connection(node: string): Connection | undefined;
  /** Connects (as `dist_auto_connect`); true once up. */
  connect(node: string): Promise<boolean>;
}

export class ProcessTable implements SignalRouter {
  readonly registry = new Registry();
  private readonly processes = new Map<string, Process>();
  private nextPid = 100;
  private refCounter = 0;

  constructor(
    readonly nodeAtom: Atom,
    private readonly creation: number,
    private readonly links: NodeLinks,
  ) {}

  /**
   * Starts a process; it ends with `normal` when `fn` returns, else with the reason it threw.
   */
  spawn(fn: (self: Process) => unknown): Pid {
    const pid = this.newPid();
    const proc = new Process(pid, this);
    this.processes.set(pidKey(pid), proc);
    queueMicrotask(() => {
      Promise.resolve()
        .then(() => fn(proc))
        .then(
          () => proc.end(NORMAL),
          (err: unknown) => proc.end(exitReasonOf(err)),
        );
    });
    return pid;
  }

  /** True while `pid` is a live process of this node. */
  isAlive(pid: Pid): boolean {
    return pid.creation === this.creation && this.processes.has(pidKey(pid));
  }

  /** `Dest ! Msg` from outside any process (the sender is a pid that no process owns). */
  send(dest: Destination, message: Term): void {
    this.route(this.destination(dest), { kind: 'message', from: this.newPid(), message });
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
    this.registry.forget(proc.pid);
  }

  /** The connection to `node` is gone: links and monitors toward it fire with `noconnection`. */
  nodeDown(node: Atom): void {
    for (const p of [...this.processes.values()]) p.nodeDown(node);
  }

  /** Ends every process (node stop). */
  endAll(reason: Term): void {
    for (const p of [...this.processes.values()]) p.end(reason);
  }

  /** Delivers a signal to `to`, here or over the connection to its node (auto-connecting, as `dist_auto_connect`). */
  route(to: Address, signal: Signal): void {
    const node = to.node;
    if (node === this.nodeAtom) {
      // Local signals are asynchronous, as in ERTS: no re-entry into a process that is sending.
      queueMicrotask(() => (to instanceof Pid ? this.deliverLocal(to, signal) : this.deliverToName(to.name, signal)));
      return;
    }
    const conn = this.links.connection(node.name);
    if (conn) {
      this.sendSignal(conn, to, signal);
      return;
    }
    if (signal.kind !== 'message' && signal.kind !== 'link' && signal.kind !== 'monitor') return;
    void this.links.connect(node.name).then((ok) => {
      const c = this.links.connection(node.name);
      if (ok && c) this.sendSignal(c, to, signal);
      else this.unreachable(to, signal, NOCONNECTION);
    });
  }

  private sendSignal(conn: Connection, to: Address, signal: Signal): void {
    const out = encodeSignal(to, signal, conn.flags);
    if (out) conn.send(out[0], out[1]);
  }

  /**
   * A signal to a process of ours. A pid of another creation names an earlier incarnation: a
   * message to it is dropped, a link or monitor gets noproc (as BEAM does, verified on OTP 25).
   */
  deliverLocal(to: Pid, signal: Signal): void {
    const proc = to.creation === this.creation ? this.processes.get(pidKey(to)) : undefined;
    if (proc) proc.deliver(signal);
    else this.unreachable(to, signal, NOPROC);
  }

  /** A signal to a name registered here (REG_SEND, MONITOR_P by name). */
  deliverToName(name: Atom, signal: Signal): void {
    const pid = this.registry.whereis(name);
    if (pid) this.deliverLocal(pid, signal);
    else this.unreachable({ name, node: this.nodeAtom }, signal, NOPROC); // a message to an unknown name is dropped
  }

  /** A link or monitor whose target does not exist (or whose node cannot be reached) fires at once. */
  private unreachable(to: Address, signal: Signal, reason: Atom): void {
    if (signal.kind === 'link' && to instanceof Pid) this.route(signal.from, { kind: 'exit', from: to, reason, link: true });
    else if (signal.kind === 'monitor') this.route(signal.from, { kind: 'down', from: signal.target, ref: signal.ref, reason });
  }

  /** Resolves a `send`/`monitor` destination: a pid, a name here, or `{Name, Node}`. */
  destination(dest: Destination): Address {
    if (dest instanceof Pid) return dest;
    if (typeof dest === 'string' || dest instanceof Atom) return { name: toAtom(dest), node: this.nodeAtom };
    if (isTuple(dest) && dest.length === 2 && dest[0] instanceof Atom && (dest[1] instanceof Atom || typeof dest[1] === 'string')) {
      return { name: dest[0], node: toAtom(dest[1]) };
    }
    throw new Error(`badarg: ${String(dest)} is not a pid, a name or {Name, Node}`);
  }

  /** A new pid of this node (also for callers that are not processes, such as ping). */
  newPid(): Pid {
    return new Pid(this.nodeAtom, this.nextPid++, 0, this.creation);
  }

  /** A new reference of this node. */
  newRef(): Ref {
    this.refCounter = (this.refCounter + 1) >>> 0;
    const r = randomBytes(8);
    return new Ref(this.nodeAtom, [this.refCounter & 0x3ffff, r.readUInt32BE(0), r.readUInt32BE(4)], this.creation);
  }
}
