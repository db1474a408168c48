/**
 * The port mapper's table of nodes: the registered ones and the remembered unregistered ones, with
 * creations made as OTP ≥ 23's epmd makes them (otp-distribution.md §1.2; erts/epmd/src/epmd_srv.c,
 * `node_reg2`, `node_unreg`, `bump_creation`, `get_creation`).
 *
 * Names are keyed by their raw bytes (read as Latin-1, which maps bytes to characters one to one),
 * so two names compare exactly as epmd's byte-wise `is_same_str` compares them.
 */
import { isUtf8 } from 'node:buffer';
import { MAX_NAME_BYTES, type NodeRegistration } from './protocol.js';

/** The most characters a node name may have (epmd's verify_utf8 limit). */
const MAX_NAME_CHARS = 255;

/** epmd's MAX_UNREG_COUNT: how many unregistered names it remembers for their creation. */
export const MAX_UNREGISTERED = 1000;

/** One name in the table, registered or remembered. */
export interface NodeEntry extends NodeRegistration {
  /** The name's raw bytes as Latin-1: the table key. */
  readonly key: string;
  /** epmd's `cr_counter`: the 32-bit creation handed to version-6 clients. */
  crCounter: number;
  /** The OS descriptor of the registration socket, shown by DUMP (-1 when unknown). */
  fd: number;
  /** Whatever owns the registration (the server's connection); compared by identity. */
  owner: unknown;
}

/**
 * The creation a client sees: the 32-bit counter for clients of version 6 or more, else a value
 * in 1..3 derived from it (epmd's `get_creation`).
 */
export function creationFor(entry: NodeEntry): number {
  return entry.highestVersion >= 6 ? entry.crCounter : (entry.crCounter % 3) + 1;
}

/** epmd's `bump_creation`: +1 (32-bit unsigned), never below 4 (0..3 are the legacy creations). */
function bumped(counter: number): number {
  const next = (counter + 1) >>> 0;
  return next < 4 ? 4 : next;
}

export class NodeTable {
  /** Registered nodes in registration order; epmd lists them newest first. */
  private readonly active = new Map<string, NodeEntry>();
  /** Unregistered names, oldest first (epmd's FIFO `unreg` list). */
  private readonly old = new Map<string, NodeEntry>();

  constructor(
    private readonly maxUnregistered = MAX_UNREGISTERED,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** The registered node with these raw name bytes (Latin-1 key). */
  get(key: string): NodeEntry | undefined {
    return this.active.get(key);
  }

  /** True when the name is registered now. */
  has(key: string): boolean {
    return this.active.has(key);
  }

  /** Registered nodes, newest first (the order of epmd's NAMES and DUMP). */
  registered(): NodeEntry[] {
    return [...this.active.values()].reverse();
  }

  /** Remembered unregistered names, oldest first (the order of DUMP's old/unused lines). */
  unregistered(): NodeEntry[] {
    return [...this.old.values()];
  }

  get size(): number {
    return this.active.size;
  }

  /**
   * Registers a node whose name is free (the caller checked `has`). A remembered name gets its
   * counter bumped by one; a new name a counter seeded from the clock, bumped. When more than
   * `maxUnregistered` names are remembered, the oldest is forgotten and its slot reused with its
   * counter unchanged, as epmd reuses the node structure (a quirk kept on purpose: same creations).
   */
  register(key: string, registration: NodeRegistration, owner: unknown, fd: number): NodeEntry {
    let crCounter: number;
    const remembered = this.old.get(key);
    if (remembered !== undefined) {
      this.old.delete(key);
      crCounter = bumped(remembered.crCounter);
    } else if (this.old.size > this.maxUnregistered) {
      const [oldestKey, oldest] = this.old.entries().next().value as [string, NodeEntry];
      this.old.delete(oldestKey);
      crCounter = oldest.crCounter;
    } else {
      crCounter = bumped(this.now() >>> 0);
    }
    const entry: NodeEntry = { ...registration, key, crCounter, fd, owner };
    this.active.set(key, entry);
    return entry;
  }

  /** Moves a registered node to the remembered list; returns it, or undefined if not registered. */
  unregister(key: string): NodeEntry | undefined {
    const entry = this.active.get(key);
    if (entry === undefined) return undefined;
    this.active.delete(key);
    this.old.set(key, entry);
    return entry;
  }

  /** Unregisters the node `owner` registered, if it still is registered (epmd's `node_unreg_sock`). */
  unregisterOwner(owner: unknown, entry: NodeEntry | undefined): NodeEntry | undefined {
    if (entry === undefined || entry.owner !== owner || this.active.get(entry.key) !== entry) return undefined;
    return this.unregister(entry.key);
  }
}

/** Why a PORT_PLEASE2 name is refused, as epmd checks it; undefined when it is fine. */
export function lookupNameProblem(name: Buffer): string | undefined {
  if (name.length === 0) return 'no name';
  if (name.includes(0)) return 'a NUL in the name';
  if (!isUtf8(name)) return 'a name that is not UTF-8';
  // epmd's check runs over one byte past the name, its NUL terminator, and counts it as a
  // character: a 255-character name can register but not be looked up (seen on OTP 25).
  const chars = utf8Length(name) + 1;
  if (chars > MAX_NAME_CHARS) return `a name of ${chars - 1} characters`;
  return undefined;
}

/** Why epmd's `node_reg2` would refuse this registration (reply Result 1); undefined when it is fine. */
export function registrationProblem(name: Buffer, extra: Buffer, taken: boolean): string | undefined {
  if (name.length > MAX_NAME_BYTES) return `name of ${name.length} bytes`;
  if (!isUtf8(name)) return 'name is not UTF-8';
  if (utf8Length(name) > MAX_NAME_CHARS) return `name longer than ${MAX_NAME_CHARS} characters`;
  if (extra.length > MAX_NAME_BYTES) return `extra of ${extra.length} bytes`;
  if (taken) return 'name in use';
  return undefined;
}

/** Characters in valid UTF-8: the bytes that do not continue a character. */
function utf8Length(bytes: Buffer): number {
  let n = 0;
  for (const b of bytes) if ((b & 0xc0) !== 0x80) n++;
  return n;
}
