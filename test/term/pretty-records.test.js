// Records printed as io_lib_pretty prints them with a record_print_fun (what the Erlang shell does
// for the records it knows): the same terms, field definitions, columns, line lengths and depths
// on erl and in src/term/pretty.ts, compared as strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useErl } from '../support/erl.js';
import { decode } from '../../dist/term/decode.js';
import { prettyPrint } from '../../dist/term/pretty.js';
import { charsToString } from '../../dist/term/io-format.js';

const oracle = useErl();

// Record definitions, as Erlang: name => fields.
const RECORDS = { person: ['name', 'age', 'address'], pt: ['x', 'y'], empty: [], long_record_name_here: ['first_field_with_long_name', 'second'] };
const TERMS = [
  '{person, "Ann", 31, undefined}',
  '{person, "A long name that takes room", 31, {pt, 1.5, 2.5}}',
  '[{pt, X, X * 2} || X <- lists:seq(1, 12)]',
  '{person, lists:seq(1, 30), [{pt, a, b}, {pt, c, d}], #{k => {pt, 0, 0}}}',
  '{empty}',
  '{pt, 1}', // a known name with another size: a tuple
  '{long_record_name_here, {person, "x", 1, {pt, 1, 2}}, lists:duplicate(10, abc)}',
  '{wrapper, {person, "Bo", 2, "street"}, {pt, {pt, 1, 2}, {pt, 3, 4}}}',
];
const CASES = [
  [1, 80, -1], [1, 40, -1], [10, 50, -1], [1, 30, 4], [5, 80, 3], [1, 20, -1], [30, 60, 8],
];

test('records print as io_lib_pretty prints them with a record_print_fun (real erl)', { skip: oracle.skip }, async () => {
  const defs = Object.entries(RECORDS).map(([n, fs]) => `{${n}, [${fs.join(',')}]}`).join(',');
  const rf = `fun(Tag, N) -> case lists:keyfind(Tag, 1, [${defs}]) of {_, Fs} when length(Fs) =:= N -> Fs; _ -> no end end`;
  const src = `RF = ${rf}, [{T, [lists:flatten(io_lib_pretty:print(T, [{column, C}, {line_length, L}, {depth, D}, {record_print_fun, RF}])) || {C, L, D} <- ${JSON.stringify(CASES).replace(/\[/g, '{').replace(/\]/g, '}').replace(/^\{/, '[').replace(/\}$/, ']')}]} || T <- [${TERMS.join(',')}]]`;
  const results = decode(await oracle.erl.evalTerm(src));
  const records = (tag, n) => (RECORDS[tag] && RECORDS[tag].length === n ? RECORDS[tag] : undefined);
  const diffs = [];
  for (const [term, expected] of results) {
    CASES.forEach(([column, lineLength, depth], i) => {
      const theirs = charsToString(expected[i], true);
      const mine = prettyPrint(term, { column, lineLength, depth, records });
      if (mine !== theirs) diffs.push(`column ${column}, line ${lineLength}, depth ${depth}:\n--- erl\n${theirs}\n--- noderl\n${mine}`);
    });
  }
  assert.deepEqual(diffs, []);
});
