/**
 * Writes terms nested deeper than the JS stack allows, as `DeepTermReader` reads them. `encode`
 * uses it only after the recursive `TermWriter` overflowed. Containers are written from an
 * explicit stack of pending work; leaves are written by a `TermWriter` (held, not extended: see
 * `ByteWriter`). A container that contains itself has no Erlang form and is refused instead of
 * written forever.
 */
import { Tag } from './tags.js';
import { isByteList, TermWriter, Unencodable } from './term-writer.js';
import { Atom, ImproperList, Tuple, type TermInput } from './types.js';

/** Pending work that is not a term: a NIL byte to write, or a container to close. */
class Close {
  constructor(readonly container: object, readonly nil: boolean) {}
}

/** @internal */
export class DeepTermWriter {
  constructor(private readonly w: TermWriter) {}

  /** Appends `root` to the writer. */
  write(root: TermInput): void {
    const w = this.w;
    const pending: (TermInput | Close)[] = [root];
    const open = new Set<object>();
    while (pending.length > 0) {
      const t = pending.pop();
      if (t instanceof Close) {
        open.delete(t.container);
        if (t.nil) w.u8(Tag.NIL);
        continue;
      }
      const children = this.header(t as TermInput);
      if (children === null) {
        w.term(t as TermInput);
        continue;
      }
      const container = t as object;
      if (open.has(container)) throw new Unencodable('a structure that contains itself has no Erlang form');
      open.add(container);
      pending.push(new Close(container, Array.isArray(t) && !(t instanceof Tuple)));
      for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
    }
  }

  /** Writes a container's header and returns its children in order; null for anything else. */
  private header(t: TermInput): TermInput[] | null {
    if (Array.isArray(t)) {
      if (t instanceof Tuple) {
        if (t.length <= 255) {
          this.w.u8(Tag.SMALL_TUPLE);
          this.w.u8(t.length);
        } else {
          this.w.tagU32(Tag.LARGE_TUPLE, t.length);
        }
        return t;
      }
      if (t.length === 0 || (t.length < 65536 && isByteList(t))) return null;
      this.w.tagU32(Tag.LIST, t.length);
      return t;
    }
    if (t instanceof ImproperList) {
      // [ | T] is T itself (no header), which may be as deep as any term.
      if (t.elements.length === 0) return [t.tail];
      this.w.tagU32(Tag.LIST, t.elements.length);
      return [...t.elements, t.tail];
    }
    if (t instanceof Map) {
      this.w.tagU32(Tag.MAP, t.size);
      const kv: TermInput[] = [];
      t.forEach((v, k) => kv.push(k, v));
      return kv;
    }
    if (typeof t === 'object' && t !== null && !(t instanceof Atom)) {
      const proto = Object.getPrototypeOf(t);
      if (proto !== Object.prototype && proto !== null) return null;
      const keys = Object.keys(t);
      this.w.tagU32(Tag.MAP, keys.length);
      return keys.flatMap((k) => [Atom.of(k), (t as Record<string, TermInput>)[k]]);
    }
    return null;
  }
}
