%% One BEAM node of the soak (bench/scenarios/soak.js); bench/lib/soak-node.js is its noderl twin
%% and does the same work with the same messages.
%%
%% Every node sends {soak, From, Inc, Epoch, Seq} to the process `soak` on every peer, Rate
%% messages a second to each, one sender process per peer (a peer that is frozen or cut off
%% suspends its own sender only, as BEAM suspends a sender on a busy connection). Inc names this
%% incarnation of the node (a killed node comes back with a new one); Epoch counts the nodedowns
%% of that peer the sender has seen; Seq counts up from 1 per peer and incarnation.
%%
%% The receiver checks each (From, Inc) stream: the next message must be Seq + 1. A gap is
%% excused when the connection was seen to go down in between (the sender's Epoch moved on, or
%% the receiver saw a nodedown of From between the two messages): what a connection that went
%% down dropped is lost as Erlang allows. Any other gap is a message lost between a pair that
%% stayed connected; a Seq that goes backwards is a reordering. Both must stay 0.
%%
%% The counters go to OutFile as JSON every second and when StopFile appears (then the senders
%% stop first, and the receiver writes its last count two seconds later).
-module(soak_node).
-export([start/5]).

start(Peers, Rate, Inc, OutFile, StopFile) ->
    Stats = ets:new(soak_stats, [public, set, {write_concurrency, true}]),
    Receiver = spawn(fun() -> receiver(Stats) end),
    register(soak, Receiver),
    Senders = [spawn(fun() -> sender(Stats, Peer, Rate, Inc) end) || Peer <- Peers],
    reporter(Stats, Senders, OutFile, StopFile, Inc).

%% Rate messages a second, in batches every 10 ms.
sender(Stats, Peer, Rate, Inc) ->
    ok = net_kernel:monitor_nodes(true),
    Batch = max(1, Rate div 100),
    sender_loop(Stats, Peer, Batch, Inc, 0, 1, erlang:monotonic_time(millisecond)).

sender_loop(Stats, Peer, Batch, Inc, Epoch0, Seq, Next) ->
    Epoch = drain_nodedowns(Peer, Epoch0),
    lists:foreach(fun(S) -> {soak, Peer} ! {soak, node(), Inc, Epoch, S} end, lists:seq(Seq, Seq + Batch - 1)),
    ets:update_counter(Stats, {sent, Peer}, Batch, {{sent, Peer}, 0}),
    Next1 = Next + 10,
    Wait = max(0, Next1 - erlang:monotonic_time(millisecond)),
    receive stop -> ok
    after Wait -> sender_loop(Stats, Peer, Batch, Inc, Epoch, Seq + Batch, max(Next1, erlang:monotonic_time(millisecond) - 100))
    end.

drain_nodedowns(Peer, Epoch) ->
    receive
        {nodedown, Peer} -> drain_nodedowns(Peer, Epoch + 1);
        {nodedown, _} -> drain_nodedowns(Peer, Epoch);
        {nodeup, _} -> drain_nodedowns(Peer, Epoch)
    after 0 -> Epoch
    end.

receiver(Stats) ->
    ok = net_kernel:monitor_nodes(true),
    receiver_loop(Stats, #{}).

%% Streams: #{{From, Inc} => {Epoch, Seq, DownSeen}}.
receiver_loop(Stats, Streams) ->
    receive
        {soak, From, Inc, Epoch, Seq} ->
            ets:update_counter(Stats, {received, From}, 1, {{received, From}, 0}),
            receiver_loop(Stats, check(Stats, From, {From, Inc}, Epoch, Seq, Streams));
        {nodedown, Node} ->
            ets:update_counter(Stats, {nodedowns, Node}, 1, {{nodedowns, Node}, 0}),
            ets:insert(Stats, {{down_at, erlang:unique_integer([monotonic])}, {os:system_time(millisecond), Node}}),
            receiver_loop(Stats, maps:map(fun({F, _}, {E, S, _}) when F =:= Node -> {E, S, true}; (_, V) -> V end, Streams));
        {nodeup, _} ->
            receiver_loop(Stats, Streams)
    end.

check(Stats, From, Key, Epoch, Seq, Streams) ->
    case Streams of
        #{Key := {_, S0, _}} when Seq =:= S0 + 1 -> ok;
        #{Key := {_, S0, _}} when Seq =< S0 -> bump(Stats, {reordered, From}, 1);
        #{Key := {E0, S0, Down}} when Epoch > E0; Down -> bump(Stats, {lost_excused, From}, Seq - S0 - 1);
        #{Key := {_, S0, _}} -> bump(Stats, {lost, From}, Seq - S0 - 1);
        #{} -> ok
    end,
    Streams#{Key => {Epoch, Seq, false}}.

bump(Stats, Key, N) -> ets:update_counter(Stats, Key, N, {Key, 0}).

reporter(Stats, Senders, OutFile, StopFile, Inc) ->
    case filelib:is_file(StopFile) of
        false ->
            write_stats(Stats, OutFile, Inc),
            timer:sleep(1000),
            reporter(Stats, Senders, OutFile, StopFile, Inc);
        true ->
            [S ! stop || S <- Senders],
            timer:sleep(2000),
            write_stats(Stats, OutFile, Inc),
            ok = file:write_file(OutFile ++ ".done", <<>>),
            timer:sleep(infinity)
    end.

write_stats(Stats, OutFile, Inc) ->
    {DownsAt, Rows} = lists:partition(fun({{Kind, _}, _}) -> Kind =:= down_at end, ets:tab2list(Stats)),
    Groups = lists:foldl(fun({{Kind, Node}, N}, Acc) -> maps:update_with(Kind, fun(M) -> M#{Node => N} end, #{Node => N}, Acc) end, #{}, Rows),
    Downs = io_lib:format("\"downs\":[~s]", [lists:join(",", [io_lib:format("[~b,\"~s\"]", [T, Node]) || {_, {T, Node}} <- lists:sort(DownsAt)])]),
    Counts = [io_lib:format("\"~s\":{~s}", [Kind, lists:join(",", [io_lib:format("\"~s\":~b", [Node, N]) || {Node, N} <- maps:to_list(M)])]) || {Kind, M} <- maps:to_list(Groups)],
    Json = ["{", lists:join(",", [io_lib:format("\"node\":\"~s\",\"inc\":\"~s\"", [node(), Inc]), Downs | Counts]), "}"],
    Tmp = OutFile ++ ".tmp",
    ok = file:write_file(Tmp, Json),
    ok = file:rename(Tmp, OutFile).
