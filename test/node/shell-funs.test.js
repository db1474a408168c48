// The chapter's funs, from a real erl shell (erl_eval funs) to a noderl node, end to end: spawn
// with io:format output going home to erl's group leader, a named fun looping on receive, rpc of
// erlang:apply/2 with funs compared with the same fun called on BEAM, and a fun on noderl that
// calls back into BEAM with rpc.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { remoteSpawnOutput } from '../support/remote-output.js';

const skip = erlSkip();
let epmd;
let erl;
let node;

before(async () => {
  if (skip) return;
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port });
  const { Node } = await import('../../dist/index.js');
  node = await Node.start({ sname: uniqueName('jsfuns'), cookie: erl.cookie, epmdPort: epmd.port, log: () => {}, output: () => {} });
  assert.equal(await erl.eval(`net_adm:ping('${node.name}')`), 'pong');
});
after(async () => {
  await node?.stop();
  await erl?.stop();
  await epmd?.stop();
});

const N = () => `'${node.name}'`;
const oneLine = (s) => s.replace(/\s*\n\s*/g, ' ');

test("the chapter: spawn(Node, fun() -> io:format(\"I'm on ~p~n\", [node()]) end) prints on erl's group leader", { skip }, async () => {
  // A collector group leader on erl stands in for the shell's terminal: the io_request comes home.
  const out = await remoteSpawnOutput(erl, node.name);
  assert.equal(out, JSON.stringify(`I'm on ${node.name}\n`).replace(/\\n/, '\\n'));
});

test('a named fun with receive loops on noderl and answers messages', { skip }, async () => {
  const out = await erl.eval(oneLine(`begin
    Counter = fun Loop(N) -> receive {add, K} -> Loop(N + K); {get, From} -> From ! {count, N, node()}, Loop(N); stop -> done end end,
    P = spawn(${N()}, fun() -> Counter(0) end),
    P ! {add, 2}, P ! {add, 40}, P ! {get, self()},
    R = receive {count, C, Where} -> {C, Where =:= ${N()}} after 5000 -> timeout end,
    Ref = monitor(process, P), P ! stop,
    D = receive {'DOWN', Ref, process, P, Why} -> Why after 5000 -> timeout end,
    {node(P) =:= ${N()}, R, D}
  end`));
  assert.equal(out, '{true,{42,true},normal}');
});

