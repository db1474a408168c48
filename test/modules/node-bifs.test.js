// The erlang, os and global functions about processes, nodes and the runtime, as a BEAM node's
// rpc calls reach them on a noderl node, each asked of a second real erl node (the oracle) in
// the same test: what must be equal is compared, what is noderl's own (pids, a JS process's
// stand-ins) is checked for its shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useRpcOracle } from '../support/rpc-oracle.js';
import { uniqueName } from '../support/epmd.js';

const rpc = useRpcOracle('jsbifs');
const { skip, both, same } = rpc;

test('whereis, registered, processes, is_process_alive, node/1 answer as on BEAM', { skip }, async () => {
  await same(`is_pid(R(erlang, whereis, [rex]))`);
  await same(`R(erlang, whereis, [no_such_name])`);
  await same(`[lists:member(N, R(erlang, registered, [])) || N <- [rex, global_name_server, user]]`);
  await same(`lists:member(R(erlang, whereis, [rex]), R(erlang, processes, []))`);
  await same(`R(erlang, is_process_alive, [R(erlang, whereis, [rex])])`);
  await same(`R(erlang, node, [R(erlang, whereis, [rex])]) =:= node(R(erlang, whereis, [rex]))`);
  await same(`element(1, R(erlang, is_process_alive, [self()]))`); // a pid of another node: badarg
  await same(`element(1, R(erlang, node, [1]))`);
});

test('process_info/1,2: the items, their order and errors as on BEAM', { skip }, async () => {
  await same(`R(erlang, process_info, [R(erlang, whereis, [rex]), message_queue_len])`);
  await same(`R(erlang, process_info, [R(erlang, whereis, [rex]), registered_name])`);
  await same(`R(erlang, process_info, [R(erlang, whereis, [rex]), [registered_name, message_queue_len, messages, priority]])`);
  await same(`[K || {K, _} <- R(erlang, process_info, [R(erlang, whereis, [rex])])]`);
  await same(`R(erlang, process_info, [R(erlang, spawn, [erlang, node, []]), status])`); // ended by now: undefined
  await same(`element(1, R(erlang, process_info, [R(erlang, whereis, [rex]), bogus]))`);
  await same(`{badrpc, {'EXIT', {badarg, _}}} = R(erlang, process_info, [self(), status]), ok`);
  // A process waiting in receive, with two messages queued and a link.
  const [noderl, oracle] = await both(`begin
    P = R(erlang, spawn, [timer, sleep, [infinity]]), P ! one, P ! {two, 2}, timer:sleep(50),
    {ok, L} = {ok, R(erlang, spawn_link, [timer, sleep, [infinity]])},
    Info = R(erlang, process_info, [P, [status, message_queue_len, messages, links, trap_exit, initial_call]]),
    R(erlang, exit, [P, kill]), Info end`);
  assert.equal(noderl, oracle);
  assert.match(noderl, /\{status,waiting\},\{message_queue_len,2\},\{messages,\[one,\{two,2\}\]\},\{links,\[\]\},\{trap_exit,false\},\{initial_call,\{timer,sleep,1\}\}/);
});

test('spawn, spawn_link, spawn_monitor, monitor, exit/2, register and unregister through rpc', { skip }, async () => {
  await same(`is_pid(R(erlang, spawn, [erlang, node, []]))`);
  await same(`begin {P, Ref} = R(erlang, spawn_monitor, [erlang, node, []]), {is_pid(P), is_reference(Ref)} end`);
  await same(`begin P = R(erlang, spawn, [timer, sleep, [infinity]]), Res = R(erlang, register, [bif_test_name, P]), W = R(erlang, whereis, [bif_test_name]), U = R(erlang, unregister, [bif_test_name]), R(erlang, exit, [P, kill]), {Res, W =:= P, U} end`);
  await same(`element(1, R(erlang, register, [undefined, self()]))`);
  await same(`element(1, R(erlang, unregister, [never_registered]))`);
  await same(`begin P = R(erlang, spawn, [timer, sleep, [infinity]]), true = R(erlang, exit, [P, kill]), timer:sleep(50), R(erlang, is_process_alive, [P]) end`);
  await same(`R(erlang, process_flag, [trap_exit, true])`);
  await same(`element(1, R(erlang, process_flag, [bogus_flag, true]))`);
  await same(`is_reference(R(erlang, make_ref, []))`);
  await same(`R(erlang, group_leader, []) =:= group_leader()`); // rpc runs with the caller's group leader
});

