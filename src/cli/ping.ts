/**
 * `noderl ping NODE [--cookie C]`: `net_adm:ping(NODE)` from a short-lived hidden node; prints
 * `pong` (exit 0) or `pang` (exit 1). The temporary node uses the naming mode NODE needs: a long
 * name when NODE's host has a dot, else a short one.
 */
import { parseArgs } from 'node:util';
import type { Node } from '../node/node.js';
import { startTempNode } from './temp-node.js';
import { splitNode } from '../node/names.js';

const USAGE = 'Usage: noderl ping NODE [--cookie C]\n';

/** Runs `noderl ping`: 0 pong, 1 pang, 2 usage. */
export async function run(args: string[]): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({ args, options: { cookie: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }));
  } catch (err) {
    process.stderr.write(`noderl ping: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const target = positionals[0];
  const parts = target === undefined ? undefined : splitNode(target);
  if (positionals.length !== 1 || parts === undefined) {
    process.stderr.write(`noderl ping: give one node name, alive@host\n${USAGE}`);
    return 2;
  }
  let node: Node;
  try {
    node = await startTempNode('ping', parts.host, values.cookie);
  } catch (err) {
    process.stderr.write(`noderl ping: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const answer = await node.ping(target!);
    process.stdout.write(`${answer}\n`);
    return answer === 'pong' ? 0 : 1;
  } finally {
    await node.stop();
  }
}
