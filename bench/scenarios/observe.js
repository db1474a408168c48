// The cost of `noderl observe` (issue 15): the CPU a BEAM node holding 10,000 processes spends
// with nobody watching, and with `noderl observe NODE` refreshing every second (`--json`: the
// reads of the terminal and web views, without the drawing). Windows of each alternate, the
// observer started afresh for each watched window after a warm-up; CPU is the node's utime+stime
// from /proc/PID/stat over the window, as a share of one core. The observer's own CPU and the
// time one refresh takes are reported beside it.

import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster } from '../lib/dist-peers.js';
import { kill, spawnErl, track } from '../lib/erl.js';
import { sig3, spread, table } from '../lib/format.js';
import { summarize } from '../lib/measure.js';

export const description = 'noderl observe: CPU of a BEAM node of 10,000 processes, unwatched and watched every 1 s';

const FULL = { processes: 10_000, windows: 5, windowMs: 10_000, warmupMs: 3_000 };
const QUICK = { processes: 10_000, windows: 1, windowMs: 3_000, warmupMs: 2_000 };
const NODERL = join(dirname(fileURLToPath(import.meta.url)), '../../bin/noderl.js');
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) the process `pid` has used so far. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime (fields 14, 15)
}

/** CPU share of one core `pid` uses over `ms`. */
async function cpuOver(pid, ms) {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await sleep(ms);
  return (cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000);
}

export async function run({ quick }) {
  const settings = quick ? QUICK : FULL;
  const cluster = await Cluster.start();
  const name = `bench_observed_${process.pid}`;
  const erl = spawnErl(['-sname', name, '-setcookie', cluster.cookie, '-start_epmd', 'false', '-noshell', '-eval',
    `[spawn(timer, sleep, [infinity]) || _ <- lists:seq(1, ${settings.processes})], io:format("ready ~s~n", [node()]).`], { env: { ERL_EPMD_PORT: String(cluster.epmdPort) } });
  try {
    const node = await new Promise((resolve, reject) => {
      let out = '';
      erl.stdout.on('data', (d) => {
        out += d;
        const m = /ready (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      erl.once('exit', () => reject(new Error(`erl exited: ${out}`)));
    });
    if (!readFileSync(`/proc/${erl.pid}/comm`, 'utf8').startsWith('beam')) throw new Error('the erl pid is not the BEAM');
    await sleep(1000);
    const idle = [];
    const watched = [];
    const observer = [];
    const refresh = [];
    let counted;
    for (let i = 0; i < settings.windows; i++) {
      idle.push(await cpuOver(erl.pid, settings.windowMs));
      const watch = track(spawn(process.execPath, [NODERL, 'observe', node, '--cookie', cluster.cookie, '--json', '--interval', '1000'], { env: { ...process.env, ERL_EPMD_PORT: String(cluster.epmdPort) }, stdio: ['ignore', 'pipe', 'inherit'] }));
      const took = [];
      let buffered = '';
      watch.stdout.on('data', (d) => {
        buffered += d;
        for (let nl; (nl = buffered.indexOf('\n')) >= 0; buffered = buffered.slice(nl + 1)) {
          const s = JSON.parse(buffered.slice(0, nl));
          took.push(s.tookMs);
          counted = s.cluster[0].processCount;
        }
      });
      await sleep(settings.warmupMs);
      const before = took.length;
      const o0 = cpuSeconds(watch.pid);
      const t0 = performance.now();
      watched.push(await cpuOver(erl.pid, settings.windowMs));
      observer.push((cpuSeconds(watch.pid) - o0) / ((performance.now() - t0) / 1000));
      refresh.push(...took.slice(before));
      kill(watch);
      await new Promise((r) => (watch.exitCode === null ? watch.once('exit', r) : r()));
    }
    if (!(counted >= settings.processes)) throw new Error(`the observer counted ${counted} processes, not ${settings.processes} or more`);
    const pct = (x) => `${sig3(x * 100)} %`;
    const rows = [
      { what: 'BEAM node, nobody watching', s: summarize(idle) },
      { what: 'BEAM node, noderl observe every 1 s', s: summarize(watched) },
      { what: 'the noderl observe process itself', s: summarize(observer) },
    ];
    const took = summarize(refresh);
    return {
      table: table(
        [{ key: 'what', title: 'CPU (share of one core)' }, { key: 'median', title: 'median', align: 'right' }, { key: 'range', title: '[min-max]', align: 'right' }],
        [...rows.map((r) => ({ what: r.what, median: pct(r.s.median), range: spread(r.s, pct) })), { what: 'one refresh of the BEAM node (ms)', median: sig3(took.median), range: spread(took) }],
      ),
      notes: [
        `${settings.processes} processes (timer:sleep(infinity)) on the BEAM node, ${counted} counted by the observer; ${settings.windows} window(s) of ${settings.windowMs / 1000} s each way, alternating; median [min-max]`,
        'CPU from /proc/PID/stat (utime + stime) over each window; the observer is started afresh and warmed up for each watched window',
      ],
      json: { settings, idle, watched, observer, refreshMs: refresh, counted },
    };
  } finally {
    kill(erl);
    await cluster.stop();
  }
}
