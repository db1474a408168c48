// A noderl node in a child process (`noderl start --code-path DIR`), for tests that kill a node or
// call it from outside; the caller stops it by its pid.
import { spawn } from 'node:child_process';
import { uniqueName } from '../support/epmd.js';
import { NODERL_BIN } from '../support/noderl-cli.js';

/** Starts `noderl start` (`args`: more of its flags); resolves { name, child, exited } once it printed its full node name. */
export async function startNoderlChild({ epmdPort, cookie, codePath, prefix = 'jschild', args = [] }) {
  const child = spawn(process.execPath, [NODERL_BIN, 'start', '--sname', uniqueName(prefix), '--cookie', cookie, ...(codePath === undefined ? [] : ['--code-path', codePath]), ...args], {
    env: { ...process.env, ERL_EPMD_PORT: String(epmdPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  for (let i = 0; i < 400 && !/node \S+ started/.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 25));
  const name = /node (\S+) started/.exec(out)?.[1];
  if (!name) {
    child.kill('SIGKILL');
    throw new Error(`noderl start did not start: ${out}`);
  }
  return { name, child, exited };
}

/** Kills the child unless it already ended. */
export function stopNoderlChild(c) {
  if (c && c.child.exitCode === null && c.child.signalCode === null) process.kill(c.child.pid, 'SIGKILL');
}
