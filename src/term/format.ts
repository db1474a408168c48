/**
 * Terms printed in Erlang syntax, on one line, like `io_lib:format("~tw")` but with strings shown
 * as `~tp` shows them: a list of printable characters prints as `"abc"` and a printable binary as
 * `<<"abc">>` or `<<"é"/utf8>>`. For a term without pids, references, ports or closures, the
 * text reads back (erl_scan:string + erl_parse:parse_term, or this package's `parse`) as an `=:=`
 * term.
 */
import { mapOrder } from './map-order.js';
import { escapeChar, formatAtom, formatFloat, isPrintableChar, isPrintableLatin1 } from './format-text.js';
import { Atom, BitBinary, ErlFloat, ErlFun, ExportFun, ImproperList, Pid, Port, Ref, Tuple, type TermInput } from './types.js';

/** Options of {@link format}. */
export interface FormatOptions {
  /**
   * The node the text is shown on. Its pids, references and ports print with node number 0
   * (`<0.52.0>`), as Erlang shows local ones. Every other node gets a small number of its own,
   * the same for every call in this process (numbered from 1 in the order first printed), as
   * `erl` shows a remote node by its slot in the distribution table (`<8613.52.0>`). Without
   * `localNode`, no node prints as 0.
   */
  localNode?: Atom;
}

/**
 * `term` in Erlang syntax: `{ok,[1,2]}`, `#{a => <<"x">>}`, `"abc"`, `1.0e20`, `'hello world'`,
 * `<0.52.0>`. Integral floats keep a `.0` (`float(1)` prints `1.0`), floats print with the
 * shortest digits that read back exactly, map keys print in map-key order (as `~w` prints maps of
 * up to 32 keys). A JS `string` prints as the UTF-8 binary it stands for. Throws a `TypeError`
 * for a JS value with no Erlang form and a `RangeError` for `NaN` and the infinities.
 */
export function format(term: TermInput, options: FormatOptions = {}): string {
  const out: string[] = [];
  write(term, out, options.localNode);
  return out.join('');
}

/** Node numbers for display, per node name, for the life of the process. */
const nodeNumbers = new Map<Atom, number>();

function nodeNumber(node: Atom, local: Atom | undefined): number {
  if (node === local) return 0;
  let n = nodeNumbers.get(node);
  if (n === undefined) {
    n = nodeNumbers.size + 1;
    nodeNumbers.set(node, n);
  }
  return n;
}

function write(t: TermInput, out: string[], local: Atom | undefined): void {
  switch (typeof t) {
    case 'number':
      out.push(Number.isInteger(t) ? integerText(t) : formatFloat(t));
      return;
    case 'bigint':
      out.push(t.toString());
      return;
    case 'boolean':
      out.push(t ? 'true' : 'false');
      return;
    case 'undefined':
      out.push('undefined');
      return;
    case 'string':
      writeBinary(Buffer.from(t, 'utf8'), out);
      return;
  }
  if (t === null) out.push('undefined');
  else if (t instanceof Atom) out.push(formatAtom(t.name));
  else if (t instanceof Tuple) writeSequence(t, '{', '}', out, local);
  else if (Array.isArray(t)) writeList(t, [], out, local);
  else if (t instanceof Uint8Array) writeBinary(t, out);
  else if (t instanceof Map) writeMap([...t], out, local);
  else if (t instanceof ErlFloat) out.push(formatFloat(t.value));
  else if (t instanceof ImproperList) writeImproper(t, out, local);
  else if (t instanceof BitBinary) writeBitBinary(t, out);
  else if (t instanceof Pid) out.push(`<${nodeNumber(t.node, local)}.${t.id}.${t.serial}>`);
  else if (t instanceof Ref) out.push(`#Ref<${nodeNumber(t.node, local)}.${[...t.ids].reverse().join('.')}>`);
  else if (t instanceof Port) out.push(`#Port<${nodeNumber(t.node, local)}.${t.id}>`);
  else if (t instanceof ExportFun) out.push(`fun ${formatAtom(t.module.name)}:${formatAtom(t.name.name)}/${t.arity}`);
  else if (t instanceof ErlFun) out.push(`#Fun<${formatAtom(t.module.name)}.${t.index}.${t.oldUniq}>`);
  else if (isPlainObject(t)) writeMap(Object.keys(t).map((k) => [Atom.of(k), t[k]]), out, local);
  else throw new TypeError(`${Object.prototype.toString.call(t)} is not an Erlang term`);
}

