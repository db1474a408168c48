/**
 * The `noderl` command line (DESIGN.md, "The command line"). Each command is a function from its
 * arguments to an exit code; `main` picks one.
 */
import { readFileSync } from 'node:fs';

const HELP = `noderl — a Node.js process as a real Erlang node

Usage: noderl <command> [options]

Commands that work today:
  help                      this text
  version                   the package version

Planned (DESIGN.md), not built yet:
  start --sname N | --name N [--cookie C] [--hidden] [--code-path DIR] [--ticktime S]
  shell --sname N | --name N [--cookie C] [--hidden]
  eval [node options] 'EXPR'
  rpc NODE MODULE FUNCTION 'ARGS' [--cookie C] [--timeout MS]
  remsh NODE [--cookie C]
  ping NODE [--cookie C]
  epmd [--port P] [--address A]
  names [--host H]

The library: import { encode, decode, format, parse, compare, equals } from 'noderl'.
`;

const PLANNED = new Set(['start', 'shell', 'eval', 'rpc', 'remsh', 'ping', 'epmd', 'names']);

/** Runs the command in `args` and resolves to the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [command = 'help'] = args;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === 'version' || command === '--version') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (PLANNED.has(command)) {
    process.stderr.write(`noderl ${command}: not built yet; see \`noderl help\`\n`);
    return 2;
  }
  process.stderr.write(`noderl: unknown command '${command}'; see \`noderl help\`\n`);
  return 2;
}
