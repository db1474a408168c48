// A noderl node beside a second real erl node (the oracle), both called by rpc from one erl node:
// what a BEAM caller sees from noderl is compared with what it sees from BEAM for the same call.
//
//   const rpc = useRpcOracle('jsbifs');
//   test('...', { skip: rpc.skip }, async () => { await rpc.same(`R(erlang, node, [])`); });
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { erlSkip, startEpmd, startErlNode, uniqueName } from './epmd.js';

/** Registers before/after hooks for the three nodes; `both(expr)` and `same(expr)` run `expr` with `R(M, F, A)` an rpc to each. */
export function useRpcOracle(prefix) {
  const skip = erlSkip();
  const state = { skip, epmd: undefined, erl: undefined, beam: undefined, node: undefined };
  before(async () => {
    if (skip) return;
    state.epmd = await startEpmd();
    state.erl = await startErlNode({ epmdPort: state.epmd.port });
    state.beam = await startErlNode({ epmdPort: state.epmd.port, cookie: state.erl.cookie });
    const { Node } = await import('../../dist/index.js');
    state.node = await Node.start({ sname: uniqueName(prefix), cookie: state.erl.cookie, epmdPort: state.epmd.port, log: () => {}, output: () => {} });
    assert.equal(await state.erl.eval(`net_adm:ping('${state.beam.node}')`), 'pong');
    assert.equal(await state.erl.eval(`net_adm:ping('${state.node.name}')`), 'pong');
  });
  after(async () => {
    await state.node?.stop();
    await state.beam?.stop();
    await state.erl?.stop();
    await state.epmd?.stop();
  });
  /** The same Erlang expression with `R(M, F, A)` an rpc to noderl, then to the BEAM oracle: both printed values. */
  state.both = async (expr) => {
    const on = (n) => state.erl.eval(`begin R = fun(M, F, A) -> rpc:call('${n}', M, F, A) end, ${expr.replace(/\s*\n\s*/g, ' ')} end`);
    return [await on(state.node.name), await on(state.beam.node)];
  };
  /** `both`, asserting the two are equal; the value. */
  state.same = async (expr) => {
    const [noderl, oracle] = await state.both(expr);
    assert.equal(noderl, oracle, expr);
    return noderl;
  };
  return state;
}
