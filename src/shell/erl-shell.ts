/**
 * The Erlang shell of a noderl node, shaped as STDLIB's shell.erl (OTP 25): a server process
 * that reads commands through its group leader and an evaluator process that runs them.
 *
 * - Reading: a reader process asks the group leader for `{get_until, unicode, Prompt, erl_scan,
 *   tokens, [{1,1}]}`, so a remote erl's `group` scans the text there (`erl -remsh`), and a noderl
 *   terminal scans it with src/erlang/scan.ts; the tokens are parsed here (src/erlang/parse.ts).
 * - Evaluating: the evaluator keeps the bindings between commands and prints each value as the
 *   shell does (io_lib_pretty, depth 30); an exception ends it, the server prints the exception as
 *   erl does and starts a new evaluator with the bindings of before (`self()` changes, as in erl).
 * - The server traps exits: an evaluator killed from outside (`exit(Pid, kill)`, ^C on a noderl
 *   terminal) is reported and replaced; `exit(Shell, interrupt)` (erl's `^G i`) kills the
 *   evaluation in progress; any other exit signal ends the shell, as shell.erl does.
 */
import { Atom, atom, isTuple, Pid, tuple, type Term, type Tuple } from '../term/types.js';
import { EOF, ERROR, EXIT, OK, UNICODE } from '../term/atoms.js';
import { ioRequest } from '../process/io.js';
import { ProcessExit } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { evalExprs } from '../erlang/eval.js';
import { classify } from '../erlang/control.js';
import { isExpansionVariable } from '../erlang/records.js';
import { shellCommands } from './erl-shell-commands.js';
import { checkCommand, errorInfoText, exceptionReport, parseCommand, printOptions, printValue } from './erl-shell-text.js';
import { History } from './erl-shell-history.js';
import type { ErlangShellHost, ShellSession } from './erl-shell-session.js';

export type { ErlangShellHost, ShellSession } from './erl-shell-session.js';

const KILL = atom('kill');
const INTERRUPT = atom('interrupt');
const SHELL_CMD = atom('shell_cmd');
const SHELL_REP = atom('shell_rep');
const EV_EXIT = atom('ev_exit');
const SHELL_REQ = atom('shell_req');
const READ = atom('shell_read');

/**
 * Starts an Erlang shell in a process made by `spawn` (whose group leader gets all its I/O);
 * returns the server's pid. The shell ends, normally, at the end of input or on `exit()`.
 */
export function startErlangShell(spawn: (fn: (self: Process) => unknown) => Pid, host: ErlangShellHost): Pid {
  return spawn((self) => serve(self, { host, bindings: new Map(), history: new History(), records: new Map(), catchException: false }));
}

async function serve(self: Process, session: ShellSession): Promise<void> {
  session.server = self;
  self.trapExit(true);
  await self.print(`Eshell ${session.host.banner}\n`);
  let evaluator = startEvaluator(self, session);
  for (let n = 1; ; ) {
    const prompt = session.host.alive ? `(${session.host.nodeAtom.name})${n}> ` : `${n}> `;
    const reader = self.spawn((r) => readCommand(r, self.pid, prompt));
    let read: Term | undefined;
    while (read === undefined) {
      const m = await self.receive();
      if (isTuple(m) && m[0] === READ && m[1] instanceof Pid && m[1].equals(reader)) read = m[2]!;
      else if (isExit(m) && m[1].equals(evaluator)) {
        // The evaluator died while the user was typing (a linked process took it down).
        await report(self, session, 'exit', ...splitExit(m[2]!));
        evaluator = startEvaluator(self, session);
      } else if (isExit(m) && m[2] !== INTERRUPT && !m[1].equals(reader)) {
        self.exit(evaluator, m[2]!);
        self.exit(reader, KILL);
        throw new ProcessExit(m[2]!);
      }
    }
    if (read === EOF || (isTuple(read) && read[0] === ERROR && read[1] === atom('terminated'))) {
      self.exit(evaluator, KILL);
      return; // the end of input ends the shell (erl halts its node; a noderl node goes on)
    }
    if (isTuple(read) && read[0] === ERROR) {
      await self.print(`${errorInfoText(read[1]!)}\n`);
      continue; // a syntax error keeps the command number
    }
    const expanded = session.history.expand((read as Tuple)[1]!, n);
    if (typeof expanded === 'string') {
      await self.print(`* ${expanded}\n`);
      continue;
    }
    const checked = checkCommand(expanded as Term[], session.records, new Set(session.bindings.keys()));
    if ('error' in checked) await self.print(`${checked.error}\n`); // it still takes its number, as in erl
    else evaluator = await run(self, evaluator, checked.forms, n, session);
    n += 1;
  }
}

