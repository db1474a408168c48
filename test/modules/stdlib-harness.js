// The differential harness of the stdlib tests: the same calls `{M, F, Args}` run through a
// ModuleRegistry with the stdlib modules (in a process of a non-distributed Node) and through
// `apply/3` in a real erl, each wrapped as {ok, V} / {Class, Reason, {M, F, Args}} (the stack's
// first entry without its location), then compared with `=:=`. Inputs travel to erl as
// base64 External Term Format, so no term needs printing as Erlang source.
import { before, after } from 'node:test';
import { useErl } from '../support/erl.js';
import { Node, ErlFloat, ErlangError, ProcessExit, atom, tuple, compare, decode, encode, equals, format, ExportFun } from '../../dist/index.js';
import { ModuleRegistry } from '../../dist/modules/registry.js';
import { listsModule } from '../../dist/modules/lists.js';
import { mapsModule } from '../../dist/modules/maps.js';
import { proplistsModule } from '../../dist/modules/proplists.js';
import { mathModule } from '../../dist/modules/math.js';
import { stringModule } from '../../dist/modules/string.js';
import { add } from '../../dist/modules/numbers.js';

const OK = atom('ok');
const NONE = atom('none');

/** `fun erlang:Name/Arity`. */
export const efun = (name, arity) => new ExportFun(atom('erlang'), atom(name), arity);

const badarg = (name, args) => new ErlangError(atom('badarg'), [tuple(atom('erlang'), atom(name), args, [])]);
const isInt = (x) => typeof x === 'bigint' || (typeof x === 'number' && Number.isInteger(x));

/** The few `erlang` BIFs the tests pass as funs, exact for the inputs the tests give them. */
const erlangForTests = {
  abs: (_s, x) => {
    if (typeof x === 'number') return Math.abs(x);
    if (typeof x === 'bigint') return x < 0n ? -x : x;
    if (x instanceof ErlFloat) return new ErlFloat(Math.abs(x.value));
    throw badarg('abs', [x]);
  },
  is_integer: (_s, x) => isInt(x),
  is_atom: (_s, x) => typeof x === 'boolean' || x?.constructor?.name === 'Atom',
  '+': (_s, a, b) => {
    const s = add(a, b);
    if (s === undefined) throw new ErlangError(atom('badarith'), [tuple(atom('erlang'), atom('+'), [a, b], [])]);
    return s;
  },
  '=<': (_s, a, b) => compare(a, b) <= 0,
  max: (_s, a, b) => (compare(a, b) < 0 ? b : a),
  list_to_tuple: (_s, l) => tuple(...l),
  tuple_to_list: (_s, t) => [...t],
};

/**
 * `stdlib_funs`: a few funs of arity 2 and 3 for the maps tests, as an Erlang module (loaded into
 * erl by {@link loadTestFuns}) and the same functions in JS (registered in the harness).
 */
const TEST_FUNS_ERL = `-module(stdlib_funs).
-export([cons3/3, tag3/3, le/2, swap/2, keep/2]).
cons3(K, V, Acc) -> [{K, V} | Acc].
tag3(K, A, B) -> {K, A, B}.
le(K, V) -> K =< V.
swap(K, V) -> {V, K}.
keep(_, V) when is_integer(V), V > 0 -> {true, -V};
keep(_, V) -> is_atom(V).`;
const testFuns = {
  cons3: (_s, k, v, acc) => [tuple(k, v), ...acc],
  tag3: (_s, k, x, y) => tuple(k, x, y),
  le: (_s, k, v) => compare(k, v) <= 0,
  swap: (_s, k, v) => tuple(v, k),
  keep: (_s, _k, v) => (isInt(v) && v > 0 ? tuple(true, -v) : typeof v === 'boolean' || v?.constructor?.name === 'Atom'),
};

/** Compiles and loads `stdlib_funs` into the test's erl. */
export async function loadTestFuns(erl) {
  const src = JSON.stringify(TEST_FUNS_ERL);
  await erl.evalTerm(`begin {ok, Ts, _} = erl_scan:string(${src}), Fs = [begin {ok, F} = erl_parse:parse_form(T), F end || T <- split_forms(Ts)], ok end`.replace(
    'split_forms(Ts)',
    "(fun S([], Acc, Out) -> lists:reverse(Out); S([{dot, _} = D | R], Acc, Out) -> S(R, [], [lists:reverse([D | Acc]) | Out]); S([T | R], Acc, Out) -> S(R, [T | Acc], Out) end)(Ts, [], [])",
  ).replace(', ok end', ', {ok, M, B} = compile:forms(Fs), {module, M} = code:load_binary(M, "stdlib_funs.erl", B), ok end'));
}

/** `fun stdlib_funs:Name/Arity`. */
export const tfun = (name, arity) => new ExportFun(atom('stdlib_funs'), atom(name), arity);

