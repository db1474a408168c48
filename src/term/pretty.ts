/**
 * io_lib_pretty:print/2 of OTP 25: a term in Erlang syntax broken over lines to fit a line length,
 * as `~p` and the shell print it, for a node with the default printable range (`+pc latin1`).
 *
 * Not ported: `chars_limit` and records (`record_print_fun`). Maps of more than 32 keys print
 * their pairs in key order, where OTP follows its internal hash order.
 */
import { measure, type RecordFields } from './pretty-measure.js';
import { Layout, writePiece } from './pretty-layout.js';
import { isAtomic, writeAtomic, type TextEncoding } from './io-lib-write.js';
import type { Atom, TermInput } from './types.js';

/** Options of {@link prettyPrint}: io_lib_pretty:print/2's options of the same names. */
export interface PrettyOptions {
  /** The 1-based column the first character goes to (default 1). Lines after the first are indented from it. */
  column?: number;
  /** The line length (default 80); 0 prints on one line. */
  lineLength?: number;
  /** How deep to print (default -1: all); deeper parts print as `...`. */
  depth?: number;
  /** At most this many characters of a term on one line (default -1: no limit); the shell uses 60. */
  lineMaxChars?: number;
  /**
   * `unicode` (default, as io_lib_pretty's default `epp:default_encoding()`, and `~tp`) keeps atom
   * characters above 255 and prints UTF-8 binaries as `<<"é"/utf8>>`; `latin1` (`~p`) escapes
   * them as `\x{...}` and shows binaries byte by byte.
   */
  encoding?: TextEncoding;
  /** Print printable lists and binaries as strings (default true). */
  strings?: boolean;
  /** The node whose pids, refs and ports print as `<0.N.M>` (see `format`). */
  localNode?: Atom;
  /** record_print_fun: the field names of the records to print as `#name{field = V}` (the shell's definitions). */
  records?: RecordFields;
}

/** `io_lib_pretty:print(Term, Options)` flattened to a string. */
export function prettyPrint(term: TermInput, options: PrettyOptions = {}): string {
  const depth = options.depth ?? -1;
  if (depth === 0) return '...';
  const ctx = { encoding: options.encoding ?? 'unicode', localNode: options.localNode, strings: options.strings ?? true, records: options.records };
  if (isAtomic(term)) return writeAtomic(term, ctx);
  const col = Math.max(1, options.column ?? 1);
  const ll = options.lineLength ?? 80;
  const piece = measure(term, depth, ctx);
  const m = (options.lineMaxChars ?? -1) < 0 ? piece.len : options.lineMaxChars!;
  if (ll === 0 || (piece.len < ll - col && piece.len <= m)) return writePiece(piece);
  const layout = new Layout(ll, m);
  layout.chooseTagIndent(piece, col);
  return layout.pp(piece, col, col - 1, 0, 0);
}
