%% The BEAM side of the fault tests (test/faults/partition.test.js); fault-probe.js is the noderl
%% side, with the same functions and the same replies. Processes are named by role and reports
%% name nodes, never pids, so they read the same from either kind of node:
%%   nrl_events   nodeup/nodedown as {Kind, Node, SystemTimeMs}
%%   nrl_holder   traps exits: {linked, Node, ok} when a watcher has linked, {exit, Node, Reason}
%%   nrl_watcher  links to and monitors the holders of the nodes watch/1 names: {exit | down, Node, Reason}
%%   nrl_sink     numbered streams: {seq, Tag, From, I, Payload}, reported as {Tag, From, Count, InOrder}
-module(fault_probe).
-export([start/0, watch/1, report/0, connect/1, nodes/0, sync/0, register_global/1, join/1,
         send_seq/4, global_view/2, pg_view/2]).

start() ->
    started(nrl_events, fun() -> ok = net_kernel:monitor_nodes(true) end, fun event/1),
    started(nrl_holder, fun() -> process_flag(trap_exit, true) end, fun held/1),
    started(nrl_sink, fun() -> ok end, fun sunk/1),
    ok.

watch(Nodes) ->
    started(nrl_watcher, fun() ->
        process_flag(trap_exit, true),
        [begin
             Holder = rpc:call(N, erlang, whereis, [nrl_holder]),
             link(Holder),
             erlang:monitor(process, Holder),
             %% after the link on the same path, so the holder sees it once the link holds
             Holder ! {linked, self()}
         end || N <- Nodes]
    end, fun watched/1),
    ok.

report() ->
    {ask(nrl_events), ask(nrl_holder), ask(nrl_watcher), sink_summary(ask(nrl_sink))}.

connect(Node) -> net_kernel:connect_node(Node).

nodes() -> erlang:nodes().

sync() -> global:sync().

%% A process registered here as owner_Name, then globally as Name.
register_global(Name) ->
    Owner = idle(owner_name(Name)),
    global:register_name(Name, Owner).

join(Group) ->
    pg:join(Group, idle(undefined)).

send_seq(To, Tag, Count, Bytes) ->
    Payload = binary:copy(<<$x>>, Bytes),
    [{nrl_sink, To} ! {seq, Tag, node(), I, Payload} || I <- lists:seq(1, Count)],
    ok.

%% What every node in Nodes says of global name Name, read from this node: one pid everywhere?
%% {agreed, WinnerNode, WinnerIsItsOwner, NodesWhoseOwnerLives} or {disagreed, [{Node, PidNode}]}.
global_view(Name, Nodes) ->
    Views = [rpc:call(N, global, whereis_name, [Name]) || N <- Nodes],
    Owners = [{N, rpc:call(N, erlang, whereis, [owner_name(Name)])} || N <- Nodes],
    Alive = [N || {N, P} <- Owners, is_pid(P)],
    case lists:usort(Views) of
        [P] when is_pid(P) -> {agreed, node(P), lists:member({node(P), P}, Owners), Alive};
        _ -> {disagreed, lists:zip(Nodes, [node_of(V) || V <- Views])}
    end.

%% pg's members of Group on every node in Nodes (BEAM's pg:get_members, noderl's served pg).
%% {agreed, SortedMemberNodes} or {disagreed, [{Node, SortedMemberNodes}]}.
pg_view(Group, Nodes) ->
    Views = [member_nodes(rpc:call(N, pg, get_members, [Group])) || N <- Nodes],
    case lists:usort(Views) of
        [M] -> {agreed, M};
        _ -> {disagreed, lists:zip(Nodes, Views)}
    end.

%% internals

started(Name, Init, Handle) ->
    Caller = self(),
    Pid = spawn(fun() ->
        Init(),
        Caller ! {started, self()},
        loop(Handle, [])
    end),
    receive {started, Pid} -> ok end,
    register(Name, Pid).

loop(Handle, Acc) ->
    receive
        {'$report', From, Ref} -> From ! {Ref, lists:reverse(Acc)}, loop(Handle, Acc);
        Msg -> loop(Handle, [Handle(Msg) | Acc])
    end.

ask(Name) ->
    Ref = make_ref(),
    Name ! {'$report', self(), Ref},
    receive {Ref, Entries} -> Entries after 5000 -> {no_report, Name} end.

event({Kind, Node}) -> {Kind, Node, erlang:system_time(millisecond)}.

held({'EXIT', From, Reason}) -> {exit, node(From), Reason};
held({linked, From}) -> {linked, node(From), ok};
held(Other) -> {other, node(), Other}.

watched({'EXIT', From, Reason}) -> {exit, node(From), Reason};
watched({'DOWN', _, process, Pid, Reason}) -> {down, node(Pid), Reason};
watched(Other) -> {other, node(), Other}.

sunk({seq, Tag, From, I, _Payload}) -> {Tag, From, I};
sunk(Other) -> {other, node(), Other}.

%% {Tag, From, Count, InOrder}: InOrder when the numbers were exactly 1..Count in order.
sink_summary(Entries) ->
    Streams = lists:usort([{Tag, From} || {Tag, From, _} <- Entries]),
    [begin
         Is = [I || {T, F, I} <- Entries, T =:= Tag, F =:= From],
         {Tag, From, length(Is), Is =:= lists:seq(1, length(Is))}
     end || {Tag, From} <- Streams].

idle(Name) ->
    Caller = self(),
    Pid = spawn(fun() ->
        Name =:= undefined orelse register(Name, self()),
        Caller ! {idle, self()},
        receive stop -> ok end
    end),
    receive {idle, Pid} -> Pid end.

owner_name(Name) -> list_to_atom("owner_" ++ atom_to_list(Name)).

node_of(P) when is_pid(P) -> node(P);
node_of(Other) -> Other.

member_nodes(Members) when is_list(Members) -> lists:sort([node(P) || P <- Members]);
member_nodes(Other) -> Other.
