/**
 * Who a node is right now, and the pids and refs that follow it.
 *
 * In BEAM a local pid carries no node name: `self()` is `<0.85.0>` on a node that is not
 * distributed, and after `net_kernel:start([fries, shortnames])` the same term is `<X.85.0>` of
 * `fries@host` (erts writes local identifiers with the current name and creation when it encodes
 * them; `net_kernel:stop()` turns them back into `nonode@nohost`, creation 0). Checked on OTP 25.
 *
 * noderl's {@link Pid} is an immutable object with a node and a creation, and the codec reads those
 * fields on its hot path. A local pid is therefore a {@link Pid} whose `node` and `creation` are
 * getters reading the node's {@link LocalIdentity}: `instanceof Pid`, `format`, `compare`/`equals`
 * and the encoder see an ordinary pid, pids decoded from the wire stay plain objects (the codec's
 * code and shapes are untouched), and a pid captured before `netKernel.start` encodes with the new
 * name. Refs made by the node follow the same rule.
 *
 * Keys: tables of pids and refs are keyed by `pidKey`/`refKey` strings. A local identifier keys by
 * its identity's `key` (stable across renames), and a plain pid decoded from the wire that names a
 * node of this JS process under its current name and creation keys the same way, so both forms find
 * the same entry and no table has to be re-keyed when the node changes its name.
 */
import { atom, Pid, Ref, type Atom } from '../term/types.js';

/** The name of a node that is not distributed, as `node()` gives it. */
export const NONODE = atom('nonode@nohost');

/** Distributed identities of this JS process by node name (several nodes may run in one process). */
const byName = new Map<Atom, LocalIdentity>();
let nextKey = 1;

/** A node's current name and creation; one per node, for the node's whole life. */
export class LocalIdentity {
  nodeAtom: Atom = NONODE;
  creation = 0;
  /** This identity's number in the JS process, never reused: the start of its identifiers' keys. */
  readonly index = nextKey++;
  /** The same as a key prefix (`pidKey`/`refKey` write it as code units; this form is for odd ids). */
  readonly key = String.fromCharCode(0, this.index & 0xffff, this.index >>> 16);

  get distributed(): boolean {
    return this.nodeAtom !== NONODE;
  }

  /** The node is now `nodeAtom` with `creation` (net_kernel:start), or not distributed (NONODE, 0). */
  become(nodeAtom: Atom, creation: number): void {
    this.retire();
    this.nodeAtom = nodeAtom;
    this.creation = creation;
    if (nodeAtom !== NONODE) byName.set(nodeAtom, this);
  }

  /**
   * The node stopped: its name no longer leads here from pids decoded elsewhere in this JS process
   * (and the identity can be collected), while its own pids keep printing the name they had.
   */
  retire(): void {
    if (byName.get(this.nodeAtom) === this) byName.delete(this.nodeAtom);
  }

  /** True when `x` (a pid or ref, local or decoded) names this node as it is now. */
  owns(x: Pid | Ref): boolean {
    const home = (x as { home?: LocalIdentity }).home;
    return home !== undefined ? home === this : x.node === this.nodeAtom && x.creation === this.creation && this.distributed;
  }
}

/** The identity a pid or ref belongs to: its own for a local one, else a node of this process it names now. */
export function homeOf(x: Pid | Ref): LocalIdentity | undefined {
  const home = (x as { home?: LocalIdentity }).home;
  if (home !== undefined) return home;
  const named = byName.get(x.node);
  return named !== undefined && named.creation === x.creation ? named : undefined;
}

// Not `extends Pid`: Pid's fields are own data properties, which would hide the getters. The
// prototype chain still makes `instanceof Pid` true.
class LocalPidObject {
  /** {@link pidKey}'s answer, made once: a process's pid is looked up on every signal to it. */
  readonly key: string;

  constructor(
    readonly home: LocalIdentity,
    readonly id: number,
    readonly serial: number,
  ) {
    this.key = localPidKey(home, id, serial);
  }

  get node(): Atom {
    return this.home.nodeAtom;
  }

  get creation(): number {
    return this.home.creation;
  }

  /** Node number 0: a local pid prints as its own node's shell shows it (Pid.toString). */
  toString(): string {
    return `<0.${this.id}.${this.serial}>`;
  }
}
Object.setPrototypeOf(LocalPidObject.prototype, Pid.prototype);

class LocalRefObject {
  private cachedKey?: string;

  constructor(
    readonly home: LocalIdentity,
    readonly ids: readonly number[],
  ) {}

