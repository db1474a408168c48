// parse and the `term` template: Erlang term syntax to terms, checked case by case and against
// a real OTP node (one `erl` run parses the same texts with erl_scan/erl_parse, and prints terms
// with ~tp for parse to read back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atom, BitBinary, equals, ErlFloat, ExportFun, float, format, ImproperList, isTuple, parse, term, tuple } from '../../dist/index.js';
import { erlOrSkip, runErlang } from '../support/erl.js';

const a = atom;
const codes = (s) => Array.from(s, (c) => c.codePointAt(0));

/** Asserts parse(text) is =:= to `want` (and, for good measure, prints as format(want)). */
function same(text, want) {
  const got = parse(text);
  assert.ok(equals(got, want), `parse(${JSON.stringify(text)}) = ${format(got)}, want ${format(want)}`);
}

function sameTerm(got, want) {
  assert.ok(equals(got, want), `got ${format(got)}, want ${format(want)}`);
}

function fails(text, pattern) {
  assert.throws(() => parse(text), (e) => e instanceof SyntaxError && pattern.test(e.message), `parse(${JSON.stringify(text)}) should fail with ${pattern}`);
}

test('integers in every form', () => {
  assert.equal(parse('42'), 42);
  assert.equal(parse('-5'), -5);
  assert.equal(parse('+5'), 5);
  assert.equal(parse('- 5'), -5);
  assert.ok(Object.is(parse('-0'), 0), 'no -0 integer');
  assert.equal(parse('16#ff'), 255);
  assert.equal(parse('16#FF_FF'), 65535);
  assert.equal(parse('2#101'), 5);
  assert.equal(parse('36#Zz'), 1295);
  assert.equal(parse('-8#777'), -511);
  assert.equal(parse('1_000_000'), 1000000);
  assert.equal(parse('9007199254740991'), 9007199254740991);
  assert.equal(parse('9007199254740992'), 9007199254740992n, 'past 2^53: a bigint');
  assert.equal(parse('-9007199254740992'), -9007199254740992n);
  assert.equal(parse('123456789012345678901234567890'), 123456789012345678901234567890n);
  assert.equal(parse('16#FFFFFFFFFFFFFFFFFFFF'), 2n ** 80n - 1n);
  assert.equal(parse('16#1FFFFFFFFFFFFF'), 2 ** 53 - 1);
});

test('characters are integers', () => {
  assert.equal(parse('$a'), 97);
  assert.equal(parse('$ '), 32);
  assert.equal(parse('$\\n'), 10);
  assert.equal(parse('$\\x{1F600}'), 0x1f600);
  assert.equal(parse('$\\^A'), 1);
  assert.equal(parse('$\\^?'), 31);
  assert.equal(parse("$\\'"), 39);
  assert.equal(parse('$é'), 233);
  assert.equal(parse('-$a'), -97);
});

test('floats; integral ones become ErlFloat', () => {
  assert.equal(parse('1.5'), 1.5);
  assert.equal(parse('1.0e-5'), 1e-5);
  assert.equal(parse('2.5E3').value, 2500);
  assert.ok(parse('1.0') instanceof ErlFloat);
  assert.ok(parse('2.5e3') instanceof ErlFloat);
  assert.ok(Object.is(parse('-0.0').value, -0));
  assert.ok(Object.is(parse('- 0.0').value, -0));
  assert.equal(parse('1.5e+10').value, 1.5e10);
  assert.equal(parse('1_0.2_5'), 10.25);
  assert.equal(parse('1.5e-400').value, 0, 'underflow reads as 0.0, as erl_scan does');
  fails('1.0e400', /out of range/);
  fails('1e5', /fraction/);
  fails('1.e5', /unexpected|'\.'/);
});

test('atoms, booleans and variables', () => {
  assert.equal(parse('ok'), a('ok'));
  assert.equal(parse('true'), true);
  assert.equal(parse('false'), false);
  assert.equal(parse("'true'"), true);
  assert.equal(parse('undefined'), a('undefined'));
  assert.equal(parse("'hello world'"), a('hello world'));
  assert.equal(parse("'it\\'s'"), a("it's"));
  assert.equal(parse("'\\x{1F600}'"), a('😀'));
  assert.equal(parse("'😀'"), a('😀'));
  assert.equal(parse('ßx@À1_'), a('ßx@À1_'));
  assert.equal(parse('maybe'), a('maybe'), 'not reserved in OTP 25');
  assert.equal(parse("'end'"), a('end'));
  fails('end', /reserved word end/);
  fails('Var', /variable Var/);
  fails('_', /variable _/);
  fails(`'${'x'.repeat(256)}'`, /longer than 255/);
});

