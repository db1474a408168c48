// The shell's scanner and parser (src/erlang/scan.ts, parse.ts) against OTP 25's erl_scan and
// erl_parse: for every source in the tables, erl scans it (with {Line, Column} and with plain line
// annotations) and parses the tokens; noderl's scanString and parseExprs must give =:= terms,
// error infos included, and print errors as the shell does. Each table is one erl round trip.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { useErl } from '../support/erl.js';
import { erlEvalCase, erlString, evalHere, testRegistry } from '../support/erl-eval.js';
import { decode } from '../../dist/term/decode.js';
import { equals } from '../../dist/term/compare.js';
import { format } from '../../dist/term/format.js';
import { atom, tuple } from '../../dist/term/types.js';
import { scanString, scanTokens } from '../../dist/erlang/scan.js';
import { ErlParseError, formatErrorInfo, parseExprs } from '../../dist/erlang/parse.js';

const oracle = useErl();
const skip = oracle.skip;
let node, registry;
before(async () => {
  if (skip) return;
  const { Node } = await import('../../dist/node/node.js');
  node = await Node.start({ log: () => {} });
  registry = testRegistry(node);
});
after(async () => node?.stop());

/** noderl's parse of scanned tokens: `{ok, Forms}` or `{error, ErrorInfo}`, as erl_parse:parse_exprs/1 answers. */
function parseHere(scanned) {
  if (scanned[0].name !== 'ok') return scanned;
  try {
    return tuple(atom('ok'), parseExprs(scanned[1]));
  } catch (e) {
    if (!(e instanceof ErlParseError)) throw e;
    assert.equal(e.code, 'ERR_NODERL_ERL_PARSE');
    return tuple(atom('error'), e.info);
  }
}

/** Erlang that scans and parses S both ways and prints an error as the shell does. */
const ERL_CASE = `
  fun(S) ->
    Parse = fun({ok, T, _}) -> erl_parse:parse_exprs(T); (E) -> E end,
    Shown = fun({error, {L, M, D}}) -> shown(L, M, D); ({error, {L, M, D}, _}) -> shown(L, M, D); (_) -> none end,
    C = erl_scan:string(S, {1, 1}), L = erl_scan:string(S),
    T = erl_scan:string(S, {1, 1}, [text]),
    PC = Parse(C), PL = Parse(L),
    {C, PC, L, PL, Shown(PC), T, Parse(T)}
  end`.replace(
  /shown\(L, M, D\)/g,
  'unicode:characters_to_binary(["* ", case L of {Li, Co} -> io_lib:format("~w:~w", [Li, Co]); _ -> io_lib:format("~w", [L]) end, ": ", M:format_error(D)])',
);

/** Compares noderl with erl on every source, and reports every difference at once. */
async function compareWithErl(sources) {
  const list = `[${sources.map(erlString).join(', ')}]`;
  const results = decode(await oracle.erl.evalTerm(`begin F__ = ${ERL_CASE}, [F__(S__) || S__ <- ${list}] end`));
  const diffs = [];
  const errors = [];
  sources.forEach((src, i) => {
    const [scanCol, parseCol, scanLine, parseLine, shown, scanText, parseText] = results[i];
    // Tokens scanned with [text] (as the shell's are) annotate with text: parse erl's own.
    const myScanText = scanString(src, [1, 1], { text: true });
    if (!equals(myScanText, scanText)) diffs.push(`${JSON.stringify(src)} erl_scan:string(S, {1,1}, [text])\n   erl:    ${format(scanText)}\n   noderl: ${format(myScanText)}`);
    const mineText = parseHere(scanText);
    if (!equals(mineText, parseText)) diffs.push(`${JSON.stringify(src)} parse of [text] tokens\n   erl:    ${format(parseText)}\n   noderl: ${format(mineText)}`);
    const mine = [scanString(src, [1, 1]), null, scanString(src), null];
    mine[1] = parseHere(mine[0]);
    mine[3] = parseHere(mine[2]);
    const want = [scanCol, parseCol, scanLine, parseLine];
    ['erl_scan:string(S, {1,1})', 'its parse', 'erl_scan:string(S)', 'its parse'].forEach((what, k) => {
      if (!equals(mine[k], want[k])) diffs.push(`${JSON.stringify(src)} ${what}\n   erl:    ${format(want[k])}\n   noderl: ${format(mine[k])}`);
    });
    const info = mine[1][0].name === 'error' ? mine[1][1] : null;
    if (info !== null) {
      errors.push(src);
      const text = formatErrorInfo(info);
      if (text !== shown.toString('utf8')) diffs.push(`${JSON.stringify(src)} printed\n   erl:    ${shown}\n   noderl: ${text}`);
    }
  });
  assert.deepEqual(diffs, []);
  return errors;
}

