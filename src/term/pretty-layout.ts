/**
 * The second pass of io_lib_pretty:print/2 (OTP 25): given the measured pieces, where lines break
 * and how far each new line is indented. Each function mirrors the io_lib_pretty function of the
 * same name (pp, pp_tag_tuple, pp_list, pp_tail, pp_map, pp_record, pp_binary, and cind* that chooses the
 * indentation of tagged tuples); the conditions are kept as OTP writes them, off-by-ones included.
 */
import type { Piece, Seq } from './pretty-measure.js';

/** A piece written on one line (io_lib_pretty:write/1). */
export function writePiece(p: Piece): string {
  switch (p.kind) {
    case 'text':
      return p.text;
    case 'bin':
      return `<<${p.chunks.join(',')}>>`;
    case 'list':
      return `[${writeSeq(p.seq, '|')}]`;
    case 'tuple':
      return `{${writeSeq(p.seq, ',')}}`;
    case 'map':
      return `#{${writeSeq(p.seq, ',')}}`;
    case 'pair':
      return `${writePiece(p.key)} => ${writePiece(p.value)}`;
    case 'record':
      return `${p.name}{${writeSeq(p.seq, ',')}}`;
    case 'field':
      return `${p.name} = ${writePiece(p.value)}`;
  }
}

function writeSeq(seq: Seq, sep: string): string {
  let s = seq.items.map(writePiece).join(',');
  if (seq.end === null) return s;
  if (seq.items.length > 0) s += sep;
  return s + (seq.end === 'dots' ? '...' : writePiece(seq.end));
}

/** ?ATM: the piece is plain text (not a structure), so it may share a line with its neighbours. */
const atomic = (p: Piece): boolean => p.kind === 'text';
const atomicPair = (p: Piece): boolean => p.kind === 'pair' && atomic(p.key) && atomic(p.value);
/** ?ATM_FLD: a record field whose value is plain text. */
const atomicField = (p: Piece): boolean => p.kind === 'field' && atomic(p.value);
const spaces = (n: number): string => ' '.repeat(n);

/** last_depth/2: the closing brackets that follow an element when it is the last one. */
const lastDepth = (seq: Seq, from: number, ld: number): number => (from < seq.items.length ? 0 : ld + 1);

/** io_lib_pretty's cind throws no_good when a tagged-tuple indentation does not fit. */
class NoGood {}

/** The layout of one print: the line length `ll`, the chars-per-line limit `m`, the tag indentation `tInd`. */
export class Layout {
  constructor(
    private readonly ll: number,
    private readonly m: number,
    private tInd = 1,
  ) {}

  /** The tagged-tuple indentation: -1 if it fits everywhere, else 4, else 1 (while_fail over cind). */
  chooseTagIndent(p: Piece, col: number): void {
    for (const candidate of [-1, 4]) {
      try {
        this.tInd = candidate;
        this.cind(p, col, 0, 0);
        return;
      } catch (e) {
        if (!(e instanceof NoGood)) throw e;
      }
    }
    this.tInd = 1;
  }

  private fits(p: Piece, col: number, ld: number, w: number): boolean {
    return p.len < this.ll - col - ld && p.len + w + ld <= this.m;
  }

  /** True when an element of length `len` (with its comma) goes on the current line (pp_tail's guard). */
  private fitsAfter(len: number, col: number, w: number, ld1: number): boolean {
    const eLen = 1 + len;
    if (ld1 === 0) return eLen + 1 < this.ll - col && w + eLen + 1 <= this.m;
    return eLen < this.ll - col - ld1 && w + eLen + ld1 <= this.m;
  }

  pp(p: Piece, col: number, ind: number, ld: number, w: number): string {
    if (this.fits(p, col, ld, w)) return writePiece(p);
    switch (p.kind) {
      case 'list':
        return `[${this.ppList(p.seq, col + 1, ind + 1, ld, '|', w + 1)}]`;
      case 'tuple':
        return p.tagged ? `{${this.ppTagTuple(p.seq, col, ind, ld, w + 1)}}` : `{${this.ppList(p.seq, col + 1, ind + 1, ld, ',', w + 1)}}`;
      case 'map':
        return `#{${this.ppMap(p.seq, col + 2, ind + 2, ld, w + 1)}}`;
      case 'bin':
        return this.ppBinary(p.chunks, col + 2, ind + 2, ld, w);
      case 'record':
        return `${p.name}{${this.ppRecord(p.seq, p.nameLen, col, ind, ld, w + p.nameLen + 1)}}`;
      default:
        return writePiece(p);
    }
  }

