/**
 * `noderl shell --sname N | --name N [--cookie C] [--hidden] [--erlang]`: a node with an
 * interactive JavaScript shell, or with `--erlang` an Erlang one (src/shell/erl-shell.ts), as
 * `erl -sname N` is a node with an Erlang shell. The shell's group leader is
 * a terminal I/O server on stdin/stdout, so it works on a TTY (line editing) and on a pipe (one
 * input per line, the prompts in the output). It ends at the end of input (exit 0) or with `q()`,
 * which stops the node as erl's `q()` does.
 */
import { Command } from './command.js';
import { DIST_USAGE, takeDistFlags } from './dist-flags.js';
import { Node } from '../node/node.js';
import { startConsole } from '../shell/console.js';
import { startShell } from '../shell/shell.js';
import { startErlangShell } from '../shell/erl-shell.js';
import { atom, type Pid } from '../term/types.js';
import type { Process } from '../process/process.js';

const SHELL = new Command('shell', `Usage: noderl shell --sname N | --name N [--cookie C] [--hidden] [--erlang] ${DIST_USAGE}\n`);

/** Runs `noderl shell`: 0 when the shell ended, 1 when the node could not start, 2 usage. */
export async function run(args: string[]): Promise<number> {
  const dist = takeDistFlags(args);
  if (typeof dist === 'string') return SHELL.usageError(dist);
  const parsed = SHELL.parse(dist.rest, { sname: { type: 'string' }, name: { type: 'string' }, cookie: { type: 'string' }, hidden: { type: 'boolean' }, erlang: { type: 'boolean' } });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if ((values.sname === undefined) === (values.name === undefined) || positionals.length > 0) return SHELL.usageError('give exactly one of --sname and --name');
  let node: Node;
  try {
    node = await Node.start({ sname: values.sname, name: values.name, cookie: values.cookie, hidden: values.hidden, tls: dist.tls });
  } catch (err) {
    return SHELL.failure((err as Error).message);
  }
  const terminal = startConsole(node);
  const spawn = (fn: (self: Process) => unknown): Pid =>
    node.spawn((self) => {
      self.setGroupLeader(terminal.pid);
      return fn(self);
    });
  let shellEnded = new Promise<void>(() => {}); // the JS shell ends with the input or q()
  if (values.erlang) {
    const shell = startErlangShell(spawn, node.erlangShellHost());
    // ^C while a command runs: erl's ^G i, an `interrupt` exit signal to the shell.
    terminal.onInterrupt(() => node.spawn((s) => s.exit(shell, atom('interrupt'))));
    shellEnded = new Promise<void>((resolve) => node.spawn(async (s) => (s.monitor(shell), await s.receive(), resolve())));
  } else {
    startShell(spawn, { node, quit: () => setImmediate(() => void node.stop()), interrupts: (interrupt) => terminal.onInterrupt(interrupt) });
  }
  // SIGTERM ends the shell as end of input does (a terminal's ^C ends input: see LineInput); the
  // handler goes with the shell, so a second SIGTERM while the node stops kills the process.
  let onTerm = (): void => {};
  const terminated = new Promise<void>((resolve) => process.once('SIGTERM', (onTerm = resolve)));
  await Promise.race([terminal.ended, shellEnded, new Promise<void>((resolve) => node.once('stopped', resolve)), terminated]);
  process.off('SIGTERM', onTerm);
  terminal.close();
  await node.stop();
  return 0;
}
