/**
 * A noderl process: an async function with a pid, a mailbox, links, monitors and exit signals,
 * with the semantics of ERTS signals (erl_proc_sig_queue.c, erts_proc_exit): a link exit with a
 * reason other than `normal` kills a process that does not trap exits; `exit(Pid, kill)` cannot be
 * trapped and becomes `killed` on the links; `normal` is ignored unless trapping.
 *
 * A process never touches a connection: every signal it sends goes through its
 * {@link SignalRouter} (the node's process table), which delivers it locally or turns it into a
 * control message.
 */
import { Atom, atom, Pid, Ref, tuple, type Term, type TermInput, toAtom } from '../term/types.js';
import { handedOver, Mailbox, type GuardedReceiveOptions, type ReceiveOptions, type Timeout } from './mailbox.js';
import { downOf } from './gen.js';
import type { Destination, MonitorOptions, ProcessInternals, Router, SendOptions } from './router.js';
import { SpawnReplyFlag } from '../channel/control.js';
import { ioFormatRequest, ioPrintRequest } from './io.js';
import { mfaName, spawnAnswer, spawnOptions, SpawnError, type SpawnOptions, type SpawnRequestOptions } from './spawn-options.js';
import { pidKey, refKey } from './local-identity.js';
import { ProcessExit } from './exceptions.js';
import { SmallMap } from './small-map.js';
import type { Address, Signal } from '../channel/control.js';
import { DOWN, EXIT, KILL, KILLED, NOCONNECTION, NOPROC, NORMAL, PROCESS } from '../term/atoms.js';

export type { Destination, MonitorOptions, SendOptions } from './router.js';

/**
 * What {@link Process.send} returns when the sender has nothing to wait for: one promise, made
 * once. Code that can go on synchronously (the evaluator's `!`) compares with it.
 * @internal
 */
export const SENT: Promise<void> = Promise.resolve();

/** What a process needs from its node. */
export type SignalRouter = Router<Process>;

/**
 * The process table's hold on a process's private half, filled in by {@link Process}'s static
 * block (the only code that can reach `#deliver`, `#end` and the mailbox). src/process/table.ts
 * and the rpc caller pool use it; the package does not export it.
 * @internal
 */
export let processInternals: ProcessInternals<Process>;

interface OutgoingMonitor {
  ref: Ref;
  target: Address;
  /** The Object of the DOWN message: the pid, or `{Name, Node}`. */
  object: Term;
  /** The ref is also an alias that ends with the monitor (`{alias, demonitor | reply_demonitor}`). */
  alias?: boolean;
}

/**
 * A SPAWN_REQUEST of ours whose SPAWN_REPLY has not come: a promise waits for it (`settle`), or
 * (spawn_request/5) the answer goes to the mailbox as its `reply` option says.
 */
interface PendingSpawn {
  node: Atom;
  reqId: Ref;
  settle?: (reply: { flags: number; result: Term }) => void;
  reply?: SpawnRequestOptions['reply'];
  replyTag?: Term;
  /** `spawn_request_abandon/1` was called: no answer is wanted, and a new process is told `abandoned`. */
  abandoned?: boolean;
}

/** A receive of any message, waiting for ever (one object, not one per receive). */
const ANY_MESSAGE: ReceiveOptions = Object.freeze({});
const ABANDONED = atom('abandoned');

/** `spawnMonitorRemote`'s default options, and what it asks for then (one object, not one per call). */
const NO_OPTIONS: Omit<SpawnOptions, 'monitor'> = Object.freeze({});
const MONITOR_ONLY: SpawnOptions = Object.freeze({ monitor: true });

/** The handle an async process function gets as `self`. */
export class Process {
  // The signal-handling half is private (`#` members, reached only through `processInternals`,
  // which the process table uses), so user code holding `self` cannot deliver signals or end it.
  readonly #mailbox = new Mailbox();
  // SmallMaps, not Maps: a call adds and removes a monitor on both sides (see small-map.ts).
  readonly #links = new SmallMap<Pid>();
  /** Links we unlinked and whose UNLINK_ID_ACK has not come yet: their exits are ignored. */
  readonly #unlinking = new SmallMap<{ id: bigint | number; pid: Pid }>();
  readonly #monitorsIn = new SmallMap<{ watcher: Pid; ref: Ref; target: Pid | Atom }>();
  // Plain `private` rather than `#`: test/rpc/call.test.js counts the monitors a node holds through them.
  private readonly monitorsOut = new SmallMap<OutgoingMonitor>();
  #trapping = false;
  #signals = 0;
  #nextUnlinkId = 1;
  #exitReason?: Term;
  #leader: Pid;
  /** Our SPAWN_REQUESTs awaiting their SPAWN_REPLY, by ReqId (`private` for the same test). */
  private readonly spawning = new SmallMap<PendingSpawn>();
  readonly #router: SignalRouter;
  /** This process's pid. */
  readonly pid: Pid;