  private ppTagTuple(seq: Seq, col: number, ind: number, ld: number, w: number): string {
    const tag = seq.items[0];
    if (!tag) return '...';
    const tagInd = tag.len + 2;
    const tCol = col + tagInd;
    const tagText = writePiece(tag);
    if (this.tInd > 0 && tagInd > this.tInd) {
      return tagText + this.ppTail(seq, 1, col + this.tInd, tCol, this.tInd + ind, ld, ',', w + tag.len);
    }
    return tagText + ',' + this.ppList(seq, tCol, tagInd + ind, ld, ',', w + tag.len + 1, 1);
  }

  private ppList(seq: Seq, col0: number, ind: number, ld: number, sep: string, w: number, from = 0): string {
    const e = seq.items[from];
    if (!e) return '...';
    const [es, we] = this.ppElement(e, col0, ind, lastDepth(seq, from + 1, ld), w);
    return es + this.ppTail(seq, from + 1, col0, col0 + we, ind, ld, sep, w + we);
  }

  private ppTail(seq: Seq, from: number, col0: number, col: number, ind: number, ld: number, sep: string, w: number): string {
    let out = '';
    for (let i = from; i < seq.items.length; i++) {
      const e = seq.items[i]!;
      const ld1 = lastDepth(seq, i + 1, ld);
      if (atomic(e) && this.fitsAfter(e.len, col, w, ld1)) {
        out += ',' + writePiece(e);
        col += 1 + e.len;
        w += 1 + e.len;
      } else {
        const [es, we] = this.ppElement(e, col0, ind, ld1, 0);
        out += `,\n${spaces(ind)}${es}`;
        col = col0 + we;
        w = we;
      }
    }
    const end = seq.end;
    if (end === null) return out;
    if (end === 'dots') return out + sep + '...';
    if (atomic(end) && end.len + 1 < this.ll - col - (ld + 1) && end.len + 1 + w + (ld + 1) <= this.m) return out + sep + writePiece(end);
    return `${out}${sep}\n${spaces(ind)}${this.pp(end, col0, ind, ld + 1, 0)}`;
  }

  private ppElement(e: Piece, col: number, ind: number, ld: number, w: number): [string, number] {
    if (atomic(e) && this.fits(e, col, ld, w)) return [writePiece(e), e.len];
    return [this.pp(e, col, ind, ld, w), this.ll]; // a structure forces the next element onto a new line
  }

  private ppMap(seq: Seq, col: number, ind: number, ld: number, w: number): string {
    const first = seq.items[0];
    if (!first) return seq.end === 'dots' ? '...' : '';
    const [ps, pw] = this.ppPair(first, col, ind, lastDepth(seq, 1, ld), w);
    // OTP passes the pair's width on here, not w + width
    return ps + this.ppItemsTail(seq, col, col + pw, ind, ld, pw, atomicPair, (p, ld1) => this.ppPair(p, col, ind, ld1, 0));
  }

  /**
   * pp_map's and pp_fields_tail's loop: an item that is plain text and fits goes on the line, any
   * other starts a new one; `,...` when the depth cut the rest.
   */
  private ppItemsTail(seq: Seq, col0: number, col: number, ind: number, ld: number, w: number, plain: (p: Piece) => boolean, ppItem: (p: Piece, ld: number) => [string, number]): string {
    let out = '';
    for (let i = 1; i < seq.items.length; i++) {
      const p = seq.items[i]!;
      const ld1 = lastDepth(seq, i + 1, ld);
      if (plain(p) && this.fitsAfter(p.len, col, w, ld1)) {
        out += ',' + writePiece(p);
        col += 1 + p.len;
        w += 1 + p.len;
      } else {
        const [s, pw] = ppItem(p, ld1);
        out += `,\n${spaces(ind)}${s}`;
        col = col0 + pw;
        w = pw;
      }
    }
    return seq.end === 'dots' ? out + ',...' : out;
  }

