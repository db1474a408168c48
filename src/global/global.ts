/**
 * `node.global`: OTP's `global` API on a noderl node, backed by this node's
 * `global_name_server` (src/global/name-server.ts) and a registrar process that, like OTP's,
 * registers and unregisters names under the `{global, Registrar}` lock taken on the boss and then
 * on every known node (`trans_all_known`), with a multi_call `{register, Name, Pid, Method}`.
 * A BEAM node sees the names, and noderl sees theirs, because both keep the same replicated table.
 * A name is any term: `atom('db')` is Erlang's `db`, while a JS string is a binary (`<<"db">>`).
 *
 *   await node.global.registerName(atom('db'), pid);       // 'yes' | 'no'
 *   node.global.whereisName(atom('db'));                   // the pid on any node, or undefined
 *   node.global.send(atom('db'), tuple(atom('get'), 1));   // global:send/2
 */
import { Atom, atom, ExportFun, Pid, tuple, type Term } from '../term/types.js';
import { equals } from '../term/compare.js';
import { type Process } from '../process/process.js';
import { multiCallNameServer } from './multi-call.js';
import { deleteGlobalLock, delLockOnNodes, randomSleepMs, setLockOnNodes, theBoss } from './locks.js';
import { builtinMethod } from './resolvers.js';
import { GlobalAtom } from './protocol.js';
import type { NameServer } from './name-server.js';
import { ProcessExit } from '../process/exceptions.js';
import { type Resolve } from './types.js';

const GLOBAL = atom('global');
const RUN = atom('$noderl_global_run');

/** A lock id, as OTP's `{ResourceId, LockRequesterId}`. */
export type LockId = [resource: Term, requester: Term];

export class Global {
  private registrar?: Pid;
  private readonly jobs = new Map<number, { run: (self: Process) => Promise<void>; reject: (err: Error) => void }>();
  /** The job the registrar runs now: it is killed with the registrar and must be told so. */
  private runningJob?: { reject: (err: Error) => void };
  private nextJob = 1;
  private ended?: Error;

  constructor(
    private readonly server: NameServer,
    private readonly spawn: (fn: (self: Process) => unknown) => Pid,
    private readonly visibleNodes: () => string[],
  ) {}

  /** Starts the registrar (called once with the server). @internal */
  startRegistrar(): void {
    this.registrar = this.spawn(async (self) => {
      for (;;) {
        const m = await self.receive();
        if (Array.isArray(m) && m[0] === RUN && typeof m[1] === 'number') {
          const job = this.jobs.get(m[1]);
          this.jobs.delete(m[1]);
          if (!job) continue;
          this.runningJob = job;
          await job.run(self);
          this.runningJob = undefined;
        }
      }
    });
  }

  /**
   * This global is ending (its registrar is about to be killed): the job running and those queued
   * would never finish, so their callers get `reason`, as do later calls on this instance. @internal
   */
  end(reason: Error): void {
    this.ended = reason;
    this.runningJob?.reject(reason);
    this.runningJob = undefined;
    for (const job of this.jobs.values()) job.reject(reason);
    this.jobs.clear();
  }

