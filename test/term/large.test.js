// Large binaries take the encoder's deferred path (ByteWriter copies runs of 4 KiB and more once,
// straight into the result). The bytes must still be exactly OTP's, wherever such runs sit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitBinary, atom, decode, encode, tuple } from '../../dist/index.js';
import { useErl } from '../support/erl.js';
import { hex } from '../support/terms.js';

const oracle = useErl();
const { skip } = oracle;

const CASES = [
  ['a 64 KiB binary', '<< <<(I rem 251)>> || I <- lists:seq(1, 65536) >>'],
  ['large binaries between small terms', '[{a, << <<(I rem 7)>> || I <- lists:seq(1, 5000) >>}, 1, <<"x">>, << <<(I rem 3)>> || I <- lists:seq(1, 9000) >>, b]'],
  ['a 5000-byte bitstring', '<< << <<(I rem 256)>> || I <- lists:seq(1, 5000) >>/binary, 5:3 >>'],
  ['a binary of exactly 4096 bytes, and one of 4095', '{<< <<1>> || _ <- lists:seq(1, 4096) >>, << <<2>> || _ <- lists:seq(1, 4095) >>}'],
];

for (const [name, src] of CASES) {
  test(`${name}: encode(decode(x)) is OTP's bytes (real erl)`, { skip }, async () => {
    const otp = await oracle.erl.evalTermWith(src, '[{minor_version,2}]');
    const ours = encode(decode(otp));
    assert.ok(ours.equals(otp), `bytes differ\n  otp  ${hex(otp.subarray(0, 48))}\n  ours ${hex(ours.subarray(0, 48))}`);
  });
}

test('compressing a term with large binaries gives a term OTP reads as equal (real erl)', { skip }, async () => {
  const big = Buffer.alloc(20000, 7);
  const term = tuple(atom('blob'), big, [big.subarray(0, 5000), 42]);
  const packed = encode(term, { compressed: true });
  assert.equal(packed[1], 80, 'expected a compressed term');
  assert.ok(await oracle.erl.equal(packed, encode(term)));
  assert.ok(decode(packed)[1].equals(big));
});

test("a BitBinary's unused low bits are zeroed on the deferred path too", () => {
  const bytes = Buffer.alloc(5000, 0xff);
  const out = encode(new BitBinary(bytes, 3));
  assert.equal(out[out.length - 1], 0xe0);
  assert.equal(bytes[4999], 0xff, 'the caller’s buffer is not changed');
});