test('spawn_request/1..5 and spawn_request_abandon/1 in a fun, here and on another node, as on BEAM', { skip }, async () => {
  // Each runs as a shell fun on the node asked (noderl, then the BEAM oracle); N is the caller's node.
  const inFun = (body) => same(`begin N = node(), R(erlang, apply, [fun() -> ${body} end, []]) end`);
  await inFun(`Ref = spawn_request(fun() -> ok end), receive {spawn_reply, Ref, ok, P} -> {is_pid(P), node(P) =:= node()} after 2000 -> timeout end`);
  await inFun(`Ref = spawn_request(erlang, node, [], [monitor, {reply_tag, tag}]), P = receive {tag, Ref, ok, P0} -> P0 after 2000 -> timeout end, receive {'DOWN', Ref, process, P, Why} -> Why after 2000 -> no_down end`);
  await inFun(`process_flag(trap_exit, true), Ref = spawn_request(fun() -> exit(boom) end, [link]), receive {spawn_reply, Ref, ok, P} -> receive {'EXIT', P, Why} -> Why after 2000 -> no_exit end after 2000 -> timeout end`);
  await inFun(`Ref = spawn_request(N, erlang, node, [], [monitor, {reply_tag, rt}]), P = receive {rt, Ref, ok, P0} -> P0 after 2000 -> timeout end, receive {'DOWN', Ref, process, P, Why} -> {node(P) =:= N, Why} after 2000 -> no_down end`);
  await inFun(`Ref = spawn_request(N, fun() -> node() end, [monitor, {reply, error_only}]), receive {spawn_reply, Ref, _, _} -> got_reply after 300 -> no_reply end`);
  await inFun(`Ref = spawn_request(N, erlang, node, [], [{reply, success_only}, bogus_option]), receive {spawn_reply, Ref, What, Why} -> {What, Why} after 300 -> no_reply end`);
  await inFun(`Ref = spawn_request(N, erlang, node, [], [bogus_option]), receive {spawn_reply, Ref, What, Why} -> {What, Why} after 2000 -> no_reply end`);
  await inFun(`Ref = spawn_request('no_such_node@127.0.0.1', erlang, node, []), receive {spawn_reply, Ref, What, Why} -> {What, Why} after 5000 -> no_reply end`);
  await inFun(`[try spawn_request(A) catch error:E -> E end || A <- [1, fun(X) -> X end]]`);
  // Refused options come as the request's error answer; arguments no clause takes raise badarg.
  await inFun(`[try Ref = erlang:apply(erlang, spawn_request, A), receive {spawn_reply, Ref, W, Y} -> {W, is_pid(Y) orelse Y} after 2000 -> no_reply end catch error:E -> E end || A <- [[erlang, node, [], [bogus]], [erlang, node, [], [{reply, maybe}]], [N, erlang, node, [], [{reply, maybe}]], [erlang, node, [], [{priority, high}, {fullsweep_after, 3}]], [1, erlang, node, [], []], [erlang, node, [], x], [N, erlang, node, [], x]]]`);
  await inFun(`Ref = spawn_request(erlang, node, [], [{reply_tag, t}, {reply, no}]), receive M -> M after 300 -> none end`);
  await inFun(`Ref = spawn_request(N, timer, sleep, [infinity], [link, monitor]), A = spawn_request_abandon(Ref), B = spawn_request_abandon(Ref), receive M -> {A, B, M} after 300 -> {A, B, none} end`);
  // The process an abandoned request started is told `abandoned` (and is not linked to the caller).
  await same(`begin N = node(), Probe = list_to_atom("abandon_probe_" ++ integer_to_list(erlang:unique_integer([positive]))),
    R(erlang, apply, [fun() -> Ref = spawn_request(N, fun() -> register(Probe, self()), timer:sleep(infinity) end, [link]), true = spawn_request_abandon(Ref),
      timer:sleep(300), {rpc:call(N, erlang, whereis, [Probe]), process_info(self(), links)} end, []]) end`);
  await inFun(`Ref = spawn_request(fun() -> ok end), {spawn_request_abandon(Ref), spawn_request_abandon(make_ref()), try spawn_request_abandon(x) catch error:E -> E end}`);
});