// Every form and operator mixture of erl_parse.yrl's expression grammar.
const EXPRESSIONS = [
  // atomic, variables, strings
  '1.', '-1.', '+1.', '1.5.', '2.0e10.', '1.0E-3.', '16#ff.', '2#1010.', '36#zZ.', '1_000.', '16#ff_ff.', '12345678901234567890.',
  '$a.', '$\\n.', '$\\s.', '$\\x{1F600}.', '$\\^a.', '$ .', 'ok.', "'hello world'.", "'case'.", 'X.', '_.', '_Y.', 'Ab@c1.',
  '"abc".', '"a" "b" "c".', '"".', '"a\\tb\\x41\\101".', '"line\nbreak".', "'\\''.", 'maybe.', 'else.', 'a@b.',
  // operators and precedence
  '1 + 2 * 3.', '(1 + 2) * 3.', '1 - 2 - 3.', '1 - (2 - 3).', '8 / 2 / 2.', '1 + 2 - 3 + 4.', '7 div 2 rem 3.',
  'a band b bor c bxor d.', '1 bsl 2 bsr 1.', 'A or B xor C.', 'A and B or C.', 'not A and B.', 'not not A.', '- - 1.',
  '-X + 1.', '- X * Y.', 'bnot 1 + 2.', '+ - 1.', '1 + -1.', '1 - - 1.', '1 * - 2 + 3.',
  '[1] ++ [2] ++ [3].', '[1] -- [2] -- [3].', 'A ++ B -- C.', '1 + 2 ++ 3.', '1 < 2.', '1 =:= 2.', 'A =/= B.', 'A =< B.',
  'A >= B.', 'A == B.', 'A /= B.', 'A > B.', '1 + 1 == 2.', 'A ++ B == C.', 'A < B andalso B < C.', 'A andalso B andalso C.',
  'A orelse B orelse C.', 'A andalso B orelse C.', 'A orelse B andalso C.', 'A = B = C.', 'A = B + 1.', 'A = B orelse C.',
  'A ! B.', 'A ! B ! C.', 'A ! B = C.', 'A = B ! C.', 'catch 1.', 'catch 1 + 2.', 'X = catch 1.', '1 + catch 2 * 3.',
  'catch X = Y.', 'catch catch a.', '- catch 1.', 'not catch a.', '{X, Y} = {1, 2}.', '[H | T] = L.',
  'A = B, C = D.', 'X = 1, Y = X + 1, {X, Y}.',
  // calls and remote calls
  'f().', 'f(1).', 'f(1, 2, 3).', 'm:f().', 'm:f(1, 2).', 'M:F(A).', 'X(Y).', '(F)(X).', '(fun f/1)(1).',
  "'m':'f'(1).", 'lists:seq(1, 10).', '(m):f(1).', 'm:(f)(1).', 'fun(X) -> X end(1).', 'f(g(h(1))).',
  'erlang:element(1, {a}).', 'm:f.', '-f(1).', 'f(1) + g(2).',
  // maps
  '#{}.', '#{a => 1}.', '#{a => 1, b => 2}.', 'M#{a => 1}.', 'M#{a := 1, b => 2}.', 'M#{}#{a => 1}.',
  '#{a => 1}#{b => 2}#{c := 3}.', '#{k => #{n => 1}}.', 'X = #{a := 1}.', '#{a := X} = M.', '(M)#{a => 1}.',
  'f()#{}.', '#{1 + 2 => 3 * 4}.', '#{K => V || {K, V} <- L}.',
  // records
  '#r{}.', '#r{a = 1}.', '#r{a = 1, b = 2}.', '#r{_ = 1}.', 'X#r{a = 1}.', 'X#r.a.', '#r.a.', 'X#r.a#s.b.',
  'X#r{a = 1}#s{b = 2}.', 'X#r.a + 1.', '#r{a = #s{}}.', '(X#r.a)#{k => v}.', 'X#r{a = 1}.b.', '#r{a = 1}#r.a.',
  // tuples, lists, binaries
  '{}.', '{a}.', '{a, {b, c}, [d]}.', '[].', '[1].', '[1, 2, 3].', '[1, 2 | 3].', '[1 | [2 | []]].', '[[]].', '[a | b].',
  '<<>>.', '<<1>>.', '<<1, 2, 3>>.', '<<"abc">>.', '<<"abc"/utf8>>.', '<<X:8>>.', '<<X:8/integer-unit:1, B/binary, "abc", (Y+1):16>>.',
  '<<X:N/little-signed-integer>>.', '<<-1:8>>.', '<<+X>>.', '<<(f(X))/binary>>.', '<<1:4, 2:4>>.', '<<X/utf16-big>>.',
  '<<<<1>>/binary>>.', '<<$a, "b":8>>.', '<<X:(N * 8)/unit:1>>.', '<<1.5/float>>.', '<<X:Size/bits>>.',
  // comprehensions
  '[X || X <- L].', '[X * 2 || X <- [1, 2, 3], X > 1].', '[{X, Y} || X <- A, Y <- B, X =/= Y].', '[X || <<X>> <= B].',
  '<< <<X>> || X <- L >>.', '<< <<X:8>> || <<X:4>> <= B >>.', '<<X || X <- L>>.', '[X || {X, _} <- L, is_atom(X), X =/= a].',
  '[[Y || Y <- X] || X <- L].', '[X || X <- L, <<_>> <- B].', '[ok || true].',
  // blocks and clauses
  'begin 1 end.', 'begin 1, 2 end.', 'if X -> a end.', 'if X > 1 -> a; true -> b end.', 'if A, B; C -> x end.',
  'case X of 1 -> a end.', 'case X of 1 -> a; _ -> b end.', 'case X of {A, B} when A > B -> A; _ when X, Y; Z -> b end.',
  'case f(X) of [H | _] -> H, ok end.', 'receive X -> X end.', 'receive {a, X} when X > 0 -> X; _ -> b end.',
  'receive after 100 -> timeout end.', 'receive X -> X after T -> ok end.', 'receive after infinity -> 1, 2 end.',
  // funs
  'fun f/1.', 'fun m:f/1.', 'fun M:F/A.', 'fun m:F/2.', "fun 'm':'f'/0.", 'fun () -> ok end.', 'fun (X) -> X end.',
  'fun (X) when X > 0 -> X; (_) -> 0 end.', 'fun (X, Y) -> X + Y end.', 'fun F(0) -> 1; F(N) -> N * F(N - 1) end.',
  'fun ([H | T], #{a := A}, <<B:8>>, #r{x = 1}) -> {H, T, A, B} end.', 'fun (X = {_, _}) -> X end.', 'fun (-1) -> neg end.',
  'fun (A + 1) -> A end.', 'fun (#{}) -> m end.', 'fun (#r.a) -> i end.', 'fun ("a" ++ X) -> X end.', 'fun ((X)) -> X end.',
  'fun (X) -> Y = X, Y end.', 'fun Loop() -> Loop end.', 'fun (X) when is_integer(X); is_float(X) -> X end.',
  // try
  'try f() catch _ -> ok end.', 'try f() of X -> X catch error:R -> R end.', 'try f() catch C:R:S when C =:= error -> {R, S} end.',
  'try f() after g() end.', 'try f() of X -> X after g() end.', 'try f() catch throw:X -> X; exit:R -> R after g() end.',
  'try a, b catch X -> X; error:{badarg, _} -> b end.', 'try f() catch E:R:St -> {E, R, St} end.', 'try 1 catch _:_ -> 2 end.',
  'try f() catch {a, B} when B > 0 -> B end.', 'try f() catch [H | T] -> T end.',
  // layout, comments, positions
  'X =\n  1 +\n  2.', '$\\^?.', "'\\x41\\x{1F600}'.", '"\\777\\18\\1x".', '1.0e+5.', '1_0.0_1e1_0.', '16#1_F.', '$\\\n.',
  '"a\\\nb".', '"\\^\nx".', '"tab\there".', '[$\\", $\\\\, $\\\'].', 'X = 1.\t', '1.%c', '[1,2|X]=Y.', '% comment\nX. % more', '{a,\n\tb}.', 'f(\n  1,\n  2\n).', 'X = "a\nb", Y = $\n, {X, Y}.',
];