  private ppPair(p: Piece, col: number, ind: number, ld: number, w: number): [string, number] {
    if (this.fits(p, col, ld, w)) return [writePiece(p), atomicPair(p) ? p.len : this.ll];
    if (p.kind !== 'pair') return [this.pp(p, col, ind, ld, w), this.ll];
    const i = this.mapValueIndent();
    const key = this.pp(p.key, col, ind, ld, w);
    return [`${key} =>\n${spaces(i + ind)}${this.pp(p.value, col + i, i + ind, ld, 0)}`, this.ll];
  }

  private ppRecord(seq: Seq, nameLen: number, col0: number, ind0: number, ld: number, w0: number): string {
    const first = seq.items[0];
    if (!first) return seq.end === 'dots' ? '...' : '';
    const { col, ind, s, w } = this.recIndent(nameLen + 1, col0, ind0, w0);
    const [fs, fw] = this.ppField(first, col, ind, lastDepth(seq, 1, ld), w);
    return s + fs + this.ppItemsTail(seq, col, col + fw, ind, ld, w + fw, atomicField, (f, ld1) => this.ppField(f, col, ind, ld1, 0));
  }

  private ppField(f: Piece, col0: number, ind0: number, ld: number, w0: number): [string, number] {
    if (this.fits(f, col0, ld, w0)) return [writePiece(f), atomicField(f) ? f.len : this.ll];
    if (f.kind !== 'field') return [this.pp(f, col0, ind0, ld, w0), this.ll];
    const { col, ind, s, w } = this.recIndent(f.nameLen, col0, ind0, w0 + f.nameLen);
    return [`${f.name}${s.startsWith('\n') ? ' =' : ' = '}${s}${this.pp(f.value, col, ind, ld, w)}`, this.ll];
  }

  /** rec_indent/5: a record's fields (or a field's value) go on the next line when the name is longer than the tag indentation. */
  private recIndent(rInd: number, col0: number, ind0: number, w0: number): { col: number; ind: number; s: string; w: number } {
    const nl = this.tInd > 0 && rInd > this.tInd;
    const dCol = nl ? this.tInd : rInd;
    const ind = ind0 + dCol;
    return { col: col0 + dCol, ind, s: nl ? `\n${spaces(ind)}` : '', w: nl ? 0 : w0 };
  }

  private mapValueIndent(): number {
    return this.tInd > 0 ? this.tInd : 4;
  }

  /** pp_binary: the bytes of `<<...>>` filled into lines of at least 8 characters. */
  private ppBinary(chunks: string[], col: number, ind: number, ld: number, w: number): string {
    const n0 = Math.max(8, Math.min(this.ll - col, this.m - 4 - w) - ld);
    let n = n0;
    let out = '<<';
    chunks.forEach((chunk, i) => {
      if (i === chunks.length - 1) {
        out += chunk.length > n ? `\n${spaces(ind)}${chunk}` : chunk;
        return;
      }
      const len = chunk.length + 1;
      if (n - len < 0) {
        out += `\n${spaces(ind)}${chunk},`;
        n = n0 - len;
      } else {
        out += chunk + ',';
        n -= len;
      }
    });
    return out + '>>';
  }

  // ---- cind: would this indentation of tagged tuples keep within the line? ----

  private cind(p: Piece, col: number, ld: number, w: number): void {
    if (this.fits(p, col, ld, w)) return;
    if (p.kind === 'list') this.cindList(p.seq, 0, col + 1, ld, w + 1);
    else if (p.kind === 'tuple' && p.tagged) this.cindTagTuple(p.seq, col, ld, w + 1);
    else if (p.kind === 'tuple') this.cindList(p.seq, 0, col + 1, ld, w + 1);
    else if (p.kind === 'map') this.cindMap(p.seq, col + 2, ld, w + 2);
    else if (p.kind === 'record') this.cindRecord(p.seq, p.nameLen, col, ld, w + p.nameLen + 1);
  }

  private cindRecord(seq: Seq, nameLen: number, col0: number, ld: number, w0: number): void {
    const first = seq.items[0];
    if (!first) return;
    const { col, w } = this.cindRec(nameLen + 1, col0, w0);
    const fw = this.cindField(first, col, lastDepth(seq, 1, ld), w);
    // OTP adds to the current column here (cind_fields_tail), where pp_fields_tail restarts from col
    this.cindItemsTail(seq, col + fw, ld, w + fw, atomicField, (f, c, ld1) => {
      const fw1 = this.cindField(f, col, ld1, 0);
      return [c + fw1, fw1];
    });
  }

