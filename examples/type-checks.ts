/**
 * What the public types refuse, checked by `tsc -p examples` (each `@ts-expect-error` fails the
 * build if its line ever typechecks). Never run.
 */
import { atom, decode, isList, isTuple, tuple, type Atom, type Process, type Term, type Tuple } from 'noderl';

export function refused(self: Process, bytes: Buffer): void {
  // @ts-expect-error a number is no destination (a pid, a ref, a name or tuple(Name, Node))
  self.send(42, atom('m'));

  // A tuple keeps its arity and element types.
  const ok: Tuple<[Atom, number]> = tuple(atom('ok'), 1);
  // @ts-expect-error element 1 is a number
  const name: string = ok[1];

  // decode yields the closed Term union: a string is what encode accepts, never what decode gives.
  const t: Term = decode(bytes);
  // @ts-expect-error no JS string in a decoded term
  if (typeof t === 'string') t.toUpperCase();

  // Tuples and lists told apart without Array.isArray.
  if (isTuple(t)) console.log(t.length, t.toArray());
  else if (isList(t)) console.log(t.length);
  void name;
}

export async function narrowed(self: Process): Promise<Term> {
  // No match and no timeout: a Term, never TIMEOUT.
  const m: Term = await self.receive();
  return m;
}
