/**
 * What a fun needs to travel to a BEAM node as an `erl_eval` fun, learned from the ones that come
 * from there: erl_eval.beam's Uniq and OldUniq, and the Index of erl_eval's wrapper fun for each
 * arity (`fun () -> eval_fun([], Info) end`, `fun (A) -> eval_fun([A], Info) end`, ... up to 20,
 * and the same for named funs). A BEAM node calls a fun carrying these as its own erl_eval fun.
 *
 * Measured on OTP 25 (docs/otp-facts.md): the wrappers' Index is `43 - Arity` for anonymous funs
 * and `20 - Arity` for named ones, one Uniq for all. An arity not seen yet takes the Index of a
 * seen one of the same kind shifted by the difference in arity; a kind never seen has no layout,
 * and the fun is written with a zero Uniq: it travels, and a BEAM node calling it gets `badfun`.
 */
import type { ErlFun } from '../term/types.js';

/** The code identity of one erl_eval wrapper fun. */
export interface WrapperLayout {
  uniq: Buffer;
  oldUniq: number;
  index: number;
  oldIndex: number;
}

/** Learned layouts by kind and arity (`anonymous/1`, `named/0`), for every node of this process: one OTP build is the usual cluster. */
const learned = new Map<string, WrapperLayout & { arity: number }>();
const MAX_ARITY = 20;

/** Remembers the layout of an erl_eval fun that arrived (called when one is adopted). */
export function learnLayout(fun: ErlFun, named: boolean): void {
  if (fun.arity > MAX_ARITY) return;
  learned.set(`${named ? 'named' : 'anonymous'}/${fun.arity}`, { uniq: fun.uniq, oldUniq: fun.oldUniq, index: fun.index, oldIndex: fun.oldIndex, arity: fun.arity });
}

/** The layout for a fun of `arity` (exact, or shifted from a seen one of the same kind), or undefined. */
export function layoutFor(arity: number, named: boolean): WrapperLayout | undefined {
  const kind = named ? 'named' : 'anonymous';
  const exact = learned.get(`${kind}/${arity}`);
  if (exact) return exact;
  if (arity > MAX_ARITY) return undefined;
  for (const seen of learned.values()) {
    if (!learned.get(`${kind}/${seen.arity}`) || learned.get(`${kind}/${seen.arity}`) !== seen) continue;
    const shift = seen.arity - arity; // the wrappers are numbered downwards as the arity grows
    return { uniq: seen.uniq, oldUniq: seen.oldUniq, index: seen.index + shift, oldIndex: seen.oldIndex + shift };
  }
  return undefined;
}
