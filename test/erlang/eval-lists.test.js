// Recursion over lists in evaluated funs (src/erlang/list-view.ts): `[H | T]` in a fun's head
// takes a view of the tail and `[H | Acc]` passed on or returned builds on a view, so these stay
// linear; every way a view could leave the evaluator (a BIF, a tuple, a message, a guard, an
// error, a closure, the shell's value) must see the plain list erl_eval gives. Differential
// against OTP 25's erl_eval, and a timing guard on 200,000-element lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalHere, useEvalDifferential } from '../support/erl-eval.js';
import { equals } from '../../dist/term/compare.js';
import { format } from '../../dist/term/format.js';
import { atom } from '../../dist/term/types.js';
import { parseExprs } from '../../dist/erlang/parse.js';
import { scanString } from '../../dist/erlang/scan.js';

const ev = useEvalDifferential();
const { differential } = ev;

const SUM = 'S = fun Sum([], A) -> A; Sum([H | T], A) -> Sum(T, A + H) end';
const REV = 'R = fun Rev([], A) -> A; Rev([H | T], A) -> Rev(T, [H | A]) end';
const MAP = 'M = fun Map([]) -> []; Map([H | T]) -> [H * 2 | Map(T)] end';
const TAIL = 'Tl = fun([_ | T]) -> T end';

test('list recursion in funs gives erl_eval\'s values', { skip: ev.skip }, () =>
  differential([
    `${SUM}, S(lists:seq(1, 1000), 0).`, `${REV}, R(lists:seq(1, 1000), []).`, `${MAP}, M(lists:seq(1, 1000)).`,
    `${REV}, R([1, 2 | 3], []).`, `${REV}, R("abc", [x | y]).`, `${MAP}, M([1, 2 | 3]).`,
    'Len = fun L([]) -> 0; L([_ | T]) -> 1 + L(T) end, Len(lists:seq(1, 500)).',
    'Pairs = fun P([A, B | T]) -> [{A, B} | P(T)]; P(T) -> T end, Pairs([1, 2, 3, 4, 5]).',
    'Last = fun L([X]) -> X; L([_ | T]) -> L(T) end, Last("hello").',
    'D = fun Dup([H | T], [H | T]) -> same; Dup(_, _) -> diff end, {D([1, 2], [1, 2]), D([1, 2], [1, 3])}.',
    'F = fun G([_ | T]) when length(T) > 2, is_list(T) -> G(T); G(T) -> T end, F([1, 2, 3, 4, 5]).',
    'F = fun G([_ | T]) -> case T of [] -> done; [_ | _] -> G(T) end end, F([1, 2, 3]).',
    'F = fun(["ab" ++ R]) -> R end, F(["abc"]).', 'F = fun G([1, 2]) -> two; G([_ | T]) -> G(T) end, F([0, 1, 2]).',
    'F = fun G([], Acc) -> Acc; G([H | T], Acc) -> G(T, [H, H | Acc]) end, F([a, b], [z]).',
  ]));

test('a view leaves the evaluator as the plain list', { skip: ev.skip }, () =>
  differential([
    `${TAIL}, T = Tl([1, 2, 3]), {T, length(T), lists:reverse(T), T =:= [2, 3], T ++ [4]}.`,
    `${TAIL}, {Tl([1, 2, 3])}.`, `${TAIL}, #{k => Tl("xyz")}.`, `${TAIL}, list_to_binary(Tl("xyz")).`,
    `${TAIL}, self() ! Tl([a, b, c]), receive M -> M end.`, `${TAIL}, [X || X <- Tl([1, 2, 3])].`,
    `${TAIL}, lists:map(fun(X) -> X + 1 end, Tl([1, 2, 3])).`, `${TAIL}, (fun(L) -> L end)(Tl([1, 2])).`,
    'F = fun([_ | T]) -> fun() -> T end end, G = F([1, 2, 3]), {G(), lists:map(fun(_) -> G() end, [1])}.',
    'F = fun([_ | T]) -> lists:reverse(T) end, F([1, 2, 3]).', 'F = fun([_ | T]) -> [0 | T] end, F([1, 2, 3]).',
    'F = fun G([_ | T]) -> G(T, x) end, try F([1, 2]) catch error:{badarity, {_, A}} -> A end.',
    'F = fun G([_ | T]) -> G(T); G(x) -> x end, try F([1, 2]) catch error:function_clause:S -> hd(S) end.',
    'F = fun([_ | T]) -> T = [2, 3] end, F([1, 2, 3]).', 'F = fun([_ | T]) -> {ok, T} = {ok, [2]} end, try F([1, 2, 3]) catch error:R -> R end.',
    'F = fun([_ | T]) -> throw(T) end, catch F([1, 2, 3]).', 'F = fun([_ | T]) -> exit(T) end, catch F([1, 2, 3]).',
    'F = fun([_ | T]) -> T end, [_ | T] = F([1, 2, 3]), T.', 'F = fun([_ | T]) -> [9 | T] end, F([1 | 2]).',
  ]));

/** Evaluates `src` here (no erl needed) and returns its value. */
async function here(src) {
  const r = await evalHere(ev.node, ev.registry, parseExprs(scanString(src)[1]));
  assert.equal(r[0], atom('value'), format(r));
  return r[1];
}

test('200,000-element recursions stay linear (quadratic copying would take minutes)', { timeout: 20000 }, async () => {
  const n = 200000;
  assert.equal(await here(`${SUM}, S(lists:seq(1, ${n}), 0).`), (n * (n + 1)) / 2);
  assert.equal(await here(`${REV}, hd(R(lists:seq(1, ${n}), [])).`), n);
  assert.equal(await here(`${MAP}, lists:sum(M(lists:seq(1, ${n}))).`), n * (n + 1));
  assert.ok(equals(await here(`${REV}, R(lists:seq(1, 5), []).`), [5, 4, 3, 2, 1]));
});
