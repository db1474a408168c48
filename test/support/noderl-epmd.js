// noderl's own port mapper as a separate process for tests: `noderl epmd --port P` in the
// foreground (its pid is ours to kill), the `noderl` command run to completion, and the pids of
// detached daemons, all killed by pid when the test process exits.

import { execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isEpmdRunning } from '../../dist/epmd/client.js';
import { freePort } from './epmd.js';

export const NODERL_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'noderl.js');

const pids = new Set();
let hooked = false;

/** Remembers a pid (a detached daemon, say) to kill with SIGKILL when this process exits. */
export function killAtExit(pid) {
  pids.add(pid);
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const p of pids) killPid(p);
  });
}

/** SIGKILL by pid; false when there was no such process. */
export function killPid(pid, signal = 'SIGKILL') {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  } finally {
    if (signal === 'SIGKILL') pids.delete(pid);
  }
}

/** True while a process with this pid exists (and is not a zombie we could reap). */
export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 20 ms until it resolves truthy or `ms` pass; resolves with its last value. */
export async function waitFor(check, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value || Date.now() >= deadline) return value;
    await sleep(20);
  }
}

/**
 * Starts `noderl epmd --port P [args]` in the foreground on a free port and resolves once it
 * answers, with { port, pid, output(), exited, stop() }.
 */
export async function startNoderlEpmd(args = [], { env = {} } = {}) {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, [NODERL_BIN, 'epmd', '--port', String(port), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    killAtExit(child.pid);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let gone = false;
    exited.then(() => (gone = true));
    const up = await waitFor(async () => gone || (await isEpmdRunning({ port, timeoutMs: 500 })), 10000);
    if (up && !gone) {
      return {
        port,
        pid: child.pid,
        output: () => output,
        exited,
        async stop() {
          if (!gone) {
            killPid(child.pid);
            await exited;
          }
        },
      };
    }
    killPid(child.pid);
    if (attempt >= 3) throw new Error(`noderl epmd did not start on port ${port}:\n${output}`);
  }
}

/** Runs `noderl ARGS` to completion; resolves with { code, stdout, stderr }. */
export function noderl(args, env = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [NODERL_BIN, ...args], { env: { ...process.env, ...env }, timeout: 15000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
    });
  });
}
