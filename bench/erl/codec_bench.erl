%% The BEAM side of bench/scenarios/codec.js.
%%
%% Runs as a line server inside one `erl -noshell` process: each request is one Erlang term on
%% one stdin line (ending in a dot), each reply one stdout line. The timing loop mirrors
%% bench/lib/measure.js (grow the batch until it lasts MinMs, then time Batches batches) so the
%% BEAM figures and the JS figures are made the same way; the JS side turns the batch times into
%% ops/s.
%%
%% Requests and replies:
%%   release.                              -> ok <otp_release>
%%   {check, OriginalFile, CandidateFile}. -> ok equal | ok differ
%%        (binary_to_term of both files compared with =:=)
%%   {time, decode, File, MinMs, Batches}. -> ok <batch> <bytes> <ns> <ns> ...
%%        (binary_to_term of the file's bytes; bytes = the file's size)
%%   {time, encode, File, MinMs, Batches}. -> ok <batch> <bytes> <ns> <ns> ...
%%        (term_to_binary of the file's term; bytes = size of term_to_binary's output)
%% A request that fails answers `error <reason>` and the server goes on.
%% End of stdin halts the node.
-module(codec_bench).
-export([main/0]).

main() ->
    bench_line:serve(fun handle/1).

handle(release) ->
    ["ok ", erlang:system_info(otp_release)];
handle({check, Original, Candidate}) ->
    case binary_to_term(read(Original)) =:= binary_to_term(read(Candidate)) of
        true -> "ok equal";
        false -> "ok differ"
    end;
handle({time, decode, File, MinMs, Batches}) ->
    Bin = read(File),
    time(fun(N) -> decode_loop(N, Bin, none) end, MinMs, Batches, byte_size(Bin));
handle({time, encode, File, MinMs, Batches}) ->
    Term = binary_to_term(read(File)),
    time(fun(N) -> encode_loop(N, Term, none) end, MinMs, Batches,
         byte_size(term_to_binary(Term))).

read(File) ->
    {ok, Bin} = file:read_file(File),
    Bin.

%% Each loop hands its last result on, so no call's result is unused and none can be dropped.
decode_loop(0, _Bin, Last) -> Last;
decode_loop(N, Bin, _) -> decode_loop(N - 1, Bin, binary_to_term(Bin)).

encode_loop(0, _Term, Last) -> Last;
encode_loop(N, Term, _) -> encode_loop(N - 1, Term, term_to_binary(Term)).

time(Run, MinMs, Batches, Bytes) ->
    MinNs = MinMs * 1000000,
    Batch = calibrate(Run, 1, MinNs),
    Times = [time_batch(Run, Batch) || _ <- lists:seq(1, Batches)],
    ["ok ", lists:join(" ", [integer_to_list(X) || X <- [Batch, Bytes | Times]])].

%% Grow from 1 until one batch lasts MinNs; the growth rule is the one in measure.js.
calibrate(Run, N, MinNs) ->
    Ns = time_batch(Run, N),
    case Ns >= MinNs of
        true -> N;
        false ->
            Aimed = ceil(N * MinNs * 1.2 / max(Ns, 1)),
            calibrate(Run, max(N * 2, min(N * 10, Aimed)), MinNs)
    end.

time_batch(Run, N) ->
    T0 = erlang:monotonic_time(nanosecond),
    _ = Run(N),
    erlang:monotonic_time(nanosecond) - T0.
