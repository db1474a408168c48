// The argument explanations of src/shell/error-info.ts against OTP 25's own: each call raises on
// erl, and erl's error_info module (erl_erts_errors or erl_stdlib_errors) explains it with
// format_error(Reason, Stack); formatErrorInfo must give the same texts for the same reason and
// top frame. One erl round trip for all calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '../../dist/term/decode.js';
import { format } from '../../dist/term/format.js';
import { formatErrorInfo } from '../../dist/shell/error-info.js';
import { useErl } from '../support/erl.js';

// {M, F, Args} in Erlang syntax, each raising an error whose stack carries error_info.
const CALLS = [
  '{erlang, abs, [a]}', '{erlang, atom_to_binary, [1]}', '{erlang, atom_to_binary, [a, foo]}', '{erlang, atom_to_binary, [1, latin1]}',
  '{erlang, atom_to_list, [1]}', '{erlang, append_element, [a, 1]}', '{erlang, apply, [1, f, []]}', '{erlang, apply, [m, 1, [x|y]]}',
  '{erlang, binary_to_atom, [<<255>>, utf8]}', '{erlang, binary_to_atom, [a, latin1]}', '{erlang, binary_to_atom, [<<"a">>, foo]}',
  '{erlang, binary_to_existing_atom, [<<"no_such_atom_qq">>, utf8]}', '{erlang, binary_to_existing_atom, [<<"no_such_atom_qq">>]}',
  '{erlang, binary_to_float, [<<"x">>]}', '{erlang, binary_to_float, [a]}', '{erlang, binary_to_integer, [<<"x">>]}',
  '{erlang, binary_to_integer, [<<"1">>, 99]}', '{erlang, binary_to_integer, [a, 99]}', '{erlang, binary_to_list, [a]}',
  '{erlang, binary_to_list, [<<1>>, 0, 2]}', '{erlang, binary_to_list, [<<1,2>>, 2, 1]}', '{erlang, binary_to_list, [<<1>>, 1, 5]}',
  '{erlang, binary_to_list, [a, 1, 1]}', '{erlang, binary_to_term, [<<1>>]}', '{erlang, bitstring_to_list, [a]}', '{erlang, bit_size, [a]}',
  '{erlang, byte_size, [a]}', '{erlang, ceil, [a]}', '{erlang, delete_element, [0, {a}]}', '{erlang, element, [a, b]}',
  '{erlang, element, [0, b]}', '{erlang, element, [2, {a}]}', '{erlang, element, [2, b]}', '{erlang, exit, [a, b]}', '{erlang, float, [a]}',
  '{erlang, float_to_binary, [a]}', '{erlang, float_to_list, [a]}', '{erlang, floor, [a]}', '{erlang, fun_to_list, [a]}',
  '{erlang, hd, [[]]}', '{erlang, insert_element, [5, {a}, x]}', '{erlang, integer_to_binary, [a]}', '{erlang, integer_to_binary, [1, 40]}',
  '{erlang, integer_to_list, [a, 1]}', '{erlang, integer_to_list, [a]}', '{erlang, iolist_size, [a]}', '{erlang, iolist_to_binary, [[a]]}',
  '{erlang, is_map_key, [a, b]}', '{erlang, is_process_alive, [a]}', '{erlang, length, [a]}', '{erlang, link, [a]}',
  '{erlang, list_to_atom, [[a]]}', '{erlang, list_to_atom, [a]}', '{erlang, list_to_atom, [[97|b]]}',
  '{erlang, list_to_existing_atom, ["no_such_atom_zz"]}', '{erlang, list_to_existing_atom, [[a]]}', '{erlang, list_to_binary, [[a]]}',
  '{erlang, list_to_float, ["x"]}', '{erlang, list_to_float, [a]}', '{erlang, list_to_integer, ["x"]}', '{erlang, list_to_integer, ["1", 1]}',
  '{erlang, list_to_integer, [a, 1]}', '{erlang, list_to_integer, [a, 10]}', '{erlang, list_to_pid, ["x"]}', '{erlang, list_to_tuple, [a]}',
  '{erlang, make_tuple, [-1, a]}', '{erlang, map_size, [a]}', '{erlang, map_get, [a, #{}]}', '{erlang, map_get, [a, b]}', '{erlang, node, [a]}',
  '{erlang, pid_to_list, [a]}', '{erlang, round, [a]}', '{erlang, send, [1, a]}', '{erlang, setelement, [5, {a}, x]}', '{erlang, size, [a]}',
  '{erlang, tuple_size, [a]}', '{erlang, tl, [[]]}', '{erlang, trunc, [a]}', '{erlang, tuple_to_list, [a]}', '{erlang, unlink, [a]}',
  '{erlang, whereis, [1]}', "{erlang, '+', [1, a]}", "{erlang, '-', [a]}", "{erlang, '++', [a, b]}", "{erlang, 'div', [1, 0]}",
  '{maps, get, [k, #{}]}', '{maps, get, [k, a]}', '{maps, get, [k, a, d]}', '{maps, find, [k, a]}', '{maps, fold, [f, 0, #{}]}',
  '{maps, fold, [fun(_, _, A) -> A end, 0, a]}', '{maps, from_list, [a]}', '{maps, from_list, [[a|b]]}', '{maps, is_key, [k, a]}',
  '{maps, iterator, [a]}', '{maps, keys, [a]}', '{maps, map, [f, #{}]}', '{maps, merge, [a, #{}]}', '{maps, merge, [#{}, b]}',
  '{maps, put, [k, v, a]}', '{maps, next, [a]}', '{maps, remove, [k, a]}', '{maps, size, [a]}', '{maps, take, [k, a]}', '{maps, to_list, [a]}',
  '{maps, update, [k, v, #{}]}', '{maps, update, [k, v, a]}', '{maps, update_with, [k, f, #{}]}', '{maps, update_with, [k, f, i, a]}',
  '{maps, values, [a]}', '{maps, with, [a, #{}]}', '{maps, without, [[], a]}', '{maps, filter, [f, a]}', '{maps, from_keys, [a, v]}',
  '{lists, keyfind, [a, 0, []]}', '{lists, keyfind, [a, b, []]}', '{lists, keyfind, [a, 1, b]}', '{lists, keymember, [a, 0, []]}',
  '{lists, keysearch, [a, 1, [x|y]]}', '{lists, member, [a, b]}', '{lists, member, [a, [b|c]]}', '{lists, reverse, [a, []]}',
  '{lists, seq, [1, 10, 0]}', '{lists, seq, [10, 1, 1]}', '{lists, seq, [a, 1, 1]}',
];

