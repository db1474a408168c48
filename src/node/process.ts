/**
 * A noderl process: an async function with a pid, a mailbox, links, monitors and exit signals,
 * with the semantics of ERTS signals (erl_proc_sig_queue.c, erts_proc_exit): a link exit with a
 * reason other than `normal` kills a process that does not trap exits; `exit(Pid, kill)` cannot be
 * trapped and becomes `killed` on the links; `normal` is ignored unless trapping.
 *
 * A process never touches a connection: every signal it sends goes through {@link SignalRouter}
 * (the node), which delivers it locally or turns it into a control message.
 */
import { Atom, atom, isTuple, Pid, Ref, tuple, type Term } from '../term/types.js';
import { Mailbox, type ReceiveOptions, type Timeout } from './mailbox.js';

export const NORMAL = atom('normal');
export const KILL = atom('kill');
export const KILLED = atom('killed');
export const NOPROC = atom('noproc');
export const NOCONNECTION = atom('noconnection');
const EXIT = atom('EXIT');
const DOWN = atom('DOWN');
const PROCESS = atom('process');

/** A registered name on a node: the target of `{Name, Node} ! Msg` and of a monitor by name. */
export interface NameAt {
  name: Atom;
  node: Atom;
}
/** Where a signal goes. */
export type Address = Pid | NameAt;
/** Where `send` can send: a pid, a registered name here, or `{Name, Node}`. */
export type Destination = Pid | Atom | string | Term;

/** The signals between processes (the control messages of otp-distribution.md §5, by meaning). */
export type Signal =
  | { kind: 'message'; from: Pid; message: Term }
  | { kind: 'link'; from: Pid }
  | { kind: 'unlink'; from: Pid; id: bigint | number }
  | { kind: 'unlink_ack'; from: Pid; id: bigint | number }
  | { kind: 'exit'; from: Pid; reason: Term; link: boolean }
  | { kind: 'monitor'; from: Pid; ref: Ref; target: Pid | Atom }
  | { kind: 'demonitor'; from: Pid; ref: Ref; target: Pid | Atom }
  /** `from` is what the watcher monitored: the pid, or the name atom for a monitor by name. */
  | { kind: 'down'; from: Pid | Atom; ref: Ref; reason: Term };

/** What a process needs from its node. */
export interface SignalRouter {
  readonly nodeAtom: Atom;
  route(to: Address, signal: Signal): void;
  /** Resolves a `send` destination (throws badarg for an unregistered local name). */
  destination(dest: Destination): Address;
  newRef(): Ref;
  /** The pid registered as `name` on this node. */
  whereis(name: Atom): Pid | undefined;
  ended(proc: Process, reason: Term): void;
}

/** Thrown by `self.exit(reason)` (and by a receive of a process that was killed): the process ends with `reason`. */
export class ProcessExit extends Error {
  constructor(readonly reason: Term) {
    super('process exited');
    this.name = 'ProcessExit';
  }
}

interface OutgoingMonitor {
  ref: Ref;
  target: Address;
  /** The Object of the DOWN message: the pid, or `{Name, Node}`. */
  object: Term;
}

/** The handle an async process function gets as `self`. */
export class Process {
  readonly mailbox = new Mailbox();
  private readonly links = new Map<string, Pid>();
  /** Links we unlinked and whose UNLINK_ID_ACK has not come yet: their exits are ignored. */
  private readonly unlinking = new Map<string, bigint | number>();
  private readonly monitorsIn = new Map<string, { watcher: Pid; ref: Ref; target: Pid | Atom }>();
  private readonly monitorsOut = new Map<string, OutgoingMonitor>();
  private trapping = false;
  private nextUnlinkId = 1;
  private exitReason?: Term;

  constructor(
    readonly pid: Pid,
    private readonly router: SignalRouter,
  ) {}

  /** True until the process ended. */
  get alive(): boolean {
    return this.exitReason === undefined;
  }

  /** Why the process ended (undefined while it runs). */
  get reason(): Term | undefined {
    return this.exitReason;
  }

  /** Selective receive; resolves to {@link TIMEOUT} when `timeout` ms pass first. */
  receive(options?: ReceiveOptions): Promise<Term | Timeout> {
    return this.mailbox.receive(options);
  }

