/**
 * A scope's table of groups: OTP 25's pg keeps one named ETS table per scope whose rows are
 * `{Group, AllPids, LocalPids}`, written only by the scope process and read by anyone. This is
 * that table, with the same list orders pg.erl produces (new members go in front, a leave removes
 * one occurrence per pid, as `--` and `lists:delete` do), so `get_members` lists pids in the order
 * a BEAM node would. Every change is reported to `notify`, pg's `notify_group`, which feeds the
 * scope and group monitors.
 */
import { encode } from '../term/encode.js';
import type { Pid, Term, TermInput } from '../term/types.js';

/** What a group row changed by: pg's `{Ref, join | leave, Group, Pids}` notifications. */
export type GroupChange = (action: 'join' | 'leave', group: Term, pids: Pid[]) => void;

interface Row {
  readonly group: Term;
  /** Every member, local and remote, head of the Erlang list first. */
  readonly all: readonly Pid[];
  /** The members of this node. */
  readonly local: readonly Pid[];
}

/** A group as a map key: its external format (`=:=` terms encode to the same bytes here). */
export function groupKey(group: TermInput): string {
  return encode(group).toString('latin1');
}

/** `List -- Pids`: one occurrence of each of `pids` removed, the first one, as Erlang's `--`. */
export function subtractPids(list: readonly Pid[], pids: readonly Pid[]): Pid[] {
  const out = list.slice();
  for (const p of pids) {
    const i = out.findIndex((q) => q.equals(p));
    if (i >= 0) out.splice(i, 1);
  }
  return out;
}

export class GroupTable {
  private readonly rows = new Map<string, Row>();

  constructor(private readonly notify: GroupChange) {}

  /** `get_members/2`: every member, in pg's order; [] for a group nobody joined. */
  members(group: TermInput): readonly Pid[] {
    return this.rows.get(groupKey(group))?.all ?? [];
  }

  /** `get_local_members/2`. */
  localMembers(group: TermInput): readonly Pid[] {
    return this.rows.get(groupKey(group))?.local ?? [];
  }

  /** `which_groups/1`: every group with a row (a join of `[]` makes an empty one, as in OTP). */
  groups(): Term[] {
    return [...this.rows.values()].map((r) => r.group);
  }

  /** `which_local_groups/1`: the groups with a member on this node. */
  localGroups(): Term[] {
    return [...this.rows.values()].filter((r) => r.local.length > 0).map((r) => r.group);
  }

  /** What `monitor_scope` replies with: every group and its members. */
  snapshot(): Map<Term, Term> {
    return new Map([...this.rows.values()].map((r) => [r.group, r.all.slice()]));
  }

  /** pg's `join_local_update_ets`: `pids` go in front of both lists. */
  joinLocal(group: Term, pids: Pid[]): void {
    const key = groupKey(group);
    const row = this.rows.get(key);
    this.rows.set(key, { group, all: [...pids, ...(row?.all ?? [])], local: [...pids, ...(row?.local ?? [])] });
    this.notify('join', group, pids);
  }

  /** pg's `join_remote_update_ets`. */
  joinRemote(group: Term, pids: Pid[]): void {
    const key = groupKey(group);
    const row = this.rows.get(key);
    this.rows.set(key, { group, all: [...pids, ...(row?.all ?? [])], local: row?.local ?? [] });
    this.notify('join', group, pids);
  }

  /** pg's `leave_local_update_ets`: the row goes when no member is left. */
  leaveLocal(group: Term, pids: Pid[]): void {
    const key = groupKey(group);
    const row = this.rows.get(key);
    if (!row) return; // a DOWN still queued while the process was leaving, as pg.erl notes
    const all = subtractPids(row.all, pids);
    if (all.length === 0) this.rows.delete(key);
    else this.rows.set(key, { group: row.group, all, local: subtractPids(row.local, pids) });
    this.notify('leave', row.group, pids);
  }

  /** pg's `leave_remote_update_ets`: `pids` leave each of `groups`. */
  leaveRemote(pids: Pid[], groups: Term[]): void {
    for (const group of groups) {
      const key = groupKey(group);
      const row = this.rows.get(key);
      if (!row) continue;
      const all = subtractPids(row.all, pids);
      if (all.length === 0 && row.local.length === 0) this.rows.delete(key);
      else this.rows.set(key, { group: row.group, all, local: row.local });
      this.notify('leave', row.group, pids);
    }
  }

  /**
   * The "really rare" branch of pg's `sync_groups`: a peer's group changed while we were apart,
   * so its old pids are replaced by the new ones in place (`Pids ++ AllOld -- OldPids`), with no
   * notification, as OTP 25 does.
   */
  replaceRemote(group: Term, oldPids: readonly Pid[], pids: Pid[]): void {
    const key = groupKey(group);
    const row = this.rows.get(key);
    if (!row) return;
    this.rows.set(key, { group: row.group, all: [...pids, ...subtractPids(row.all, oldPids)], local: row.local });
  }
}