// Inputs erl_scan or erl_parse refuse, with their error infos and shell text.
const ERRORS = [
  '1 + .', 'X = .', '(1 + 2.', '1 + 2).', '[1, 2.', '{1, 2].', '[1 2].', 'f(1, ).', 'case X of end.', 'case X of 1 -> a 2 -> b end.',
  'if end.', 'receive end.', 'begin end.', 'fun end.', 'fun (X) -> X.', 'fun f/a.', 'fun F/1.', 'fun m:f.', 'try f() end.',
  'try catch _ -> ok end.', '1 < 2 < 3.', 'A == B =:= C.', 'f(1)(2).', 'm:f#{}.', 'a:b:c.', 'f()#{}.', '#r.a.b.',
  '<<X>> <= B.', '[X || (<<X>>) <= B].', 'fun(X#{a:=1}) -> 1 end.', 'fun(f(X)) -> 1 end.', 'fun(catch X) -> 1 end.',
  'fun(A ! B) -> 1 end.', 'fun([X || X <- L]) -> 1 end.', 'try a catch X = Y:Z -> 1 end.', 'fun (X) -> 1; Y(Z) -> 2 end.',
  'fun (X) -> 1; (Y, Z) -> 2 end.', 'fun F(X) -> 1; G(Y) -> 2 end.', 'maybe X end.', 'X = 1', '1 + 2', '', '.', '1. 2.',
  '#{a = 1}.', '#r{a => 1}.', '#r{1 = 2}.', '#{a}.', 'M#{a => 1}#r.b.', '#r{}#{}.', '<<X + 1>>.', '<<X:8/unit:a>>.',
  '<<X/integer:8>>.', '<<-X || X <- L>>.', 'X#r.', 'f(X) when X.', 'if X -> end.', 'case X of Y when -> a end.',
  'a.b.', '1 .. 2.', 'X = ?M.', 'A :: B.', '{a, ...}.', 'try f() catch error:X:1 -> ok end.', 'fun m:f/1.5.',
  'fun A:B/C D.', 'after.', 'end.', 'X when.', '[1 | 2 | 3].', '#{a => 1 b => 2}.',
  // scan errors
  '"abc', "'abc", '"abc\n.', '$', 'X = \u20ac.', '"\\x{110000}".', '"a\\x{".', '"\\xg".', '1#0.', '37#1.', '2#.', '2#2.',
  '1.0e.', '1.0e+.', '1.0e400.', '"abcdefghijklmnopqrstuvwxyz', `'${'x'.repeat(256)}'.`, `${'X'.repeat(256)}.`,
  '$\\x{D800}.', '.5.', 'X.Y.', '1 ?= 2.', '"\\x{12345678}".', '"\\x{ab".', '$\\x4.', '$\\', '1.0e1_.', '1_.', '16#_1.', 'a \u00a7 b.', 'x \u00d7 y.',
];