test('strings are lists of code points, with every escape', () => {
  assert.deepEqual(parse('"abc"'), [97, 98, 99]);
  assert.deepEqual(parse('""'), []);
  assert.deepEqual(parse('"a" "b"\n "c"'), [97, 98, 99]);
  assert.deepEqual(parse('"\\n\\r\\t\\v\\b\\f\\e\\s\\d\\\\\\"\\z"'), [10, 13, 9, 11, 8, 12, 27, 32, 127, 92, 34, 122]);
  assert.deepEqual(parse('"\\101\\x41\\x{41}\\1234"'), [65, 65, 65, 83, 52]);
  assert.deepEqual(parse('"\\^A\\^z\\^["'), [1, 26, 27]);
  assert.deepEqual(parse('"\\x{1F600}😀é"'), [0x1f600, 0x1f600, 233]);
  assert.deepEqual(parse('"line\nbreak"'), codes('line\nbreak'));
  fails('"abc', /unterminated string/);
  fails('"\\x{}"', /escape/);
  fails('"\\x{110000}"', /beyond Unicode/);
});

test('lists, improper lists, tuples and maps', () => {
  assert.deepEqual(parse('[]'), []);
  assert.deepEqual(parse('[1, [2, [3]]]'), [1, [2, [3]]]);
  same('[1|2]', new ImproperList([1], 2));
  same('[1,2|[3]]', [1, 2, 3]);
  same('[1|[]]', [1]);
  same('[$a, $b | "c"]', codes('abc'));
  same('[a | [b | c]]', new ImproperList([a('a'), a('b')], a('c')));
  assert.ok(isTuple(parse('{}')));
  same('{a, {b}, {}}', tuple(a('a'), tuple(a('b')), tuple()));
  same('#{}', new Map());
  same('#{a => 1, "k" => [2]}', new Map([[a('a'), 1], [codes('k'), [2]]]));
  same('#{a => 1, a => 2}', new Map([[a('a'), 2]]));
  assert.equal(parse('#{[1] => x, [1] => y}').size, 1, 'keys are compared structurally');
  assert.equal(parse('#{1 => x, 1.0 => y}').size, 2, '1 and 1.0 are different keys');
  same('# { a => b }', new Map([[a('a'), a('b')]]));
  fails('#{a := 1}', /'=>', not ':='/);
  fails('[1,]', /unexpected ']'/);
  fails('{a', /expected '}', found end of input/);
  fails('[1 2]', /expected ']'/);
});

test('binaries and bit syntax', () => {
  same('<<>>', Buffer.alloc(0));
  same('<<"abc">>', Buffer.from('abc'));
  same('<<"é"/utf8>>', Buffer.from('é'));
  same('<<"é">>', Buffer.from([233]));
  same('<<"\\x{1F600}">>', Buffer.from([0]), 'an integer segment keeps the low 8 bits');
  same('<<1,2,3>>', Buffer.from([1, 2, 3]));
  same('<<1:3>>', new BitBinary(Buffer.from([0x20]), 3));
  same('<<1,2:3>>', new BitBinary(Buffer.from([1, 0x40]), 3));
  same('<<300:16>>', Buffer.from([1, 44]));
  same('<<300:16/little>>', Buffer.from([44, 1]));
  same('<<16#123:12/little>>', new BitBinary(Buffer.from([0x23, 0x10]), 4));
  same('<<-1>>', Buffer.from([255]));
  same('<<-1:12/little>>', new BitBinary(Buffer.from([255, 0xf0]), 4));
  same('<<1:100>>', new BitBinary(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]), 4));
  same('<<1.5/float>>', Buffer.from([63, 248, 0, 0, 0, 0, 0, 0]));
  same('<<1:32/float-little>>', Buffer.from([0, 0, 128, 63]));
  same('<<1.5:16/float>>', Buffer.from([62, 0]));
  same('<<"ab":16>>', Buffer.from([0, 97, 0, 98]));
  same('<<"ab"/utf16-little>>', Buffer.from([97, 0, 98, 0]));
  same('<<"\\x{1F600}"/utf16>>', Buffer.from([0xd8, 0x3d, 0xde, 0x00]));
  same('<<$a/utf32>>', Buffer.from([0, 0, 0, 97]));
  same('<<3:2/unit:4>>', Buffer.from([3]));
  same('<<<<1,2>>/binary, 3>>', Buffer.from([1, 2, 3]));
  same('<<<<1,2>>:1/binary>>', Buffer.from([1]));
  same('<<<<1:3>>/bits, 1:5>>', Buffer.from([0x21]));
  same('<<1:(2)>>', new BitBinary(Buffer.from([0x40]), 2));
  same('<<"abc":0>>', Buffer.alloc(0));
  same('<<-1:8/signed-integer-big>>', Buffer.from([255]));
  fails('<<1/foo>>', /unknown type specifier foo/);
  fails('<<1:2/binary>>', /needs a bitstring/);
  fails('<<1/integer-unit:8>>', /explicit size/);
  fails('<<1.5>>', /needs an integer/);
  fails('<<1:24/float>>', /16, 32 or 64/);
  fails('<<"a"/utf8:8>>', /expected '>>'|size/);
});

