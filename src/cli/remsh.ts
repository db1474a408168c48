/**
 * `noderl remsh NODE [--cookie C] [--erlang]`: a shell on another node, BEAM or noderl, as
 * `erl -remsh NODE`. On a noderl node the shell is JavaScript (`noderl_shell:start()`), or Erlang
 * with `--erlang` (`shell:start()`); a BEAM node, without noderl_shell, gives its Erlang shell.
 * As OTP 25's group.erl does (otp-distribution.md §7.7), a hidden temporary node calls
 * `shell:start()` on NODE through `erpc:execute_call/4` from a process whose group leader is the
 * local terminal I/O server, so the remote shell's every I/O request comes back here, and links to
 * the shell pid it returns. A BEAM shell reads with `get_until` naming `erl_scan`; the terminal
 * runs that on NODE (src/shell/terminal.ts). Ends at the end of input or when the remote shell or
 * its node goes away (exit 0); 1 when NODE cannot be reached or will not start a shell.
 */
import { Command } from './command.js';
import { DIST_USAGE, takeDistFlags } from './dist-flags.js';
import { startConsole } from '../shell/console.js';
import { atom, isTuple, Pid, type Term, type Tuple } from '../term/types.js';
import { valueText } from '../shell/exception-text.js';
import { type Process } from '../process/process.js';
import { downOf } from '../process/gen.js';
import { EXIT } from '../term/atoms.js';

const REMSH = new Command('remsh', `Usage: noderl remsh NODE [--cookie C] [--erlang] ${DIST_USAGE}\n`);

/** Runs `noderl remsh`. */
export async function run(args: string[]): Promise<number> {
  const dist = takeDistFlags(args);
  if (typeof dist === 'string') return REMSH.usageError(dist);
  const parsed = REMSH.parse(dist.rest, { cookie: { type: 'string' }, erlang: { type: 'boolean' } });
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length > 1) return REMSH.usageError('give one node name, alive@host');
  return REMSH.onTempNode(parsed.positionals[0], parsed.values.cookie, async (node, target) => {
    if ((await node.ping(target)) !== 'pong') return REMSH.failure(`cannot connect to ${target} (pang: not running, unreachable, or another cookie)`);
    const terminal = startConsole(node);
    const shell = new Promise<Ending>((resolve) =>
      node.spawn((self) => runRemoteShell(self, target, terminal.pid, parsed.values.erlang === true).then(resolve, (err: Error) => resolve({ ok: false, problem: `${target} did not start a shell: ${err.message}` }))),
    );
    const ending = await Promise.race([terminal.ended.then((): Ending => ({ ok: true })), shell]);
    terminal.close();
    if (ending.ok) {
      if (ending.note !== undefined) process.stderr.write(`noderl remsh: ${ending.note}\n`); // as erl says "Shell process terminated!"
      return 0;
    }
    return REMSH.failure(ending.problem);
  }, dist.tls);
}

/** How a session ended: the input or the shell ended (ok; `note` says why the shell did), or the shell could not start. */
type Ending = { ok: true; note?: string } | { ok: false; problem: string };

/**
 * group.erl's start_shell_mfa for `{Node, shell, start, []}`: the remote call runs with `gl` as
 * its group leader; then the link to the shell. Resolves with why the session ended.
 */
async function runRemoteShell(self: Process, target: string, gl: Pid, erlang: boolean): Promise<Ending> {
  self.setGroupLeader(gl);
  self.trapExit(true);
  let result = erlang ? undefined : await startRemote(self, target, 'noderl_shell');
  if (result === undefined || isUndef(result)) result = await startRemote(self, target, 'shell'); // BEAM has no noderl_shell
  // erpc:execute_call/4 exits with {Ref, return, Value} (otp-distribution.md §7.4).
  if (!isTuple(result) || result.length !== 3 || result[1] !== atom('return') || !(result[2] instanceof Pid)) {
    return { ok: false, problem: `${target} did not start a shell: ${valueText(result)}` };
  }
  const shell = result[2];
  self.link(shell);
  const isShellExit = (m: Term): m is Tuple<[typeof EXIT, Pid, Term]> =>
    isTuple(m) && m.length === 3 && m[0] === EXIT && m[1] instanceof Pid && m[1].id === shell.id && m[1].node === shell.node;
  const exit = await self.receive({ match: isShellExit });
  return { ok: true, note: `the shell ended: ${valueText(exit[2])}` };
}

/** `Module:start()` on `target` through erpc:execute_call/4: what its process exited with. */
async function startRemote(self: Process, target: string, module: string): Promise<Term> {
  const ref = self.makeRef();
  const [, monitor] = await self.spawnMonitorRemote(target, 'erpc', 'execute_call', [ref, atom(module), atom('start'), []]);
  const down = await self.receive({ match: downOf(monitor) });
  return down[4];
}

/** erpc's `{Ref, error, undef, Stack}`-shaped exit of a call to a module the node does not have. */
function isUndef(result: Term): boolean {
  return isTuple(result) && result.length === 4 && result[1] === atom('error') && result[2] === atom('undef');
}
