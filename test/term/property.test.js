// Property tests of the codec through one real `erl`, in both directions:
//  (a) JS -> erl: random JS terms (per the mapping in DESIGN.md) are encoded, binary_to_term'd and
//      term_to_binary'd by OTP, and decoding OTP's bytes gives back the term (strictly, per the
//      mapping: bigint vs number, ErlFloat vs number, -0.0 all checked);
//  (b) erl -> JS: OTP makes random terms (term_oracle:gen/2, with minor_version 0/1/2 and
//      compression), and encode(decode(bytes)) is =:= to them in Erlang.
// Reproduce a failure with FC_SEED=<seed> (fast-check prints it with the counterexample).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErlFloat, ImproperList, decode, encode } from '../../dist/index.js';
import { ErlRejected, useErl } from '../support/erl.js';
import { assertTermEqual, expectedDecode, hex, show } from '../support/terms.js';
import { termArb } from '../support/term-arbitraries.js';

const RUNS = Number(process.env.FC_RUNS ?? 400);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const fcParams = { numRuns: RUNS, includeErrorInReport: true, ...(SEED === undefined ? {} : { seed: SEED }) };

const oracle = useErl();
const { skip } = oracle;
// The erl -> JS properties compare in an erl of their own. In the one erl that had first taken
// (a)'s thousands of random terms, a few maps made by term_oracle:gen compared unequal to their
// noderl round trip (seen 2 times in 8 full runs on 2026-12-04) while the same two binaries
// compare equal in a fresh erl: the VM's state from (a), not the bytes, decided. Kept apart, (b)
// checks the codec and not that; the notes of 2026-12-04 keep the counterexamples.
const genOracle = useErl();

// The arbitraries (termArb and its parts) are in test/support/term-arbitraries.js.

// ---- properties -------------------------------------------------------------------------------

/** OTP's text for the term in `bytes`, cut short for messages. */
async function erlText(bytes) {
  const text = await genOracle.erl.format(bytes);
  return text.length > 600 ? `${text.slice(0, 600)} …` : text;
}

function containsMap(t) {
  if (t instanceof Map) return true;
  if (t instanceof ErlFloat || Buffer.isBuffer(t)) return false;
  if (Array.isArray(t)) return t.some(containsMap);
  if (t instanceof ImproperList) return t.elements.some(containsMap) || containsMap(t.tail);
  return false;
}

test('JS -> erl: encode(t) is accepted by binary_to_term and comes back as t', { skip }, async () => {
  const optionsArb = fc.record({
    minorVersion: fc.constantFrom(1, 2),
    compressed: fc.constantFrom(false, false, true, 0, 9),
  });
  const erlOptionsArb = fc.constantFrom('', '[{minor_version,2}]', '[{minor_version,0}]', '[compressed]');
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(termArb, optionsArb, erlOptionsArb, async (t, options, erlOptions) => {
      runs++;
      const expected = expectedDecode(t);
      const enc = encode(t, options);
      // noderl alone first: decode(encode(t)) is t.
      assertTermEqual(decode(enc), expected);
      const back = await oracle.erl.roundTrip(enc, erlOptions);
      if (back instanceof ErlRejected) {
        assert.fail(`binary_to_term refused encode(t, ${JSON.stringify(options)}): ${back.reason}\n  bytes: ${hex(enc.subarray(0, 200))}`);
      }
      assertTermEqual(decode(back), expected);
    }),
    fcParams,
  );
  assert.equal(runs >= RUNS, true);
});

/** decode of term_oracle:gen(seed, size), failing with the input when decode throws. */
async function generated(seed, size) {
  const { bytes, options } = await genOracle.erl.gen(seed, size);
  try {
    return { bytes, options, term: decode(bytes) };
  } catch (e) {
    assert.fail(`decode threw on term_oracle:gen(${seed}, ${size}) (${options}): ${e?.name}: ${e?.message}\n  bytes: ${hex(bytes.subarray(0, 200))}`);
  }
}

const genArgs = [fc.nat({ max: 0xffffffff }), fc.integer({ min: 1, max: 40 })];

test('erl -> JS: encode(decode(bytes)) is =:= to what OTP made', { skip }, async () => {
  const seen = new Map();
  await fc.assert(
    fc.asyncProperty(...genArgs, async (seed, size) => {
      const { bytes, options, term: t } = await generated(seed, size);
      seen.set(options, (seen.get(options) ?? 0) + 1);
      const again = encode(t);
      if (!(await genOracle.erl.equal(bytes, again))) {
        assert.fail(
          `encode(decode(gen(${seed}, ${size}))) is not =:= the original (${options})\n` +
            `  erl:     ${await erlText(bytes)}\n  noderl:  ${await erlText(again)}\n  decoded: ${show(t)}`,
        );
      }
      // Decoding is stable on noderl's own output.
      assertTermEqual(decode(again), t);
    }),
    fcParams,
  );
  assert.ok(seen.size >= 5, `term_oracle:gen used only ${[...seen.keys()].join(' ')}`);
});

// Where OTP's bytes are deterministic (no maps, not compressed, minor_version 1 or 2),
// encode(decode(bytes)) must give back OTP's very bytes.
test('erl -> JS: encode(decode(bytes)) is byte-identical to OTP where OTP is deterministic', { skip }, async () => {
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(...genArgs, async (seed, size) => {
      const { bytes, options, term: t } = await generated(seed, size);
      const minor = { '[]': 1, '[{minor_version,1}]': 1, '[{minor_version,2}]': 2 }[options];
      if (minor === undefined || containsMap(t)) return;
      compared++;
      const mine = encode(t, { minorVersion: minor });
      if (!mine.equals(bytes)) {
        let i = 0;
        while (mine[i] === bytes[i]) i++;
        assert.fail(
          `encode(decode(gen(${seed}, ${size})), {minorVersion: ${minor}}) differs from OTP's ${options} at byte ${i}\n` +
            `  erl:    … ${hex(bytes.subarray(Math.max(0, i - 8), i + 24))}\n  noderl: … ${hex(mine.subarray(Math.max(0, i - 8), i + 24))}\n` +
            `  term:   ${await erlText(bytes)}`,
        );
      }
    }),
    fcParams,
  );
  assert.ok(compared > RUNS / 10, `only ${compared} of ${RUNS} generated terms were comparable`);
});