  private cindField(f: Piece, col0: number, ld: number, w0: number): number {
    if (this.fits(f, col0, ld, w0)) return atomicField(f) ? f.len : this.ll;
    if (f.kind === 'field') {
      const { col, w } = this.cindRec(f.nameLen, col0, w0 + f.nameLen);
      this.cind(f.value, col, ld, w);
    }
    return this.ll;
  }

  /** cind_rec/6: rec_indent, and no_good when the indented field would not fit. */
  private cindRec(rInd: number, col0: number, w0: number): { col: number; w: number } {
    const nl = this.tInd > 0 && rInd > this.tInd;
    const col = col0 + (nl ? this.tInd : rInd);
    if (!(this.m + col <= this.ll || col <= Math.floor(this.ll / 2))) throw new NoGood();
    return { col, w: nl ? 0 : w0 };
  }

  private cindTagTuple(seq: Seq, col: number, ld: number, w: number): void {
    const tag = seq.items[0];
    if (!tag) return;
    const tagInd = tag.len + 2;
    const tCol = col + tagInd;
    const half = Math.floor(this.ll / 2);
    if (this.tInd > 0 && tagInd > this.tInd) {
      const col1 = col + this.tInd;
      if (!(this.m + col1 <= this.ll || col1 <= half)) throw new NoGood();
      this.cindTail(seq, 1, col1, tCol, ld, w + tag.len);
    } else {
      if (!(this.m + tCol < this.ll || tCol < half)) throw new NoGood();
      this.cindList(seq, 1, tCol, ld, w + tag.len + 1);
    }
  }

  private cindMap(seq: Seq, col: number, ld: number, w: number): void {
    const first = seq.items[0];
    if (!first) return;
    const pw = this.cindPair(first, col, lastDepth(seq, 1, ld), w);
    this.cindItemsTail(seq, col + pw, ld, w + pw, atomicPair, (p, _c, ld1) => {
      const pw1 = this.cindPair(p, col, ld1, 0);
      return [col + pw1, pw1];
    });
  }

  /** cind_map's and cind_fields_tail's loop; `step` gives the column and width after an item on a new line. */
  private cindItemsTail(seq: Seq, col: number, ld: number, w: number, plain: (p: Piece) => boolean, step: (p: Piece, col: number, ld: number) => [number, number]): void {
    for (let i = 1; i < seq.items.length; i++) {
      const p = seq.items[i]!;
      const ld1 = lastDepth(seq, i + 1, ld);
      if (plain(p) && this.fitsAfter(p.len, col, w, ld1)) {
        col += 1 + p.len;
        w += 1 + p.len;
      } else {
        [col, w] = step(p, col, ld1);
      }
    }
  }

  private cindPair(p: Piece, col: number, ld: number, w: number): number {
    if (this.fits(p, col, ld, w)) return atomicPair(p) ? p.len : this.ll;
    if (p.kind === 'pair') {
      this.cind(p.key, col, ld, w);
      this.cind(p.value, col + this.mapValueIndent(), ld, 0);
    }
    return this.ll;
  }

  private cindList(seq: Seq, from: number, col0: number, ld: number, w: number): void {
    const e = seq.items[from];
    if (!e) return;
    const we = this.cindElement(e, col0, lastDepth(seq, from + 1, ld), w);
    this.cindTail(seq, from + 1, col0, col0 + we, ld, w + we);
  }

  private cindTail(seq: Seq, from: number, col0: number, col: number, ld: number, w: number): void {
    for (let i = from; i < seq.items.length; i++) {
      const e = seq.items[i]!;
      const ld1 = lastDepth(seq, i + 1, ld);
      if (atomic(e) && this.fitsAfter(e.len, col, w, ld1)) {
        col += 1 + e.len;
        w += 1 + e.len;
      } else {
        const we = this.cindElement(e, col0, ld1, 0);
        col = col0 + we;
        w = we;
      }
    }
    const end = seq.end;
    if (end === null || end === 'dots') return;
    if (atomic(end) && end.len + 1 < this.ll - col - (ld + 1) && end.len + 1 + w + (ld + 1) <= this.m) return;
    this.cind(end, col, ld + 1, 0); // OTP uses the current column here, where pp_tail uses col0
  }

  private cindElement(e: Piece, col: number, ld: number, w: number): number {
    if (atomic(e) && this.fits(e, col, ld, w)) return e.len;
    this.cind(e, col, ld, w);
    return this.ll;
  }
}
