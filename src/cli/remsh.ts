/**
 * `noderl remsh NODE [--cookie C]`: a shell on another node, BEAM or noderl, as `erl -remsh NODE`.
 * As OTP 25's group.erl does (otp-distribution.md §7.7), a hidden temporary node calls
 * `shell:start()` on NODE through `erpc:execute_call/4` from a process whose group leader is the
 * local terminal I/O server, so the remote shell's every I/O request comes back here, and links to
 * the shell pid it returns. A BEAM shell reads with `get_until` naming `erl_scan`; the terminal
 * runs that on NODE (src/shell/terminal.ts). Ends at the end of input or when the remote shell or
 * its node goes away (exit 0); 1 when NODE cannot be reached or will not start a shell.
 */
import { parseArgs } from 'node:util';
import type { Node } from '../node/node.js';
import { startTempNode } from './temp-node.js';
import { splitNode } from '../node/names.js';
import { startConsole } from '../shell/console.js';
import { atom, isTuple, Pid, Ref, type Term } from '../term/types.js';
import { valueText } from '../shell/exception-text.js';
import { refKey, type Process } from '../node/process.js';

const USAGE = 'Usage: noderl remsh NODE [--cookie C]\n';
const EXIT = atom('EXIT');
const DOWN = atom('DOWN');

/** Runs `noderl remsh`. */
export async function run(args: string[]): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({ args, options: { cookie: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }));
  } catch (err) {
    process.stderr.write(`noderl remsh: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const target = positionals[0];
  const parts = target === undefined ? undefined : splitNode(target);
  if (positionals.length !== 1 || parts === undefined) {
    process.stderr.write(`noderl remsh: give one node name, alive@host\n${USAGE}`);
    return 2;
  }
  let node: Node;
  try {
    node = await startTempNode('remsh', parts.host, values.cookie);
  } catch (err) {
    process.stderr.write(`noderl remsh: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    if ((await node.ping(target!)) !== 'pong') {
      process.stderr.write(`noderl remsh: cannot connect to ${target} (pang: not running, unreachable, or another cookie)\n`);
      return 1;
    }
    const terminal = startConsole(node);
    const shell = new Promise<string | undefined>((resolve) => node.spawn((self) => runRemoteShell(self, target!, terminal.pid).then(resolve)));
    const problem = await Promise.race([terminal.ended.then(() => undefined), shell]);
    terminal.close();
    if (problem !== undefined) process.stderr.write(`noderl remsh: ${problem}\n`);
    return problem === undefined || problem.startsWith('the shell ended') ? 0 : 1;
  } finally {
    await node.stop();
  }
}

/**
 * group.erl's start_shell_mfa for `{Node, shell, start, []}`: the remote call runs with `gl` as
 * its group leader; then the link to the shell. Resolves with why the session ended.
 */
async function runRemoteShell(self: Process, target: string, gl: Pid): Promise<string> {
  self.setGroupLeader(gl);
  self.trapExit(true);
  const ref = self.makeRef();
  const [, monitor] = await self.spawnMonitorRemote(target, 'erpc', 'execute_call', [ref, atom('shell'), atom('start'), []]);
  const key = refKey(monitor);
  const down = (await self.receive({ match: (m) => isTuple(m) && m[0] === DOWN && m[1] instanceof Ref && refKey(m[1]) === key })) as Term[];
  const result = down[4];
  // erpc:execute_call/4 exits with {Ref, return, Value} (otp-distribution.md §7.4).
  if (!isTuple(result) || result.length !== 3 || result[1] !== atom('return') || !(result[2] instanceof Pid)) {
    return `${target} did not start a shell: ${valueText(result as Term)}`;
  }
  const shell = result[2];
  self.link(shell);
  const exit = (await self.receive({ match: (m) => isTuple(m) && m[0] === EXIT && m[1] instanceof Pid && m[1].id === shell.id && m[1].node === shell.node })) as Term[];
  return `the shell ended: ${valueText(exit[2] as Term)}`;
}
