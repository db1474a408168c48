/**
 * The process dictionary (`put/2`, `get/0,1`, `get_keys/0,1`, `erase/0,1`): a process's own
 * key-value store, kept by the process table beside the process and dropped when it ends, as
 * ERTS keeps it in the process structure (erl_process_dict.c). Keys compare with `=:=`.
 */
import { Atom, tuple, type Term } from '../term/types.js';
import { encode } from '../term/encode.js';
import { equals } from '../term/compare.js';

/** One process's dictionary. */
export class ProcessDictionary {
  private readonly entries = new Map<string, [Term, Term]>();

  /** `put(Key, Value)`: the old value, or undefined when the key was not there. */
  put(key: Term, value: Term): Term | undefined {
    const k = keyOf(key);
    const old = this.entries.get(k);
    this.entries.set(k, [key, value]);
    return old?.[1];
  }

  get(key: Term): Term | undefined {
    return this.entries.get(keyOf(key))?.[1];
  }

  /** `erase(Key)`: the old value, or undefined. */
  erase(key: Term): Term | undefined {
    const k = keyOf(key);
    const old = this.entries.get(k);
    this.entries.delete(k);
    return old?.[1];
  }

  /** `get()`: every `{Key, Value}`. */
  all(): Term[] {
    return [...this.entries.values()].map(([k, v]) => tuple(k, v));
  }

  /** `erase()`: every `{Key, Value}`, and the dictionary is empty. */
  clear(): Term[] {
    const all = this.all();
    this.entries.clear();
    return all;
  }

  /** `get_keys()`, or `get_keys(Value)`: the keys whose value is `=:=` to it. */
  keys(value?: Term): Term[] {
    const out: Term[] = [];
    for (const [k, v] of this.entries.values()) if (value === undefined || equals(v, value)) out.push(k);
    return out;
  }
}

/** A key as a map key: atoms and small integers by their text (the common keys), else their external format (`=:=` terms encode alike). */
function keyOf(key: Term): string {
  if (key instanceof Atom) return `a${key.name}`;
  if (typeof key === 'number' && Number.isSafeInteger(key)) return `i${key}`;
  return `e${encode(key).toString('latin1')}`;
}
