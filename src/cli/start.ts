/**
 * `noderl start --sname N | --name N [--cookie C] [--hidden] [--ticktime S] [--listen-min P
 * [--listen-max P]]`: runs a node in the foreground, prints `node NAME started` once it accepts
 * connections, and stops on SIGTERM or SIGINT (unregistering and closing its connections), or
 * when a peer calls `init:stop()` on it, with exit code 0. `--code-path DIR` serves the ES modules
 * in DIR as Erlang modules (remote spawn, rpc); `--connect-all false` keeps the node out of
 * global's mesh and name sync, as `erl -connect_all false`; `--refuse-funs` refuses closures from
 * peers (an erl shell's funs), so only the built-ins and the code path run. `--dist-buf-busy-limit KB`
 * is erl's `+zdbbl KB`: the bytes queued toward one peer at which senders to it wait (default
 * 1024, 1 MiB). `--proto-dist inet_tls`
 * with `--ssl-dist-optfile F` or `--ssl-dist-opt K V ...` runs TLS distribution (src/cli/dist-flags.ts).
 */
import { Command } from './command.js';
import { DIST_USAGE, takeDistFlags } from './dist-flags.js';
import { Node } from '../node/node.js';

const START = new Command('start', `Usage: noderl start --sname N | --name N [--cookie C] [--hidden] [--ticktime S] [--listen-min P [--listen-max P]] [--code-path DIR] [--connect-all false] [--refuse-funs] [--dist-buf-busy-limit KB] ${DIST_USAGE}\n`);

/** Runs `noderl start`; resolves to the exit code once the node stopped. */
export async function run(args: string[]): Promise<number> {
  const dist = takeDistFlags(args);
  if (typeof dist === 'string') return START.usageError(dist);
  const parsed = START.parse(dist.rest, {
    sname: { type: 'string' },
    name: { type: 'string' },
    cookie: { type: 'string' },
    hidden: { type: 'boolean' },
    ticktime: { type: 'string' },
    'listen-min': { type: 'string' },
    'listen-max': { type: 'string' },
    'code-path': { type: 'string' },
    'connect-all': { type: 'string' },
    'refuse-funs': { type: 'boolean' },
    'dist-buf-busy-limit': { type: 'string' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length > 0) return START.usageError(`unexpected argument '${positionals[0]}'`);
  const ticktime = values.ticktime === undefined ? undefined : Number(values.ticktime);
  if ((values.sname === undefined) === (values.name === undefined) || (ticktime !== undefined && !(ticktime > 0))) {
    return START.usageError('give exactly one of --sname and --name, and a positive --ticktime');
  }
  const connectAll = values['connect-all'];
  if (connectAll !== undefined && connectAll !== 'true' && connectAll !== 'false') {
    return START.usageError('--connect-all takes true or false, as erl -connect_all');
  }
  const busyKb = values['dist-buf-busy-limit'];
  // erl +zdbbl takes 1..2097151 KB.
  if (busyKb !== undefined && !(/^\d+$/.test(busyKb) && Number(busyKb) >= 1 && Number(busyKb) <= 2_097_151)) {
    return START.usageError('--dist-buf-busy-limit takes kilobytes, 1 to 2097151, as erl +zdbbl');
  }
  let node: Node;
  try {
    const listen = values['listen-min'] === undefined ? undefined : { min: Number(values['listen-min']), max: values['listen-max'] === undefined ? undefined : Number(values['listen-max']) };
    node = await Node.start({ sname: values.sname, name: values.name, cookie: values.cookie, hidden: values.hidden, ticktime, listen, codePath: values['code-path'], connectAll: connectAll === undefined ? undefined : connectAll === 'true', refuseFuns: values['refuse-funs'], tls: dist.tls, distBufBusyLimit: busyKb === undefined ? undefined : Number(busyKb) * 1024 });
  } catch (err) {
    return START.failure((err as Error).message);
  }
  process.stdout.write(`node ${node.name} started\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    node.once('stopped', stop); // init:stop() from a peer
  });
  await node.stop();
  return 0;
}