test('fun M:F/A', () => {
  const f = parse('fun lists:reverse/1');
  assert.ok(f instanceof ExportFun);
  assert.equal(format(f), 'fun lists:reverse/1');
  same("fun 'Elixir.Enum':map/2", new ExportFun(a('Elixir.Enum'), a('map'), 2));
  fails('fun lists:reverse', /expected '\/'/);
  fails('fun () -> ok end', /module name expected/);
});

test('layout: white space, comments, line breaks, the final dot', () => {
  same('  {\n  a ,\n\tb\n}  ', tuple(a('a'), a('b')));
  same('{a, b}. ', tuple(a('a'), a('b')));
  same('{a, % a comment\n b}.% another\n', tuple(a('a'), a('b')));
  same('[1,\n 2]\n.\n', [1, 2]);
  fails('{a}.b', /unexpected '\.'/);
  fails('{a} {b}', /unexpected '\{'/);
  fails('', /end of input/);
});

test('syntax errors name line and column', () => {
  try {
    parse('{ok,\n  [1, 2,\n   ]}');
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof SyntaxError);
    assert.equal(e.line, 3);
    assert.equal(e.column, 4);
    assert.match(e.message, /line 3, column 4/);
  }
  assert.throws(() => parse('{a, @}'), /illegal character "@" at line 1, column 5/);
});

test('the term template splices JS values in as terms', () => {
  const pid = a('some_pid');
  sameTerm(term`{hello, ${pid}}`, tuple(a('hello'), pid));
  sameTerm(term`[${1.5}, ${'bin'}, ${[1, 2]} | ${a('t')}]`, new ImproperList([1.5, Buffer.from('bin'), [1, 2]], a('t')));
  sameTerm(term`#{${'k'} => ${tuple()}}`, new Map([[Buffer.from('k'), tuple()]]));
  sameTerm(term`<<${Buffer.from([1, 2])}/binary, ${3}, ${0.5}/float, "\n">>`, Buffer.from([1, 2, 3, 63, 224, 0, 0, 0, 0, 0, 0, 10]));
  sameTerm(term`"a\x{1F600}\n"`, [97, 0x1f600, 10]);
  const text = '{not, parsed}';
  sameTerm(term`{${text}}`, tuple(Buffer.from(text)), 'a spliced string is a binary, never syntax');
  sameTerm(term`${float(2)}`, float(2));
  assert.throws(() => term`{${1} ${2}}`, SyntaxError);
});

// ---- oracle: real erl -------------------------------------------------------------------