test('scanString and parseExprs give what erl_scan:string/1,2 and erl_parse:parse_exprs/1 give (real erl)', { skip }, async () => {
  assert.ok(EXPRESSIONS.length >= 150, `${EXPRESSIONS.length} expressions`);
  await compareWithErl(EXPRESSIONS);
});

test('syntax and scan errors: the same ErrorInfo and the same shell text as erl (real erl)', { skip }, async () => {
  const errors = await compareWithErl(ERRORS);
  assert.ok(errors.length > 50, `only ${errors.length} of the bad inputs failed to parse`);
});

// ---- erl_scan:tokens/3: text fed in pieces ------------------------------------------------

const TOKEN_TEXTS = [
  'X = 1 + 2.\nY = "a b", [Y | X].\n',
  "f(\n  'a b', $c, 1.5e3). % c\n2#10.",
  '<<1:8>> =:= <<1>>. 16#f_f =/= 2#10.\t',
  'A =/= B. "x\\x{41}\\n". fun m:f/1.',
  'case X of\n  1 -> a;\n  _ -> b\nend. [X || X <- L]',
  '"unterminated. 1.',
  'x \u20ac y. 1.',
];

/**
 * Feeds pieces to erl_scan:tokens/3 the way an I/O server does: `more` asks for the next piece,
 * a done result's rest is scanned before the next piece. Returns every answer in order.
 */
