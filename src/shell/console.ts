/**
 * This process's stdin and stdout as a terminal I/O server on a node: what `noderl shell` and
 * `noderl remsh` make the group leader of their shell, as erl makes its `group` process.
 */
import type { ShellNode } from './helpers.js';
import type { Pid } from '../term/types.js';
import { LineInput } from './line-input.js';
import { serveTerminal } from './terminal.js';

export interface Console {
  /** The I/O server process: the group leader to give a shell. */
  readonly pid: Pid;
  /** Resolves when input ended while a process was waiting for a line. */
  readonly ended: Promise<void>;
  /** Stops reading stdin (so the process can exit). */
  close(): void;
  /** Sets what ^C does while no line is being read: the shell abandons its evaluation. */
  onInterrupt(interrupt: () => void): void;
}

/** Starts the terminal I/O server on `node` for stdin and stdout. */
export function startConsole(node: ShellNode): Console {
  const input = new LineInput(process.stdin, process.stdout);
  let eof!: () => void;
  const ended = new Promise<void>((resolve) => (eof = resolve));
  const pid = node.spawn((self) =>
    serveTerminal(self, {
      input,
      write: (text) => void process.stdout.write(text),
      // get_until's scanner lives on the requester's node (erl_scan for a BEAM shell).
      applyFor: (from, m, f, args) => node.rpc.call(from.node, m, f, args),
      onEof: eof,
    }),
  );
  return { pid, ended, close: () => input.close(), onInterrupt: (interrupt) => (input.onInterrupt = interrupt) };
}
