/**
 * `noderl rpc NODE MODULE FUNCTION 'ARGS' [--cookie C] [--timeout MS]`: `rpc:call` from a
 * short-lived hidden node with a unique name (as `erl_call` and `erl -remsh` make one). ARGS is an
 * Erlang list in Erlang syntax; the result is printed in Erlang syntax. Output the function prints
 * comes to this node's `user`, so to stdout, before the result. Exit 0 on a result, 1 on
 * `{badrpc, …}`, 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import type { Node } from '../node/node.js';
import { startTempNode } from './temp-node.js';
import { splitNode } from '../node/names.js';
import { parse } from '../term/parse.js';
import { format } from '../term/format.js';
import { isTuple, atom, type Term } from '../term/types.js';

const USAGE = "Usage: noderl rpc NODE MODULE FUNCTION 'ARGS' [--cookie C] [--timeout MS]\n  ARGS is an Erlang list, e.g. '[1, foo, \"text\"]'\n";

/** Runs `noderl rpc`: 0 a result, 1 badrpc or no node, 2 usage. */
export async function run(args: string[]): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { cookie: { type: 'string' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    return usage((err as Error).message);
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 4) return usage('give NODE MODULE FUNCTION ARGS');
  const [target, module, fn, argText] = positionals as [string, string, string, string];
  const parts = splitNode(target);
  if (parts === undefined) return usage(`'${target}' is not a node name, alive@host`);
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 0)) return usage(`--timeout takes milliseconds, not '${values.timeout}'`);
  let callArgs: Term;
  try {
    callArgs = parse(argText);
  } catch (err) {
    return usage(`ARGS: ${(err as Error).message}`);
  }
  if (!Array.isArray(callArgs) || isTuple(callArgs)) return usage(`ARGS must be an Erlang list, not ${argText}`);

  let node: Node;
  try {
    node = await startTempNode('rpc', parts.host, values.cookie);
  } catch (err) {
    process.stderr.write(`noderl rpc: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const result = await node.rpc.call(target, module, fn, callArgs, { timeout });
    process.stdout.write(`${format(result)}\n`);
    return isTuple(result) && result.length === 2 && result[0] === atom('badrpc') ? 1 : 0;
  } catch (err) {
    process.stderr.write(`noderl rpc: ${(err as Error).message}\n`); // rpc:call raised (badarg)
    return 1;
  } finally {
    await node.stop();
  }
}

function usage(problem: string): number {
  process.stderr.write(`noderl rpc: ${problem}\n${USAGE}`);
  return 2;
}