  /** `Dest ! Msg`: to a pid, a registered name (atom or string), or `tuple(name, node)`. */
  send(dest: Destination, message: Term): void {
    if (!this.alive) return;
    const to = this.router.destination(dest);
    // `Name ! Msg` to a name nobody has raises badarg in Erlang; `{Name, Node} ! Msg` is dropped.
    if ((typeof dest === 'string' || dest instanceof Atom) && !(to instanceof Pid) && !this.router.whereis(to.name)) {
      throw new ProcessExit(tuple(atom('badarg'), [tuple(atom('erlang'), atom('send'), [to.name, message], [])]));
    }
    this.router.route(to, { kind: 'message', from: this.pid, message });
  }

  /** `link/1`: a link to a dead or unknown process gives an exit signal `noproc`. */
  link(pid: Pid): void {
    if (!this.alive || sameProcess(pid, this.pid)) return;
    const key = pidKey(pid);
    if (this.links.has(key)) return;
    this.links.set(key, pid);
    this.router.route(pid, { kind: 'link', from: this.pid });
  }

  /** `unlink/1`, with the unlink-id protocol: exits through the link are ignored until the ack. */
  unlink(pid: Pid): void {
    const key = pidKey(pid);
    if (!this.alive || !this.links.delete(key)) return;
    const id = this.nextUnlinkId++;
    this.unlinking.set(key, id);
    this.router.route(pid, { kind: 'unlink', from: this.pid, id });
  }

  /** `process_flag(trap_exit, On)`; returns the old value. */
  trapExit(on: boolean): boolean {
    const old = this.trapping;
    this.trapping = on;
    return old;
  }

  /** `exit(Reason)` (one argument: end this process, by throwing) or `exit(Pid, Reason)`. */
  exit(reason: Term): never;
  exit(pid: Pid, reason: Term): void;
  exit(a: Term, b?: Term): void {
    if (b === undefined) throw new ProcessExit(a);
    if (!this.alive || !(a instanceof Pid)) return;
    this.router.route(a, { kind: 'exit', from: this.pid, reason: b, link: false });
  }

  /** `monitor(process, Pid | Name | {Name, Node})`; the DOWN message carries the returned ref. */
  monitor(target: Destination): Ref {
    const ref = this.router.newRef();
    if (!this.alive) return ref;
    const address = this.router.destination(target);
    const object: Term = address instanceof Pid ? address : tuple(address.name, address.node);
    this.monitorsOut.set(refKey(ref), { ref, target: address, object });
    this.router.route(address, { kind: 'monitor', from: this.pid, ref, target: address instanceof Pid ? address : address.name });
    return ref;
  }

  /** `demonitor(Ref, [flush])`: removes the monitor and any DOWN for it already queued. */
  demonitor(ref: Ref): boolean {
    const key = refKey(ref);
    const m = this.monitorsOut.get(key);
    this.mailbox.remove((msg) => isTuple(msg) && msg.length === 5 && msg[0] === DOWN && msg[1] instanceof Ref && refKey(msg[1]) === key);
    if (!m) return false;
    this.monitorsOut.delete(key);
    this.router.route(m.target, { kind: 'demonitor', from: this.pid, ref, target: m.target instanceof Pid ? m.target : m.target.name });
    return true;
  }

  /** A signal arrives (from this node or a connection). For the node, not for process code. @internal */
  deliver(signal: Signal): void {
    if (!this.alive) return;
    switch (signal.kind) {
      case 'message':
        this.mailbox.push(signal.message);
        return;
      case 'link': {
        const key = pidKey(signal.from);
        if (!this.links.has(key) && !this.unlinking.has(key)) this.links.set(key, signal.from);
        return;
      }
      case 'unlink':
        // UNLINK_ID is acknowledged before anything else goes to that process (§5, link protocol).
        this.router.route(signal.from, { kind: 'unlink_ack', from: this.pid, id: signal.id });
        this.links.delete(pidKey(signal.from));
        return;
      case 'unlink_ack': {
        const key = pidKey(signal.from);
        if (this.unlinking.get(key) === signal.id) this.unlinking.delete(key);
        return;
      }
      case 'exit':
        this.onExitSignal(signal.from, signal.reason, signal.link);
        return;
      case 'monitor':
        this.monitorsIn.set(refKey(signal.ref), { watcher: signal.from, ref: signal.ref, target: signal.target });
        return;
      case 'demonitor':
        this.monitorsIn.delete(refKey(signal.ref));
        return;
      case 'down': {
        const key = refKey(signal.ref);
        const m = this.monitorsOut.get(key);
        if (!m) return;
        this.monitorsOut.delete(key);
        this.mailbox.push(tuple(DOWN, signal.ref, PROCESS, m.object, signal.reason));
        return;
      }
    }
  }

