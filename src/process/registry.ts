/** The node's registered names (`register/2`, `unregister/1`, `whereis/1`). */
import type { Atom, Pid } from '../term/types.js';
import { pidKey } from './local-identity.js';

export class Registry {
  private readonly byName = new Map<Atom, Pid>();
  private readonly byPid = new Map<string, Set<Atom>>();

  /** Registers `name`; false when the name is taken or the pid already has it (badarg in Erlang). */
  register(name: Atom, pid: Pid): boolean {
    if (this.byName.has(name)) return false;
    this.byName.set(name, pid);
    let names = this.byPid.get(pidKey(pid));
    if (!names) this.byPid.set(pidKey(pid), (names = new Set()));
    names.add(name);
    return true;
  }

  unregister(name: Atom): boolean {
    const pid = this.byName.get(name);
    if (!pid) return false;
    this.byName.delete(name);
    this.byPid.get(pidKey(pid))?.delete(name);
    return true;
  }

  whereis(name: Atom): Pid | undefined {
    return this.byName.get(name);
  }

  /** Every registered name (`registered/0`). */
  names(): Atom[] {
    return [...this.byName.keys()];
  }

  /** The name `pid` is registered under, if any (`process_info(P, registered_name)`). */
  nameOf(pid: Pid): Atom | undefined {
    const names = this.byPid.get(pidKey(pid));
    return names === undefined ? undefined : names.values().next().value;
  }

  /** A process ended: its names are free again. */
  forget(pid: Pid): void {
    for (const name of this.byPid.get(pidKey(pid)) ?? []) this.byName.delete(name);
    this.byPid.delete(pidKey(pid));
  }
}

