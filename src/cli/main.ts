/**
 * The `noderl` command line (DESIGN.md, "The command line"). Each command is a module in this
 * folder exporting `run(args)`, loaded only when asked for, so `noderl names` does not load what
 * `noderl epmd` needs.
 */
import { NODERL_VERSION } from '../node/version.js';

/** A command: its usage line and how to load it. */
interface Command {
  usage: string;
  load?: () => Promise<{ run(args: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  epmd: {
    usage: 'epmd [--port P] [--address A] [--daemon] [--relaxed-command-check] | epmd --names | --dump | --kill | --stop NAME',
    load: () => import('./epmd.js'),
  },
  names: { usage: 'names [--host H]', load: () => import('./names.js') },
  start: { usage: 'start --sname N | --name N [--cookie C] [--hidden] [--ticktime S]', load: () => import('./start.js') },
  shell: { usage: 'shell --sname N | --name N [--cookie C] [--hidden]', load: () => import('./shell.js') },
  eval: { usage: "eval [--sname N | --name N] [--cookie C] [--hidden] 'EXPR'", load: () => import('./eval.js') },
  rpc: { usage: "rpc NODE MODULE FUNCTION 'ARGS' [--cookie C] [--timeout MS]", load: () => import('./rpc.js') },
  remsh: { usage: 'remsh NODE [--cookie C]', load: () => import('./remsh.js') },
  ping: { usage: 'ping NODE [--cookie C]', load: () => import('./ping.js') },
  observe: { usage: 'observe NODE [--cookie C] [--once] [--json] [--web PORT] [--interval MS] [--top N] [--sort KEY]', load: () => import('./observe.js') },
};

function help(): string {
  const built = Object.values(COMMANDS).filter((c) => c.load);
  const planned = Object.values(COMMANDS).filter((c) => !c.load);
  return [
    'noderl — a Node.js process as a real Erlang node',
    '',
    'Usage: noderl <command> [options]',
    '',
    'Commands:',
    ...built.map((c) => `  ${c.usage}`),
    '  help | version',
    '',
    ...(planned.length > 0 ? ['Planned (DESIGN.md), not built yet:', ...planned.map((c) => `  ${c.usage}`), ''] : []),
    'ERL_EPMD_PORT sets the port mapper port (default 4369), as for erl.',
    'start, shell, eval, ping, rpc, remsh and observe take --proto-dist inet_tls --ssl-dist-optfile FILE (or',
    '--ssl-dist-opt KEY VALUE ...) for TLS distribution, as erl -proto_dist inet_tls -ssl_dist_optfile.',
    "The library: import { encode, decode, format, parse, compare, equals } from 'noderl'.",
    '',
  ].join('\n');
}

/** Runs the command in `args` and resolves to the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [name = 'help', ...rest] = args;
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help());
    return 0;
  }
  if (name === 'version' || name === '--version') {
    process.stdout.write(`${NODERL_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`noderl: unknown command '${name}'; see \`noderl help\`\n`);
    return 2;
  }
  if (command.load === undefined) {
    process.stderr.write(`noderl ${name}: not built yet; see \`noderl help\`\n`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}
