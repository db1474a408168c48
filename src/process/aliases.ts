/**
 * Process aliases (`erlang:alias/0,1`, `unalias/1`, `monitor/3` with `{alias, …}`; OTP 24+): a
 * reference of this node that, while active, delivers messages sent to it into its owner's
 * mailbox. A message to an inactive alias is dropped, which is what makes a late gen_server reply
 * vanish instead of polluting the caller's mailbox. Peers send to an alias with ALIAS_SEND (33).
 */
import type { Pid, Ref } from '../term/types.js';
import { pidKey, refKey } from './local-identity.js';
import { SmallMap } from './small-map.js';

/**
 * How an alias ends besides `unalias/1` (OTP's UnaliasOpt): `explicit_unalias` only by unalias,
 * `reply` after the first message through it, `demonitor` when its monitor is removed or fires,
 * `reply_demonitor` at the first of those or the first message.
 */
export type AliasMode = 'explicit_unalias' | 'reply' | 'demonitor' | 'reply_demonitor';

interface AliasEntry {
  owner: Pid;
  mode: AliasMode;
}

/** The node's active aliases, by reference. */
export class AliasTable {
  // SmallMaps: a gen_server call adds and removes an alias (see small-map.ts).
  private readonly entries = new SmallMap<AliasEntry>();
  private readonly byOwner = new Map<string, SmallMap<true>>();

  /** Makes `ref` an alias of `owner`. */
  add(ref: Ref, owner: Pid, mode: AliasMode): void {
    const key = refKey(ref);
    this.entries.set(key, { owner, mode });
    const ownerKey = pidKey(owner);
    let refs = this.byOwner.get(ownerKey);
    if (!refs) this.byOwner.set(ownerKey, (refs = new SmallMap()));
    refs.set(key, true);
  }

  /** `unalias/1`: true when `ref` was an active alias of `owner`. */
  remove(ref: Ref, owner: Pid): boolean {
    const key = refKey(ref);
    const entry = this.entries.get(key);
    if (!entry || pidKey(entry.owner) !== pidKey(owner)) return false;
    this.entries.delete(key);
    this.byOwner.get(pidKey(owner))?.delete(key);
    return true;
  }

  /**
   * A message arrives at `ref`: the owner and the alias's mode, or undefined when the alias is not
   * active. A `reply`/`reply_demonitor` alias ends here.
   */
  take(ref: Ref): AliasEntry | undefined {
    const key = refKey(ref);
    const entry = this.entries.get(key);
    if (entry && (entry.mode === 'reply' || entry.mode === 'reply_demonitor')) {
      this.entries.delete(key);
      this.byOwner.get(pidKey(entry.owner))?.delete(key);
    }
    return entry;
  }

  /** The owner ended: its aliases end with it. */
  forget(owner: Pid): void {
    const ownerKey = pidKey(owner);
    for (const [key] of this.byOwner.get(ownerKey) ?? []) this.entries.delete(key);
    this.byOwner.delete(ownerKey);
  }
}
