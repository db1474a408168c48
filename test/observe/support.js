// What the observe tests share: a cluster of a real erl node (a registered process `busy` holding
// 1000 queued messages, in the pg group `workers` and globally named `orders`) and a noderl child
// node connected to it, both on net_ticktime 4 so a
// frozen peer is dropped within seconds; and `noderl observe` run as a child process whose
// output is watched line by line. Every process is stopped by its pid.
import { spawn } from 'node:child_process';
import { erlSkip, startEpmd, startErlNode } from '../support/epmd.js';
import { NODERL_BIN } from '../support/noderl-cli.js';
import { startNoderlChild, stopNoderlChild } from '../rpc/child-node.js';

export const skip = erlSkip();

/** Starts the cluster; resolves { epmd, erl, js (the noderl child), stop() }. */
export async function startCluster() {
  const epmd = await startEpmd();
  const state = { epmd };
  try {
    state.erl = await startErlNode({ epmdPort: epmd.port, args: ['-kernel', 'net_ticktime', '4', '-kernel', 'start_pg', 'true'] });
    await state.erl.eval(`begin register(busy, spawn(fun() -> receive stop -> ok end end)), [busy ! {m, I} || I <- lists:seq(1, 1000)], ok = pg:join(workers, whereis(busy)) end`);
    state.js = await startNoderlChild({ epmdPort: epmd.port, cookie: state.erl.cookie, prefix: 'jsobs', args: ['--ticktime', '4'] });
    const pong = await state.erl.eval(`net_adm:ping('${state.js.name}')`);
    if (pong !== 'pong') throw new Error(`erl could not reach ${state.js.name}: ${pong}`);
    // A global name, registered once the two are in sync, so both know it.
    await state.erl.eval(`begin global:sync(), yes = global:register_name(orders, whereis(busy)) end`);
  } catch (err) {
    await stopCluster(state);
    throw err;
  }
  return { ...state, stop: () => stopCluster(state) };
}

async function stopCluster({ epmd, erl, js }) {
  stopNoderlChild(js);
  await erl?.stop();
  await epmd?.stop();
}

/**
 * Runs `noderl observe ...args` until stopped; `lines` collects stdout lines, `waitFor(pred)`
 * resolves with the first line (past or future) `pred` accepts, `stop(signal)` signals it by pid
 * and resolves with its exit code (SIGKILL after 5 s).
 */
export function startObserve(args, { epmdPort }) {
  const child = spawn(process.execPath, [NODERL_BIN, 'observe', ...args], { env: { ...process.env, ERL_EPMD_PORT: String(epmdPort) }, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = [];
  let buffered = '';
  let stderr = '';
  const watchers = new Set();
  child.stdout.on('data', (d) => {
    buffered += d;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      for (const w of [...watchers]) w(line);
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  // 'close', not 'exit': every line it printed has been read by then.
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve(code ?? signal)));
  return {
    child,
    lines,
    stderr: () => stderr,
    waitFor(pred, timeoutMs = 15_000) {
      const found = lines.find(pred);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watch);
          reject(new Error(`no such line within ${timeoutMs} ms; last: ${lines.at(-1)?.slice(0, 2000)}\nstderr: ${stderr}`));
        }, timeoutMs);
        const watch = (line) => {
          if (!pred(line)) return;
          clearTimeout(timer);
          watchers.delete(watch);
          resolve(line);
        };
        watchers.add(watch);
        exited.then(() => {
          if (!watchers.delete(watch)) return;
          clearTimeout(timer);
          reject(new Error(`observe exited: ${stderr}`));
        });
      });
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, signal);
      const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(child.pid, 'SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      child.stdin.end();
      return code;
    },
  };
}

/** The snapshot of a `--json` line, or undefined for another line. */
export function snapshotOf(line) {
  try {
    const s = JSON.parse(line);
    return Array.isArray(s.cluster) ? s : undefined;
  } catch {
    return undefined;
  }
}
