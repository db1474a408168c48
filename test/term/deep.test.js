// Terms nested deeper than the JS stack: OTP's binary_to_term has no depth limit, so decode and
// encode switch to their non-recursive forms (deep-reader.ts, deep-writer.ts) when recursion runs
// out. Checked both ways against the real erl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EncodeError, decode, encode, isTuple, tuple } from '../../dist/index.js';
import { useErl } from '../support/erl.js';

const oracle = useErl();
const { skip } = oracle;
const DEPTH = 200000;

const CASES = [
  ['tuples {I, {I, …}}', `lists:foldl(fun(I, A) -> {I, A} end, [], lists:seq(1, ${DEPTH}))`, (t) => (isTuple(t) ? t[1] : undefined)],
  ['lists [[…]]', `lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, ${DEPTH}))`, (t) => (Array.isArray(t) && t.length ? t[0] : undefined)],
  ['maps #{k => #{…}}', `lists:foldl(fun(_, A) -> #{k => A} end, #{}, lists:seq(1, ${DEPTH}))`, (t) => (t instanceof Map && t.size ? t.values().next().value : undefined)],
  ['improper tails [a | [b | …]] inside tuples', `lists:foldl(fun(_, A) -> {[a | A]} end, x, lists:seq(1, ${DEPTH}))`, (t) => (isTuple(t) ? t[0].tail : undefined)],
];

for (const [name, src, inner] of CASES) {
  test(`${DEPTH}-deep ${name}: decode, then encode to OTP's own bytes (real erl)`, { skip }, async () => {
    const otp = await oracle.erl.evalTermWith(src, '[{minor_version,2}]');
    let t = decode(otp);
    let depth = 0;
    for (let next = inner(t); next !== undefined; next = inner(t)) {
      t = next;
      depth++;
    }
    assert.equal(depth, DEPTH);
    assert.ok(encode(decode(otp)).equals(otp), 're-encoded bytes differ from OTP');
  });
}

test('a deep term built in JS encodes to what erl reads as the same term (real erl)', { skip }, async () => {
  let t = [];
  for (let i = 0; i < DEPTH; i++) t = tuple(i, t);
  const ours = encode(t);
  const otp = await oracle.erl.evalTermWith(`lists:foldl(fun(I, A) -> {I, A} end, [], lists:seq(0, ${DEPTH - 1}))`, '[{minor_version,2}]');
  assert.ok(ours.equals(otp));
});

test('a structure that contains itself is an EncodeError naming where the cycle closes', () => {
  const list = [1, 2];
  list.push(list);
  assert.throws(() => encode(list), (e) => e instanceof EncodeError && e.path === '$[2]');
  const obj = { a: 1 };
  obj.self = obj;
  assert.throws(() => encode(obj), (e) => e instanceof EncodeError && e.path === '$.self');
  const shared = [1];
  assert.deepEqual(decode(encode([shared, shared])), [[1], [1]], 'a shared (acyclic) value is fine');
});