function isPlainObject(t: object): t is { [key: string]: TermInput } {
  const proto: unknown = Object.getPrototypeOf(t);
  return proto === Object.prototype || proto === null;
}

/** `String(1e21)` is `1e+21`: integers past the safe range print through BigInt. */
function integerText(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

function writeSequence(items: ArrayLike<TermInput>, open: string, close: string, out: string[], local: Atom | undefined): void {
  out.push(open);
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(',');
    write(items[i], out, local);
  }
  out.push(close);
}

/** A list: as a string when every element is a printable character (io_lib:printable_unicode_list/1). */
function writeList(items: readonly TermInput[], tail: TermInput, out: string[], local: Atom | undefined): void {
  if (Array.isArray(tail) && tail.length === 0 && isPrintableList(items)) {
    let s = '"';
    for (const c of items) s += escapeChar(Number(c), 34);
    out.push(s + '"');
    return;
  }
  out.push('[');
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(',');
    write(items[i], out, local);
  }
  if (!(Array.isArray(tail) && tail.length === 0)) {
    out.push('|');
    write(tail, out, local);
  }
  out.push(']');
}

function isPrintableList(items: readonly TermInput[]): boolean {
  if (items.length === 0) return false;
  for (const c of items) {
    if (typeof c === 'number') {
      if (!Number.isInteger(c) || !isPrintableChar(c)) return false;
    } else if (typeof c !== 'bigint' || c > 0x10ffffn || !isPrintableChar(Number(c))) {
      return false;
    }
  }
  return true;
}

/** `[a, b | T]`: a tail that is itself a list continues the elements, as in Erlang. */
function writeImproper(t: ImproperList, out: string[], local: Atom | undefined): void {
  const items = [...t.elements];
  let tail = t.tail;
  while (!(tail instanceof Tuple)) {
    if (tail instanceof ImproperList) {
      items.push(...tail.elements);
      tail = tail.tail;
    } else if (Array.isArray(tail)) {
      items.push(...tail);
      tail = [];
      break;
    } else {
      break;
    }
  }
  if (items.length === 0) write(tail, out, local);
  else writeList(items, tail, out, local);
}

function writeMap(entries: [TermInput, TermInput][], out: string[], local: Atom | undefined): void {
  mapOrder(entries);
  out.push('#{');
  for (let i = 0; i < entries.length; i++) {
    if (i > 0) out.push(',');
    write(entries[i][0], out, local);
    out.push(' => ');
    write(entries[i][1], out, local);
  }
  out.push('}');
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A binary as io_lib_pretty prints it with `~tp`: `<<"abc">>` when every byte is printable
 * ASCII, `<<"é"/utf8>>` when it is printable UTF-8, `<<"é">>` when it is printable Latin-1,
 * otherwise its bytes.
 */
function writeBinary(b: Uint8Array, out: string[]): void {
  if (b.length === 0) {
    out.push('<<>>');
    return;
  }
  let ascii = true;
  let latin1 = true;
  for (const c of b) {
    if (!isPrintableLatin1(c)) latin1 = ascii = false;
    else if (c >= 128) ascii = false;
  }
  if (ascii) {
    out.push(`<<${quoteCodes(b)}>>`);
    return;
  }
  const text = decodeUtf8(b);
  if (text !== null) {
    const codes = Array.from(text, (ch) => ch.codePointAt(0) as number);
    if (codes.every(isPrintableChar)) {
      out.push(`<<${quoteCodes(codes)}/utf8>>`);
      return;
    }
  }
  out.push(latin1 ? `<<${quoteCodes(b)}>>` : `<<${b.join(',')}>>`);
}

function decodeUtf8(b: Uint8Array): string | null {
  try {
    return utf8Strict.decode(b);
  } catch {
    return null;
  }
}

function quoteCodes(codes: Iterable<number>): string {
  let s = '"';
  for (const c of codes) s += escapeChar(c, 34);
  return s + '"';
}

/** `<<1,2:3>>`: the whole bytes, then the value of the last `bits` bits (stored high-aligned). */
function writeBitBinary(t: BitBinary, out: string[]): void {
  const whole = t.bits === 8 ? t.bytes : t.bytes.subarray(0, t.bytes.length - 1);
  if (t.bits === 8) {
    writeBinary(whole, out);
    return;
  }
  const last = t.bytes[t.bytes.length - 1] >> (8 - t.bits);
  out.push(whole.length === 0 ? `<<${last}:${t.bits}>>` : `<<${whole.join(',')},${last}:${t.bits}>>`);
}
