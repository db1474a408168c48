%% The line server both BEAM bench modules run (codec_bench.erl, dist_bench.erl): each request is
%% one Erlang term on one stdin line (ending in a dot), each reply one stdout line. A request that
%% fails answers `error <Class>:<Reason>` and the server goes on; end of stdin halts the node.
-module(bench_line).
-export([serve/1]).

%% Prints `ready`, then answers every line with Handle(Term).
serve(Handle) ->
    io:format("ready~n"),
    loop(Handle).

loop(Handle) ->
    case io:get_line('') of
        eof -> halt(0);
        {error, _} -> halt(1);
        Line ->
            Reply = try Handle(parse(Line))
                    catch Class:Reason -> io_lib:format("error ~0p:~0p", [Class, Reason])
                    end,
            io:format("~s~n", [Reply]),
            loop(Handle)
    end.

parse(Line) ->
    {ok, Tokens, _} = erl_scan:string(Line),
    {ok, Term} = erl_parse:parse_term(Tokens),
    Term.
