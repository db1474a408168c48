/**
 * `noderl epmd`: the port mapper daemon and its commands, after OTP's `epmd` (erts/epmd/src/epmd.c,
 * epmd_cli.c). Output, messages and exit statuses are epmd's, so scripts written for one work
 * with the other.
 *
 *   noderl epmd [--port P] [--address A,B] [--daemon] [--relaxed-command-check]
 *   noderl epmd --names | --dump | --kill | --stop NAME      [--port P]
 */
import { DAEMON_CHILD_FLAG, startDaemon, type DaemonReport } from '../epmd/daemon.js';
import { dumpEpmd, EpmdError, killEpmd, listNames, stopName } from '../epmd/client.js';
import { epmdPort } from '../epmd/protocol.js';
import { EpmdServer, EpmdServerError } from '../epmd/server.js';

interface Options {
  port: number;
  addresses?: string[];
  relaxed: boolean;
  mode: 'foreground' | 'daemon' | 'daemon-child' | 'names' | 'dump' | 'kill' | 'stop';
  stopName?: string;
}

const USAGE = `usage: noderl epmd [--port P] [--address A[,B...]] [--daemon] [--relaxed-command-check]
       noderl epmd [--port P] --names | --dump | --kill | --stop NAME
ERL_EPMD_PORT, ERL_EPMD_ADDRESS and ERL_EPMD_RELAXED_COMMAND_CHECK are read as epmd reads them.
`;

class UsageError extends Error {}

function parse(args: string[]): Options {
  const options: Options = { port: epmdPort(), relaxed: process.env.ERL_EPMD_RELAXED_COMMAND_CHECK !== undefined, mode: 'foreground' };
  const value = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    // epmd's single-dash spellings are accepted too (-port, -names, -relaxed_command_check ...).
    const flag = args[i].replace(/^-(?=[a-z])/, '--').replace(/_/g, '-');
    switch (flag) {
      case '--port': {
        const port = Number(value(i++, flag));
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${args[i]} is not a TCP port`);
        options.port = port;
        break;
      }
      case '--address':
        options.addresses = value(i++, flag).split(/[ ,]+/).filter(Boolean);
        break;
      case '--relaxed-command-check':
        options.relaxed = true;
        break;
      case '--daemon':
      case '--names':
      case '--dump':
      case '--kill':
        options.mode = flag.slice(2) as Options['mode'];
        break;
      case DAEMON_CHILD_FLAG:
        options.mode = 'daemon-child';
        break;
      case '--stop':
        options.mode = 'stop';
        options.stopName = value(i++, flag);
        break;
      default:
        throw new UsageError(`unknown option ${args[i]}`);
    }
  }
  return options;
}

/** Runs `noderl epmd` and resolves to the exit status. */
export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  let options: Options;
  try {
    options = parse(args);
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof RangeError)) throw err;
    process.stderr.write(`noderl epmd: ${err.message}\n${USAGE}`);
    return 1;
  }
  switch (options.mode) {
    case 'foreground':
      return serve(options);
    case 'daemon-child':
      return serveAsDaemon(options);
    case 'daemon':
      return daemonize(options);
    case 'names':
      return names(options.port);
    case 'dump':
      return dump(options.port);
    case 'kill':
      return kill(options.port);
    case 'stop':
      return stop(options.port, options.stopName ?? '');
  }
}

/** The daemon in the foreground: logs refusals on stderr, stops on SIGTERM/SIGINT or a granted KILL. */
async function serve(options: Options): Promise<number> {
  let server: EpmdServer;
  try {
    server = await EpmdServer.listen({ port: options.port, addresses: options.addresses, relaxedCommandCheck: options.relaxed });
  } catch (err) {
    // epmd exits 0, silently, when another port mapper has the port (erl counts on that).
    if (err instanceof EpmdServerError && err.code === 'ERR_NODERL_EPMD_PORT_IN_USE') return 0;
    process.stderr.write(`noderl epmd: ${(err as Error).message}\n`);
    return 1;
  }
  await untilClosed(server);
  return 0;
}

/** The detached daemon: reports to its starter over IPC once listening, then cuts every tie to it. */
async function serveAsDaemon(options: Options): Promise<number> {
  const report = (r: DaemonReport) => {
    if (!process.send) return;
    try {
      process.send(r, () => process.disconnect?.());
    } catch {
      // The starter is gone already: serve anyway.
    }
  };
  process.on('SIGHUP', () => {}); // as epmd: a daemon ignores hang-ups
  let server: EpmdServer;
  try {
    server = await EpmdServer.listen({ port: options.port, addresses: options.addresses, relaxedCommandCheck: options.relaxed, log: false });
  } catch (err) {
    const inUse = err instanceof EpmdServerError && err.code === 'ERR_NODERL_EPMD_PORT_IN_USE';
    report({ ready: false, inUse, error: (err as Error).message });
    return inUse ? 0 : 1;
  }
  report({ ready: true, port: server.port, pid: process.pid });
  await untilClosed(server);
  return 0;
}

function untilClosed(server: EpmdServer): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => void server.close();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    server.once('close', () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    });
  });
}

/** `--daemon`: starts the detached daemon, prints nothing, exits 0 once it listens (or the port is taken). */
async function daemonize(options: Options): Promise<number> {
  try {
    await startDaemon({ port: options.port, addresses: options.addresses, relaxedCommandCheck: options.relaxed });
    return 0;
  } catch (err) {
    process.stderr.write(`noderl epmd: ${(err as Error).message}\n`);
    return 1;
  }
}

/** `--names`: epmd's `epmd -names`: a header line with the daemon's port, then one line per node. */
async function names(port: number): Promise<number> {
  return talk(async () => {
    const { epmdPort: own, nodes } = await listNames({ port });
    process.stdout.write(`epmd: up and running on port ${own} with data:\n`);
    for (const n of nodes) process.stdout.write(`name ${n.name} at port ${n.port}\n`);
    return 0;
  });
}

/** `--dump`: as `epmd -dump`, without the NUL that ends each entry on the wire. */
async function dump(port: number): Promise<number> {
  return talk(async () => {
    const text = await dumpEpmd({ port });
    process.stdout.write(`epmd: up and running on port ${port} with data:\n${text}`);
    return 0;
  });
}

async function kill(port: number): Promise<number> {
  return talk(async () => {
    const ok = (await killEpmd({ port })) === 'OK';
    process.stdout.write(ok ? 'Killed\n' : 'Killing not allowed - living nodes in database.\n');
    return ok ? 0 : 1;
  });
}

/** `--stop NAME`: prints the daemon's first 7 bytes (`STOPPED` or `NOEXIST`), as epmd's `stop_cli`. */
async function stop(port: number, name: string): Promise<number> {
  return talk(async () => {
    const reply = await stopName(name, { port });
    if (reply.length >= 7) {
      process.stdout.write(`${reply.slice(0, 7)}\n`);
      return 0;
    }
    process.stdout.write(`epmd: local epmd responded with <${reply}>\n`);
    return 1;
  });
}

/** Runs one client command; reports failures with epmd's messages and status 1. */
async function talk(command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (err) {
    if (err instanceof EpmdError && err.code === 'ERR_NODERL_EPMD_UNREACHABLE') {
      process.stderr.write('epmd: Cannot connect to local epmd\n');
    } else if (err instanceof EpmdError && err.code === 'ERR_NODERL_EPMD_REFUSED') {
      process.stdout.write('epmd: local epmd responded with <>\n');
    } else {
      process.stderr.write(`noderl epmd: ${(err as Error).message}\n`);
    }
    return 1;
  }
}