  /** Processes are made by their node's process table (`processInternals.create`), never by user code. */
  private constructor(pid: Pid, router: SignalRouter, groupLeader?: Pid) {
    this.pid = pid;
    this.#router = router;
    this.#leader = groupLeader ?? pid;
  }

  static {
    // The one door to the private half: only this class body can reach `#` members.
    processInternals = {
      create: (pid, router, groupLeader) => new Process(pid, router, groupLeader),
      deliver: (proc, signal) => proc.#deliver(signal),
      nodeDown: (proc, node) => proc.#nodeDown(node),
      end: (proc, reason) => proc.#end(reason),
      mailbox: (proc) => proc.#mailbox,
      info: (proc) => ({
        links: [...proc.#links.values()],
        monitors: [...proc.monitorsOut.values()].map((m) => m.object),
        monitoredBy: [...proc.#monitorsIn.values()].map((m) => m.watcher),
        trapExit: proc.#trapping,
        groupLeader: proc.#leader,
        signals: proc.#signals,
      }),
    };
  }

  /** `group_leader()`: where this process's output goes (io_request messages, otp-distribution.md §10). */
  get groupLeader(): Pid {
    return this.#leader;
  }

  /** `group_leader(GL, self())`. */
  setGroupLeader(gl: Pid): void {
    this.#leader = gl;
  }

  /** Starts a local process that inherits this process's group leader, as `spawn/1` does. */
  spawn(fn: (self: Process) => unknown): Pid {
    return this.#router.spawnWith(fn, this.#leader);
  }

  /**
   * `spawn_opt(Node, M, F, Args, Opts)`: a SPAWN_REQUEST carrying our group leader; resolves to
   * the new pid once the SPAWN_REPLY comes. With `link` the link is ours; with `monitor` the DOWN
   * comes to our mailbox (use {@link spawnMonitorRemote} to learn its ref). Throws
   * {@link SpawnError} for an error reply (`badopt`, `notsup`, `system_limit`, `noconnection`).
   */
  async spawnRemote(node: string | Atom, module: string | Atom, fn: string | Atom, args: TermInput[], options: SpawnOptions = {}): Promise<Pid> {
    return (await this.#requestSpawn(node, module, fn, args, options))[0];
  }

  /** `spawn_monitor(Node, M, F, Args)`: the pid and the monitor ref (the request's ReqId, as OTP makes it). */
  spawnMonitorRemote(node: string | Atom, module: string | Atom, fn: string | Atom, args: TermInput[], options: Omit<SpawnOptions, 'monitor'> = NO_OPTIONS): Promise<[Pid, Ref]> {
    return this.#requestSpawn(node, module, fn, args, options === NO_OPTIONS ? MONITOR_ONLY : { ...options, monitor: true });
  }

  /**
   * `erlang:spawn_request(Node, M, F, Args, Opts)`: sends the SPAWN_REQUEST and returns its ReqId
   * at once; the answer comes as a message, as {@link SpawnRequestOptions.reply} says
   * (`{spawn_reply, ReqId, ok, Pid}`, `{spawn_reply, ReqId, error, Reason}`). With `monitor` the
   * monitor's ref is the ReqId. erpc calls so: `reply: 'error_only'` and `monitor`, then one
   * receive for the error or the DOWN that carries the result.
   */
  spawnRequest(node: string | Atom, module: string | Atom, fn: string | Atom, args: TermInput[], options: SpawnRequestOptions = NO_OPTIONS): Ref {
    return this.#sendSpawnRequest(node, module, fn, args, options, options.reply ?? 'yes', options.replyTag);
  }

  /**
   * `erlang:spawn_request_abandon(ReqId)`: true when `reqId` is a {@link spawnRequest} of this
   * process still waiting for its answer; no answer message comes then, and a process the
   * request did start gets an exit signal `abandoned` and no link or monitor to this one.
   */
  abandonSpawn(reqId: Ref): boolean {
    const pending = this.spawning.get(refKey(reqId));
    if (!pending || pending.settle || pending.abandoned) return false;
    pending.abandoned = true;
    return true;
  }

  // spawnRemote and spawnMonitorRemote: the reply awaited as a promise, no throwaway arrays or closures.
  async #requestSpawn(node: string | Atom, module: string | Atom, fn: string | Atom, args: TermInput[], options: SpawnOptions): Promise<[Pid, Ref]> {
    let settle!: (reply: { flags: number; result: Term }) => void;
    const reply = new Promise<{ flags: number; result: Term }>((s) => (settle = s));
    const reqId = this.#sendSpawnRequest(node, module, fn, args, options, settle);
    const { result } = await reply;
    if (!(result instanceof Pid)) throw new SpawnError(result, toAtom(node).name, mfaName(module, fn, args));
    return [result, reqId];
  }

  /**
   * Sends a SPAWN_REQUEST and records who waits for its SPAWN_REPLY: a promise's `settle`, or
   * the mailbox under a `reply` mode (and `replyTag`). Throws `noproc` when this process has ended.
   */
  #sendSpawnRequest(node: string | Atom, module: string | Atom, fn: string | Atom, args: TermInput[], options: SpawnOptions, answer: PendingSpawn['settle'] | SpawnRequestOptions['reply'], replyTag?: Term): Ref {
    const n = toAtom(node);
    if (!this.alive) throw new SpawnError(NOPROC, n.name, mfaName(module, fn, args));
    const reqId = this.#router.newRef();
    this.spawning.set(refKey(reqId), typeof answer === 'function' ? { node: n, reqId, settle: answer } : { node: n, reqId, reply: answer, replyTag });
    this.#router.requestSpawn(n, { reqId, from: this.pid, groupLeader: this.#leader, module: toAtom(module), function: toAtom(fn), args: handedOver(args.slice()) as Term[], options: spawnOptions(options) });
    return reqId;
  }

  /** `io:format(Fmt, Args)` through the group leader; resolves when the group leader answered. */
  format(fmt: TermInput, args: TermInput[] = []): Promise<void> {
    return ioFormatRequest(this, fmt, args);
  }

  /** `io:put_chars(Chars)` through the group leader: a JS string, a binary or Erlang character data. */
  print(text: TermInput): Promise<void> {
    return ioPrintRequest(this, text);
  }

  /** True until the process ended. */
  get alive(): boolean {
    return this.#exitReason === undefined;
  }

  /** Why the process ended (undefined while it runs). */
  get reason(): Term | undefined {
    return this.#exitReason;
  }

  /**
   * Selective receive: the first queued message `match` accepts (any, without `match`), waiting
   * for one. With a `timeout` it resolves to {@link TIMEOUT} when that many ms pass first. A
   * type-guard `match` narrows the result:
   *
   *   const m = await self.receive({ match: (m): m is Tuple<[Atom, Pid]> => isTuple(m) && m.length === 2 && m[1] instanceof Pid });
   */
  receive(): Promise<Term>;
  receive<T extends Term>(options: GuardedReceiveOptions<T> & { timeout?: undefined }): Promise<T>;
  receive<T extends Term>(options: GuardedReceiveOptions<T>): Promise<T | Timeout>;
  receive(options: ReceiveOptions & { timeout?: undefined }): Promise<Term>;
  receive(options?: ReceiveOptions): Promise<Term | Timeout>;
  receive(options?: ReceiveOptions): Promise<Term | Timeout> {
    return this.#mailbox.receive(options ?? ANY_MESSAGE);
  }

  /**
   * `Dest ! Msg`: to a pid, a registered name (atom or string), `tuple(name, node)`, or an alias
   * (a `Ref`; dropped when inactive). The message is queued at once, in order; the promise is
   * where BEAM would suspend the sender: `await self.send(...)` waits while the connection the
   * message went to is busy (its queue holds `distBufBusyLimit` bytes, a peer that does not read)
   * or is being made, and resolves at once otherwise. It never rejects; a sender that does not
   * await keeps queuing, as a stream's `write` does past its high-water mark.
   */
  send(dest: Destination, message: TermInput): Promise<void> {
    if (!this.alive) return SENT;
    return this.#router.route(this.#to(dest, message), { kind: 'message', from: this.pid, message: handedOver(message) }) ?? SENT;
  }

  /**
   * `erlang:send(Dest, Msg, Options)`: with `nosuspend`, a message to a busy connection is not sent
   * and the answer is `'nosuspend'`; with `noconnect`, a message that would need a new connection
   * is not sent and the answer is `'noconnect'`. Else `'ok'`, or (without `nosuspend`) a promise
   * of `'ok'` where {@link send} would make the sender wait.
   */
  sendWithOptions(dest: Destination, message: TermInput, options: SendOptions): 'ok' | 'nosuspend' | 'noconnect' | Promise<'ok'> {
    if (!this.alive) return 'ok';
    const outcome = this.#router.sendWithOptions(this.#to(dest, message), { kind: 'message', from: this.pid, message: handedOver(message) }, options);
    return outcome === undefined ? 'ok' : typeof outcome === 'string' ? outcome : outcome.then(() => 'ok');
  }

  /**
   * `erlang:send_nosuspend/2,3`: true when the message was sent; false, and nothing sent, when the
   * connection to its node is busy (or, with `noconnect`, not up).
   */
  sendNosuspend(dest: Destination, message: TermInput, options: { noconnect?: boolean } = {}): boolean {
    return this.sendWithOptions(dest, message, { nosuspend: true, noconnect: options.noconnect }) === 'ok';
  }

  /** Where a send to `dest` goes; `Name ! Msg` to a name nobody has raises badarg, as in Erlang (`{Name, Node} ! Msg` is dropped). */
  #to(dest: Destination, message: TermInput): Address | Ref {
    if (dest instanceof Ref) return dest; // an alias
    const to = this.#router.destination(dest);
    if ((typeof dest === 'string' || dest instanceof Atom) && !(to instanceof Pid) && !this.#router.whereis(to.name)) {
      throw new ProcessExit(tuple(atom('badarg'), [tuple(atom('erlang'), atom('send'), [to.name, handedOver(message)], [])]));
    }
    return to;
  }

