// The io_lib:format engine, case by case against real erl's io_lib:format (one batch run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erlOrSkip, runErlang } from '../support/erl.js';
import { parse } from '../../dist/term/parse.js';
import { ioFormat, IoFormatError } from '../../dist/term/io-format.js';

// {Format, Args} in Erlang syntax; the same text is read by erl (file:consult) and by parse().
const CASES = [
  '{"hello ~p~n", [x]}',
  '{"~w ~p", [[1,2,3], [1,2,3]]}',
  '{"~w|~p", ["abc", "abc"]}',
  '{"~w|~p", [<<"abc">>, <<"abc">>]}',
  '{"~s and ~s", ["abc", <<"def">>]}',
  '{"~s", [[$a, [$b, <<"c">>]]]}',
  '{"~10s|~-10s|", ["ab", "cd"]}',
  '{"~.2s|", ["abcdef"]}',
  '{"~5w|~-5w|", [ab, 12]}',
  '{"~3w|", [abcdef]}',
  '{"~c~c", [104, 105]}',
  '{"~3c|", [$x]}',
  '{"~b ~.16b ~.16B ~.2b", [255, 255, 255, 5]}',
  '{"~i~p", [ignored, shown]}',
  '{"~~ ~n", []}',
  '{"~p", [{ok, #{a => [1]}, 1.5, \'Q a\'}]}',
  '{"~w", [#{b => "x", a => <<1,2>>}]}',
  '{"~ts|~tp", ["caf\\x{e9}", atom]}',
  '{"~*w|", [6, x]}',
  '{"~6.2.0b|", [5]}',
  '{"~-6..xs|", ["ab"]}',
  '{"~w", [-12345678901234567890]}',
  '{"~p|~tp", [[20013], [20013]]}',
  '{"~p|~tp", [<<195,169>>, <<195,169>>]}',
  '{"~p|~w", [[104,233,108], [104,233,108]]}',
  '{"~p", [[[1,2], "ab", <<>>, [], [a|b]]]}',
  '{"~p", [{[10,9,27], <<"a\\nb">>, <<1,2>>, #{"k" => [0]}}]}',
  '{"~p ~p ~p", [1.0, -3, \'hello world\']}',
  '{"~tp|~tp|~tp|~tp", [<<233>>, <<195,169,10>>, <<228,184,173>>, [233,10]]}',
  '{"~p|~tp", [<<228,184,173>>, {<<"abc">>, <<>>}]}',
];

test('ioFormat matches io_lib:format', (t) => {
  if (erlOrSkip(t)) return;
  const code = `{ok, Cases} = file:consult(IN), Out = [unicode:characters_to_binary([io_lib:format(F, A), 0]) || {F, A} <- Cases], file:write_file(OUT, Out)`;
  const expected = runErlang(code, CASES.map((c) => `${c}.\n`).join('')).split('\0').slice(0, -1);
  assert.equal(expected.length, CASES.length);
  CASES.forEach((c, i) => {
    const [fmt, args] = parse(c);
    assert.equal(ioFormat(fmt, args), expected[i], c);
  });
});

test('bad formats raise IoFormatError (io_lib:format raises badarg)', () => {
  for (const [fmt, args] of [['~p', []], ['~p', [1, 2]], ['~c', ['x']], ['~s', [{}]], ['~b', [1.5]], ['~q', [1]], ['abc~', []]]) {
    assert.throws(() => ioFormat(fmt, args), IoFormatError, `${fmt}`);
  }
});