/** A node and a registry serving the stdlib modules; `stop()` when done. */
export async function startHarness(register) {
  const node = await Node.start({ log: () => {}, output: () => {} });
  const registry = new ModuleRegistry();
  registry.register('erlang', erlangForTests);
  registry.register('stdlib_funs', testFuns);
  registry.register('lists', listsModule(registry.applyFun));
  registry.register('maps', mapsModule(registry.applyFun));
  registry.register('proplists', proplistsModule);
  registry.register('math', mathModule);
  registry.register('string', stringModule);
  register?.(registry);
  return {
    /** Runs every call in one process of the node, wrapped as erl's side wraps them. */
    local: (calls) =>
      new Promise((resolve) => {
        node.spawn(async (self) => {
          const out = [];
          for (const [m, f, args] of calls) out.push(await wrap(() => registry.apply(self, atom(m), atom(f), args)));
          resolve(out);
        });
      }),
    stop: () => node.stop(),
  };
}

async function wrap(fn) {
  try {
    return tuple(OK, await fn());
  } catch (e) {
    if (e instanceof ErlangError) {
      const top = e.stacktrace[0];
      return tuple(atom('error'), e.error, top ? tuple(top[0], top[1], top[2]) : NONE);
    }
    if (e instanceof ProcessExit) return tuple(atom('exit'), e.reason, NONE);
    if (e instanceof Error) throw e; // a JS bug, not an Erlang error: let the test show it
    return tuple(atom('throw'), e, NONE);
  }
}

/** The erl expression applying each call, wrapped as {ok, V} or {Class, Reason, {M, F, Args}}. */
function erlSource(calls) {
  const input = encode(calls.map(([m, f, args]) => tuple(atom(m), atom(f), args))).toString('base64');
  return `(fun() -> R = fun(M, F, A) -> try {ok, apply(M, F, A)} catch C:E:S -> {C, E, case S of [{M1, F1, A1, _} | _] -> {M1, F1, A1}; _ -> none end} end end,
    [R(M, F, A) || {M, F, A} <- binary_to_term(base64:decode("${input}"))] end)()`;
}

/**
 * Runs `calls` ([module, function, args, options?]) on both sides and returns the differences as
 * text (empty when they agree). Errors agree when class and reason are equal; for
 * `function_clause` the stack's first {M, F, Args} must be equal too, unless the call's options
 * say `{ stack: false }` (OTP's internal helpers that noderl does not mirror). `{ ulps: n }`
 * accepts a float result within n units in the last place (libm against V8's Math).
 */
export async function differences(erl, harness, calls) {
  const mine = await harness.local(calls);
  const theirs = decode(await erl.evalTerm(erlSource(calls)));
  const diffs = [];
  calls.forEach(([m, f, args, opts], i) => {
    if (!agree(mine[i], theirs[i], opts?.stack !== false, opts?.ulps ?? 0)) {
      diffs.push(`${m}:${f}(${args.map((a) => format(a)).join(', ')})\n  noderl: ${format(mine[i])}\n  erl:    ${format(theirs[i])}`);
    }
  });
  return diffs;
}

function agree(a, b, stack, ulps) {
  if (a[0] !== b[0]) return false;
  if (a[0] === OK) return equals(a[1], b[1]) || (ulps > 0 && ulpDistance(a[1], b[1]) <= ulps);
  if (!equals(a[1], b[1])) return false;
  return !(stack && a[1] === atom('function_clause')) || equals(a[2], b[2]);
}

/** How many doubles lie between two float terms (Infinity when either is not a float). */
function ulpDistance(a, b) {
  const x = a instanceof ErlFloat ? a.value : a;
  const y = b instanceof ErlFloat ? b.value : b;
  if (typeof x !== 'number' || typeof y !== 'number' || Math.sign(x) !== Math.sign(y)) return Infinity;
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, Math.abs(x));
  view.setFloat64(8, Math.abs(y));
  const d = view.getBigInt64(0) - view.getBigInt64(8);
  return Number(d < 0n ? -d : d);
}

/**
 * The setup every stdlib test file shares: one erl, one harness, the fast-check seed
 * (FC_SEED=<seed> reproduces a run), and `diff(calls)`, the differences between them.
 * `register(registry)` adds the modules a test file needs beyond the ones above.
 */
export function useStdlib(register) {
  const oracle = useErl();
  const ctx = {
    skip: oracle.skip,
    seed: process.env.FC_SEED === undefined ? Date.now() % 1e9 : Number(process.env.FC_SEED),
    erl: () => oracle.erl,
    diff: (calls) => differences(oracle.erl, harness, calls),
  };
  let harness;
  before(async () => (harness = await startHarness(register)));
  after(() => harness?.stop());
  return ctx;
}
