/**
 * OTP 25's prevent_overlapping_partitions, the message side (global.erl's "Prevent Overlapping
 * Partitions Algorithm"): a node that loses a known node multicasts
 * `{lost_connection, Me, XCreation, OpId, Lost}`; every receiver passes it on once and asks the
 * lost node (or the reporter, when the lost node is itself) to drop its connection with
 * `{remove_connection, Me}`. A stale or repeated report (same incarnation, OpId not newer) is ignored.
 *
 * What was seen is kept for an hour after its last report, as OTP's `global_lost_connections`
 * table keeps it (`lost_conn_info_cleanup_time`, one timer per pair, restarted on each newer
 * report); after that the same report counts as new again.
 */
import { randomInt } from 'node:crypto';
import { Atom, atom, tuple, type Term } from '../term/types.js';
import { equals } from '../term/compare.js';
import { GlobalAtom } from './protocol.js';

/** OTP's `lost_conn_info_cleanup_time`: 60 * 60 * 1000 ms (an OTP 25.2.3 entry's timer reads 3,598,496 ms a second after it was set). */
export const LOST_CONNECTION_TTL_MS = 60 * 60 * 1000;

export interface LostConnectionsOptions {
  /** The clock, ms (default `Date.now`); tests pass their own. */
  now?: () => number;
  ttlMs?: number;
  /** OTP's `creation_extension` (default: drawn at random, as global's init does). */
  creationExtension?: bigint;
}

/**
 * OTP 25 global's `init/1`: `(rand:uniform(2^60 - 1) - 1) band bnot (2^32 - 1)`, a random integer
 * whose low 32 bits (where the creation goes) are zero. A node that restarts with the creation it
 * had gets a new extension, so its reports are not taken for repeats for the hour they are kept.
 */
export function randomCreationExtension(): bigint {
  return BigInt(randomInt(0, 2 ** 28)) << 32n;
}

// `erlang:unique_integer([monotonic])`: one sequence for the whole runtime, so a restarted
// global's first report is still newer than the last one of the global it replaced.
let lastOpId = 0;

export class LostConnections {
  private readonly seen = new Map<string, { xcre: Term; opId: Term; expires: number }>();
  private readonly creationExtension: bigint;
  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor(options: LostConnectionsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? LOST_CONNECTION_TTL_MS;
    this.creationExtension = options.creationExtension ?? randomCreationExtension();
  }

  /**
   * Our report that `lost` went. XCreation names this incarnation of our global, as OTP's
   * `creation_extension + creation - (-2^59)` does; receivers only compare it.
   */
  report(me: string, creation: number, lost: string): Term {
    const xcreation = this.creationExtension + BigInt(creation) + (1n << 59n);
    return tuple(GlobalAtom.lostConnection, atom(me), xcreation, ++lastOpId, atom(lost));
  }

  /** A report received: `{reporter, lost}` the first time it is seen, else undefined. */
  firstSeen(msg: Term[]): { reporter: string; lost: string } | undefined {
    const [, a, xcre, opId, b] = msg;
    if (!(a instanceof Atom) || !(b instanceof Atom)) return undefined;
    const now = this.now();
    this.expire(now);
    const key = `${a.name}\u0000${b.name}`;
    const old = this.seen.get(key);
    if (old && equals(old.xcre, xcre!) && isNotNewer(opId!, old.opId)) return undefined;
    this.seen.set(key, { xcre: xcre!, opId: opId!, expires: now + this.ttlMs });
    return { reporter: a.name, lost: b.name };
  }

  /** How many reports are remembered. */
  get size(): number {
    return this.seen.size;
  }

  private expire(now: number): void {
    for (const [key, e] of this.seen) if (e.expires <= now) this.seen.delete(key);
  }
}

/** `OpIdA =< OpId` for the integers OTP sends (`erlang:unique_integer([monotonic])`, often negative). */
function isNotNewer(opId: Term, old: Term): boolean {
  const isInt = (t: Term): t is number | bigint => typeof t === 'number' || typeof t === 'bigint';
  return isInt(opId) && isInt(old) && opId <= old;
}