function driveHere(pieces, start, options) {
  const answers = [];
  let cont = null;
  let chars = pieces[0];
  let i = 1;
  for (;;) {
    const r = scanTokens(cont, chars, start, options);
    if ('more' in r) {
      answers.push(atom('more'));
      if (i >= pieces.length) return answers;
      cont = r.more;
      chars = pieces[i++];
      continue;
    }
    answers.push(tuple(r.done, r.rest === 'eof' ? atom('eof') : Array.from(r.rest, (c) => c.codePointAt(0))));
    if (r.rest === 'eof') return answers;
    cont = null;
    if (r.rest !== '') chars = r.rest;
    else if (i < pieces.length) chars = pieces[i++];
    else return answers;
  }
}

const ERL_DRIVE = `
  fun Drive(Cont, Chars, Pieces, Start, Opts, Acc) ->
    case erl_scan:tokens(Cont, Chars, Start, Opts) of
      {more, C} when Pieces =:= [] -> lists:reverse([more | Acc]);
      {more, C} -> Drive(C, hd(Pieces), tl(Pieces), Start, Opts, [more | Acc]);
      {done, R, eof} -> lists:reverse([{R, eof} | Acc]);
      {done, R, []} when Pieces =:= [] -> lists:reverse([{R, []} | Acc]);
      {done, R, []} -> Drive([], hd(Pieces), tl(Pieces), Start, Opts, [{R, []} | Acc]);
      {done, R, Rest} -> Drive([], Rest, Pieces, Start, Opts, [{R, Rest} | Acc])
    end
  end`;

test('scanTokens fed text in pieces answers as erl_scan:tokens/3 does, split at every position (real erl)', { skip }, async () => {
  const cases = [];
  for (const text of TOKEN_TEXTS) {
    const cps = Array.from(text);
    for (let k = 0; k <= cps.length; k++) {
      const pieces = [cps.slice(0, k).join(''), cps.slice(k).join(''), 'eof'];
      for (const start of [[1, 1], 3]) cases.push({ pieces, start, text: false });
      cases.push({ pieces, start: [2, 5], text: true });
    }
  }
  const erlPiece = (p) => (p === 'eof' ? 'eof' : erlString(p));
  const erlStart = (s) => (typeof s === 'number' ? String(s) : `{${s[0]}, ${s[1]}}`);
  const list = cases.map(({ pieces, start, text }) => `{[${pieces.map(erlPiece).join(', ')}], ${erlStart(start)}, ${text ? '[text]' : '[]'}}`).join(',\n');
  const results = decode(await oracle.erl.evalTerm(`begin D__ = ${ERL_DRIVE}, [D__([], hd(P__), tl(P__), S__, O__, []) || {P__, S__, O__} <- [${list}]] end`));
  const diffs = [];
  cases.forEach(({ pieces, start, text }, i) => {
    const mine = driveHere(pieces, start, { text });
    if (!equals(mine, results[i])) diffs.push(`${JSON.stringify(pieces)} from ${JSON.stringify(start)}\n   erl:    ${format(results[i])}\n   noderl: ${format(mine)}`);
  });
  assert.ok(cases.length > 450);
  const answers = results.flat();
  assert.ok(answers.some((x) => x?.name === 'more') && answers.filter((x) => x?.name !== 'more').length > cases.length, 'both more and done answers');
  assert.deepEqual(diffs.slice(0, 10), []);
});

