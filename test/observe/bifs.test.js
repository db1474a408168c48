// What `noderl observe` asks of a noderl node, against the real BEAM: the same rpc calls made to a
// noderl node and to a second real erl node (the oracle) from one erl node, compared where they
// must be equal (erl_eval:exprs/2, process_info's list form), and noderl_observe:connections/0's
// byte counters checked against the BEAM's own socket statistics for the same connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useRpcOracle } from '../support/rpc-oracle.js';

const rpc = useRpcOracle('jsobsbif');
const { skip, same } = rpc;

/** `erl_eval:exprs(Parsed, Bindings)` of `text` on the node, through rpc. */
const evalOn = (text, bindings = '[]') => `begin {ok, T, _} = erl_scan:string(${JSON.stringify(text)}), {ok, E} = erl_parse:parse_exprs(T), R(erl_eval, exprs, [E, ${bindings}]) end`;

test('process_info/2 with a list: an unregistered process has {registered_name, []}, as on BEAM', { skip }, async () => {
  const v = await same(`begin P = R(erlang, spawn, [timer, sleep, [infinity]]), I = R(erlang, process_info, [P, [registered_name, message_queue_len]]), R(erlang, exit, [P, kill]), I end`);
  assert.equal(v, '[{registered_name,[]},{message_queue_len,0}]');
  await same(`begin P = R(erlang, spawn, [timer, sleep, [infinity]]), I = R(erlang, process_info, [P, registered_name]), R(erlang, exit, [P, kill]), I end`);
  await same(`R(erlang, process_info, [R(erlang, whereis, [rex]), [message_queue_len, registered_name]])`);
});

test('erl_eval:exprs/2 answers {value, V, Bindings} as on BEAM', { skip }, async () => {
  assert.equal(await same(evalOn('X = 1 + 2, Y = X * N, {X, Y}.', '[{\'N\', 10}]')), "{value,{3,30},[{'N',10},{'X',3},{'Y',30}]}");
  await same(evalOn('lists:sublist(lists:reverse(lists:keysort(2, [{a, 3}, {b, 1}, {c, 2}])), 2).'));
  await same(evalOn('[X * 2 || X <- lists:seq(1, 5), X rem 2 =:= 1].'));
  await same(evalOn('[{A, B} || {A, B} <- [{1, 2}, x, {3, 4}]].')); // a generator pattern filters
  await same(evalOn('case catch erlang:error(boom) of {\'EXIT\', {R, _}} -> R end.'));
  await same(`element(2, ${evalOn('F = fun(K) -> K + 1 end, F(41).')})`); // (a fun's own encoding is noderl's)
  await same(evalOn('case erlang:whereis(no_such_name) of undefined -> none; _ -> some end.'));
  await same(`element(1, ${evalOn('1 = 2.')})`); // badmatch: {badrpc, {'EXIT', ...}}
  await same(`element(1, R(erl_eval, exprs, [not_a_list, []]))`);
});

test('the observe query\'s calls give the same shapes on both: memory/0, nodes/1, get_net_ticktime/0, global names', { skip }, async () => {
  await same(`[K || {K, _} <- R(erlang, memory, [])]`);
  await same(`lists:member('${rpc.erl.node}', R(erlang, nodes, [visible]))`);
  await same(`R(net_kernel, get_net_ticktime, [])`);
  await same(`is_list(R(global, registered_names, []))`);
  // the query's process rows: every live process matches the list pattern
  await same(`begin Items = [message_queue_len, memory, reductions, current_function, registered_name],
    Ps = R(erlang, processes, []),
    Infos = [R(erlang, process_info, [P, Items]) || P <- Ps],
    lists:all(fun(undefined) -> true;
                 ([{message_queue_len, Q}, {memory, M}, {reductions, Rd}, {current_function, _}, {registered_name, _}]) -> is_integer(Q + M + Rd);
                 (_) -> false end, Infos) end`);
});

test('noderl_observe:connections/0 counts the bytes the BEAM peer counts on its socket', { skip }, async () => {
  // Quiet the link, then read both ends: noderl's bytes out are what the BEAM read, and back.
  const reply = await rpc.erl.eval(`begin
    [{_, Port}] = [DC || {N, _} = DC <- erlang:system_info(dist_ctrl), N =:= '${rpc.node.name}'],
    Conns = rpc:call('${rpc.node.name}', noderl_observe, connections, []),
    timer:sleep(200),
    {ok, S} = inet:getstat(Port, [recv_oct, send_oct]),
    [C] = [C || C <- rpc:call('${rpc.node.name}', noderl_observe, connections, []), maps:get(node, C) =:= node()],
    {ok, S2} = inet:getstat(Port, [recv_oct, send_oct]),
    {is_list(Conns), S, S2, maps:without([last_input_age_ms], C)} end`.replace(/\s*\n\s*/g, ' '));
  const m = /^\{true,\[\{recv_oct,(\d+)\},\{send_oct,(\d+)\}\],\[\{recv_oct,(\d+)\},\{send_oct,(\d+)\}\],#\{(.*)\}\}$/.exec(reply);
  assert.ok(m, reply);
  const fields = Object.fromEntries(m[5].split(',').map((kv) => kv.split('=>').map((x) => x.trim())));
  // The rpc reply carrying C left noderl after C was read: noderl had written what the BEAM read before the call.
  assert.equal(Number(fields.bytes_out), Number(m[1]), reply);
  // The BEAM's request for C reached noderl before C was read.
  assert.ok(Number(fields.bytes_in) > Number(m[2]) && Number(fields.bytes_in) <= Number(m[4]), reply);
  assert.equal(fields.type, 'visible');
  // What the turn that read C had queued (the spawn reply of the rpc, at most): no backlog.
  assert.ok(Number(fields.send_queue_bytes) < 1000, reply);
  assert.equal(fields.ticktime_ms, '60000');
  assert.ok(Number(fields.messages_in) > 0 && Number(fields.messages_out) > 0, reply);
});