// Texts erl_parse:parse_term reads (and some it refuses): parse must agree on each.
const ORACLE_TEXTS = [
  '{ok, [1, 2.5, "abc", <<"x">>, #{a => b}]}', '[1|2]', '[1,2|[3]]', '16#ff', '16#FF_FF', '2#101', '36#Zz', '8#777', '-5', '+5',
  '- 5', '-0.0', '- 0.0', '-$a', '$a', '$\\n', '$\\x{1F600}', '$\\^A', '$\\^?', "$\\'", '$ ', '$é', '1_000_000', '1.0', '1.0e-5',
  '2.5E3', '1.5e+10', '1.0e308', '4.9e-324', '1.5e-400', '0.1', '123456789012345678901234567890', '-123456789012345678901234567890',
  '9007199254740991', '9007199254740992', '-9007199254740992', '"a\\nb"', '"\\x{1F600}"', '"\\101\\x41\\x{41}\\s\\d\\z"', '"\\1234"',
  '"\\^A\\^z"', '"a" "b" "c"', '""', "'hello world'", "'it\\'s'", "'\\x{1F600}'", "'é'", 'é', 'ßx', 'aÀ', 'a@b', 'true', 'false',
  'undefined', "'true'", 'maybe', 'else', '<<>>', '<< >>', '<<"abc">>', '<<"é"/utf8>>', '<<"é">>', '<<1,2,3>>', '<<1:3>>',
  '<<1,2:3>>', '<<300:16>>', '<<300:16/little>>', '<<16#123:12/little>>', '<<16#12345:20/little>>', '<<-1:12/little>>', '<<-1>>',
  '<<256>>', '<<1:100>>', '<<1:100/little>>', '<<-2:70/little>>', '<<1.5/float>>', '<<1:32/float-little>>', '<<1.5:16/float>>',
  '<<1.0/float-native>>', '<<1.0e-7:16/float>>', '<<65504.0:16/float>>', '<<65520.0:16/float>>', '<<65519.0:16/float>>',
  '<<1.0e10:16/float>>', '<<-1.0e10:16/float>>', '<<3.0e-8:16/float>>', '<<2.98023223876953125e-8:16/float>>', '<<1.00048828125:16/float>>',
  '<<1.000732421875:16/float>>', '<<1.0009765625:16/float>>', '<<6.103515625e-5:16/float>>', '<<6.0975551605224609e-5:16/float>>',
  '<<1.0e300:32/float>>', '<<-0.0:16/float>>', '<<1.00000005960464478:32/float>>', '<<"ab":16>>', '<<"ab"/utf16-little>>',
  '<<"\\x{1F600}"/utf16>>', '<<"\\x{1F600}"/utf8>>', '<<$a/utf32>>', '<<$a/utf32-little>>', '<<1,2:16/little-unit:1>>',
  '<<3:2/unit:4>>', '<<<<1,2>>/binary>>', '<<<<1,2>>:1/binary>>', '<<<<1:3>>/bits>>', '<<<<1:3>>/bitstring, 1:5>>', '<<1:(2)>>',
  '<<"abc":0>>', '<<1/signed>>', '<<-1:8/signed>>', '<<"a"/utf8, "b"/utf32>>', '<<1.5:32/float-little>>', '<<"a" "b">>',
  '<<1:3, 2:7, 3:30>>', '#{}', '#{a => 1, a => 2}', '#{1 => a, 1.0 => b}', '#{[1] => x, {2} => y}', '{}', '{a}', '[]', '[[]]',
  'fun lists:reverse/1', "fun 'A':b/0", "fun erlang:'+'/2", '{a, b}%comment\n', '  {\n  a ,\n b\n}  ', '#{ a => [1, 2 | 3] }',
  '[a|b]', '[$a, $b | "c"]', '<<"abc", 1:3>>', '{1.0e20, -1.0e-20, 1.0}', '# {a => b}',
  // refused by both
  '{a', 'X', 'end', '1e5', '[1,]', '#{a := 1}', '- -5', '2#102', '16#1.0', '<<1:2/binary>>', '<<1/integer-signed-big-unit:8>>',
  "'abc", '"abc', '<<(1+2)>>', '<<1/foo>>', '{a}.b', '[1 2]', 'fun lists:map', '1.0e400', '<<1.5>>',
];