test('os, time, statistics, memory and system_info: the shapes BEAM gives', { skip }, async () => {
  await same(`R(os, type, [])`);
  await same(`io_lib:printable_list(R(os, getpid, []))`);
  await same(`R(os, getenv, ["NODERL_SURELY_UNSET_VARIABLE"])`);
  await same(`R(os, getenv, ["NODERL_SURELY_UNSET_VARIABLE", default])`);
  await same(`begin {A, B, C} = R(os, timestamp, []), {Ma, Sa, _} = os:timestamp(), abs((A * 1000000 + B) - (Ma * 1000000 + Sa)) < 5 andalso is_integer(C) end`);
  await same(`abs(R(erlang, system_time, [millisecond]) - erlang:system_time(millisecond)) < 5000`);
  await same(`is_integer(R(erlang, monotonic_time, []))`);
  await same(`R(erlang, convert_time_unit, [3999, millisecond, second])`);
  await same(`R(erlang, convert_time_unit, [-3999, millisecond, second])`);
  await same(`begin {A, B} = R(erlang, statistics, [wall_clock]), is_integer(A) andalso is_integer(B) end`);
  await same(`begin {A, B} = R(erlang, statistics, [runtime]), is_integer(A) andalso is_integer(B) end`);
  await same(`[K || {K, _} <- R(erlang, memory, [])] -- [total, processes, processes_used, system, atom, atom_used, binary, code, ets]`);
  await same(`is_integer(R(erlang, memory, [total]))`);
  await same(`element(1, R(erlang, memory, [bogus]))`);
  await same(`R(erlang, system_info, [otp_release])`);
  await same(`is_integer(R(erlang, system_info, [process_count]))`);
  await same(`element(1, R(erlang, system_info, [bogus_key]))`);
  const [noderl, oracle] = await both(`R(erlang, system_info, [machine])`);
  assert.deepEqual([noderl, oracle], ['"noderl"', '"BEAM"']); // how a tool tells the two apart
  await same(`begin {{Y, _, _}, {_, _, _}} = R(erlang, localtime, []), Y > 2000 end`);
});

test('global through rpc: whereis_name, register_name, unregister_name, send, registered_names', { skip }, async () => {
  await same(`R(global, whereis_name, [bif_nobody])`);
  const name = uniqueName('gname');
  await same(`begin
    P = R(erlang, spawn, [timer, sleep, [infinity]]),
    Yes = R(global, register_name, [{${name}, node(P)}, P]),
    ok = global:sync(),
    Seen = global:whereis_name({${name}, node(P)}) =:= P,
    Again = R(global, register_name, [{${name}, node(P)}, P]),
    Listed = lists:member({${name}, node(P)}, R(global, registered_names, [])),
    Sent = R(global, send, [{${name}, node(P)}, hello]) =:= P,
    Un = R(global, unregister_name, [{${name}, node(P)}]),
    Gone = R(global, whereis_name, [{${name}, node(P)}]),
    R(erlang, exit, [P, kill]),
    {Yes, Seen, Again, Listed, Sent, Un, Gone} end`);
  await same(`element(1, R(global, send, [bif_nobody, hi]))`);
});

test('the process dictionary: put, get, get_keys, erase, and process_info(P, dictionary)', { skip }, async () => {
  // Run inside one process on each node (a spawned fun), so the dictionary is that process's.
  const script = `begin
    Parent = self(),
    F = fun() ->
      A = put(k1, one), B = put(k1, uno), C = put({k, 2}, two), D = put(3, uno),
      G1 = get(k1), G2 = get(nokey), G3 = lists:sort(get()), K1 = lists:sort(get_keys()), K2 = lists:sort(get_keys(uno)),
      {dictionary, Info} = process_info(self(), dictionary),
      E1 = erase(k1), E2 = erase(k1), E3 = lists:sort(erase()), E4 = get(),
      Parent ! {dict, {A, B, C, D, G1, G2, G3, K1, K2, lists:sort(Info), E1, E2, E3, E4}}
    end,
    spawn(Where, F),
    receive {dict, R} -> R after 5000 -> timeout end
  end`;
  const on = (n) => rpc.erl.eval(`begin Where = '${n}', ${script.replace(/\s*\n\s*/g, ' ')} end`);
  const [noderl, oracle] = [await on(rpc.node.name), await on(rpc.beam.node)];
  assert.equal(noderl, oracle);
  assert.match(noderl, /^\{undefined,one,undefined,undefined,uno,undefined,/);
});
