/**
 * global's two tables, kept by `global_name_server` (OTP's `global_names` and `global_locks` ETS
 * tables with their helper bags): registered names `{Name, Pid, Method}` and locks
 * `{ResourceId, LockRequesterId, [Pid]}`. The server monitors every name's pid and every lock
 * holder, so a DOWN (the process died, or its node went: `noconnection`) removes both.
 */
import { encode } from '../term/encode.js';
import { Atom, Pid, Ref, type Term } from '../term/types.js';
import { pidKey, refKey } from '../node/process.js';

export interface NameEntry {
  name: Term;
  pid: Pid;
  method: Term;
  ref: Ref;
}

export interface LockEntry {
  resource: Term;
  requester: Term;
  holders: Array<{ pid: Pid; ref: Ref }>;
}

/** A term as a map key: its external format (equal terms, equal bytes, as noderl encodes them). */
export function termKey(t: Term): string {
  return encode(t).toString('latin1');
}

/** How the tables watch pids: the server's monitor and demonitor. */
export interface Watcher {
  monitor(pid: Pid): Ref;
  demonitor(ref: Ref): void;
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

  /** `ins_name`: a name (re)bound to `pid`; the old binding's monitor goes. */
  insert(name: Term, pid: Pid, method: Term): void {
    this.delete(name);
    const key = termKey(name);
    const ref = this.watcher.monitor(pid);
    this.names.set(key, { name, pid, method, ref });
    this.pidNames.set(pidKey(pid), key);
    this.byRef.set(refKey(ref), { name: key });
  }

  /** `delete_global_name2`. */
  delete(name: Term): boolean {
    const key = termKey(name);
    const e = this.names.get(key);
    if (!e) return false;
    this.names.delete(key);
    if (this.pidNames.get(pidKey(e.pid)) === key) this.pidNames.delete(pidKey(e.pid));
    this.byRef.delete(refKey(e.ref));
    this.watcher.demonitor(e.ref);
    return true;
  }

  // ---- locks ----

  /** `can_set_lock`: the holders when `{Resource, Requester}` may be set, else false. */
  canSetLock(resource: Term, requester: Term): LockEntry['holders'] | false {
    const l = this.locks.get(termKey(resource));
    if (!l) return [];
    return termKey(l.requester) === termKey(requester) ? l.holders : false;
  }

  /** `handle_set_lock`. */
  setLock(resource: Term, requester: Term, pid: Pid): boolean {
    const holders = this.canSetLock(resource, requester);
    if (holders === false) return false;
    if (holders.some((h) => pidKey(h.pid) === pidKey(pid))) return true;
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
    if (!l || termKey(l.requester) !== termKey(requester)) return;
    const h = l.holders.find((x) => pidKey(x.pid) === pidKey(pid));
    if (!h) return;
    this.removeHolder(key, l, h, false);
  }

  isLockSet(resource: Term): boolean {
    return this.locks.has(termKey(resource));
  }

  lockEntry(resource: Term): LockEntry | undefined {
    return this.locks.get(termKey(resource));
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
      if (e && refKey(e.ref) === refKey(ref)) {
        this.names.delete(w.name);
        if (this.pidNames.get(pidKey(e.pid)) === w.name) this.pidNames.delete(pidKey(e.pid));
      }
    }
    if (w.lock !== undefined) {
      const l = this.locks.get(w.lock);
      const h = l?.holders.find((x) => refKey(x.ref) === refKey(ref));
      if (l && h) this.removeHolder(w.lock, l, h, true);
    }
  }
}
