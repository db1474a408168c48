/**
 * pg's membership monitors (OTP 25.1+): `monitor_scope` watches every group of a scope,
 * `monitor(Group)` one group. The scope process monitors each watcher (so a watcher that dies is
 * forgotten, and the monitor's ref is the notifications' tag) and sends it
 * `{Ref, join | leave, Group, Pids}` on every change, as pg.erl's `notify_group` does.
 */
import { atom, tuple, type Pid, type Ref, type Term } from '../term/types.js';
import { refKey } from '../process/local-identity.js';
import { groupKey } from './groups.js';

const JOIN = atom('join');
const LEAVE = atom('leave');

interface Watch {
  ref: Ref;
  pid: Pid;
}

export class MembershipMonitors {
  /** pg's `scope_monitors`. */
  private readonly scope = new Map<string, Watch>();
  /** pg's `group_monitors`: ref → watcher and group. */
  private readonly byRef = new Map<string, Watch & { group: string }>();
  /** pg's `monitored_groups`: group → its watchers. */
  private readonly byGroup = new Map<string, Watch[]>();

  /** `send` is `erlang:send(Pid, Msg, [noconnect])`. */
  constructor(private readonly send: (to: Pid, message: Term) => void) {}

  watchScope(ref: Ref, pid: Pid): void {
    this.scope.set(refKey(ref), { ref, pid });
  }

  watchGroup(ref: Ref, pid: Pid, group: Term): void {
    const key = groupKey(group);
    this.byRef.set(refKey(ref), { ref, pid, group: key });
    this.byGroup.set(key, [{ ref, pid }, ...(this.byGroup.get(key) ?? [])]);
  }

  /** Forgets the monitor `ref` (a `demonitor`, or its watcher's DOWN); false when it is not one. */
  drop(ref: Ref): boolean {
    const key = refKey(ref);
    if (this.scope.delete(key)) return true;
    const g = this.byRef.get(key);
    if (!g) return false;
    this.byRef.delete(key);
    const rest = (this.byGroup.get(g.group) ?? []).filter((w) => refKey(w.ref) !== key);
    if (rest.length === 0) this.byGroup.delete(g.group);
    else this.byGroup.set(g.group, rest);
    return true;
  }

  /** pg's `notify_group`. */
  notify(action: 'join' | 'leave', group: Term, pids: Pid[]): void {
    if (this.scope.size === 0 && this.byGroup.size === 0) return;
    const message = (ref: Ref): Term => tuple(ref, action === 'join' ? JOIN : LEAVE, group, pids);
    for (const w of this.scope.values()) this.send(w.pid, message(w.ref));
    for (const w of this.byGroup.get(groupKey(group)) ?? []) this.send(w.pid, message(w.ref));
  }
}
