/**
 * `global` across a node's changes of name. OTP's global runs on a node that is not distributed
 * and keeps running through net_kernel:start/stop. noderl's name server (src/global/) takes the
 * node's name once, when it starts, so here it is restarted instead: on every change of name the
 * old server, locker and registrar end, a new set starts under the new name, and the names held
 * by this node's own processes are registered again (names of other nodes' processes go with the
 * connections, as OTP drops them on nodedown). `node.global` is a facade that always reaches the
 * set running now, so a reference taken before the change keeps working.
 *
 * A name keeps its resolve method: a JS resolver kept on the name's entry, or its `fun M:F/3`.
 * A registration or `global.sync()` still pending in the old set when the name changes is
 * rejected (`GlobalRestartedError`). Limits: a lock or `trans` running then does not finish; a
 * method that is a closure (an erl node registered one of our pids with a `fun`) has no form
 * `registerName` takes, so that name comes back with the default, `random_exit_name`.
 */
import { ExportFun, type Pid, type Term } from '../term/types.js';
import type { Process } from '../process/process.js';
import { startGlobal, type GlobalNode } from './start.js';
import { Global } from './global.js';
import { format } from '../term/format.js';
import { equals } from '../term/compare.js';
import type { NameServer, NameServerHost } from './name-server.js';
import { type Resolve } from './types.js';

/** What a pending registration or `sync()` of a global that ended on a change of name rejects with. */
export class GlobalRestartedError extends Error {
  constructor() {
    super('global restarted: the node changed its name');
    this.name = 'GlobalRestartedError';
  }
}

/** The node as global sees it. */
export interface GlobalServiceNode extends GlobalNode {
  readonly name: string;
  readonly creation: number;
  isAlive(pid: Pid): boolean;
  off(event: 'nodeup' | 'nodedown', fn: (...args: never[]) => void): unknown;
}

/** The rest of what the name server needs, and how to end a process of the node. */
export interface GlobalServiceHost extends Omit<NameServerHost, 'me' | 'creation' | 'spawn' | 'isAlive'> {
  /** True when `pid` is a live process of this node (its names are carried over). */
  isLocal(pid: Pid): boolean;
  endProcess(pid: Pid): void;
}

interface Running {
  global: Global;
  server: NameServer;
  /** The server, locker and registrar processes. */
  pids: Pid[];
  /** Takes the server's nodeup/nodedown listeners off the node. */
  detach: (() => void)[];
  /** Carried names whose registration has not finished: a change of name now carries them on. */
  carrying: Set<Carried>;
}

type Carried = [name: Term, pid: Pid, resolve: Resolve | undefined];

export class GlobalService {
  private running?: Running;
  /** `node.global`: forwards to the global running now (and is `instanceof Global`, as its type says). */
  readonly global: Global = new Proxy(Object.create(Global.prototype) as Global, {
    get: (_target, key) => {
      const g = this.current().global as unknown as Record<PropertyKey, unknown>;
      const v = g[key];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(g) : v;
    },
  });

  constructor(
    private readonly node: GlobalServiceNode,
    private readonly host: GlobalServiceHost,
  ) {}

  /** A stopping node (or one leaving the distribution) reports no lost connections. */
  markStopping(): void {
    this.running?.server.markStopping();
  }

  /**
   * Starts global under the node's current name, ending the one that ran under the old name;
   * resolves once the names carried over are registered again (a name that cannot be is logged).
   */
  restart(): Promise<void> {
    const carried = this.running ? this.end(this.running) : [];
    const node = this.node;
    const pids: Pid[] = [];
    const detach: (() => void)[] = [];
    let starting = true;
    const adapter: GlobalNode = {
      hidden: node.hidden,
      nodes: (kind) => node.nodes(kind),
      send: (to, message) => node.send(to, message),
      on: (event: 'nodeup' | 'nodedown', fn: (...args: never[]) => void) => {
        (node.on as (e: string, f: (...args: never[]) => void) => unknown)(event, fn);
        detach.push(() => node.off(event, fn));
        return adapter;
      },
      // The processes startGlobal spawns itself are global's own; later spawns are its short-lived helpers.
      spawn: (fn: (self: Process) => unknown) => {
        const pid = node.spawn(fn);
        if (starting) pids.push(pid);
        return pid;
      },
      register: (name, pid) => node.register(name, pid),
      whereis: (name) => node.whereis(name),
    };
    const { global, server } = startGlobal(adapter, {
      ...this.host,
      me: node.name,
      creation: node.creation,
      isAlive: (pid) => node.isAlive(pid),
    });
    starting = false;
    const carrying = new Set<Carried>();
    this.running = { global, server, pids, detach, carrying };
    if (node.hidden || carried.length === 0) return Promise.resolve();
    const log = (c: Carried, why: string): void => this.host.log(`global: ${format(c[0])} (${format(c[1])}) was not registered again under the new name: ${why}`);
    return Promise.all(
      carried.map(async (c) => {
        carrying.add(c);
        try {
          if ((await global.registerName(...c)) === 'no') log(c, 'no (taken)');
        } catch (err) {
          if (!(err instanceof GlobalRestartedError)) log(c, String((err as Error)?.message ?? err)); // else the next global carries it
        } finally {
          carrying.delete(c);
        }
      }),
    ).then(() => undefined);
  }

  private current(): Running {
    if (!this.running) void this.restart(); // nothing to carry: settles at once
    return this.running!;
  }

  /** Ends a running global; returns the names this node's processes held in it, with their resolve methods. */
  private end(r: Running): Carried[] {
    const carried: Carried[] = [];
    for (const entry of r.server.tables.entries()) {
      if (!this.host.isLocal(entry.pid)) continue;
      carried.push([entry.name, entry.pid, entry.resolver ?? (entry.method instanceof ExportFun ? entry.method : undefined)]);
    }
    for (const c of r.carrying) if (this.host.isLocal(c[1]) && !carried.some(([name]) => equals(name, c[0]))) carried.push(c);
    const ended = new GlobalRestartedError();
    r.global.end(ended);
    r.server.end(ended);
    for (const off of r.detach) off();
    for (const pid of r.pids) this.host.endProcess(pid);
    return carried;
  }
}