// ---- end to end: text scanned and parsed here, evaluated here, against erl_eval on erl's parse ----

const PROGRAMS = [
  'X = 21, X * 2.', 'lists:seq(1, 10).', '[X * X || X <- lists:seq(1, 5), X rem 2 =:= 1].', '<< <<(X + 1)>> || <<X>> <= <<1, 2, 3>> >>.',
  'M = #{a => 1, b => 2}, M2 = M#{a := 10, c => 3}, {M2, map_size(M2)}.', '#{a := A} = #{a => 7}, A.',
  'F = fun(X) -> X + 1 end, F(41).', 'Fact = fun F(0) -> 1; F(N) -> N * F(N - 1) end, Fact(20).', 'G = fun erlang:abs/1, G(-3).',
  'try throw(oops) catch throw:R -> {caught, R} end.', 'try 1 / 0 catch error:badarith:S -> is_list(S) end.',
  'try erlang:error(x) of _ -> no catch error:E -> E after ok end.', 'catch throw(x).', '(catch 1) + 1.',
  'B = <<1:4, 15:4, "ab", 258:16/little>>, <<H:8, Rest/binary>> = B, {H, Rest}.', '<<X:3, _:5>> = <<255>>, X.',
  'case {1, 2} of {A, B} when A < B -> lt; _ -> ge end.', 'if 1 > 2 -> a; true -> b end.', 'begin X = 1, X + 1 end.',
  'lists:foldl(fun(X, Acc) -> X + Acc end, 0, [1, 2, 3]).', 'lists:map(fun(X) -> {X} end, "ab").', '"abc" ++ "def".',
  '[H | T] = "hello", {H, T}.', 'true andalso not false.', '1 < 2 orelse error(no).', '2#1010 + 16#ff + $a.',
  '{X, Y} = {1.5, 2.0e3}, X * Y.', 'self() ! hello, receive hello -> got after 100 -> none end.', 'receive after 0 -> timeout end.',
  'A = 1, B = 2, A =:= B - 1 andalso B =/= 1.0.', "'hello world'.", 'tuple_size({a, b, c}).', '-(3 - 5) * +2.',
  'bnot 5 band 16#ff bor 1 bsl 4.', '[1, 2, 3] -- [2] ++ [4].', 'element(2, {a, "b\tc"}).', 'X = 3, F = fun() -> X end, F().',
];

test('scanned and parsed here, evaluated here: the value erl_eval gives for erl\'s own parse (real erl)', { skip }, async () => {
  const diffs = [];
  for (const src of PROGRAMS) {
    const { forms, expected } = await erlEvalCase(oracle.erl, src);
    const scanned = scanString(src);
    assert.equal(scanned[0].name, 'ok', src);
    const mine = parseExprs(scanned[1]);
    if (!equals(mine, forms)) diffs.push(`${src}: forms differ\n   erl:    ${format(forms)}\n   noderl: ${format(mine)}`);
    const actual = await evalHere(node, registry, mine);
    if (!equals(actual, expected)) diffs.push(`${src}\n   erl:    ${format(expected)}\n   noderl: ${format(actual)}`);
  }
  assert.deepEqual(diffs, []);
});

// ---- the real shell's text ------------------------------------------------------------------

