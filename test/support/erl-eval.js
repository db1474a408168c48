// Differential helpers for the Erlang evaluator (src/erlang/): erl parses an expression sequence
// into the abstract format and evaluates it with erl_eval; noderl evaluates the same forms with
// evalExprs in a process of its own node. Both outcomes have one shape:
// {value, V} or {raised, Class, Reason}, so a test compares them with equals (=:=).
//
//   const { forms, expected } = await erlEvalCase(erl, 'X = 1, X + 1.');
//   const actual = await evalHere(node, registry, forms);

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useErl } from './erl.js';
import { decode } from '../../dist/term/decode.js';
import { equals } from '../../dist/term/compare.js';
import { format } from '../../dist/term/format.js';
import { atom, tuple } from '../../dist/term/types.js';
import { ErlangError, ProcessExit } from '../../dist/process/exceptions.js';
import { ModuleRegistry, arities } from '../../dist/modules/registry.js';
import { erlangModule } from '../../dist/modules/erlang.js';
import { erlangTermBifs } from '../../dist/modules/erlang-terms.js';
import { operatorsModule } from '../../dist/modules/operators.js';
import { closureRunner, evalExprs } from '../../dist/erlang/eval.js';

/** `src` as an Erlang string literal. */
export function erlString(src) {
  return `"${src.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Asks erl for the parsed forms of `src` (a sequence ending in '.') and what erl_eval makes of
 * them: `{ forms, expected }` with expected `{value, V}` or `{raised, Class, Reason}`.
 */
export async function erlEvalCase(erl, src) {
  const expr =
    `begin {ok, T__, _} = erl_scan:string(${erlString(src)}), {ok, E__} = erl_parse:parse_exprs(T__), ` +
    `R__ = try {value, V__, _} = erl_eval:exprs(E__, []), {value, V__} catch C__:X__ -> {raised, C__, X__} end, {E__, R__} end`;
  const [forms, expected] = decode(await erl.evalTerm(expr));
  return { forms, expected };
}

/** The outcome of a JS exception as Erlang classifies it: `{raised, Class, Reason}`. */
export function raised(err) {
  if (err instanceof ErlangError) return tuple(atom('raised'), atom('error'), err.error);
  if (err instanceof ProcessExit) return tuple(atom('raised'), atom('exit'), err.reason);
  if (err instanceof Error) throw err; // a bug in the evaluator: let the test show it
  return tuple(atom('raised'), atom('throw'), err);
}

/**
 * A module registry for tests: `erlang` (the node functions, the term BIFs and the operators)
 * plus `extra` modules, with the evaluator's closure runner installed.
 */
export function testRegistry(node, extra = {}) {
  const registry = new ModuleRegistry();
  const host = { nodeAtom: () => atom(node.name ?? 'nonode@nohost'), nodes: () => [], cookie: () => 'nocookie', apply: registry.apply, applyFun: registry.applyFun };
  registry.register('erlang', { ...erlangTermBifs, ...operatorsModule, ...erlangModule(host) });
  registry.register('lists', testLists(registry.applyFun));
  for (const [name, mod] of Object.entries(extra)) registry.register(name, mod);
  registry.runClosures(closureRunner(registry));
  return registry;
}

/** The few `lists` functions the tests call (STDLIB's lists.ts serves the real ones). */
function testLists(applyFun) {
  return {
    map: async (self, f, l) => {
      const out = [];
      for (const x of l) out.push(await applyFun(self, f, [x]));
      return out;
    },
    foldl: async (self, f, acc, l) => {
      for (const x of l) acc = await applyFun(self, f, [x, acc]);
      return acc;
    },
    seq: (_self, a, b) => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i),
    reverse: (_self, l) => [...l].reverse(),
    sum: (_self, l) => l.reduce((a, b) => a + b, 0),
    nth: arities([2], (_self, n, l) => l[n - 1]),
  };
}

/** Evaluates `forms` in a new process of `node`: `{value, V}` or `{raised, Class, Reason}`. */
export function evalHere(node, registry, forms, bindings = new Map()) {
  return new Promise((resolve, reject) => {
    node.spawn(async (self) => {
      try {
        const { value } = await evalExprs(self, forms, bindings, registry);
        resolve(tuple(atom('value'), value));
      } catch (err) {
        try {
          resolve(raised(err));
        } catch (bug) {
          reject(bug);
        }
      }
    });
  });
}

/**
 * Evaluates `forms` in a new process of `node` like {@link evalHere}, but keeps the stack of an
 * exception: `{ value }` or `{ cls, reason, stack }` (stack [] for throw and exit, which carry
 * none in noderl).
 */
export function evalWithStack(node, registry, forms, bindings = new Map()) {
  return new Promise((resolve, reject) => {
    node.spawn(async (self) => {
      try {
        const { value } = await evalExprs(self, forms, bindings, registry);
        resolve({ value });
      } catch (err) {
        if (err instanceof ErlangError) resolve({ cls: 'error', reason: err.error, stack: err.stacktrace });
        else if (err instanceof ProcessExit) resolve({ cls: 'exit', reason: err.reason, stack: [] });
        else if (err instanceof Error) reject(err);
        else resolve({ cls: 'throw', reason: err, stack: [] });
      }
    });
  });
}

/**
 * The evaluator's differential tests in one call: a real erl (erl_eval) and a node with a
 * test registry, started and stopped with the test file. `differential(sources)` evaluates each
 * source on both and fails with every difference at once.
 */
export function useEvalDifferential(extra = {}) {
  const oracle = useErl();
  const state = { skip: oracle.skip, oracle, node: undefined, registry: undefined };
  before(async () => {
    if (oracle.skip) return;
    const { Node } = await import('../../dist/node/node.js');
    state.node = await Node.start({ log: () => {} });
    state.registry = testRegistry(state.node, extra);
  });
  after(async () => state.node?.stop());
  state.differential = async (sources) => {
    const diffs = [];
    for (const src of sources) {
      const { forms, expected } = await erlEvalCase(oracle.erl, src);
      const actual = await evalHere(state.node, state.registry, forms);
      if (!equals(actual, expected)) diffs.push(`${src}\n   erl:    ${format(expected)}\n   noderl: ${format(actual)}`);
    }
    assert.deepEqual(diffs, []);
  };
  return state;
}