const oracle = useErl();
const { skip } = oracle;

test('formatErrorInfo explains BIF errors as erl_erts_errors and erl_stdlib_errors do (real erl)', { skip }, async () => {
  const src =
    `[try apply(M, F, A) of _ -> {no_error, {M, F, A}} catch error:R:S -> [{Sm, Sf, Sa, Info} | _] = S, ` +
    `EI = proplists:get_value(error_info, Info, #{}), Mod = maps:get(module, EI, Sm), ` +
    `Texts = [{K, unicode:characters_to_binary(V)} || {K, V} <- maps:to_list(Mod:format_error(R, S))], ` +
    `{R, {Sm, Sf, Sa}, Mod, maps:get(cause, EI, none), lists:sort(Texts)} end || {M, F, A} <- [${CALLS.join(', ')}]]`;
  const results = decode(await oracle.erl.evalTerm(src));
  const failures = [];
  results.forEach((r, i) => {
    assert.notEqual(r[0].name, 'no_error', `${CALLS[i]} did not raise on erl`);
    const [reason, [m, f, args], mod, cause, texts] = r;
    const expected = texts.map(([k, v]) => `${typeof k === 'number' ? k : k.name}: ${v.toString('utf8')}`).join(' | ');
    const mine = formatErrorInfo(mod.name, reason, { m: m.name, f: f.name, args, cause: cause.name });
    const actual = mine === null ? 'null' : [...mine].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([k, v]) => `${k}: ${v}`).join(' | ');
    if (actual !== expected) failures.push(`${CALLS[i]} (${format(reason)})\n  erl:    ${expected}\n  noderl: ${actual}`);
  });
  assert.deepEqual(failures, [], `${failures.length} of ${CALLS.length} explanations differ`);
});
