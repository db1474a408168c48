/**
 * `noderl ping NODE [--cookie C]`: `net_adm:ping(NODE)` from a short-lived hidden node; prints
 * `pong` (exit 0) or `pang` (exit 1). The temporary node uses the naming mode NODE needs: a long
 * name when NODE's host has a dot, else a short one.
 */
import { Command } from './command.js';
import { DIST_USAGE, takeDistFlags } from './dist-flags.js';

const PING = new Command('ping', `Usage: noderl ping NODE [--cookie C] ${DIST_USAGE}\n`);

/** Runs `noderl ping`: 0 pong, 1 pang, 2 usage. */
export async function run(args: string[]): Promise<number> {
  const dist = takeDistFlags(args);
  if (typeof dist === 'string') return PING.usageError(dist);
  const parsed = PING.parse(dist.rest, { cookie: { type: 'string' } });
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length > 1) return PING.usageError('give one node name, alive@host');
  return PING.onTempNode(parsed.positionals[0], parsed.values.cookie, async (node, target) => {
    const answer = await node.ping(target);
    process.stdout.write(`${answer}\n`);
    return answer === 'pong' ? 0 : 1;
  }, dist.tls);
}