  /** Runs `fn` in the registrar, one job at a time, as OTP's registrar does. */
  private inRegistrar<T>(fn: (self: Process) => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      if (!this.registrar) return reject(new Error('global is not running on a hidden node'));
      const id = this.nextJob++;
      this.jobs.set(id, { run: (self) => fn(self).then(resolve, reject), reject });
      this.spawn((s) => s.send(this.registrar!, tuple(RUN, id)));
    });
  }

  /** `trans_all_known/1`: `fn(Nodes)` under `{global, Self}` on the boss and all known nodes. */
  private async transAllKnown<T>(self: Process, fn: (nodes: string[]) => Promise<T>): Promise<T> {
    const id: LockId = [GLOBAL, self.pid];
    const me = this.server.host.me;
    let nodes: string[];
    for (let times = 0; ; times++) {
      const known = [...this.server.known.keys()];
      nodes = [me, ...known];
      const boss = theBoss(nodes);
      if (await setLockOnNodes(self, this.server, id, [boss])) {
        const ok = await setLockOnNodes(self, this.server, id, nodes);
        const now = [...this.server.known.keys()];
        if (ok && now.every((n) => known.includes(n))) break;
        await delLockOnNodes(self, id, nodes);
      }
      await self.receive({ match: () => false, timeout: randomSleepMs(times) });
    }
    try {
      return await fn(nodes);
    } finally {
      await deleteGlobalLock(self, id, nodes);
    }
  }

  /**
   * `global:register_name(Name, Pid, Resolve)`: `'yes'`, or `'no'` when the name is taken or the
   * pid already has a global name. `resolve` decides a conflict when two partitions meet: a
   * built-in's name (default `random_exit_name`), any `fun M:F/3` as an `ExportFun`, or a JS
   * function, which runs here when this node owns the pid (other nodes see
   * `fun global:random_exit_name/3` as its method, since a JS function has no Erlang form).
   */
  registerName(name: Term, pid: Pid, resolve: Resolve = 'random_exit_name'): Promise<'yes' | 'no'> {
    return this.inRegistrar((self) =>
      this.transAllKnown(self, async (nodes) => {
        if (this.server.where(name) !== undefined || this.server.tables.nameOf(pid) !== undefined) return 'no';
        await this.multiRegister(self, nodes, GlobalAtom.register, name, pid, resolve);
        return 'yes';
      }),
    );
  }

  /** `global:re_register_name(Name, Pid, Resolve)`: binds the name to `pid` whoever had it; `'yes'`. */
  reRegisterName(name: Term, pid: Pid, resolve: Resolve = 'random_exit_name'): Promise<'yes'> {
    return this.inRegistrar((self) =>
      this.transAllKnown(self, async (nodes) => {
        await this.multiRegister(self, nodes, GlobalAtom.register, name, pid, resolve);
        return 'yes' as const;
      }),
    );
  }

  /**
   * `global:register_name_external(Name, Pid, Resolve)`: registers a pid of a node that takes no
   * part in global (a hidden node, a C node) on this node's behalf. Every node keeps this node as
   * the name's registrar, and this node links the pid, so when this node goes the pid gets an exit
   * signal and its name goes everywhere. `'no'` when the name is taken.
   */
  registerNameExternal(name: Term, pid: Pid, resolve: Resolve = 'random_exit_name'): Promise<'yes' | 'no'> {
    return this.inRegistrar((self) =>
      this.transAllKnown(self, async (nodes) => {
        if (this.server.where(name) !== undefined) return 'no';
        await this.multiRegister(self, nodes, GlobalAtom.registerExt, name, pid, resolve);
        return 'yes';
      }),
    );
  }

  /** The `register`/`register_ext` multi_call; a JS resolver is kept with our own entry, any other method clears it. */
  private async multiRegister(self: Process, nodes: string[], kind: Atom, name: Term, pid: Pid, resolve: Resolve): Promise<void> {
    const method = typeof resolve === 'function' ? builtinMethod('random_exit_name') : resolve instanceof ExportFun ? resolve : builtinMethod(resolve);
    const ext = kind === GlobalAtom.registerExt ? [atom(this.server.me)] : [];
    await multiCallNameServer(self, nodes, tuple(kind, name, pid, method, ...ext));
    const entry = this.server.tables.lookup(name);
    if (entry && equals(entry.pid, pid)) entry.resolver = typeof resolve === 'function' ? resolve : undefined;
  }

  /** `global:unregister_name(Name)`. */
  async unregisterName(name: Term): Promise<void> {
    if (this.server.where(name) === undefined) return;
    await this.inRegistrar((self) => this.transAllKnown(self, (nodes) => multiCallNameServer(self, nodes, tuple(atom('unregister'), name))));
  }

  /** `global:whereis_name(Name)`: the pid, or undefined. */
  whereisName(name: Term): Pid | undefined {
    return this.server.where(name);
  }

  /** `global:registered_names()`. */
  registeredNames(): Term[] {
    return this.server.tables.entries().map((e) => e.name);
  }

  /**
   * `global:send(Name, Msg)` from `self` (or from outside processes): the pid it went to; throws
   * `ProcessExit({badarg, {Name, Msg}})` for a name nobody has, as OTP exits.
   */
  send(name: Term, message: Term, self?: Process): Pid {
    const pid = this.server.where(name);
    if (!pid) throw new ProcessExit(tuple(atom('badarg'), tuple(name, message)));
    if (self) self.send(pid, message);
    else this.spawn((s) => s.send(pid, message));
    return pid;
  }

  /** `global:sync()`: resolves once this node is in sync with every visible node. */
  sync(): Promise<void> {
    return this.server.sync(this.visibleNodes());
  }

  /**
   * `global:set_lock(Id, Nodes, Retries)` by `self` (a lock belongs to a process and goes when it
   * ends): true once set on all `nodes` (default: this node and every visible node).
   */
  async setLock(self: Process, id: LockId, nodes?: string[], retries: number = Infinity): Promise<boolean> {
    const on = nodes ?? [this.server.host.me, ...this.visibleNodes()];
    for (let times = 1; ; times++) {
      if (await setLockOnNodes(self, this.server, id, on)) return true;
      if (retries-- <= 0) return false;
      await self.receive({ match: () => false, timeout: randomSleepMs(times) });
    }
  }

  /** `global:del_lock(Id, Nodes)`. */
  async delLock(self: Process, id: LockId, nodes?: string[]): Promise<true> {
    await delLockOnNodes(self, id, nodes ?? [this.server.host.me, ...this.visibleNodes()]);
    return true;
  }

  /** `global:trans(Id, Fun, Nodes, Retries)`: `fn()` under the lock, or `'aborted'`. */
  async trans<T>(self: Process, id: LockId, fn: () => T | Promise<T>, nodes?: string[], retries: number = Infinity): Promise<T | 'aborted'> {
    const on = nodes ?? [this.server.host.me, ...this.visibleNodes()];
    if (!(await this.setLock(self, id, on, retries))) return 'aborted';
    try {
      return await fn();
    } finally {
      await this.delLock(self, id, on);
    }
  }
}
