/**
 * `noderl rpc NODE MODULE FUNCTION 'ARGS' [--cookie C] [--timeout MS]`: `rpc:call` from a
 * short-lived hidden node with a unique name (as `erl_call` and `erl -remsh` make one). ARGS is an
 * Erlang list in Erlang syntax; the result is printed in Erlang syntax. Output the function prints
 * comes to this node's `user`, so to stdout, before the result. Exit 0 on a result, 1 on
 * `{badrpc, …}`, 2 on bad usage.
 */
import { Command } from './command.js';
import { DIST_USAGE, takeDistFlags } from './dist-flags.js';
import { parse } from '../term/parse.js';
import { format } from '../term/format.js';
import { isTuple, atom, type Term } from '../term/types.js';

const RPC = new Command('rpc', `Usage: noderl rpc NODE MODULE FUNCTION 'ARGS' [--cookie C] [--timeout MS] ${DIST_USAGE}\n  ARGS is an Erlang list, e.g. '[1, foo, "text"]'\n`);

/** Runs `noderl rpc`: 0 a result, 1 badrpc or no node, 2 usage. */
export async function run(args: string[]): Promise<number> {
  const dist = takeDistFlags(args);
  if (typeof dist === 'string') return RPC.usageError(dist);
  const parsed = RPC.parse(dist.rest, { cookie: { type: 'string' }, timeout: { type: 'string' } });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 4) return RPC.usageError('give NODE MODULE FUNCTION ARGS');
  const [target, module, fn, argText] = positionals as [string, string, string, string];
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 0)) return RPC.usageError(`--timeout takes milliseconds, not '${values.timeout}'`);
  let callArgs: Term;
  try {
    callArgs = parse(argText);
  } catch (err) {
    return RPC.usageError(`ARGS: ${(err as Error).message}`);
  }
  if (!Array.isArray(callArgs) || isTuple(callArgs)) return RPC.usageError(`ARGS must be an Erlang list, not ${argText}`);
  return RPC.onTempNode(target, values.cookie, async (node) => {
    try {
      const result = await node.rpc.call(target, module, fn, callArgs as Term[], { timeout });
      process.stdout.write(`${format(result)}\n`);
      return isTuple(result) && result.length === 2 && result[0] === atom('badrpc') ? 1 : 0;
    } catch (err) {
      return RPC.failure((err as Error).message); // rpc:call raised (badarg)
    }
  }, dist.tls);
}