/** Reads one command: `{ok, Forms}`, `{error, ErrorInfo}` or `eof`, sent to the server. */
async function readCommand(self: Process, server: Pid, prompt: string): Promise<void> {
  let result: Term;
  try {
    const reply = await ioRequest(self, tuple(atom('get_until'), UNICODE, Buffer.from(prompt, 'utf8'), atom('erl_scan'), atom('tokens'), [tuple(1, 1)]));
    result = parseCommand(reply);
    if (isTuple(result) && result[0] === ERROR && isTuple(reply) && reply[0] === ERROR) await skipLine(self);
  } catch {
    result = tuple(ERROR, atom('terminated')); // the group leader went away
  }
  self.send(server, tuple(READ, self.pid, result));
}

/** After a scan error, shell.erl drops the rest of the line. */
async function skipLine(self: Process): Promise<void> {
  await ioRequest(self, tuple(atom('get_line'), UNICODE, Buffer.alloc(0))).catch(() => undefined);
}

/** Sends a command to the evaluator and waits for its outcome; returns the evaluator to use next. */
async function run(self: Process, evaluator: Pid, forms: Term, n: number, session: ShellSession): Promise<Pid> {
  self.send(evaluator, tuple(SHELL_CMD, self.pid, forms, n));
  for (;;) {
    const m = await self.receive();
    if (isTuple(m) && m[0] === SHELL_REP && m[1] instanceof Pid && m[1].equals(evaluator)) return evaluator;
    if (isTuple(m) && m[0] === EV_EXIT && m[1] instanceof Pid && m[1].equals(evaluator)) {
      await self.receive({ match: (x) => isExit(x) && x[1].equals(evaluator), timeout: 5000 });
      await report(self, session, (m[2] as Atom).name, m[3]!, m[4]!);
      return startEvaluator(self, session);
    }
    if (isExit(m) && m[1].equals(evaluator)) {
      await report(self, session, 'exit', ...splitExit(m[2]!));
      return startEvaluator(self, session);
    }
    if (isTuple(m) && m[0] === SHELL_REQ && m[1] instanceof Pid && m[1].equals(evaluator) && m[2] === atom('exit')) {
      self.exit(evaluator, KILL);
      throw new ProcessExit(atom('normal')); // exit(): the shell ends
    }
    if (isExit(m) && m[2] === INTERRUPT) self.exit(evaluator, KILL); // ^G i: the EXIT of the evaluator follows
    else if (isExit(m)) {
      self.exit(evaluator, m[2]!);
      throw new ProcessExit(m[2]!);
    }
  }
}

function startEvaluator(server: Process, session: ShellSession): Pid {
  const pid = server.spawn((self) => evaluate(self, server.pid, session));
  server.link(pid);
  return pid;
}

/** The evaluator: runs each command with the session's bindings and prints its value. */
async function evaluate(self: Process, server: Pid, session: ShellSession): Promise<void> {
  const local = shellCommands(session);
  for (;;) {
    const m = await self.receive({ match: (x) => isTuple(x) && x[0] === SHELL_CMD && x[1] instanceof Pid && x[1].equals(server) });
    const [, , forms, n] = m as Term[];
    try {
      const { value, bindings } = await evalExprs(self, forms!, session.bindings, { apply: session.host.apply, applyFun: session.host.applyFun, local });
      for (const name of bindings.keys()) if (isExpansionVariable(name)) bindings.delete(name); // shell.erl's is_expand_variable
      session.bindings = bindings;
      session.history.add(n as number, forms!, value);
      await self.print(`${printValue(value, 1, await printOptions(self, session))}\n`);
      self.send(server, tuple(SHELL_REP, self.pid, OK));
    } catch (err) {
      if (!self.alive) throw err; // killed: the server sees our EXIT
      const [cls, reason, stack] = classify(err);
      session.history.add(n as number, forms!, tuple(EXIT, reason));
      if (session.catchException) {
        await report(self, session, (cls as Atom).name, reason, stack);
        self.send(server, tuple(SHELL_REP, self.pid, OK));
        continue;
      }
      self.send(server, tuple(EV_EXIT, self.pid, cls, reason, stack));
      return; // ends normally; the server starts the next evaluator
    }
  }
}

/** Prints an exception as shell.erl's report_exception does, with the group leader's width and encoding. */
async function report(self: Process, session: ShellSession, cls: string, reason: Term, stack: Term): Promise<void> {
  await self.print(exceptionReport(cls, reason, stack, await printOptions(self, session)));
}

function isExit(m: Term): m is [typeof EXIT, Pid, Term] & Term {
  return isTuple(m) && m.length === 3 && m[0] === EXIT && m[1] instanceof Pid;
}

/** An exit reason split as shell.erl splits it: `{Reason, Stack}` (as BEAM's errors give), else the reason with no stack. */
function splitExit(r: Term): [Term, Term] {
  return isTuple(r) && r.length === 2 && Array.isArray(r[1]) ? [r[0]!, r[1]!] : [r, []];
}