  /** `link/1`: a link to a dead or unknown process gives an exit signal `noproc`. True, as Erlang's `link/1` returns. */
  link(pid: Pid): true {
    if (!this.alive || pid.equals(this.pid)) return true;
    const key = pidKey(pid);
    if (this.#links.has(key)) return true;
    this.#links.set(key, pid);
    this.#router.route(pid, { kind: 'link', from: this.pid });
    return true;
  }

  /** `unlink/1`, with the unlink-id protocol: exits through the link are ignored until the ack. True, as Erlang's. */
  unlink(pid: Pid): true {
    const key = pidKey(pid);
    if (!this.alive || !this.#links.delete(key)) return true;
    const id = this.#nextUnlinkId++;
    this.#unlinking.set(key, { id, pid });
    this.#router.route(pid, { kind: 'unlink', from: this.pid, id });
    return true;
  }

  /** `process_flag(trap_exit, On)`; returns the old value. */
  trapExit(on: boolean): boolean {
    const old = this.#trapping;
    this.#trapping = on;
    return old;
  }

  /** `exit(Reason)` (one argument: end this process, by throwing) or `exit(Pid, Reason)`. */
  exit(reason: Term): never;
  exit(pid: Pid, reason: Term): void;
  exit(a: Term, b?: Term): void {
    if (b === undefined) throw new ProcessExit(a);
    if (!this.alive || !(a instanceof Pid)) return;
    this.#router.route(a, { kind: 'exit', from: this.pid, reason: b, link: false });
  }

  /** `monitor(process, Pid | Name | {Name, Node})`; the DOWN message carries the returned ref. */
  monitor(target: Destination, options: MonitorOptions = {}): Ref {
    const ref = this.#router.newRef();
    if (!this.alive) return ref;
    const address = this.#router.destination(target);
    const object: Term = address instanceof Pid ? address : tuple(address.name, address.node);
    const alias = options.alias !== undefined && options.alias !== 'explicit_unalias';
    if (options.alias !== undefined) this.#router.alias(this.pid, options.alias, ref);
    this.monitorsOut.set(refKey(ref), { ref, target: address, object, alias });
    this.#router.route(address, { kind: 'monitor', from: this.pid, ref, target: address instanceof Pid ? address : address.name });
    return ref;
  }

  /** `demonitor(Ref, [flush])`: removes the monitor and any DOWN for it already queued. */
  demonitor(ref: Ref): boolean {
    const key = refKey(ref);
    const m = this.monitorsOut.get(key);
    if (this.#mailbox.size > 0) this.#mailbox.remove(downOf(ref));
    if (!m) return false;
    this.monitorsOut.delete(key);
    if (m.alias) this.#router.unalias(this.pid, ref);
    this.#router.route(m.target, { kind: 'demonitor', from: this.pid, ref, target: m.target instanceof Pid ? m.target : m.target.name });
    return true;
  }

  /** `make_ref/0`: a new reference of this node (unguessable: see ProcessTable.newRef). */
  makeRef(): Ref {
    return this.#router.newRef();
  }

  /**
   * `alias/0,1`: a new reference that, while active, delivers messages sent to it (`send(ref, m)`,
   * locally or ALIAS_SEND from a peer) into this mailbox. `reply: true` ends it after the first
   * message, as `alias([reply])`.
   */
  alias(options: { reply?: boolean } = {}): Ref {
    const ref = this.#router.newRef();
    if (this.alive) this.#router.alias(this.pid, options.reply ? 'reply' : 'explicit_unalias', ref);
    return ref;
  }

  /** `unalias/1`: true when `ref` was an active alias of this process; later sends to it are dropped. */
  unalias(ref: Ref): boolean {
    return this.#router.unalias(this.pid, ref);
  }

  /**
   * `erlang:monitor_node(Node, On)`: `{nodedown, Node}` arrives when the connection to `node` goes
   * down (once per `true`); connects when needed, and a connection that cannot be made gives the
   * message at once. `false` takes one monitor back. On a node that is not distributed it throws
   * `NotAliveError` (`notalive`), as BEAM raises.
   */
  monitorNode(node: string | Atom, on = true): true {
    if (this.alive) this.#router.monitorNode(this.pid, toAtom(node), on);
    return true;
  }

  /**
   * `gen_server:call(Dest, Request, Timeout)` as OTP 25 makes it: resolves to the reply; rejects
   * with a `CallError` (src/node/gen-call.ts) carrying gen's reason (`noproc`, `timeout`,
   * `{nodedown, Node}`, the server's exit reason). Uncaught, the process exits as a BEAM caller would.
   */
  call(dest: Destination, request: TermInput, timeoutMs = 5000): Promise<Term> {
    return this.#router.call(this, dest, request, timeoutMs);
  }

  /** A signal arrives (from this node or a connection). */
  #deliver(signal: Signal): void {
    if (!this.alive) return;
    this.#signals += 1;
    switch (signal.kind) {
      case 'group_leader':
        this.#leader = signal.from;
        return;
      case 'spawn_reply':
        this.#onSpawnReply(signal.ref, signal.flags, signal.result);
        return;
      case 'message':
        this.#mailbox.push(signal.message);
        return;
      case 'link': {
        const key = pidKey(signal.from);
        if (!this.#links.has(key) && !this.#unlinking.has(key)) this.#links.set(key, signal.from);
        return;
      }
      case 'unlink':
        // UNLINK_ID is acknowledged before anything else goes to that process (§5, link protocol).
        this.#router.route(signal.from, { kind: 'unlink_ack', from: this.pid, id: signal.id });
        this.#links.delete(pidKey(signal.from));
        return;
      case 'unlink_ack': {
        const key = pidKey(signal.from);
        if (this.#unlinking.get(key)?.id === signal.id) this.#unlinking.delete(key);
        return;
      }
      case 'exit':
        this.#onExitSignal(signal.from, signal.reason, signal.link);
        return;
      case 'monitor':
        this.#monitorsIn.set(refKey(signal.ref), { watcher: signal.from, ref: signal.ref, target: signal.target });
        return;
      case 'demonitor':
        this.#monitorsIn.delete(refKey(signal.ref));
        return;
      case 'down': {
        const key = refKey(signal.ref);
        const m = this.monitorsOut.get(key);
        if (!m) return;
        this.monitorsOut.delete(key);
        if (m.alias) this.#router.unalias(this.pid, m.ref);
        this.#mailbox.push(tuple(DOWN, signal.ref, PROCESS, m.object, signal.reason));
        return;
      }
    }
  }

  /** The connection to `node` went down: links and monitors toward it fire with `noconnection`. */
  #nodeDown(node: Atom): void {
    for (const [key, s] of this.spawning) {
      if (s.node !== node) continue;
      this.spawning.delete(key);
      this.#answerSpawn(s, 0, NOCONNECTION);
    }
    for (const [key, m] of this.monitorsOut) {
      if (m.target.node !== node) continue;
      this.monitorsOut.delete(key);
      if (m.alias) this.#router.unalias(this.pid, m.ref);
      this.#mailbox.push(tuple(DOWN, m.ref, PROCESS, m.object, NOCONNECTION));
    }
    for (const [key, w] of this.#monitorsIn) if (w.watcher.node === node) this.#monitorsIn.delete(key);
    for (const [key, u] of this.#unlinking) if (u.pid.node === node) this.#unlinking.delete(key);
    for (const [key, pid] of this.#links) {
      if (pid.node !== node || !this.alive) continue;
      this.#links.delete(key);
      this.#onExitSignal(pid, NOCONNECTION, false, true);
    }
  }

  /** Ends the process with `reason`: links get exit signals, monitors get DOWN (erts_proc_exit). */
  #end(reason: Term): void {
    if (!this.alive) return;
    this.#exitReason = reason;
    this.#mailbox.close(reason);
    for (const s of this.spawning.values()) s.settle?.({ flags: 0, result: NOPROC }); // a later reply finds no process (processes.ts)
    this.spawning.clear();
    for (const pid of this.#links.values()) this.#router.route(pid, { kind: 'exit', from: this.pid, reason, link: true });
    this.#links.clear();
    for (const w of this.#monitorsIn.values()) this.#router.route(w.watcher, { kind: 'down', from: w.target, ref: w.ref, reason });
    this.#monitorsIn.clear();
    for (const m of this.monitorsOut.values()) {
      this.#router.route(m.target, { kind: 'demonitor', from: this.pid, ref: m.ref, target: m.target instanceof Pid ? m.target : m.target.name });
    }
    this.monitorsOut.clear();
    this.#router.ended(this, reason);
  }

  /** The link and monitor are in place before any later signal from the new process can arrive (same connection, in order). */
  #onSpawnReply(ref: Ref, flags: number, result: Term): void {
    const key = refKey(ref);
    const pending = this.spawning.get(key);
    if (!pending) return;
    this.spawning.delete(key);
    if (result instanceof Pid) {
      if (flags & SpawnReplyFlag.LINK) this.#links.set(pidKey(result), result);
      if (flags & SpawnReplyFlag.MONITOR) this.monitorsOut.set(key, { ref, target: result, object: result });
      if (pending.abandoned) {
        // The peer set up its end of the link and the monitor: taken down as unlink/1 and demonitor/1 do.
        if (flags & SpawnReplyFlag.LINK) this.unlink(result);
        if (flags & SpawnReplyFlag.MONITOR) this.demonitor(ref);
        this.#router.route(result, { kind: 'exit', from: this.pid, reason: ABANDONED, link: false });
      }
    }
    if (!pending.abandoned) this.#answerSpawn(pending, flags, result);
  }

  /** A SPAWN_REPLY (or its stand-in when the node went down) to whoever waits for it. */
  #answerSpawn(pending: PendingSpawn, flags: number, result: Term): void {
    if (pending.settle) return pending.settle({ flags, result });
    const answer = spawnAnswer(pending.reply, pending.replyTag, pending.reqId, result);
    if (answer !== null) this.#mailbox.push(answer);
  }

  #onExitSignal(from: Pid, reason: Term, link: boolean, alreadyUnlinked = false): void {
    if (link) {
      const key = pidKey(from);
      if (this.#unlinking.has(key)) return; // an exit through a link we are taking down is ignored
      if (!alreadyUnlinked && !this.#links.delete(key)) return;
    } else if (reason === KILL && !alreadyUnlinked) {
      this.#end(KILLED); // exit(Pid, kill) cannot be trapped
      return;
    }
    if (this.#trapping) this.#mailbox.push(tuple(EXIT, from, reason));
    else if (reason !== NORMAL) this.#end(reason);
  }
}
