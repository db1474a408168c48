/**
 * The distribution header (otp-distribution.md §4.2–4.4; OTP's `erts_prepare_dist_ext` in
 * `external.c` and the fragment handling in `dist.c`): what a frame body starts with once
 * DIST_HDR_ATOM_CACHE or FRAGMENTS is negotiated.
 *
 * - `131,68` normal header: `N` atom-cache refs, their flag nibbles, then one entry per ref (a
 *   new atom for a cache slot, or a slot already filled), then the terms without `131`.
 * - `131,69` start fragment: sequence id, fragment id, then a normal header's refs and the first
 *   bytes of the terms; `131,70` continuation: sequence id, fragment id, more bytes. Fragment ids
 *   count down to 1 (the last); fragments of different sequences may interleave.
 *
 * {@link HeaderReader} turns each frame body into a complete message (bytes + the atoms its
 * ATOM_CACHE_REFs name) or nothing yet; the writer side is the fixed byte layouts below. The
 * pass-through byte (`112`, §4.1), the alternative to a header, is defined here too.
 */
import { isUtf8 } from 'node:buffer';
import { VERSION } from '../term/tags.js';
import { Atom } from '../term/types.js';

/** The first byte of a frame body when header mode was not negotiated: terms with their own `131` follow (§4.1). */
export const PASS_THROUGH = 112;
export const DIST_HEADER = 68;
export const DIST_FRAG_HEADER = 69;
export const DIST_FRAG_CONT = 70;

/** Slots per connection and direction: 8 segments of 256 (`ERTS_ATOM_CACHE_SIZE`). */
export const ATOM_CACHE_SIZE = 2048;
/** Data bytes per fragment, as OTP sends (`ERTS_DIST_FRAGMENT_SIZE`). */
export const FRAGMENT_SIZE = 64 * 1024;

