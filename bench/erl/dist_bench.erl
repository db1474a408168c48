%% The BEAM side of the distribution scenarios (bench/scenarios/throughput.js, latency.js,
%% connect.js, failure.js): one named `erl -sname` node that plays A or B of a scenario.
%%
%% The same commands are answered by a noderl node in bench/lib/noderl-peer.js, so the scenarios
%% drive both kinds of peer alike; what is timed is timed inside the node that does the work, with
%% its own clock, never across processes (except nodedown instants, see `nodedown_at`).
%%
%% A line server (bench_line.erl): each request is one Erlang term on one stdin line (ending
%% in a dot), each reply one stdout line, `ok ...` or `error ...`. End of stdin halts the node.
%%
%%   node.                  -> ok <node()>
%%   {sink, Name}.          -> ok            a registered sink (see sink/2)
%%   {echo, Name}.          -> ok            a registered echo: {ping, From, I} -> From ! {pong, I}
%%   {echo_server, Name}.   -> ok            a registered gen_server answering every call with its request
%%   {connect, Node}.       -> ok <ns> | error connect_failed    net_kernel:connect_node/1, timed;
%%                             ok -1 when already connected (nothing to time)
%%   {disconnect, Node}.    -> ok            erlang:disconnect_node/1
%%   {send, Node, Name, Shape, Total, Senders}.
%%                          -> ok <ns> <received> <bad>
%%        Senders processes send Total messages between them to {Name, Node}, then each sends
%%        {done, Self} and waits for {ack, Received, Bad}; timed from the first send to the last ack.
%%   {roundtrips, Kind, Node, Name, Warmup, Count, Passes, Slowest}.
%%                          -> ok <p50> <p99> <p999> <max> ... / <start> <ns> ...
%%        Kind: ping (to the echo), call (gen_server:call to the echo_server), rpc
%%        (rpc:call(Node, erlang, node, [])); Name is ignored for rpc. Before the slash one group
%%        of 4 per pass (ns); after it the Slowest slowest round trips of each pass, each as the
%%        unix µs it started at and its ns, slowest first (to line up with a noderl peer's GC pauses).
%%   {probe_rpc, Node}.     -> ok yes | ok no   does Node answer rpc:call(Node, erlang, node, []) within 2 s
%%   {watch, Node}.         -> ok            monitor_node(Node, true) in a watcher process
%%   {nodedown_at, Node, TimeoutMs}.
%%                          -> ok <unix µs> | error timeout   when the watcher saw nodedown
%%   {mesh_wait, Count, TimeoutMs}.
%%                          -> ok <unix µs> | error timeout   when nodes() first had Count nodes
%%                             and global:sync() then returned (scenario 8, bench/scenarios/mesh.js)
%%   {pg_join, Group, Count}.
%%                          -> ok <unix µs> <unix µs>   Count new processes join Group of the default
%%                             pg scope one pg:join/2 call at a time: before the first, after the last
%%   {pg_watch, Group, Count}.
%%                          -> ok            a watcher (pg:monitor/1) that notes when Group first has Count members
%%   {pg_seen, TimeoutMs}.  -> ok <unix µs> | error timeout   when it did (bench/scenarios/pg.js)
%%   {ordered_sink, Name}.  -> ok            a registered sink that checks each sender's order:
%%        {seq, From, I, _} must come with I = 0, 1, 2...; {done, From} -> From ! {ack, Count}
%%        (-1 once a message of From came out of order)
%%   {flood, Node, Name, Bytes}.
%%                          -> ok            one process sends {seq, Self, I, <<Bytes bytes>>} to
%%        {Name, Node} as fast as it may (ERTS suspends it while the connection is busy), until
%%        flood_finish (bench/scenarios/slow-peer.js)
%%   flood_stats.           -> ok <sent> <port queue bytes> <1 if the sender is suspended, else 0>
%%   flood_finish.          -> ok <sent> <acknowledged>   stops the flood, sends {done, Self}, waits for the ack
-module(dist_bench).
-export([main/0, init/1, handle_call/3, handle_cast/2]).

main() ->
    %% Log events (a peer not responding, global's warnings) go to stderr: stdout carries replies only.
    ok = logger:remove_handler(default),
    ok = logger:add_handler(default, logger_std_h, #{config => #{type => standard_error}}),
    bench_line:serve(fun handle/1).

handle(node) ->
    ["ok ", atom_to_list(node())];
handle({sink, Name}) ->
    register(Name, spawn(fun() -> sink(0, 0) end)),
    "ok";
handle({echo, Name}) ->
    register(Name, spawn(fun echo/0)),
    "ok";
handle({echo_server, Name}) ->
    {ok, _} = gen_server:start({local, Name}, ?MODULE, [], []),
    "ok";
handle({connect, Node}) ->
    case lists:member(Node, nodes(connected)) of
        true -> "ok -1";
        false ->
            T0 = erlang:monotonic_time(nanosecond),
            case net_kernel:connect_node(Node) of
                true -> ["ok ", integer_to_list(erlang:monotonic_time(nanosecond) - T0)];
                _ -> "error connect_failed"
            end
    end;
handle({disconnect, Node}) ->
    erlang:disconnect_node(Node),
    "ok";
handle({send, Node, Name, Shape, Total, Senders}) ->
    true = net_kernel:connect_node(Node),
    Dest = {Name, Node},
    Dest ! {reset, self()},
    receive reset_ok -> ok after 30000 -> exit(sink_does_not_answer) end,
    {Ns, Received, Bad} = send_all(Dest, Shape, Total, Senders),
    ["ok ", join([Ns, Received, Bad])];
handle({roundtrips, Kind, Node, Name, Warmup, Count, Passes, Slowest}) ->
    true = net_kernel:connect_node(Node),
    Trip = trip(Kind, Node, Name),
    _ = [Trip(I) || I <- lists:seq(1, Warmup)],
    Results = [roundtrip_pass(Trip, Count, Slowest) || _ <- lists:seq(1, Passes)],
    ["ok ", join(lists:append([S || {S, _} <- Results])), " / ", join(lists:append([W || {_, W} <- Results]))];
handle({probe_rpc, Node}) ->
    case rpc:call(Node, erlang, node, [], 2000) of
        Node -> "ok yes";
        _ -> "ok no"
    end;
handle({watch, Node}) ->
    Self = self(),
    Watcher = spawn(fun() -> watch(Node, Self) end),
    receive {watching, Watcher} -> ok after 10000 -> exit(watcher_did_not_start) end,
    put({watcher, Node}, Watcher),
    "ok";
handle({nodedown_at, Node, TimeoutMs}) ->
    Watcher = get({watcher, Node}),
    receive
        {nodedown_at, Watcher, Us} -> ["ok ", integer_to_list(Us)]
    after TimeoutMs -> "error timeout"
    end;
handle({pg_join, Group, Count}) ->
    Pids = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, Count)],
    T0 = os:system_time(microsecond),
    [ok = pg:join(Group, P) || P <- Pids],
    ["ok ", join([T0, os:system_time(microsecond)])];
handle({pg_watch, Group, Count}) ->
    Self = self(),
    W = spawn(fun() ->
                  {Ref, Members} = pg:monitor(Group),
                  Self ! {pg_watching, self()},
                  pg_watch(Ref, length(Members), Count, undefined, [])
              end),
    receive {pg_watching, W} -> ok end,
    register(pg_watcher, W),
    "ok";
handle({pg_seen, TimeoutMs}) ->
    pg_watcher ! {seen, self()},
    receive {pg_seen, Us} -> ["ok ", integer_to_list(Us)] after TimeoutMs -> "error timeout" end;
handle({ordered_sink, Name}) ->
    register(Name, spawn(fun() -> ordered_sink(#{}) end)),
    "ok";
handle({flood, Node, Name, Bytes}) ->
    true = net_kernel:connect_node(Node),
    Counter = counters:new(1, []),
    Payload = binary:copy(<<7>>, Bytes),
    Flooder = spawn(fun() -> flood({Name, Node}, Payload, Counter, 0) end),
    put(flood, {Flooder, Counter, Node}),
    "ok";
handle(flood_stats) ->
    {Flooder, Counter, Node} = get(flood),
    %% The dist port's driver queue (what inet:getstat's send_pend counts); the dist entry's own
    %% buffer in front of it, up to +zdbbl, has no BIF that reads its size.
    Queue = case lists:keyfind(Node, 1, erlang:system_info(dist_ctrl)) of
                {_, Port} when is_port(Port) -> element(2, erlang:port_info(Port, queue_size));
                _ -> -1
            end,
    Suspended = case process_info(Flooder, status) of {status, suspended} -> 1; _ -> 0 end,
    ["ok ", join([counters:get(Counter, 1), Queue, Suspended])];
handle(flood_finish) ->
    {Flooder, _, _} = get(flood),
    Flooder ! {finish, self()},
    receive {flood_done, Sent, Acked} -> ["ok ", join([Sent, Acked])] after 300000 -> "error timeout" end;
handle({mesh_wait, Count, TimeoutMs}) ->
    ok = net_kernel:monitor_nodes(true),
    Result = wait_nodes(Count, erlang:monotonic_time(millisecond) + TimeoutMs),
    ok = net_kernel:monitor_nodes(false),
    flush_node_events(),
    case Result of
        ok ->
            ok = global:sync(),
            ["ok ", integer_to_list(os:system_time(microsecond))];
        timeout -> "error timeout"
    end.

flush_node_events() ->
    receive {nodeup, _} -> flush_node_events(); {nodedown, _} -> flush_node_events() after 0 -> ok end.

%% nodes() is looked at after each nodeup (it is in nodes() by then), and every 100 ms besides: a
%% 1 ms poll cost each node CPU that twenty nodes on two cores could not spare.
wait_nodes(Count, Deadline) ->
    case length(nodes()) >= Count of
        true -> ok;
        false ->
            case erlang:monotonic_time(millisecond) > Deadline of
                true -> timeout;
                false ->
                    receive {nodeup, _} -> ok after 100 -> ok end,
                    wait_nodes(Count, Deadline)
            end
    end.

%% Counts messages of the two shapes the throughput scenario sends; anything else is `bad`.
%% {reset, From} starts a new run; {done, From} is answered with the counts so far. Messages on
%% one connection arrive in order, so the last sender's `done` comes after every message sent.
sink(Received, Bad) ->
    receive
        {seq, _} -> sink(Received + 1, Bad);
        {order, _, 'EURUSD', buy, 1000000, -42, <<"client-7f3a">>, true, limit, 1700000000} -> sink(Received + 1, Bad);
        {reset, From} -> From ! reset_ok, sink(0, 0);
        {done, From} -> From ! {ack, Received, Bad}, sink(Received, Bad);
        _ -> sink(Received, Bad + 1)
    end.

ordered_sink(Next) ->
    receive
        {seq, From, I, _} ->
            case maps:get(From, Next, 0) of
                I -> ordered_sink(Next#{From => I + 1});
                _ -> ordered_sink(Next#{From => -1})
            end;
        {done, From} -> From ! {ack, maps:get(From, Next, 0)}, ordered_sink(Next);
        _ -> ordered_sink(Next)
    end.

%% A mailbox look per message (receive ... after 0) is how the flood hears `finish`; it costs
%% little beside the send itself, and the noderl flood checks a flag as often.
flood(Dest, Payload, Counter, I) ->
    receive
        {finish, From} ->
            Dest ! {done, self()},
            receive {ack, N} -> From ! {flood_done, I, N} end
    after 0 ->
        Dest ! {seq, self(), I, Payload},
        counters:add(Counter, 1, 1),
        flood(Dest, Payload, Counter, I + 1)
    end.

echo() ->
    receive
        {ping, From, I} -> From ! {pong, I}
    end,
    echo().

send_all(Dest, Shape, Total, Senders) ->
    Self = self(),
    Per = Total div Senders,
    Counts = [Per + (if K =< Total rem Senders -> 1; true -> 0 end) || K <- lists:seq(1, Senders)],
    T0 = erlang:monotonic_time(nanosecond),
    Pids = [spawn_link(fun() -> sender(Self, Dest, Shape, N) end) || N <- Counts],
    Acks = [receive {sent, P, R, B} -> {R, B} after 600000 -> exit(no_ack) end || P <- Pids],
    Ns = erlang:monotonic_time(nanosecond) - T0,
    {Received, Bad} = lists:max(Acks),
    {Ns, Received, Bad}.

sender(Parent, Dest, Shape, N) ->
    send_loop(Dest, Shape, 1, N),
    Dest ! {done, self()},
    receive {ack, R, B} -> Parent ! {sent, self(), R, B} end.

send_loop(_Dest, _Shape, I, N) when I > N -> ok;
send_loop(Dest, Shape, I, N) ->
    Dest ! message(Shape, I),
    send_loop(Dest, Shape, I + 1, N).

message(seq, I) -> {seq, I};
message(order, I) -> {order, I, 'EURUSD', buy, 1000000, -42, <<"client-7f3a">>, true, limit, 1700000000}.

trip(ping, Node, Name) ->
    Dest = {Name, Node},
    fun(I) ->
        Dest ! {ping, self(), I},
        receive {pong, I} -> ok after 10000 -> exit({lost_pong, I}) end
    end;
trip(call, Node, Name) ->
    fun(I) -> I = gen_server:call({Name, Node}, I, 10000) end;
trip(rpc, Node, _Name) ->
    fun(_) -> Node = rpc:call(Node, erlang, node, [], 10000) end.

%% One pass: its percentiles, and its Slowest slowest round trips as [StartUnixUs, Ns, ...].
roundtrip_pass(Trip, Count, Slowest) ->
    Wall0 = os:system_time(microsecond),
    Mono0 = erlang:monotonic_time(nanosecond),
    Samples = [timed(Trip, I) || I <- lists:seq(1, Count)],
    Slow = lists:sublist(lists:reverse(lists:sort(Samples)), Slowest),
    {percentiles([Ns || {Ns, _} <- Samples]), lists:append([[Wall0 + (T0 - Mono0) div 1000, Ns] || {Ns, T0} <- Slow])}.

%% {Ns, StartMonotonicNs} of one round trip.
timed(Trip, I) ->
    T0 = erlang:monotonic_time(nanosecond),
    Trip(I),
    {erlang:monotonic_time(nanosecond) - T0, T0}.

%% p50, p99, p99.9 and max, by rank in the sorted sample (as bench/lib/stats.js does).
percentiles(Samples) ->
    Sorted = list_to_tuple(lists:sort(Samples)),
    N = tuple_size(Sorted),
    Rank = fun(P) -> element(min(N, floor(P * N) + 1), Sorted) end,
    [Rank(0.5), Rank(0.99), Rank(0.999), element(N, Sorted)].

watch(Node, Parent) ->
    monitor_node(Node, true),
    Parent ! {watching, self()},
    receive
        {nodedown, Node} -> Parent ! {nodedown_at, self(), os:system_time(microsecond)}
    end.

%% Counts a group's members from pg's monitor notifications and notes the first instant it has Count.
pg_watch(Ref, N, Count, undefined, Waiting) when N >= Count ->
    At = os:system_time(microsecond),
    [W ! {pg_seen, At} || W <- Waiting],
    pg_watch(Ref, N, Count, At, []);
pg_watch(Ref, N, Count, At, Waiting) ->
    receive
        {Ref, join, _, Pids} -> pg_watch(Ref, N + length(Pids), Count, At, Waiting);
        {Ref, leave, _, Pids} -> pg_watch(Ref, N - length(Pids), Count, At, Waiting);
        {seen, From} when At =/= undefined -> From ! {pg_seen, At}, pg_watch(Ref, N, Count, At, Waiting);
        {seen, From} -> pg_watch(Ref, N, Count, At, [From | Waiting])
    end.

join(Ints) -> lists:join(" ", [integer_to_list(X) || X <- Ints]).

%% The echo gen_server of the `call` kind.
init([]) -> {ok, nostate}.
handle_call(Request, _From, State) -> {reply, Request, State}.
handle_cast(_Msg, State) -> {noreply, State}.
