/**
 * The `erlang` BIFs about processes, as evaluated code and peers call them on a noderl node
 * (erlang.erl and erl_bif_*.c's behaviour in OTP 25): `spawn`, `spawn_link`, `spawn_monitor`
 * (a fun or `M, F, A`, here or on a node), `spawn_request` and `spawn_request_abandon`, `link`,
 * `unlink`, `monitor`, `demonitor`, `exit/2`, `process_flag(trap_exit, _)`, `register`, `unregister`, `whereis`, `registered`, `processes`,
 * `is_process_alive`, `process_info`, `group_leader`, `make_ref`, `monitor_node`, and the process
 * dictionary (`put`, `get`, `get_keys`, `erase`). Each runs in
 * the calling process (`self`), as a BIF runs in its caller on BEAM.
 */
import { Atom, atom, ErlFun, ExportFun, isList, isTuple, Pid, Ref, tuple, type Term } from '../term/types.js';
import { BADARG, NOCONNECTION, PROCESS, UNDEFINED } from '../term/atoms.js';
import { bifError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { isDestination } from '../process/router.js';
import { spawnAnswer, SpawnError, type SpawnRequestOptions } from '../process/spawn-options.js';
import { processInfo, processInfoAll } from '../process/process-info.js';
import type { ProcessTable } from '../process/table.js';
import { arities, type Apply, type ApplyFun, type BuiltinModule } from './registry.js';

/** What the process BIFs need of their node. */
export interface ProcessBifHost {
  readonly table: ProcessTable;
  apply: Apply;
  applyFun: ApplyFun;
}

type SpawnKind = 'spawn' | 'spawn_link' | 'spawn_monitor';

const TRAP_EXIT = atom('trap_exit');
const INFO = atom('info');
const ERLANG = atom('erlang');
const APPLY = atom('apply');

export function erlangProcessBifs(host: ProcessBifHost): BuiltinModule {
  const { table } = host;
  const spawner = (kind: SpawnKind) => arities([1, 2, 3, 4], (self: Process, ...args: Term[]) => spawnAny(host, self, kind, args));
  // A BIF runs in a live process of this node, so its dictionary is there.
  const dict = (self: Process) => table.dictionary(self.pid)!;
  const pidArg = (fn: string, pid: Term | undefined, args: Term[]): Pid => {
    if (!(pid instanceof Pid)) throw bifError(BADARG, 'erlang', fn, args);
    return pid;
  };
  return {
    spawn: spawner('spawn'),
    spawn_link: spawner('spawn_link'),
    spawn_monitor: spawner('spawn_monitor'),
    spawn_request: arities([1, 2, 3, 4, 5], (self: Process, ...args: Term[]) => spawnRequest(host, self, args)),
    spawn_request_abandon: (self, reqId) => {
      if (!(reqId instanceof Ref)) throw bifError(BADARG, 'erlang', 'spawn_request_abandon', [reqId!]);
      return self.abandonSpawn(reqId);
    },
    link: (self, pid) => (self.link(pidArg('link', pid, [pid!])), true),
    unlink: (self, pid) => (self.unlink(pidArg('unlink', pid, [pid!])), true),
    monitor: (self, type, target) => {
      if (type !== PROCESS || !isDestination(target!) || target instanceof Ref) throw bifError(BADARG, 'erlang', 'monitor', [type!, target!]);
      return self.monitor(target);
    },
    demonitor: arities([1, 2], (self: Process, ref?: Term, options: Term = []) => {
      if (!(ref instanceof Ref) || !isList(options)) throw bifError(BADARG, 'erlang', 'demonitor', [ref!, options]);
      const removed = self.demonitor(ref); // always flushes: a DOWN for a removed monitor is never wanted
      return options.includes(INFO) ? removed : true;
    }),
    process_flag: (self, flag, value) => {
      if (flag !== TRAP_EXIT || typeof value !== 'boolean') throw bifError(BADARG, 'erlang', 'process_flag', [flag!, value!]);
      return self.trapExit(value);
    },
    register: (_self, name, pid) => {
      if (!(name instanceof Atom) || name === UNDEFINED || !(pid instanceof Pid) || !table.register(name, pid)) throw bifError(BADARG, 'erlang', 'register', [name!, pid!]);
      return true;
    },
    unregister: (_self, name) => {
      if (!(name instanceof Atom) || !table.registry.unregister(name)) throw bifError(BADARG, 'erlang', 'unregister', [name!]);
      return true;
    },
    whereis: (_self, name) => {
      if (!(name instanceof Atom)) throw bifError(BADARG, 'erlang', 'whereis', [name!]);
      return table.whereis(name) ?? UNDEFINED;
    },
    registered: () => table.registry.names(),
    processes: () => table.pids(),
    is_process_alive: (_self, pid) => {
      if (!(pid instanceof Pid) || pid.node !== table.nodeAtom) throw bifError(BADARG, 'erlang', 'is_process_alive', [pid!]);
      return table.isAlive(pid);
    },
    process_info: arities([1, 2], (self: Process, pid?: Term, item?: Term) => (item === undefined ? processInfoAll(table, self, pid!) : processInfo(table, self, pid!, item))),
    group_leader: arities([0, 2], (self: Process, leader?: Term, pid?: Term) => {
      if (leader === undefined) return self.groupLeader;
      if (!(leader instanceof Pid) || !(pid instanceof Pid)) throw bifError(BADARG, 'erlang', 'group_leader', [leader, pid!]);
      table.route(pid, { kind: 'group_leader', from: leader });
      return true;
    }),
    make_ref: (self) => self.makeRef(),
    // The process dictionary of the calling process (src/process/dictionary.ts).
    put: (self, key, value) => dict(self).put(key!, value!) ?? UNDEFINED,
    get: arities([0, 1], (self: Process, key?: Term) => (key === undefined ? dict(self).all() : (dict(self).get(key) ?? UNDEFINED))),
    get_keys: arities([0, 1], (self: Process, value?: Term) => dict(self).keys(value)),
    erase: arities([0, 1], (self: Process, key?: Term) => (key === undefined ? dict(self).clear() : (dict(self).erase(key) ?? UNDEFINED))),
    monitor_node: (self, node, flag) => {
      if (!(node instanceof Atom) || typeof flag !== 'boolean') throw bifError(BADARG, 'erlang', 'monitor_node', [node!, flag!]);
      return self.monitorNode(node, flag);
    },
  };
}

/** The arguments of a spawn BIF (arity 1 to 4): a fun, `Node, Fun`, `M, F, A` or `Node, M, F, A`. */
interface SpawnCall {
  node?: Atom;
  module: Atom;
  fn: Atom;
  args: Term[];
}

/** A fun a spawn can run: of arity 0. */
function isFun0(f: Term | undefined): boolean {
  return (f instanceof ErlFun || f instanceof ExportFun) && f.arity === 0;
}

/** The spawn of a fun: `erlang:apply(Fun, [])`. */
function applyOf(fun: Term): SpawnCall {
  return { module: ERLANG, fn: APPLY, args: [fun, []] };
}

function spawnCall(kind: SpawnKind, args: Term[]): SpawnCall {
  const [a, b, c, d] = args;
  if (args.length === 1 && isFun0(a)) return applyOf(a!);
  if (args.length === 2 && a instanceof Atom && isFun0(b)) return { node: a, ...applyOf(b!) };
  if (args.length === 3 && a instanceof Atom && b instanceof Atom && isList(c)) return { module: a, fn: b, args: c };
  if (args.length === 4 && a instanceof Atom && b instanceof Atom && c instanceof Atom && isList(d)) return { node: a, module: b, fn: c, args: d };
  throw bifError(BADARG, 'erlang', kind, args);
}

/**
 * One of the spawns: a local one starts at once (linked or monitored before it runs, as BEAM's
 * are atomic); a remote one is a SPAWN_REQUEST. A node that cannot be reached gives a pid that
 * names no process, as OTP's erlang.erl does, so a link to it fires `noconnection`.
 */
async function spawnAny(host: ProcessBifHost, self: Process, kind: SpawnKind, args: Term[]): Promise<Term> {
  const call = spawnCall(kind, args);
  const local = call.node === undefined || call.node === host.table.nodeAtom;
  if (local) {
    const pid = host.table.spawnWith(runner(host, call), self.groupLeader, tuple(call.module, call.fn, call.args.length));
    if (kind === 'spawn_link') self.link(pid);
    if (kind === 'spawn_monitor') return tuple(pid, self.monitor(pid));
    return pid;
  }
  try {
    if (kind === 'spawn_monitor') return tuple(...(await self.spawnMonitorRemote(call.node!, call.module, call.fn, call.args)));
    return await self.spawnRemote(call.node!, call.module, call.fn, call.args, { link: kind === 'spawn_link' });
  } catch (err) {
    if (!(err instanceof SpawnError) || err.reason !== NOCONNECTION) throw bifError(BADARG, 'erlang', kind, args);
    const nowhere = new Pid(call.node!, 0, 0, 0);
    if (kind === 'spawn_link') self.link(nowhere);
    if (kind === 'spawn_monitor') return tuple(nowhere, self.monitor(nowhere));
    return nowhere;
  }
}

/**
 * The arguments of `spawn_request/1..5`, told apart as erlang.erl tells them: a fun or `M, F, A`,
 * with or without a node before and options after. Null for arguments no clause takes (badarg).
 */
function spawnRequestCall(args: Term[]): (SpawnCall & { options: Term[] }) | null {
  const [a, b, c, d, e] = args;
  switch (args.length) {
    case 1:
      return isFun0(a) ? { ...applyOf(a!), options: [] } : null;
    case 2:
      if (isFun0(a) && isList(b)) return { ...applyOf(a!), options: b };
      return a instanceof Atom && isFun0(b) ? { node: a, ...applyOf(b!), options: [] } : null;
    case 3:
      if (a instanceof Atom && isFun0(b) && isList(c)) return { node: a, ...applyOf(b!), options: c };
      return a instanceof Atom && b instanceof Atom && isList(c) ? { module: a, fn: b, args: c, options: [] } : null;
    case 4:
      if (a instanceof Atom && b instanceof Atom && c instanceof Atom && isList(d)) return { node: a, module: b, fn: c, args: d, options: [] };
      return a instanceof Atom && b instanceof Atom && isList(c) && isList(d) ? { module: a, fn: b, args: c, options: d } : null;
    case 5:
      return a instanceof Atom && b instanceof Atom && c instanceof Atom && isList(d) && isList(e) ? { node: a, module: b, fn: c, args: d, options: e } : null;
  }
  return null;
}

const REPLY_MODES = new Map<Term, SpawnRequestOptions['reply']>(['yes', 'no', 'error_only', 'success_only'].map((m) => [atom(m), m as SpawnRequestOptions['reply']]));
const LINK = atom('link');
const MONITOR = atom('monitor');
const REPLY = atom('reply');
const REPLY_TAG = atom('reply_tag');
const BADOPT = atom('badopt');
/** spawn_opt options a local spawn takes and noderl has no use for (one scheduler, one heap per node). */
const IGNORED_LOCAL = new Set(['priority', 'fullsweep_after', 'min_heap_size', 'min_bin_vheap_size', 'max_heap_size', 'message_queue_data', 'async_dist'].map(atom));

/**
 * The options of a spawn request, and whether one is refused (`badopt`, which comes as the
 * request's error answer, as on BEAM): a local request refuses what `spawn_opt` refuses and a
 * `reply` mode that is none; a remote one sends what it does not know to the peer, which answers
 * `badopt` for what it refuses.
 */
function spawnRequestOptions(list: Term[], local: boolean): { options: SpawnRequestOptions; badopt: boolean } {
  const options: SpawnRequestOptions & { extra: Term[] } = { extra: [] };
  let badopt = false;
  for (const x of list) {
    if (x === LINK) options.link = true;
    else if (x === MONITOR) options.monitor = true;
    else if (isTuple(x) && x.length === 2 && x[0] === REPLY) {
      const mode = REPLY_MODES.get(x[1]!);
      if (mode === undefined) badopt = true;
      else options.reply = mode;
    } else if (isTuple(x) && x.length === 2 && x[0] === REPLY_TAG) options.replyTag = x[1];
    else if (!local) options.extra.push(x);
    else if (!(isTuple(x) && x.length === 2 && x[0] instanceof Atom && IGNORED_LOCAL.has(x[0]))) badopt = true;
  }
  return { options, badopt };
}

/**
 * `erlang:spawn_request/1..5`: the request id at once, the answer as a message
 * (`{ReplyTag, ReqId, ok, Pid}` or `{ReplyTag, ReqId, error, Reason}`, as `reply` says). On this
 * node the process starts at once, linked or monitored (the monitor's ref is the ReqId) before
 * it runs, and the success message is in the caller's mailbox before anything the new process
 * sends; elsewhere it is a SPAWN_REQUEST (`noconnection` comes as an error message).
 */
function spawnRequest(host: ProcessBifHost, self: Process, args: Term[]): Ref {
  const call = spawnRequestCall(args);
  if (call === null) throw bifError(BADARG, 'erlang', 'spawn_request', args);
  const local = call.node === undefined || call.node === host.table.nodeAtom;
  const { options, badopt } = spawnRequestOptions(call.options, local);
  const answer = (reqId: Ref, result: Term): void => {
    const message = spawnAnswer(options.reply, options.replyTag, reqId, result);
    if (message !== null) self.send(self.pid, message);
  };
  if (badopt) {
    const reqId = self.makeRef();
    answer(reqId, BADOPT);
    return reqId;
  }
  if (!local) return self.spawnRequest(call.node!, call.module, call.fn, call.args, options);
  const pid = host.table.spawnWith(runner(host, call), self.groupLeader, tuple(call.module, call.fn, call.args.length));
  if (options.link) self.link(pid);
  const reqId = options.monitor ? self.monitor(pid) : self.makeRef();
  answer(reqId, pid);
  return reqId;
}

/** What a process spawned here runs: a fun applied to `[]`, or `M:F(A...)`. */
function runner(host: ProcessBifHost, call: SpawnCall): (p: Process) => Promise<Term> {
  return call.fn === APPLY && call.module === ERLANG && call.args.length === 2 ? (p) => host.applyFun(p, call.args[0]!, []) : (p) => host.apply(p, call.module, call.fn, call.args);
}
