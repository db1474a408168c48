/**
 * global's tables, kept by `global_name_server` (OTP's `global_names`, `global_names_ext` and
 * `global_locks` ETS tables with their helper bags): registered names `{Name, Pid, Method}` (an
 * external one also names the node that registered it, `register_name_external`) and locks
 * `{ResourceId, LockRequesterId, [Pid]}`. The server monitors every name's pid and every lock
 * holder, so a DOWN (the process died, or its node went: `noconnection`) removes both; it links
 * the pid of an external name it registered itself, as OTP's `dolink_ext`, so that pid gets an
 * exit signal when this node goes and its name goes with it on every node.
 */
import { encode } from '../term/encode.js';
import { equals } from '../term/compare.js';
import { Atom, Pid, Ref, type Term } from '../term/types.js';
import { pidKey, refKey } from '../process/local-identity.js';
import { type JsResolver } from './types.js';

export interface NameEntry {
  name: Term;
  pid: Pid;
  method: Term;
  ref: Ref;
  /** `register_name_external`: the node that registered the name (OTP's `global_names_ext`). */
  regNode?: string;
  /** A JS resolver given when this node registered the name (its method on the wire is a built-in). */
  resolver?: JsResolver;
}

export interface LockEntry {
  resource: Term;
  requester: Term;
  holders: Array<{ pid: Pid; ref: Ref }>;
}

/** A term as a map key: its external format (`=:=` terms encode to the same bytes in noderl). */
function termKey(t: Term): string {
  return encode(t).toString('latin1');
}

/** How the tables watch pids: the server's monitor and demonitor, link and unlink. */
export interface Watcher {
  readonly me: string;
  monitor(pid: Pid): Ref;
  demonitor(ref: Ref): void;
  link(pid: Pid): void;
  unlink(pid: Pid): void;
}

export class GlobalTables {
  private readonly names = new Map<string, NameEntry>();
  private readonly pidNames = new Map<string, string>();
  private readonly locks = new Map<string, LockEntry>();
  /** Monitor ref → what it watches, for DOWN. */
  private readonly byRef = new Map<string, { name?: string; lock?: string }>();
  /** True when the `global` lock went away because its holder died (OTP's global_lock_down). */
  globalLockDown = false;

  constructor(private readonly watcher: Watcher) {}

  // ---- names ----

  lookup(name: Term): NameEntry | undefined {
    return this.names.get(termKey(name));
  }

  entries(): NameEntry[] {
    return [...this.names.values()];
  }

  nameOf(pid: Pid): Term | undefined {
    const k = this.pidNames.get(pidKey(pid));
    return k === undefined ? undefined : this.names.get(k)?.name;
  }

  /**
   * `ins_name`/`ins_name_ext`: a name (re)bound to `pid`; the old binding's monitor goes. A JS
   * resolver stays when the name is bound again to the same pid with the same method (the sync's
   * operations re-insert the names that won a conflict); a new method replaces it.
   */
  insert(name: Term, pid: Pid, method: Term, regNode?: string): NameEntry {
    const old = this.lookup(name);
    const resolver = old && equals(old.pid, pid) && equals(old.method, method) ? old.resolver : undefined;
    this.delete(name);
    const key = termKey(name);
    const ref = this.watcher.monitor(pid);
    const entry: NameEntry = { name, pid, method, ref, regNode, resolver };
    this.names.set(key, entry);
    this.pidNames.set(pidKey(pid), key);
    this.byRef.set(refKey(ref), { name: key });
    if (regNode === this.watcher.me) this.watcher.link(pid);
    return entry;
  }

  /** `delete_global_name2`. */
  delete(name: Term): boolean {
    const key = termKey(name);
    const e = this.names.get(key);
    if (!e) return false;
    this.forget(key, e);
    this.watcher.demonitor(e.ref);
    if (e.regNode === this.watcher.me && !this.isLocking(e.pid)) this.watcher.unlink(e.pid); // unlink_pid
    return true;
  }

  private forget(key: string, e: NameEntry): void {
    this.names.delete(key);
    this.byRef.delete(refKey(e.ref));
    if (this.pidNames.get(pidKey(e.pid)) === key) this.pidNames.delete(pidKey(e.pid));
  }

  // ---- locks ----

  /** `can_set_lock`: the holders when `{Resource, Requester}` may be set, else false. */
  canSetLock(resource: Term, requester: Term): LockEntry['holders'] | false {
    const l = this.locks.get(termKey(resource));
    if (!l) return [];
    return equals(l.requester, requester) ? l.holders : false;
  }

  /** `handle_set_lock`. */
  setLock(resource: Term, requester: Term, pid: Pid): boolean {
    const holders = this.canSetLock(resource, requester);
    if (holders === false) return false;
    if (holders.some((h) => equals(h.pid, pid))) return true;
    const key = termKey(resource);
    const ref = this.watcher.monitor(pid);
    this.byRef.set(refKey(ref), { lock: key });
    this.locks.set(key, { resource, requester, holders: [...holders, { pid, ref }] });
    return true;
  }

  /** `handle_del_lock`: only the holder's own requester id removes it. */
  delLock(resource: Term, requester: Term, pid: Pid): void {
    const key = termKey(resource);
    const l = this.locks.get(key);
    if (!l || !equals(l.requester, requester)) return;
    const h = l.holders.find((x) => equals(x.pid, pid));
    if (h) this.removeHolder(key, l, h, false);
  }

  isLockSet(resource: Term): boolean {
    return this.locks.has(termKey(resource));
  }

  lockEntry(resource: Term): LockEntry | undefined {
    return this.locks.get(termKey(resource));
  }

  private isLocking(pid: Pid): boolean {
    for (const l of this.locks.values()) if (l.holders.some((h) => equals(h.pid, pid))) return true;
    return false;
  }

  private removeHolder(key: string, l: LockEntry, h: { pid: Pid; ref: Ref }, down: boolean): void {
    this.byRef.delete(refKey(h.ref));
    this.watcher.demonitor(h.ref);
    l.holders = l.holders.filter((x) => x !== h);
    if (l.holders.length === 0) {
      this.locks.delete(key);
      if (l.resource instanceof Atom && l.resource.name === 'global') this.globalLockDown = down;
    }
  }

  /** A monitor fired: the name or lock it watched goes. */
  down(ref: Ref): void {
    const w = this.byRef.get(refKey(ref));
    if (!w) return;
    this.byRef.delete(refKey(ref));
    if (w.name !== undefined) {
      const e = this.names.get(w.name);
      if (e && refKey(e.ref) === refKey(ref)) this.forget(w.name, e);
    }
    if (w.lock !== undefined) {
      const l = this.locks.get(w.lock);
      const h = l?.holders.find((x) => refKey(x.ref) === refKey(ref));
      if (l && h) this.removeHolder(w.lock, l, h, true);
    }
  }
}