/** Deterministic pseudo-random numbers in [0, 1) (xorshift), for generated oracle cases. */
function random(seed) {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const rnd = random(0x2545f491);
for (let i = 0; i < 40; i++) {
  // Halves around every binade, subnormals included, and integers of odd sizes both ways round.
  const f = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 44 - 26);
  ORACLE_TEXTS.push(`<<${format(Number.isInteger(f) ? float(f) : f)}:16/float>>`);
  const size = 1 + Math.floor(rnd() * 70);
  const little = rnd() < 0.5 ? '/little' : '';
  ORACLE_TEXTS.push(`<<${Math.floor((rnd() - 0.5) * 2 ** 40)}:${size}${little}, ${Math.floor(rnd() * 256)}:${1 + (i % 8)}>>`);
}

test('reads what erl_parse reads, refuses what it refuses, and reads back ~tp output (real erl)', (t) => {
  if (erlOrSkip(t)) return;
  const code = String.raw`
    {ok, In} = file:read_file(IN),
    Parse = fun(S) ->
        case erl_scan:string(S ++ "\n.") of
          {ok, Toks, _} ->
            case erl_parse:parse_term(Toks) of
              {ok, T} -> io_lib:format("~w", [T]);
              {error, _} -> "error"
            end;
          {error, _, _} -> "error"
        end
      end,
    Read = [Parse(unicode:characters_to_list(S)) || S <- binary:split(In, <<30>>, [global])],
    Gen = [lists:seq(1, 40),
           {lists:duplicate(10, abcdefgh), #{key => lists:duplicate(5, {x, "string value"}), k2 => <<"bin">>}},
           "\x{1F600} smile", <<"caf\x{e9}"/utf8>>, ['\x{1F600}', 'A b', 'end', maybe, '', 'it\'s', 'a\nb'],
           [1.0e-10, 1.0, -0.0, 123.456, 1.0e300, 9007199254740993.0, 0.1],
           #{[1,2] => {a, 1.5}, 1 => 2, 1.0 => 3, <<"k">> => [<<>>]}, <<1:3>>, <<"abc",1:3>>, [1|2], [a,b|c], {[], [[]], {{}}},
           lists:seq(0, 300), list_to_binary(lists:seq(0, 255)), lists:duplicate(30, <<"long binary string ">>),
           "tab\there\nnewline\e\x{7f}", [{K, integer_to_list(K)} || K <- lists:seq(1, 20)],
           maps:from_list([{K, K * K} || K <- lists:seq(1, 40)]), fun lists:reverse/1, 16#FFFFFFFFFFFFFFFFFFFF,
           -16#FFFFFFFFFFFFFFFFFFFF, [$a, 0], [255, 256], '\x{100}', <<"\x{2028}"/utf8>>, [16#10FFFF, 16#FFFE],
           {'A', 'b c', "\x{e9}t\x{e9}", <<"\x{e9}t\x{e9}">>, <<"\x{e9}t\x{e9}"/utf8>>, [<<1:1>>, <<>>]},
           lists:duplicate(5, #{nested => #{deeper => [{tuple, "with a long string inside it to force a line break"}]}})],
    Shown = [[io_lib:format("~tp", [T]), 31, io_lib:format("~w", [T])] || T <- Gen],
    ok = file:write_file(OUT, unicode:characters_to_binary(lists:join(30, Read ++ Shown))).`;
  const results = runErlang(code, ORACLE_TEXTS.join('\x1e'), { flags: ['+pc', 'unicode'] }).split('\x1e');
  const shown = results.slice(ORACLE_TEXTS.length);
  assert.ok(shown.length > 20);
  assert.ok(shown.some((x) => x.split('\x1f')[0].includes('\n')), 'some ~tp output spans lines');
  const failures = [];
  ORACLE_TEXTS.forEach((text, i) => {
    const erl = results[i];
    let mine;
    try {
      mine = parse(text);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      if (erl !== 'error') failures.push(`${JSON.stringify(text)}: erl reads ${erl}, noderl says ${e.message}`);
      return;
    }
    if (erl === 'error') failures.push(`${JSON.stringify(text)}: erl refuses it, noderl reads ${format(mine)}`);
    else if (!equals(mine, parse(erl))) failures.push(`${JSON.stringify(text)}: erl reads ${erl}, noderl ${format(mine)}`);
  });
  for (const [tp, w] of shown.map((x) => x.split('\x1f'))) {
    if (!equals(parse(tp), parse(w))) failures.push(`~tp ${tp} reads differently from ~w ${w}`);
  }
  assert.deepEqual(failures, []);
});
