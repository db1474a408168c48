/**
 * The embedded default port mapper: `ensureEpmd` makes sure one answers on the port, starting
 * noderl's own daemon when none does, as `erl` runs `epmd -daemon` before it registers
 * (otp-distribution.md §1.3; erts/etc/common/erlexec.c). The daemon is a detached process, so it
 * outlives the node that started it and serves every later node, real `erl` included.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isEpmdRunning } from './client.js';
import { epmdPort } from './protocol.js';

/** `bin/noderl.js` of this package (dist/epmd/daemon.js → ../../bin). */
const NODERL_BIN = fileURLToPath(new URL('../../bin/noderl.js', import.meta.url));
/** The command-line flag of the process that is the daemon (internal: `--daemon` starts it). */
export const DAEMON_CHILD_FLAG = '--daemon-child';
const DEFAULT_START_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 1_000;

/** The daemon could not be started or did not answer in time. */
export class EpmdStartError extends Error {
  readonly code = 'ERR_NODERL_EPMD_START';
  constructor(
    message: string,
    readonly port: number,
  ) {
    super(message);
    this.name = 'EpmdStartError';
  }
}

/** Options of {@link ensureEpmd} and {@link startDaemon}. */
export interface DaemonOptions {
  /** Port mapper port; default `ERL_EPMD_PORT`, else 4369. */
  port?: number;
  /** Where to look for a running port mapper (default 127.0.0.1, where nodes register). */
  host?: string;
  /** The daemon's listen addresses (default `ERL_EPMD_ADDRESS`, else every interface). */
  addresses?: string[];
  /** Start the daemon with epmd's `-relaxed_command_check`. */
  relaxedCommandCheck?: boolean;
  /** How long to wait for the daemon to answer (default 10 s). */
  timeoutMs?: number;
}

/** What the daemon process tells the process that started it, over the IPC channel, once. */
export type DaemonReport = { ready: true; port: number; pid: number } | { ready: false; inUse: boolean; error?: string };

/**
 * Makes sure a port mapper answers on the port. If one does, nothing is started. Otherwise a
 * detached noderl daemon is started and awaited; `pid` is its process id. When another process
 * starts one at the same moment, exactly one daemon wins the port and the other exits quietly;
 * the loser's caller then gets `started: false` once the winner answers.
 */
export async function ensureEpmd(options: DaemonOptions = {}): Promise<{ started: boolean; pid?: number }> {
  const port = options.port ?? epmdPort();
  const host = options.host ?? '127.0.0.1';
  if (await epmdAnswers(port, host)) return { started: false };
  const { pid } = await startDaemon({ ...options, port });
  if (pid !== undefined) return { started: true, pid };
  await waitUntilAnswering(port, host, options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  return { started: false };
}

/**
 * Starts `noderl epmd` as a detached daemon (new session, cwd `/`, no stdio) and resolves once it
 * listens, with its pid; resolves without a pid when the port was taken by another port mapper
 * (the daemon then exited quietly, as epmd does). Used by `ensureEpmd` and `noderl epmd --daemon`.
 */
export function startDaemon(options: DaemonOptions = {}): Promise<{ pid?: number }> {
  const port = options.port ?? epmdPort();
  const timeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const args = [NODERL_BIN, 'epmd', DAEMON_CHILD_FLAG, '--port', String(port)];
  if (options.addresses?.length) args.push('--address', options.addresses.join(','));
  if (options.relaxedCommandCheck) args.push('--relaxed-command-check');
  const child = spawn(process.execPath, args, { detached: true, cwd: '/', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      settle();
      child.kill('SIGKILL');
      reject(new EpmdStartError(`noderl epmd did not start on port ${port} within ${timeoutMs} ms`, port));
    }, timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
    };
    child.on('message', (report: DaemonReport) => {
      // Refused because another port mapper holds the port: the child exits 0 next, and the
      // exit resolves, so that no process of ours is left when the caller looks (as epmd -daemon).
      if (!report.ready && report.inUse) return;
      settle();
      if (report.ready) resolve({ pid: child.pid });
      else reject(new EpmdStartError(`noderl epmd could not start on port ${port}: ${report.error}`, port));
    });
    child.on('error', (err) => {
      settle();
      reject(new EpmdStartError(`cannot run ${process.execPath} ${NODERL_BIN}: ${err.message}`, port));
    });
    child.on('exit', (code, signal) => {
      settle();
      if (code === 0) resolve({});
      else reject(new EpmdStartError(`noderl epmd exited with ${signal ?? code} before listening on port ${port}`, port));
    });
  });
}

/** True when a port mapper answers a NAMES request on host:port within the probe time. */
export function epmdAnswers(port: number, host = '127.0.0.1', timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return isEpmdRunning({ port, host, timeoutMs });
}

async function waitUntilAnswering(port: number, host: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await epmdAnswers(port, host))) {
    if (Date.now() >= deadline) throw new EpmdStartError(`no port mapper answers on ${host}:${port} after ${timeoutMs} ms`, port);
    await new Promise((r) => setTimeout(r, 50));
  }
}
