/**
 * The outgoing atom cache (otp-distribution.md §4.3; OTP's `erts_atom_cache` in `dist.c`): the
 * first time a connection sends an atom it goes in the header with its text and a cache slot;
 * after that the header names the slot only, and inside the terms each atom is two bytes
 * (`ATOM_CACHE_REF, Index`). That is what an OTP node sends, and it cuts a small message's bytes by
 * about a third (each pid carries its node name).
 *
 * The receiver's cache changes as it reads each frame's header, so frames that use the cache must
 * reach the wire in the order they were encoded. Only `FrameBatch` frames use it, and a batch is
 * one buffer written in order; fragments and frames held behind a big message carry 0 refs and
 * leave both caches alone.
 */
import { Tag } from '../term/tags.js';
import { TermWriter } from '../term/term-writer.js';
import type { Atom } from '../term/types.js';
import type { ByteWriter } from '../term/writer.js';
import { ATOM_CACHE_SIZE } from './header.js';

/** At most this many refs in one header (the count is one byte); further atoms are written whole. */
const MAX_REFS = 255;
const VERSION = 131;
const DIST_HEADER = 68;

/** A term writer that writes each atom as a reference into this message's list of atoms. */
export class AtomRefWriter extends TermWriter {
  /** This message's atoms, by first use; index = the ATOM_CACHE_REF index. */
  readonly refs: Atom[] = [];
  /**
   * Names the message being written. An atom whose `refEpoch` equals it has a ref here already,
   * at `refIndex`: two field reads instead of a Map lookup per atom (measured 30% of the cost).
   * Epochs are shared by every writer, so a stale mark can never look current.
   */
  private epoch = 0;

  /** Empties the writer for the next message. */
  begin(): void {
    this.reset();
    this.refs.length = 0;
    this.epoch = nextEpoch++;
  }

  override atom(a: Atom): void {
    let i: number;
    if (a.refEpoch === this.epoch) {
      i = a.refIndex;
    } else {
      if (this.refs.length === MAX_REFS) return super.atom(a);
      i = this.refs.length;
      this.refs.push(a);
      a.refEpoch = this.epoch;
      a.refIndex = i;
    }
    this.ensure(2);
    this.buf[this.pos] = Tag.ATOM_CACHE_REF;
    this.buf[this.pos + 1] = i;
    this.pos += 2;
  }
}

let nextEpoch = 1;

/** One connection's outgoing cache: which atom each of the 2048 slots holds at the receiver. */
export class OutgoingAtomCache {
  private readonly slots: (Atom | undefined)[] = new Array<Atom | undefined>(ATOM_CACHE_SIZE);
  /** Per ref of the header being written: 1 when it is a new entry. */
  private readonly isNew = new Uint8Array(MAX_REFS);

  /**
   * Writes `131, 68` and the refs of `atoms` (new entries with their text, known ones by slot),
   * and records the new entries: the receiver will hold them once it has read this header.
   */
  writeHeader(w: ByteWriter, atoms: readonly Atom[]): void {
    const n = atoms.length;
    w.ensure(3 + (n >> 1) + 1 + 2 * n);
    const b0 = w.buf;
    b0[w.pos] = VERSION;
    b0[w.pos + 1] = DIST_HEADER;
    b0[w.pos + 2] = n;
    w.pos += 3;
    if (n === 0) return;
    const flagsAt = w.pos;
    const flagBytes = (n >> 1) + 1;
    w.buf.fill(0, flagsAt, flagsAt + flagBytes);
    w.pos += flagBytes;
    const isNew = this.isNew;
    let longAtoms = false;
    for (let i = 0; i < n; i++) {
      const a = atoms[i]!;
      const slot = slotOf(a);
      const fresh = this.slots[slot] !== a;
      isNew[i] = fresh ? 1 : 0;
      if (fresh) {
        if (a.utf8.length > 255) longAtoms = true;
        this.slots[slot] = a;
      }
      w.buf[flagsAt + (i >> 1)]! |= ((fresh ? 8 : 0) | (slot >> 8)) << ((i & 1) << 2);
    }
    if (longAtoms) w.buf[flagsAt + (n >> 1)]! |= 1 << ((n & 1) << 2);
    for (let i = 0; i < n; i++) {
      const a = atoms[i]!;
      if (isNew[i] === 0) {
        w.buf[w.pos++] = a.cacheSlot & 0xff; // room made above: 2 bytes per ref
        continue;
      }
      w.u8(a.cacheSlot & 0xff);
      if (longAtoms) w.u16(a.utf8.length);
      else w.u8(a.utf8.length);
      w.bytes(a.utf8);
    }
  }

}

/** The slot an atom always uses (a hash of its name, as OTP hashes atoms to slots). */
function slotOf(a: Atom): number {
  if (a.cacheSlot >= 0) return a.cacheSlot;
  let h = 0x811c9dc5;
  for (let i = 0; i < a.name.length; i++) h = Math.imul(h ^ a.name.charCodeAt(i), 0x01000193);
  a.cacheSlot = (h >>> 0) % ATOM_CACHE_SIZE;
  return a.cacheSlot;
}