/** A frame body that breaks the header rules; the connection must close. */
export class HeaderError extends Error {
  readonly code = 'ERR_NODERL_DIST_HEADER';
  constructor(
    message: string,
    /** Byte offset in the frame body where the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset} of the frame)`);
    this.name = 'HeaderError';
  }
}

/** A complete message: its control and payload terms start at `offset` in `bytes`. */
export interface HeaderMessage {
  bytes: Buffer;
  offset: number;
  /** The atom each ATOM_CACHE_REF index of this message stands for. */
  refs: (Atom | boolean)[];
}

interface Sequence {
  refs: (Atom | boolean)[];
  /**
   * The message so far, in a buffer sized from the first fragment times the fragment count.
   * Fragments are copied in as they come, so the pages of a 100 MB message are touched a
   * fragment at a time: one `Buffer.concat` at the end measured 0.6–1.2 s of blocked event loop
   * here (first-touch page faults), long enough to threaten a peer with net_ticktime 4.
   */
  buf: Buffer;
  bytes: number;
  /** The fragment id the next continuation must carry. */
  next: bigint;
}

/**
 * Reads header-mode frame bodies for one connection: keeps the incoming atom cache and the
 * fragment sequences being reassembled. Every method throws {@link HeaderError} on bad input.
 */
export class HeaderReader {
  /** Incoming atom cache: `segment * 256 + index`. */
  private readonly cache: (Atom | boolean | undefined)[] = new Array(ATOM_CACHE_SIZE);
  private readonly sequences = new Map<bigint, Sequence>();
  private held = 0;

  /** `maxHeldBytes` bounds the bytes kept for all incomplete fragmented messages together. */
  constructor(private readonly maxHeldBytes: number) {}

  /** Bytes held for incomplete fragmented messages. */
  get heldBytes(): number {
    return this.held;
  }

  /** Fragmented messages being reassembled. */
  get openSequences(): number {
    return this.sequences.size;
  }

  /** The message `body` completes, or undefined when it was a fragment of an unfinished one. */
  frame(body: Buffer): HeaderMessage | undefined {
    if (body.length < 2) throw new HeaderError(`frame of ${body.length} bytes is too short for a header`, 0);
    if (body[0] !== VERSION) {
      const what = body[0] === PASS_THROUGH ? 'a pass-through frame (112)' : `a frame starting with ${body[0]}`;
      throw new HeaderError(`${what} after header mode was negotiated; expected 131`, 0);
    }
    switch (body[1]) {
      case DIST_HEADER: {
        const refs: (Atom | boolean)[] = [];
        const offset = this.readAtomCacheRefs(body, 2, refs);
        return { bytes: body, offset: checkTermStart(body, offset), refs };
      }
      case DIST_FRAG_HEADER:
        return this.startFragment(body);
      case DIST_FRAG_CONT:
        return this.continuation(body);
      default:
        throw new HeaderError(`unknown header type ${body[1]} (expected 68, 69 or 70)`, 1);
    }
  }

  private startFragment(body: Buffer): HeaderMessage | undefined {
    if (body.length < START_FRAGMENT_HEADER_SIZE) throw new HeaderError(`start fragment shorter than its ${START_FRAGMENT_HEADER_SIZE}-byte header`, 0);
    const seq = body.readBigUInt64BE(2);
    const fragId = body.readBigUInt64BE(10);
    if (fragId === 0n) throw new HeaderError(`fragment id 0 in sequence ${seq}`, 10);
    if (this.sequences.has(seq)) throw new HeaderError(`start fragment for sequence ${seq}, which is already open`, 2);
    // The header's new atoms enter the cache now, not when the message completes: the sender's
    // later messages (other sequences included) may already refer to them.
    const refs: (Atom | boolean)[] = [];
    const offset = this.readAtomCacheRefs(body, CONTINUATION_HEADER_SIZE, refs); // the count byte follows the ids
    if (fragId === 1n) return { bytes: body, offset: checkTermStart(body, offset), refs };
    const data = body.subarray(offset);
    this.hold(data.length, seq);
    // Room for every fragment at this one's size, within what the bound leaves (grown if short).
    const room = this.maxHeldBytes - this.held + data.length;
    const estimate = Math.min(Number(fragId) * Math.max(data.length, 1), room);
    const buf = Buffer.allocUnsafe(Math.max(estimate, data.length));
    data.copy(buf, 0);
    this.sequences.set(seq, { refs, buf, bytes: data.length, next: fragId - 1n });
    return undefined;
  }

  private continuation(body: Buffer): HeaderMessage | undefined {
    if (body.length < CONTINUATION_HEADER_SIZE) throw new HeaderError(`continuation fragment shorter than its ${CONTINUATION_HEADER_SIZE}-byte header`, 0);
    const seq = body.readBigUInt64BE(2);
    const fragId = body.readBigUInt64BE(10);
    const s = this.sequences.get(seq);
    if (s === undefined) throw new HeaderError(`continuation fragment for unknown sequence ${seq}`, 2);
    if (fragId !== s.next) throw new HeaderError(`fragment ${fragId} of sequence ${seq} arrived where ${s.next} was due`, 10);
    const data = body.subarray(CONTINUATION_HEADER_SIZE);
    this.hold(data.length, seq);
    if (s.bytes + data.length > s.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(s.bytes + data.length, Math.min(2 * s.buf.length, this.maxHeldBytes)));
      s.buf.copy(grown, 0, 0, s.bytes);
      s.buf = grown;
    }
    data.copy(s.buf, s.bytes);
    s.bytes += data.length;
    if (fragId > 1n) {
      s.next = fragId - 1n;
      return undefined;
    }
    this.sequences.delete(seq);
    this.held -= s.bytes;
    const bytes = s.buf.subarray(0, s.bytes);
    return { bytes, offset: checkTermStart(bytes, 0), refs: s.refs };
  }

  private hold(n: number, seq: bigint): void {
    if (this.held + n > this.maxHeldBytes) {
      throw new HeaderError(`fragmented messages would hold ${this.held + n} bytes (sequence ${seq}), over the bound of ${this.maxHeldBytes}`, 0);
    }
    this.held += n;
  }

  /**
   * Reads `NumberOfAtomCacheRefs` and what follows it at `pos`, filling `refs` and updating the
   * cache; returns where the terms start.
   */
  private readAtomCacheRefs(b: Buffer, pos: number, refs: (Atom | boolean)[]): number {
    if (pos >= b.length) throw new HeaderError('header ends before its atom-cache ref count', pos);
    const n = b[pos++]!;
    if (n === 0) return pos;
    const flagsAt = pos;
    const flagBytes = (n >> 1) + 1;
    if (pos + flagBytes > b.length) throw new HeaderError(`header ends inside the flags of its ${n} atom-cache refs`, pos);
    pos += flagBytes;
    const nibble = (i: number): number => (b[flagsAt + (i >> 1)]! >> ((i & 1) << 2)) & 0xf;
    const longAtoms = (nibble(n) & 1) === 1;
    for (let i = 0; i < n; i++) {
      const flags = nibble(i);
      if (pos >= b.length) throw new HeaderError(`header ends before atom-cache ref ${i}`, pos);
      const slot = ((flags & 7) << 8) | b[pos++]!;
      if ((flags & 8) === 0) {
        const cached = this.cache[slot];
        if (cached === undefined) throw new HeaderError(`atom-cache ref ${i} names empty slot ${slot}`, pos - 1);
        refs.push(cached);
        continue;
      }
      const lenBytes = longAtoms ? 2 : 1;
      if (pos + lenBytes > b.length) throw new HeaderError(`header ends inside the length of atom-cache ref ${i}`, pos);
      const len = longAtoms ? b.readUInt16BE(pos) : b[pos]!;
      pos += lenBytes;
      if (pos + len > b.length) throw new HeaderError(`atom-cache ref ${i} claims ${len} bytes, ${b.length - pos} left`, pos);
      const value = atomFromUtf8(b, pos, len, i);
      pos += len;
      this.cache[slot] = value;
      refs.push(value);
    }
    return pos;
  }
}

function atomFromUtf8(b: Buffer, pos: number, len: number, i: number): Atom | boolean {
  const bytes = b.subarray(pos, pos + len);
  if (!isUtf8(bytes)) throw new HeaderError(`atom-cache ref ${i} is not valid UTF-8`, pos);
  const name = bytes.toString('utf8');
  if (name === 'true') return true;
  if (name === 'false') return false;
  try {
    return Atom.of(name);
  } catch (err) {
    throw new HeaderError(`atom-cache ref ${i}: ${(err as Error).message}`, pos);
  }
}

/** Terms after a header carry no `131` of their own; OTP calls a frame that has one corrupted. */
function checkTermStart(b: Buffer, offset: number): number {
  if (offset >= b.length) throw new HeaderError('header is not followed by a control message', offset);
  if (b[offset] === VERSION) throw new HeaderError('a term after the header starts with 131', offset);
  return offset;
}

/** `131,68,0`: a normal header with no atom-cache refs, which is all noderl sends. */
export const NORMAL_HEADER: Buffer = Buffer.from([VERSION, DIST_HEADER, 0]);
/** Bytes of a start fragment's header with no atom-cache refs. */
const START_FRAGMENT_HEADER_SIZE = 19;
/** Bytes of a continuation fragment's header. */
const CONTINUATION_HEADER_SIZE = 18;

/** The header of fragment `fragId` of sequence `seq`: a start fragment (with 0 refs) or a continuation. */
export function fragmentHeader(start: boolean, seq: bigint, fragId: bigint): Buffer {
  const b = Buffer.alloc(start ? START_FRAGMENT_HEADER_SIZE : CONTINUATION_HEADER_SIZE);
  b[0] = VERSION;
  b[1] = start ? DIST_FRAG_HEADER : DIST_FRAG_CONT;
  b.writeBigUInt64BE(seq, 2);
  b.writeBigUInt64BE(fragId, 10);
  return b; // a start fragment's ref count byte stays 0
}
