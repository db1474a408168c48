/**
 * Reads terms nested deeper than the JS stack allows (OTP's `binary_to_term` has no depth limit:
 * a 1,000,000-deep list decodes). `decodeAt` uses it only after the recursive `TermReader`
 * overflowed, so the common case keeps the faster reader. Tuples, lists and maps are opened and
 * closed on an explicit stack; every other tag is read by `TermReader` itself.
 */
import { Tag } from './tags.js';
import { MapBuilder, TermReader } from './term-reader.js';
import type { Term, Tuple } from './types.js';

const TUPLE = 0, LIST = 1, TAIL = 2, MAP = 3;
const MORE = Symbol('more to read');

/** A container waiting for its next element. */
class Frame {
  /** For a map: where the current entry's key started (for the duplicate-key error). */
  at = 0;
  key: Term | undefined = undefined;
  haveKey = false;
  i = 0;
  constructor(
    public kind: number,
    readonly tuple?: Tuple,
    readonly list?: Term[],
    readonly map?: MapBuilder,
  ) {}
}

/** @internal */
export class DeepTermReader extends TermReader {
  override term(): Term {
    const stack: Frame[] = [];
    for (;;) {
      let value = this.openOrRead(stack);
      if (value === MORE) continue;
      // Hand the value to the containers waiting for it, closing those it completes.
      for (;;) {
        const f = stack[stack.length - 1];
        if (f === undefined) return value;
        const done = this.give(f, value);
        if (done === MORE) break;
        stack.pop();
        value = done;
      }
    }
  }

  /** Opens a container (pushing a frame, MORE) or reads a whole term that needs no frame. */
  private openOrRead(stack: Frame[]): Term | typeof MORE {
    const tag = this.buf[this.pos];
    if (tag === Tag.SMALL_TUPLE || tag === Tag.LARGE_TUPLE) {
      this.pos++;
      const small = tag === Tag.SMALL_TUPLE;
      this.need(small ? 1 : 4, tag);
      const t = this.newTuple(small ? this.u8() : this.u32(), tag);
      if (t.length === 0) return t;
      stack.push(new Frame(TUPLE, t));
      return MORE;
    }
    if (tag === Tag.LIST) {
      this.pos++;
      const f = new Frame(LIST, undefined, new Array<Term>(this.listLength()));
      if (f.list!.length > 0) {
        stack.push(f);
        return MORE;
      }
      const done = this.endOfElements(f);
      if (done !== MORE) return done;
      stack.push(f);
      return MORE;
    }
    if (tag === Tag.MAP) {
      this.pos++;
      const m = new MapBuilder(this.mapArity());
      if (m.arity === 0) return m.map;
      const f = new Frame(MAP, undefined, undefined, m);
      f.at = this.pos;
      stack.push(f);
      return MORE;
    }
    return super.term();
  }

  /** Gives `value` to frame `f`: the finished container, or MORE while it wants more. */
  private give(f: Frame, value: Term): Term | typeof MORE {
    switch (f.kind) {
      case TUPLE:
        f.tuple![f.i++] = value;
        return f.i < f.tuple!.length ? MORE : f.tuple!;
      case LIST:
        f.list![f.i++] = value;
        return f.i < f.list!.length ? MORE : this.endOfElements(f);
      case TAIL:
        return this.withTail(f.list!, value);
      default: {
        if (!f.haveKey) {
          f.key = value;
          f.haveKey = true;
          return MORE;
        }
        const m = f.map!;
        this.addEntry(m, f.key!, value, f.at);
        f.haveKey = false;
        f.at = this.pos;
        return ++f.i < m.arity ? MORE : m.map;
      }
    }
  }

  /** After a list's elements: a continuing LIST_EXT, NIL (done), or a tail still to read. */
  private endOfElements(f: Frame): Term | typeof MORE {
    const list = f.list!;
    while (this.buf[this.pos] === Tag.LIST) {
      this.pos++;
      const more = this.listLength();
      if (more > 0) {
        list.length += more;
        return MORE;
      }
    }
    if (this.buf[this.pos] === Tag.NIL) {
      this.pos++;
      return list;
    }
    f.kind = TAIL;
    return MORE;
  }
}
