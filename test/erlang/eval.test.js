// The evaluator of Erlang's abstract format (src/erlang/) against OTP 25's erl_eval: each source
// is parsed by erl, evaluated by erl_eval and by noderl's evalExprs, and the outcomes ({value, V}
// or {raised, Class, Reason}) must be =:=.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalHere, useEvalDifferential } from '../support/erl-eval.js';
import { equals } from '../../dist/term/compare.js';
import { format } from '../../dist/term/format.js';

const ev = useEvalDifferential();
const { differential } = ev;

const skip = ev.skip;

test('literals, variables, match, tuples, lists, strings', { skip }, () =>
  differential([
    '1.', '-7.', '123456789012345678901234567890.', '-99999999999999999999.', '2.5.', '1.0.', '-0.5.', 'ok.', "'hello world'.",
    '$a.', '"abc".', '"".', '[].', '{}.', '{a, 1, "x", [b]}.', '[1, 2 | [3]].', '[1 | 2].', '[a, b | c].',
    'X = 1, Y = X + 1, {X, Y}.', '{A, B} = {1, 2}, B - A.', '[H | T] = [1, 2, 3], {H, T}.', '[A, B | _] = "xyz", [B, A].',
    'X = {a, b}, X = {a, b}.', 'X = 1, X = 2.', '{A, A} = {1, 2}.', '{A, A} = {1, 1}, A.', '"ab" ++ R = "abcd", R.',
    'A = B = 3, A + B.', '[_, _] = [1].', '{1, 1.0} = {1, 1.0}.', '1 = 1.0.',
  ]));

test('operators: arithmetic, comparison, boolean, list', { skip }, () =>
  differential([
    '1 + 2 * 3.', '7 div 2.', '-7 div 2.', '7 rem -2.', '7 / 2.', '4 / 2.', '1 + 1.5.', '2 * 0.5.', '1 bsl 70.', '-1 bsr 1.',
    '5 band 3.', '5 bor 3.', '5 bxor 3.', 'bnot 5.', '- 3.', '-(2.0).', '1 == 1.0.', '1 =:= 1.0.', '1 /= 1.0.', '1 =/= 1.0.',
    '1 < a.', 'a < {}.', '{} < [].', '[] < <<>>.', '2 >= 2.0.', '1.0 =< 1.', 'not true.', 'true and false.', 'true or false.',
    'true xor true.', '[1, 2] ++ [3].', '[1, 2, 3, 2] -- [2].', '"abc" -- "b".',
    '1 + a.', '1 div 0.', '1 / 0.', '1.5 rem 1.', 'not 1.', 'true and 1.', 'bnot 1.5.', 'a ++ [].',
    'true andalso false.', 'false andalso ok.', 'true orelse x.', 'false orelse 1.', '1 andalso true.', 'ok orelse true.',
    '(1 > 0) andalso (2 > 1).', '100000000000 * 100000000000.', '9007199254740991 + 2.', '9007199254740993 - 2.',
  ]));

test('maps: build, update, match, errors', { skip }, () =>
  differential([
    '#{}.', '#{a => 1, b => 2}.', '#{a => 1, a => 2}.', 'M = #{a => 1}, M#{a := 2, b => 3}.', 'M = #{1 => x}, M#{1.0 => y}.',
    'M = #{a => 1}, M#{b := 2}.', 'X = 1, X#{a => 1}.', '#{a := V} = #{a => 1, b => 2}, V.', '#{c := _} = #{a => 1}.',
    'K = k, #{K := V} = #{k => 9}, V.', 'M = #{[1] => {x}}, #{[1] := T} = M, T.', 'map_size(#{a => 1}).',
  ]));

test('case, if, blocks, guards', { skip }, () =>
  differential([
    'case 2 of 1 -> one; 2 -> two end.', 'case {a, 1} of {a, N} when N > 0 -> N; _ -> no end.', 'case 3 of 1 -> a end.',
    'case [1, 2] of [X | _] when is_integer(X), X > 0; X =:= a -> X end.', 'X = 3, case 3 of X -> same end.',
    'case 1 of Y -> ok end, Y.', 'if 1 > 2 -> a; true -> b end.', 'if false -> a end.', 'if 1 / 0 > 1 -> a; true -> guard_error_is_false end.',
    'begin X = 1, X + 1 end.', 'case x of A when is_atom(A), A =/= y -> A end.',
    'case {1, 2} of T when tuple_size(T) =:= 2, element(1, T) == 1 -> yes end.', 'case 5 of N when N rem 2 =:= 1 -> odd end.',
    'case self() of P when is_pid(P) -> pid end.', 'case [] of L when length(L) == 0, is_list(L) -> empty end.',
    'case 1 of X when X; X > 0 -> ok end.',
  ]));

