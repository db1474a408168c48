// The standard term set of ../shared/bench/README.md, made by the real erl in this run (so the
// test needs no files from outside the repository): decode then encode must give OTP's own bytes
// back, for both atom encodings. Where ../shared/bench/terms is present, its files are checked too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decode, encode } from '../../dist/index.js';
import { useErl } from '../support/erl.js';
import { hex } from '../support/terms.js';

// The Erlang source of the set, as the bench README gives it.
const TERM_SET = {
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

const SHARED = fileURLToPath(new URL('../../../shared/bench/terms/', import.meta.url));

const oracle = useErl();
const { skip } = oracle;

for (const [name, src] of Object.entries(TERM_SET)) {
  test(`${name}: encode(decode(term_to_binary(T))) is OTP's bytes (real erl)`, { skip }, async () => {
    const variants = [
      { file: `${name}.etf`, erlOpts: '[]', minorVersion: 1 },
      { file: `${name}.utf8atoms.etf`, erlOpts: '[{minor_version,2}]', minorVersion: 2 },
    ];
    for (const { file, erlOpts, minorVersion } of variants) {
      const otp = await oracle.erl.evalTermWith(src, erlOpts);
      if (existsSync(SHARED + file)) {
        assert.ok(readFileSync(SHARED + file).equals(otp), `${file} in shared/bench/terms differs from what erl makes now`);
      }
      const again = encode(decode(otp), { minorVersion });
      assert.ok(again.equals(otp), `${file}: re-encoded bytes differ\n  otp  ${hex(otp.subarray(0, 64))}\n  ours ${hex(again.subarray(0, 64))}`);
    }
  });
}
