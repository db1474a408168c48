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
import { TERM_SET } from '../../bench/lib/term-set.js';

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