  /**
   * {@link refKey}'s answer, made once when first asked for: a monitor's ref is looked up when it
   * is made, answered and taken down, while most refs (make_ref, erpc's) are never keyed.
   */
  get key(): string {
    return (this.cachedKey ??= localRefKey(this.home, this.ids));
  }

  get node(): Atom {
    return this.home.nodeAtom;
  }

  get creation(): number {
    return this.home.creation;
  }

  /** Node number 0, as a local pid (Ref.toString). */
  toString(): string {
    return `#Ref<0.${[...this.ids].reverse().join('.')}>`;
  }
}
Object.setPrototypeOf(LocalRefObject.prototype, Ref.prototype);

/** A pid of the node `home`: its node and creation are the node's current ones. */
export function localPid(home: LocalIdentity, id: number, serial: number): Pid {
  return new LocalPidObject(home, id, serial) as unknown as Pid;
}

/** A ref of the node `home`, following its name as {@link localPid} does. */
export function localRef(home: LocalIdentity, ids: readonly number[]): Ref {
  return new LocalRefObject(home, ids) as unknown as Ref;
}

/**
 * The key of a pid in maps: pids decoded from the wire are new objects each time. A pid of a node
 * of this JS process keys by that node's identity, so it keeps its key when the node is renamed
 * (net_kernel:start/stop) and a decoded copy finds the same entry (src/node/local-identity.ts).
 */
export function pidKey(pid: Pid): string {
  if (pid instanceof LocalPidObject) return pid.key;
  const home = homeOf(pid);
  if (home !== undefined) return localPidKey(home, pid.id, pid.serial);
  const { id, serial, creation } = pid;
  if (!words(id, serial, creation)) return `${pid.node.name}\u0000\uffff${id}/${serial}/${creation}`;
  return pid.node.name + String.fromCharCode(0, id & 0xffff, id >>> 16, serial & 0xffff, serial >>> 16, creation & 0xffff, creation >>> 16);
}

export function refKey(ref: Ref): string {
  if (ref instanceof LocalRefObject) return ref.key;
  const home = homeOf(ref);
  if (home !== undefined) return localRefKey(home, ref.ids);
  const ids = ref.ids, c = ref.creation;
  if (ids.length === 3 && words(ids[0]!, ids[1]!, ids[2]!) && words(c, 0, 0)) {
    const a = ids[0]!, b = ids[1]!, d = ids[2]!; // indexed, not destructured: that makes an iterator
    return ref.node.name + String.fromCharCode(0, c & 0xffff, c >>> 16, a & 0xffff, a >>> 16, b & 0xffff, b >>> 16, d & 0xffff, d >>> 16);
  }
  return `${ref.node.name}\u0000${c}\u0000${ids.join('.')}`;
}

/**
 * True when `a` and `b` name the same reference as {@link refKey} sees it (a local ref and its
 * decoded copy are the same one), without making either key.
 */
export function sameRef(a: Ref, b: Ref): boolean {
  if (a === b) return true;
  const home = homeOf(a);
  if (home !== homeOf(b)) return false;
  if (home === undefined && (a.node !== b.node || a.creation !== b.creation)) return false;
  const x = a.ids, y = b.ids;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return false;
  return true;
}

// Keys spell numbers as UTF-16 code units, in one String.fromCharCode call, never as decimal
// text. Number-to-text goes through V8's number-string cache, an old-generation table that keeps
// every string it made alive until the slot is reused: keys of refs with random words filled it
// with new strings, which every scavenge then copied and promoted (the latency bench's noderl
// nodes spent ~1 ms per scavenge where V8 needs ~0.1 ms). Pid, ref and creation fields are 32-bit
// words (OTP's), so two code units hold one exactly. A local key starts with the code unit 0 and
// the identity's number; a remote one with the node's name and then 0.

function words(a: number, b: number, c: number): boolean {
  return a >>> 0 === a && b >>> 0 === b && c >>> 0 === c;
}

function localPidKey(home: LocalIdentity, id: number, serial: number): string {
  if (!words(id, serial, 0)) return `${home.key}\uffff${id}/${serial}`;
  return String.fromCharCode(0, home.index & 0xffff, home.index >>> 16, id & 0xffff, id >>> 16, serial & 0xffff, serial >>> 16);
}

function localRefKey(home: LocalIdentity, ids: readonly number[]): string {
  if (ids.length === 3 && words(ids[0]!, ids[1]!, ids[2]!)) {
    const a = ids[0]!, b = ids[1]!, c = ids[2]!;
    return String.fromCharCode(0, home.index & 0xffff, home.index >>> 16, a & 0xffff, a >>> 16, b & 0xffff, b >>> 16, c & 0xffff, c >>> 16);
  }
  return `${home.key}\uffff${ids.join('.')}`;
}