test('funs: anonymous, named, closures, calls, errors', { skip }, () =>
  differential([
    'F = fun(X) -> X * 2 end, F(21).', 'Y = 10, F = fun(X) -> X + Y end, F(1).', 'F = fun(1) -> one; (_) -> other end, {F(1), F(2)}.',
    'F = fun(X) when X > 0 -> pos; (X) when X < 0 -> neg end, F(0).', 'F = fun() -> ok end, try F(1) catch error:{badarity, {G, A}} -> {G =:= F, A} end.', '(fun(A, B) -> A - B end)(5, 3).',
    'Fact = fun F(0) -> 1; F(N) -> N * F(N - 1) end, Fact(20).', 'L = fun Len([]) -> 0; Len([_ | T]) -> 1 + Len(T) end, L("hello").',
    'X = 1, F = fun(X) -> X end, F(2).', 'X = 5, F = fun(Y) -> {X, Y} end, F(X).', 'F = fun(A, A) -> same; (_, _) -> diff end, {F(1, 1), F(1, 2)}.',
    'lists:map(fun(X) -> X * X end, [1, 2, 3]).', 'lists:foldl(fun(X, Acc) -> X + Acc end, 0, [1, 2, 3]).',
    'F = fun lists:reverse/1, F([1, 2]).', 'F = fun erlang:length/1, F([a]).', 'M = lists, M:reverse([1, 2]).', 'F = reverse, lists:F([3, 4]).',
    'foo(1).', 'F = fun foo/1.', '(1)(2).', 'lists:nosuch(1).', 'length(a).', 'apply(fun(X) -> X end, [7]).',
    'G = fun(F) -> F(3) end, G(fun(X) -> X + 1 end).', 'Add = fun(N) -> fun(M) -> N + M end end, (Add(2))(3).',
    'F = fun(X) -> X end, is_function(F), is_function(F, 1).', 'Loop = fun L(0, Acc) -> Acc; L(N, Acc) -> L(N - 1, Acc + N) end, Loop(10000, 0).',
    'Deep = fun D(0) -> 0; D(N) -> 1 + D(N - 1) end, Deep(100000).', 'self() ! fun(X) -> X * 3 end, receive G -> G(2) end.',
  ]));

test('try, catch, throw, exit, error', { skip }, () =>
  differential([
    'try 1 + 1 of 2 -> two catch _:_ -> err end.', 'try 1 of 2 -> x catch _:_ -> y end.', 'try throw(t) catch T -> {caught, T} end.',
    'try error(e) catch error:E -> E end.', 'try exit(x) catch exit:X -> {exit, X} end.', 'try 1 / 0 catch error:badarith -> arith end.',
    'try error(e) catch throw:E -> E end.', 'try throw(a) after ok end.', 'catch throw(x).', "case catch 1 + a of {'EXIT', {R, S}} -> {R, is_list(S)} end.", 'catch exit(bye).',
    'catch 1.', "try error({my, reason}) catch C:R:S -> {C, R, is_list(S)} end.", 'try ok after self() ! done end, receive M -> M end.',
    'try try throw(inner) after self() ! k end catch throw:X -> receive k -> X end end.', 'X = try 5 catch _ -> 0 end, X * 2.',
    'try a of A -> A catch _ -> b end.', 'try [X || X <- a] catch error:R -> R end.',
    'try erlang:error(badarg) catch error:badarg -> ok end.',
  ]));

test('list and binary comprehensions', { skip }, () =>
  differential([
    '[X * 2 || X <- [1, 2, 3]].', '[X || X <- [1, 2, 3, 4], X rem 2 =:= 0].', '[{X, Y} || X <- [1, 2], Y <- [a, b]].',
    '[X || {ok, X} <- [{ok, 1}, error, {ok, 2}]].', '[X || X <- [1, a, 2], is_integer(X)].', '[X || X <- a].', '[X || X <- [1], X].',
    '[Y || X <- [1, 2], begin Y = X * 10, true end].', '[X || X <- [1, 2], length(X) > 0].', 'X = 5, [X || X <- [1, 2]].',
    '[[Y || Y <- lists:seq(1, X)] || X <- [1, 2, 3]].', '<< <<X>> || X <- [1, 2, 3] >>.', '[X || <<X>> <= <<1, 2, 3>>].',
    '<< <<X, X>> || <<X>> <= <<7, 8>> >>.', '[{A, B} || <<A, B>> <= <<1, 2, 3, 4, 5>>].', '[X || <<1, X>> <= <<1, 2, 3, 4, 1, 5>>].',
  ]));

test('binaries and bit syntax', { skip }, () =>
  differential([
    '<<>>.', '<<1, 2, 3>>.', '<<"abc">>.', '<<1:16>>.', 'X = 258, <<X:16>>.', 'B = <<1, 2>>, <<B/binary, 3>>.',
    '<<A, B/binary>> = <<1, 2, 3>>, {A, B}.', '<<N:8, Rest/binary>> = <<4, 5, 6>>, {N, Rest}.', '<<L, Data:L/binary, _/binary>> = <<2, 7, 8, 9>>, Data.',
    '<<"ab", R/binary>> = <<"abc">>, R.', '<<X:16>> = <<1>>.', 'byte_size(<<1, 2>>).', 'is_binary(<<>>).', '<<(1 + 1)>>.',
  ]));

test('receive, after, send', { skip }, () =>
  differential([
    'self() ! hello, receive hello -> got end.', 'self() ! {a, 1}, self() ! {b, 2}, receive {b, X} -> X end.',
    'receive _ -> x after 0 -> timeout end.', 'receive _ -> x after 10 -> waited end.',
    'self() ! 1, self() ! 2, receive X when X > 1 -> X end.', 'self() ! {a, 1}, A = a, receive {A, V} -> V end.',
    'self() ! m, receive m -> ok after 1000 -> late end.', 'receive after 0 -> ok end.', 'receive after infinity2 -> ok end.',
    'self() ! x, receive y -> y after 0 -> none end.', 'P = self(), P ! {self(), ping}, receive {P, Msg} -> Msg end.',
    '1 ! hi.', 'F = fun() -> receive {From, N} -> From ! N * 2 end end, F2 = F, self() ! {self(), 21}, F2(), receive R -> R end.',
  ]));

test('a malformed form is refused with {badform, Form}, not a crash', { skip }, async () => {
  const { atom, tuple } = await import('../../dist/term/types.js');
  const bad = tuple(atom('nonsense'), 1);
  const r = await evalHere(ev.node, ev.registry, [tuple(atom('tuple'), 1, [bad])]);
  assert.ok(equals(r, tuple(atom('raised'), atom('error'), tuple(atom('badform'), bad))), format(r));
});
