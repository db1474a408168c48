// The standard term set of shared/bench/README.md as Erlang source, and a way to make its files
// with the real erl when shared/bench/terms is not beside the repository. The codec bench and the
// term-set test both read the set from here.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runErl } from './erl.js';

export const TERM_SET = {
  small_tuple: '{ok, 42, <<"hello">>}',
  map10:
    '#{id => 12345, name => <<"alice">>, active => true, score => 98.625, tags => [red, green, blue], ' +
    'parent => undefined, delta => -42, label => "text", pair => {1, 2}, big => 1 bsl 40}',
  int_list_1000: 'lists:seq(1, 1000)',
  binary_1mib: '<< <<(I rem 256)>> || I <- lists:seq(0, 1048575) >>',
  nested_10k:
    '[{item, I, "item-" ++ integer_to_list(I), element(I rem 3 + 1, {red, green, blue}), ' +
    'I * 1.25, [{x, I}, {y, -I}]} || I <- lists:seq(1, 164)]',
};

/** Writes NAME.etf (term_to_binary/1) and NAME.utf8atoms.etf (minor_version 2) for every term into `dir`, with one erl. */
export async function writeTermSet(dir) {
  const writes = Object.entries(TERM_SET).map(
    ([name, src]) =>
      `T_${name} = ${src}, ` +
      `ok = file:write_file(${JSON.stringify(join(dir, `${name}.etf`))}, term_to_binary(T_${name})), ` +
      `ok = file:write_file(${JSON.stringify(join(dir, `${name}.utf8atoms.etf`))}, term_to_binary(T_${name}, [{minor_version, 2}])), `,
  );
  await runErl(['-noshell', '-eval', `${writes.join('')}halt().`]);
  writeFileSync(join(dir, 'SOURCE'), 'made by bench/lib/term-set.js with the installed erl\n');
}
