/**
 * A string-keyed map for the few entries a process holds at a time (its monitors, links, pending
 * spawns) and for the node's aliases: it adds and removes entries without allocating, where a
 * `Map` that lives long allocates on nearly every change.
 *
 * Why not `Map`: V8's Map keeps its entries in a table that it reallocates when it fills up with
 * deleted entries or when it shrinks, which for a map of zero to two entries is every one or two
 * changes. Once the Map has been promoted, each new table is allocated in the old generation, and
 * the table it replaced keeps its entries (for live iterators) until the next full GC, so every
 * scavenge copies and promotes the keys and values those dead tables still point at. A
 * `gen_server:call` adds and removes a monitor, an alias and a monitor on the server's side:
 * with Maps, the noderl nodes of the latency bench promoted about 300 bytes per call, their
 * scavenges took about 1 ms, and old space filled to a mark-compact every few seconds.
 *
 * Entries live in one array, key and value side by side, in insertion order; lookups compare keys
 * one by one, which beats hashing for a handful. Past {@link SMALL} entries the map moves into a
 * `Map` (a process with thousands of monitors), and back when that empties. Iterating gives a
 * snapshot, so a loop may delete what it visits.
 */
export const SMALL = 16;

const NONE: readonly never[] = Object.freeze([]);

export class SmallMap<V> {
  /** key, value, key, value, ...; slots past `2 * count` hold undefined. Made on first use. */
  private slots?: (string | V | undefined)[];
  private count = 0;
  private large?: Map<string, V>;

  get size(): number {
    return this.large ? this.large.size : this.count;
  }

  get(key: string): V | undefined {
    if (this.large) return this.large.get(key);
    const i = this.indexOf(key);
    return i < 0 ? undefined : (this.slots![i + 1] as V);
  }

  has(key: string): boolean {
    return this.large ? this.large.has(key) : this.indexOf(key) >= 0;
  }

  set(key: string, value: V): this {
    if (this.large) {
      this.large.set(key, value);
      return this;
    }
    const i = this.indexOf(key);
    if (i >= 0) {
      this.slots![i + 1] = value;
      return this;
    }
    if (this.count === SMALL) {
      this.large = new Map(this.entries());
      this.large.set(key, value);
      this.clearSlots();
      return this;
    }
    const slots = (this.slots ??= []);
    slots[2 * this.count] = key;
    slots[2 * this.count + 1] = value;
    this.count += 1;
    return this;
  }

  delete(key: string): boolean {
    if (this.large) {
      const had = this.large.delete(key);
      if (this.large.size === 0) this.large = undefined;
      return had;
    }
    const i = this.indexOf(key);
    if (i < 0) return false;
    // Shift the later entries down, keeping insertion order; the array keeps its length.
    const slots = this.slots!;
    const end = 2 * this.count;
    for (let j = i + 2; j < end; j += 1) slots[j - 2] = slots[j];
    slots[end - 2] = undefined;
    slots[end - 1] = undefined;
    this.count -= 1;
    return true;
  }

  clear(): void {
    this.large = undefined;
    this.clearSlots();
  }

  /** The values, oldest first: a snapshot. */
  values(): readonly V[] {
    if (this.large) return [...this.large.values()];
    if (this.count === 0) return NONE;
    const out: V[] = [];
    for (let i = 0; i < this.count; i += 1) out.push(this.slots![2 * i + 1] as V);
    return out;
  }

  /** The entries, oldest first: a snapshot. */
  entries(): readonly [string, V][] {
    if (this.large) return [...this.large.entries()];
    if (this.count === 0) return NONE;
    const out: [string, V][] = [];
    for (let i = 0; i < this.count; i += 1) out.push([this.slots![2 * i] as string, this.slots![2 * i + 1] as V]);
    return out;
  }

  [Symbol.iterator](): Iterator<[string, V]> {
    return this.entries()[Symbol.iterator]();
  }

  private indexOf(key: string): number {
    const slots = this.slots;
    if (slots === undefined) return -1;
    for (let i = 0, end = 2 * this.count; i < end; i += 2) if (slots[i] === key) return i;
    return -1;
  }

  private clearSlots(): void {
    if (this.slots) for (let i = 0; i < 2 * this.count; i += 1) this.slots[i] = undefined;
    this.count = 0;
  }
}
