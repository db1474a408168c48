/**
 * `noderl names [--host H]`: the names registered with a port mapper, printed as `epmd -names`
 * prints them (erts/epmd/src/epmd_cli.c), so scripts that read one read the other.
 */
import { parseArgs } from 'node:util';
import { EpmdError, listNames } from '../epmd/client.js';
import { epmdPort } from '../epmd/protocol.js';

const USAGE = 'Usage: noderl names [--host H]\n\nLists the nodes registered with the port mapper on H (default: this host) at ERL_EPMD_PORT (default 4369).\n';

/** Runs `noderl names` and resolves to the exit code: 0 listed, 1 no port mapper answered, 2 usage. */
export async function run(args: string[]): Promise<number> {
  let host: string | undefined;
  let port: number;
  try {
    const { values } = parseArgs({ args, options: { host: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help === true) {
      process.stdout.write(USAGE);
      return 0;
    }
    host = values.host;
    port = epmdPort();
  } catch (err) {
    process.stderr.write(`noderl names: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }

  try {
    const { epmdPort: reported, nodes } = await listNames({ host, port });
    let out = `epmd: up and running on port ${reported} with data:\n`;
    for (const node of nodes) out += `name ${node.name} at port ${node.port}\n`;
    process.stdout.write(out);
    return 0;
  } catch (err) {
    if (!(err instanceof EpmdError)) throw err;
    const local = host === undefined || host === 'localhost';
    if (err.code === 'ERR_NODERL_EPMD_UNREACHABLE') {
      // epmd -names writes this line to stderr and exits 1.
      process.stderr.write(local ? 'epmd: Cannot connect to local epmd\n' : `epmd: Cannot connect to epmd at ${host}\n`);
    } else {
      // epmd -names prints "no response" (on stdout, as it does) when the 4-byte port does not come.
      process.stdout.write(local ? 'epmd: no response from local epmd\n' : `epmd: no response from epmd at ${host}\n`);
      process.stderr.write(`noderl names: ${err.message}\n`);
    }
    return 1;
  }
}