/** An expression whose value is a fun of arity 0: run on BEAM and, through rpc, on noderl; both must agree. */
async function sameAsBeam(funSource) {
  const out = await erl.eval(oneLine(`begin
    F = ${funSource},
    Here = try {ok, F()} catch C:R -> {C, R} end,
    There = case rpc:call(${N()}, erlang, apply, [F, []]) of {badrpc, {'EXIT', {Reason, _Stack}}} -> {error, Reason}; V -> {ok, V} end,
    {Here =:= There, Here, There}
  end`));
  assert.match(out, /^\{true,/, `${funSource}\n${out}`);
  return out;
}

test('rpc:call(N, erlang, apply, [Fun, []]) of shell funs returns what BEAM returns', { skip }, async () => {
  await sameAsBeam('fun() -> X = 6, Y = 7, X * Y end');
  await sameAsBeam('fun() -> M = #{a => 1, b => [1, 2]}, M#{a := 2, c => <<"bin">>} end');
  await sameAsBeam('fun() -> <<A:4, B:4, Rest/binary>> = <<16#ab, "xyz">>, {A, B, Rest, <<A:8, 1.5/float>>} end');
  await sameAsBeam('fun() -> [{X, Y} || X <- lists:seq(1, 4), Y <- "ab", X rem 2 =:= 0] end');
  await sameAsBeam('fun() -> << <<(X * 2)>> || <<X>> <= <<1, 2, 3>> >> end');
  await sameAsBeam('fun() -> try 1 / 0 catch error:R:S -> {caught, R, is_list(S)} after ok end end');
  await sameAsBeam('fun() -> lists:foldl(fun(X, Acc) -> X + Acc end, 0, lists:seq(1, 100)) end');
  await sameAsBeam('fun() -> maps:to_list(maps:map(fun(_K, V) -> V * 2 end, #{a => 1, b => 2})) end');
  await sameAsBeam('fun() -> F = fun Fact(0) -> 1; Fact(K) -> K * Fact(K - 1) end, F(30) end');
  await sameAsBeam('fun() -> case {ok, 3} of {ok, V} when V > 2 -> big; _ -> small end end');
  await sameAsBeam('fun() -> lists:sort(fun(A, B) -> A >= B end, [3, 1, 2]) end');
  await sameAsBeam('fun() -> string:uppercase("hello") end');
  // Errors come back as {badrpc, {'EXIT', {Reason, Stack}}}, with BEAM's reason.
  const out = await sameAsBeam('fun() -> 1 + list_to_atom("a") end');
  assert.match(out, /\{error,badarith\}/);
  await sameAsBeam('fun() -> {a, b} = {a, c} end');
  await sameAsBeam('fun() -> element(5, {1}) end');
  await sameAsBeam('fun() -> nomod:nofun(1) end');
  // A fun with arguments: erlang:apply(F, Args).
  assert.equal(await erl.eval(`rpc:call(${N()}, erlang, apply, [fun(A, B) -> A ++ B end, [[1], [2]]])`), '[1,2]');
});

test('a fun on noderl calls back into BEAM with rpc, and the BIFs answer for the node it runs on', { skip }, async () => {
  const out = await erl.eval(oneLine(`begin
    Me = node(),
    F = fun() -> {node(), rpc:call(Me, erlang, node, []), rpc:call(Me, lists, reverse, [[1, 2, 3]]), is_pid(whereis(rex)), length(processes()) > 3} end,
    {Where, Back, Rev, Rex, Many} = rpc:call(${N()}, erlang, apply, [F, []]),
    {Where =:= ${N()}, Back =:= Me, Rev, Rex, Many}
  end`));
  assert.equal(out, '{true,true,[3,2,1],true,true}');
});

test('a fun made on noderl travels to BEAM as an erl_eval fun and runs there', { skip }, async () => {
  // The outer fun (arity 0) came from erl, so noderl knows erl_eval's layout; the inner one is made
  // by noderl's evaluator and returned to erl, which calls it with erl_eval.
  assert.equal(await erl.eval(`begin F = rpc:call(${N()}, erlang, apply, [fun() -> Y = 10, fun(X) -> X * Y end end, []]), {erlang:fun_info(F, module), F(4)} end`), '{{module,erl_eval},40}');
  assert.equal(
    await erl.eval(`begin G = rpc:call(${N()}, erlang, apply, [fun() -> fun(A, B) -> lists:map(fun(X) -> X + A end, B) end end, []]), G(1, [1, 2, 3]) end`),
    '[2,3,4]',
  );
  // A named fun: its layout is learned from a named fun erl sent first.
  assert.equal(await erl.eval(`rpc:call(${N()}, erlang, apply, [fun N(0) -> ok; N(K) -> N(K - 1) end, [3]])`), 'ok');
  assert.equal(
    await erl.eval(`begin Fact = rpc:call(${N()}, erlang, apply, [fun() -> fun Fact(0) -> 1; Fact(K) -> K * Fact(K - 1) end end, []]), Fact(20) end`),
    '2432902008176640000',
  );
  // Sent in a message, called by a BEAM process.
  assert.equal(
    await erl.eval(`begin Me = self(), spawn(${N()}, fun() -> Me ! {f, fun(Z) -> {Z, node()} end} end), receive {f, H} -> {Z, Where} = H(z), {Z, Where =:= node()} after 5000 -> timeout end end`),
    '{z,true}',
  );
});
