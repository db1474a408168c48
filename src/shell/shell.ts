/**
 * The noderl shell: a process that reads JavaScript through I/O requests to its group leader
 * (`{get_line, unicode, "(fries@host)1> "}`), evaluates it, and prints the result in Erlang syntax
 * with `put_chars`, as stdlib's shell.erl does with Erlang. Its group leader may be a terminal on
 * this node (`noderl shell`) or a peer's `group` process (`erl -remsh`, `noderl remsh`): every
 * I/O request goes to it, wherever it is.
 *
 * The shell process is also the evaluator (`self` in an input): when a signal kills it, a new
 * process takes over with the same bindings and prompt count and reports the exit, as erl
 * restarts its evaluator.
 */
import { Atom, atom, isTuple, tuple, type Pid, type Term } from '../term/types.js';
import { EOF, UNICODE } from '../term/atoms.js';
import { charsToString } from '../term/io-format.js';
import { ioRequest } from '../process/io.js';
import type { Process } from '../process/process.js';
import type { ShellNode } from './helpers.js';
import { Evaluator } from './evaluator.js';
import { shellHelpers } from './helpers.js';
import { exceptionText, valueText } from './exception-text.js';

const GET_LINE = atom('get_line');
const KILL = atom('kill');

/** How a shell is started. */
export interface ShellOptions {
  /** The node the shell runs on, for the helpers and the prompt (its name is read when used). */
  readonly node: ShellNode;
  /** `q()`: stop the node. */
  quit(): void;
  /**
   * Receives the function that abandons the evaluation in progress (the terminal calls it on ^C):
   * the shell process is killed and a new one goes on with the same bindings, as after erl's `^G i`.
   */
  interrupts?(interrupt: () => void): void;
}

interface ShellState {
  readonly options: ShellOptions;
  readonly evaluator: Evaluator;
  self: Process;
  count: number;
}

/**
 * Starts a shell in a process made by `spawn` (whose group leader is where its I/O goes);
 * resolves nothing: the shell ends, with reason `normal`, at the end of input.
 */
export function startShell(spawn: (fn: (self: Process) => unknown) => Pid, options: ShellOptions): Pid {
  let state: ShellState | undefined;
  return spawn((self) => {
    const evaluator = new Evaluator({});
    state = { options, evaluator, self, count: 1 };
    const s = state;
    for (const [name, value] of Object.entries(shellHelpers({ ...options, self: () => s.self }))) {
      evaluator.bind(name, value);
    }
    options.interrupts?.(() => {
      const target = s.self.pid;
      options.node.spawn((killer) => killer.exit(target, KILL));
    });
    return runShell(self, s, bannerText(options.node.nodeAtom));
  });
}

function bannerText(node: Atom): string {
  return `noderl shell on ${node.name} (JavaScript; help() lists the helpers, q() stops the node, end of input leaves)\n`;
}

async function runShell(self: Process, state: ShellState, greeting: string): Promise<void> {
  state.self = self;
  state.evaluator.bind('self', self);
  try {
    await self.print(greeting);
    for (;;) {
      const input = await readInput(self, state);
      if (input === null) return; // end of input: the shell ends, normal
      const outcome = await state.evaluator.evaluate(input);
      if (!self.alive) break;
      switch (outcome.kind) {
        case 'value':
          await self.print(`${valueText(outcome.value, state.options.node.nodeAtom)}\n`);
          break;
        case 'exception':
          await self.print(exceptionText(outcome.error, state.options.node.nodeAtom));
          break;
        case 'syntax':
          await self.print(`* syntax error: ${outcome.message}\n`);
          continue; // erl keeps the prompt count after a syntax error
        case 'incomplete':
          await self.print('* syntax error: the input ended inside an expression\n');
          continue;
      }
      state.count += 1;
    }
  } catch (err) {
    if (self.alive) throw err; // the group leader went away: the shell ends with the I/O error
  }
  // A signal killed the shell process: go on in a new one (erl: "** exception exit: killed").
  const reason = self.reason;
  state.count += 1;
  self.spawn((next) => runShell(next, state, `** exception exit: ${valueText(reason, state.options.node.nodeAtom)}\n`));
}

/**
 * One input: a line, plus more lines while it stops inside an expression (erl reads on to the
 * dot). Blank lines are skipped. Null at the end of input.
 */
async function readInput(self: Process, state: ShellState): Promise<string | null> {
  let text = '';
  for (;;) {
    const prompt = text === '' ? `(${state.options.node.nodeAtom.name})${state.count}> ` : '';
    const reply = await ioRequest(self, tuple(GET_LINE, UNICODE, Buffer.from(prompt, 'utf8')));
    if (reply === EOF || (isTuple(reply) && reply[0] === atom('error'))) return text === '' ? null : text;
    text += lineText(reply);
    if (text.trim() === '') {
      text = '';
      continue;
    }
    if (!state.evaluator.isIncomplete(text)) return text;
  }
}

function lineText(data: Term): string {
  return Buffer.isBuffer(data) ? data.toString('utf8') : charsToString(data, true);
}
