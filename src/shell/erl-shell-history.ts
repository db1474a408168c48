/**
 * The shell's numbered history, as shell.erl keeps it: each command's forms and value by number,
 * the last `history(N)` commands and `results(N)` values (20 each by default), `e(N)` expanded
 * into the command it names before evaluation and `v(N)` answered from the kept values; a negative
 * N counts back from the current command.
 */
import { Atom, atom, isList, isTuple, tuple, type Term } from '../term/types.js';

const DEFAULT_KEPT = 20;

interface Entry {
  forms: Term;
  value?: Term;
}

export class History {
  private readonly entries = new Map<number, Entry>();
  private historyLength = DEFAULT_KEPT;
  private resultsLength = DEFAULT_KEPT;

  /** Records command `n` and its value (a value is kept for the last `results` commands only). */
  add(n: number, forms: Term, value: Term): void {
    this.entries.set(n, { forms, value });
    for (const k of [...this.entries.keys()]) {
      if (k <= n - this.historyLength) this.entries.delete(k);
      else if (k <= n - this.resultsLength) delete this.entries.get(k)!.value;
    }
  }

  /** `history(N)`: how many commands to keep; the old number. */
  setHistory(length: number): number {
    const old = this.historyLength;
    this.historyLength = length;
    return old;
  }

  /** `results(N)`: how many values to keep (at most the history's); the old number. */
  setResults(length: number): number {
    const old = this.resultsLength;
    this.resultsLength = Math.min(length, this.historyLength);
    return old;
  }

  /** The number command `ref` names from command `current` (negative: counted back). */
  resolve(ref: number, current: number): number {
    return ref < 0 ? current + ref : ref;
  }

  /** `v(N)`: the value of command N, or undefined when it is not kept. */
  value(n: number): Term | undefined {
    return this.entries.get(n)?.value;
  }

  /**
   * The forms of command `current` with `e(N)` replaced by command N's forms (a block when it had
   * several) and `v(N)` by `v(AbsoluteN)`; the shell's error text when a command is not kept.
   */
  expand(forms: Term, current: number): Term | string {
    try {
      return this.walk(forms, current);
    } catch (err) {
      if (err instanceof NotKept) return `${err.n}: command not found`;
      throw err;
    }
  }

  private walk(f: Term, current: number): Term {
    if (isList(f)) return f.map((x) => this.walk(x, current));
    if (!isTuple(f)) return f;
    const call = historyCall(f);
    if (call) {
      const n = this.resolve(call.n, current);
      const entry = this.entries.get(n);
      if (call.name === 'e') {
        if (!entry) throw new NotKept(call.n);
        const es = entry.forms as Term[];
        return es.length === 1 ? es[0]! : tuple(atom('block'), f[1]!, es);
      }
      if (!entry || !('value' in entry)) throw new NotKept(call.n);
      return tuple(f[0]!, f[1]!, f[2]!, [tuple(atom('integer'), f[1]!, n)]);
    }
    const out = f.slice() as Term[];
    for (let i = 2; i < out.length; i++) out[i] = this.walk(out[i]!, current);
    return tuple(...out);
  }
}

class NotKept {
  constructor(readonly n: number) {}
}

/** `e(N)` or `v(N)` with a literal integer N (a possibly negated one): what shell.erl expands. */
function historyCall(f: Term[]): { name: 'e' | 'v'; n: number } | undefined {
  if (f[0] !== atom('call') || !isTuple(f[2]) || f[2][0] !== atom('atom')) return undefined;
  const name = (f[2][2] as Atom).name;
  const args = f[3];
  if ((name !== 'e' && name !== 'v') || !isList(args) || args.length !== 1) return undefined;
  const n = literalInteger(args[0]!);
  return n === undefined ? undefined : { name, n };
}

function literalInteger(f: Term): number | undefined {
  if (isTuple(f) && f[0] === atom('integer') && typeof f[2] === 'number') return f[2];
  if (isTuple(f) && f[0] === atom('op') && f[2] === atom('-') && f.length === 4) {
    const n = literalInteger(f[3]!);
    return n === undefined ? undefined : -n;
  }
  return undefined;
}
