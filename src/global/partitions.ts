/**
 * OTP 25's prevent_overlapping_partitions, the message side (global.erl's "Prevent Overlapping
 * Partitions Algorithm"): a node that loses a known node multicasts
 * `{lost_connection, Me, XCreation, OpId, Lost}`; every receiver passes it on once and asks the
 * lost node (or the reporter, when the lost node is itself) to drop its connection with
 * `{remove_connection, Me}`. A stale or repeated report (same incarnation, OpId not newer) is ignored.
 */
import { Atom, atom, tuple, type Term } from '../term/types.js';
import { equals } from '../term/compare.js';
import { A } from './protocol.js';

export class LostConnections {
  private readonly seen = new Map<string, { xcre: Term; opId: Term }>();
  private nextOpId = 1;

  /**
   * Our report that `lost` went. XCreation names this incarnation of our node (OTP adds a random
   * extension to the creation; any integer unique per start does, receivers only compare it).
   */
  report(me: string, creation: number, lost: string): Term {
    return tuple(A.lostConnection, atom(me), BigInt(creation) + (1n << 59n), this.nextOpId++, atom(lost));
  }

  /** A report received: `{reporter, lost}` the first time it is seen, else undefined. */
  firstSeen(msg: Term[]): { reporter: string; lost: string } | undefined {
    const [, a, xcre, opId, b] = msg;
    if (!(a instanceof Atom) || !(b instanceof Atom)) return undefined;
    const key = `${a.name}\u0000${b.name}`;
    const old = this.seen.get(key);
    if (old && equals(old.xcre, xcre!) && typeof opId === typeof old.opId && (opId as number) <= (old.opId as number)) return undefined;
    this.seen.set(key, { xcre: xcre!, opId: opId! });
    return { reporter: a.name, lost: b.name };
  }
}