test("formatErrorInfo prints what erl's own shell prints for the same bad lines (real erl)", { skip }, () => {
  const lines = ['1 + .', 'case X of end.', 'f(1)(2).', 'fun (X) -> 1; Y(Z) -> 2 end.', '[X || (<<X>>) <= B].', "X = 'a b' c.", 'A = $a $b.'];
  const run = spawnSync('erl', ['+pc', 'unicode'], { input: lines.join('\n') + '\n', encoding: 'utf8', timeout: 30000 });
  const shown = run.stdout
    .split('\n')
    .map((l) => l.replace(/^(\d+> )+/, ''))
    .filter((l) => l.startsWith('* '));
  const mine = lines.map((l) => {
    const scanned = scanString(l, [1, 1]);
    if (scanned[0].name === 'error') return formatErrorInfo(scanned[1]);
    try {
      parseExprs(scanned[1]);
      return 'parsed';
    } catch (e) {
      return formatErrorInfo(e.info);
    }
  });
  assert.deepEqual(mine, shown, run.stdout + run.stderr);
});

// ---- random expressions -----------------------------------------------------------------------

const RUNS = Number(process.env.FC_RUNS ?? 300);
const SEED = process.env.FC_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED);

/** Random expression text: operators, prefixes and forms mixed at random, many of them refused by erl_parse. */
function expressionArbitrary() {
  const leaf = fc.constantFrom('X', 'Y', '_', '1', '2.5', '$a', 'ok', '"s"', "'q'", '[]', '{}', '#{}', '<<>>', 'f()', 'm:f(X)', '#r{}', 'X#r.a', '#r.a', 'M#{}');
  const binop = fc.constantFrom('=', '!', 'orelse', 'andalso', '==', '<', '=:=', '++', '--', '+', '-', 'bor', 'bsl', 'or', 'xor', '*', '/', 'div', 'rem', 'band', 'and');
  const prefix = fc.constantFrom('-', '+', 'bnot', 'not', 'catch');
  const { e } = fc.letrec((tie) => ({
    e: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.tuple(tie('e'), binop, tie('e')).map(([l, o, r]) => `${l} ${o} ${r}`),
      fc.tuple(prefix, tie('e')).map(([p, x]) => `${p} ${x}`),
      tie('e').map((x) => `(${x})`),
      fc.tuple(tie('e'), tie('e')).map(([x, y]) => `{${x}, ${y}}`),
      fc.tuple(tie('e'), tie('e')).map(([x, y]) => `[${x} | ${y}]`),
      fc.tuple(tie('e'), tie('e')).map(([k, v]) => `#{${k} => ${v}}`),
      tie('e').map((x) => `${x}#{a := 1}`),
      tie('e').map((x) => `${x}#r{a = 1}`),
      tie('e').map((x) => `f(${x})`),
      tie('e').map((x) => `${x}(1)`),
      tie('e').map((x) => `${x}:f()`),
      tie('e').map((x) => `[${x} || X <- L, ${x}]`),
      tie('e').map((x) => `<<${x}>>`),
      tie('e').map((x) => `case ${x} of _ -> ok end`),
      fc.tuple(tie('e'), tie('e')).map(([p, b]) => `fun(${p}) -> ${b} end`),
      fc.tuple(tie('e'), tie('e')).map(([b, p]) => `try ${b} catch ${p} -> ok end`),
    ),
  }));
  return fc.array(e, { minLength: 1, maxLength: 2 }).map((es) => es.join(', ') + '.');
}

test(`random expressions parse here as erl_parse parses them, refusals included (real erl, FC_SEED=${SEED})`, { skip }, async () => {
  const sources = fc.sample(expressionArbitrary(), { numRuns: RUNS, seed: SEED });
  const errors = await compareWithErl(sources);
  // About half parse: both the trees and the refusals are compared.
  assert.ok(errors.length > sources.length / 5 && errors.length < (sources.length * 4) / 5, `${errors.length} of ${sources.length} refused`);
});