  /** The connection to `node` went down: links and monitors toward it fire with `noconnection`. For the node, not for process code. @internal */
  nodeDown(node: Atom): void {
    for (const [key, m] of this.monitorsOut) {
      if (m.target.node !== node) continue;
      this.monitorsOut.delete(key);
      this.mailbox.push(tuple(DOWN, m.ref, PROCESS, m.object, NOCONNECTION));
    }
    for (const [key, w] of this.monitorsIn) if (w.watcher.node === node) this.monitorsIn.delete(key);
    for (const key of this.unlinking.keys()) if (key.startsWith(`${node.name}/`)) this.unlinking.delete(key);
    for (const [key, pid] of this.links) {
      if (pid.node !== node || !this.alive) continue;
      this.links.delete(key);
      this.onExitSignal(pid, NOCONNECTION, false, true);
    }
  }

  /** Ends the process with `reason`: links get exit signals, monitors get DOWN (erts_proc_exit). For the node, not for process code. @internal */
  end(reason: Term): void {
    if (!this.alive) return;
    this.exitReason = reason;
    this.mailbox.close(new ProcessExit(reason));
    for (const pid of this.links.values()) this.router.route(pid, { kind: 'exit', from: this.pid, reason, link: true });
    this.links.clear();
    for (const w of this.monitorsIn.values()) this.router.route(w.watcher, { kind: 'down', from: w.target, ref: w.ref, reason });
    this.monitorsIn.clear();
    for (const m of this.monitorsOut.values()) {
      this.router.route(m.target, { kind: 'demonitor', from: this.pid, ref: m.ref, target: m.target instanceof Pid ? m.target : m.target.name });
    }
    this.monitorsOut.clear();
    this.router.ended(this, reason);
  }

  private onExitSignal(from: Pid, reason: Term, link: boolean, alreadyUnlinked = false): void {
    if (link) {
      const key = pidKey(from);
      if (this.unlinking.has(key)) return; // an exit through a link we are taking down is ignored
      if (!alreadyUnlinked && !this.links.delete(key)) return;
    } else if (reason === KILL && !alreadyUnlinked) {
      this.end(KILLED); // exit(Pid, kill) cannot be trapped
      return;
    }
    if (this.trapping) this.mailbox.push(tuple(EXIT, from, reason));
    else if (reason !== NORMAL) this.end(reason);
  }
}

/** The key of a pid in maps: pids decoded from the wire are new objects each time. */
export function pidKey(pid: Pid): string {
  return `${pid.node.name}/${pid.id}/${pid.serial}/${pid.creation}`;
}

export function refKey(ref: Ref): string {
  return `${ref.node.name}/${ref.creation}/${ref.ids.join('.')}`;
}

function sameProcess(a: Pid, b: Pid): boolean {
  return a.node === b.node && a.id === b.id && a.serial === b.serial && a.creation === b.creation;
}

/** The exit reason of a process function that threw: Erlang-shaped. */
export function exitReasonOf(err: unknown): Term {
  if (err instanceof ProcessExit) return err.reason;
  if (err instanceof Error) return tuple(atom('js_error'), Buffer.from(`${err.name}: ${err.message}`));
  if (err === undefined || typeof err === 'function' || typeof err === 'symbol') return tuple(atom('nocatch'), atom('undefined'));
  return tuple(atom('nocatch'), err as Term); // an uncaught throw(Term), as BEAM reports it
}

