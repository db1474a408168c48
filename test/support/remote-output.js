// The chapter's remote spawn as an erl node does it, with output: a collector group leader on erl
// stands in for the shell's terminal, spawns `fun() -> io:format("I'm on ~p~n", [node()]) end` on
// `target`, and returns the text that came home through the io_request (erl's printed string).
export function remoteSpawnOutput(erl, target) {
  return erl.eval(
    `begin Parent = self(), ` +
      `Collector = spawn(fun Loop() -> receive {io_request, From, Ref, Req} -> Parent ! {out, Req}, From ! {io_reply, Ref, ok}, Loop() end end), ` +
      `spawn(fun() -> group_leader(Collector, self()), spawn('${target}', fun() -> io:format("I'm on ~p~n", [node()]) end) end), ` +
      `receive {out, {put_chars, unicode, io_lib, format, [F, A]}} -> lists:flatten(io_lib:format(F, A)); ` +
      `{out, {put_chars, unicode, Chars}} -> unicode:characters_to_list(Chars) ` +
      `after 5000 -> timeout end end`,
  );
}
