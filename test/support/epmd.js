// Real port mappers and real Erlang nodes for tests, each on its own random port and killed by pid.
//
//   const epmd = await startEpmd({ relaxed: true });     // `epmd -port P [-relaxed_command_check]`
//   const node = await startErlNode({ epmdPort: epmd.port });
//   await node.eval('net_adm:names()');                  // '{ok,[{"erl_1234_1",41231}]}'
//   await node.stop(); await epmd.stop();
//
// epmd runs in the foreground (never -daemon) so its pid is ours to kill; erl runs with
// -start_epmd false and ERL_EPMD_PORT=P so it never starts or uses the host's epmd on 4369.
// Guard tests with erlSkip()/erlOrSkip(t) from erl.js: epmd ships with erl.

import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export { erlSkip, erlOrSkip, erlAvailable } from './erl.js';
import { after, before } from 'node:test';
import { accepts, freePort } from '../../bench/lib/net.js';
import { erlSkip } from './erl.js';
export { freePort };

const live = new Set();
let exitHookInstalled = false;
function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) killNow(c);
  });
}

function killNow(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function kill(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killNow(child);
  await exited;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));



let counter = 0;
/** A name no other test (or test process) uses: `prefix_<pid>_<n>_<random>`. */
export function uniqueName(prefix = 'noderl') {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}_${randomBytes(3).toString('hex')}`;
}

/**
 * Starts `epmd -port P` (P free and random) in the foreground, with -relaxed_command_check when
 * `relaxed`. Resolves once it accepts connections, with { port, pid, output(), exited, stop() }.
 */
export async function startEpmd({ relaxed = false, timeoutMs = 10000 } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    const port = await freePort();
    const args = ['-port', String(port), ...(relaxed ? ['-relaxed_command_check'] : [])];
    const child = spawn('epmd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const spawnError = new Promise((resolve) => child.once('error', resolve));
    const deadline = Date.now() + timeoutMs;
    let up = false;
    let gone = false;
    exited.then(() => (gone = true));
    while (!gone && Date.now() < deadline) {
      if (await accepts(port)) {
        up = true;
        break;
      }
      await sleep(20);
    }
    if (up && !gone) {
      return {
        port,
        pid: child.pid,
        output: () => output,
        /** Resolves with { code, signal } when epmd exits (after KILL, or stop()). */
        exited,
        async stop() {
          await kill(child);
        },
      };
    }
    await kill(child);
    const err = await Promise.race([spawnError, sleep(0)]);
    if (err) throw err;
    // Another process took the port between freePort() and epmd's bind: try another one.
    if (attempt >= 4) throw new Error(`epmd ${args.join(' ')} did not start:\n${output}`);
  }
}

/**
 * Runs the real `epmd -port P <args>` client (e.g. ['-names']) and resolves with
 * { code, stdout, stderr }.
 */
export function epmdCommand(port, args) {
  return new Promise((resolve) => {
    execFile('epmd', ['-port', String(port), ...args], { timeout: 10000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

// The node's stdin loop: one Erlang expression per line in, `=> ~0p` or `!! ~0p` per line out.
const EVAL_LOOP = `
Eval = fun(Line) ->
    {ok, Tokens, _} = erl_scan:string(Line),
    {ok, Exprs} = erl_parse:parse_exprs(Tokens),
    {value, V, _} = erl_eval:exprs(Exprs, []),
    V
  end,
Loop = fun L() ->
    case io:get_line('') of
      eof -> halt(0);
      {error, _} -> halt(0);
      Line ->
        Out = try {ok, Eval(Line)} catch C:R -> {error, {C, R}} end,
        case Out of
          {ok, V} -> io:format("=> ~0p~n", [V]);
          {error, E} -> io:format("!! ~0p~n", [E])
        end,
        L()
    end
  end,
io:format("=> ~0p~n", [{ready, node()}]),
Loop().
`.replace(/\n\s*/g, ' ');

/**
 * Starts a real `erl -sname NAME -noshell -setcookie RANDOM -start_epmd false` registered with
 * the epmd at `epmdPort` (ERL_EPMD_PORT). Resolves once the node is up (and so registered), with
 * { name, node, pid, cookie, eval(expr), stop() }. `eval` runs one Erlang expression (one line, no
 * trailing dot) in the node and resolves with its value printed by `~0p`. `args` go to erl before
 * `-eval` (e.g. `['-kernel', 'net_ticktime', '4']`); `cookie` defaults to a random one. With
 * `host` the node has a long name, `-name NAME@HOST`; `spawnWith` replaces child_process.spawn
 * (a network namespace's, test/support/netns.js), as long as the child's pid is erl's.
 */
export async function startErlNode({ epmdPort, name = uniqueName('erl'), host, spawnWith = spawn, timeoutMs = 20000, cookie = randomBytes(12).toString('hex'), args = [] } = {}) {
  const nameArgs = host === undefined ? ['-sname', name] : ['-name', `${name}@${host}`];
  const child = spawnWith('erl', [...nameArgs, '-noshell', '-setcookie', cookie, '-start_epmd', 'false', ...args, '-eval', EVAL_LOOP], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ERL_EPMD_PORT: String(epmdPort), ERL_CRASH_DUMP_SECONDS: '0' },
  });
  track(child);
  child.stdin.on('error', () => {});
  let output = '';
  let buffered = '';
  const waiting = [];
  const failAll = (err) => {
    for (const w of waiting.splice(0)) w.reject(err);
  };
  child.stdout.on('data', (d) => {
    output = (output + d).slice(-16384);
    buffered += d;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.startsWith('=> ')) waiting.shift()?.resolve(line.slice(3));
      else if (line.startsWith('!! ')) waiting.shift()?.reject(new Error(`erl: ${line.slice(3)}`));
    }
  });
  child.stderr.on('data', (d) => (output = (output + d).slice(-16384)));
  child.once('exit', (code, signal) => failAll(new Error(`erl ${name} exited (code ${code}, signal ${signal}):\n${output}`)));
  child.once('error', failAll);

  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  let timer;
  let ready;
  try {
    ready = await Promise.race([
      next(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`erl ${name} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    await kill(child);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const node = /^\{ready,'?([^']+)'?\}$/.exec(ready)?.[1] ?? ready;
  return {
    name,
    node,
    pid: child.pid,
    cookie,
    output: () => output,
    eval(expr) {
      if (expr.includes('\n')) throw new Error('eval takes one line');
      const reply = next();
      child.stdin.write(`${expr}.\n`);
      return reply;
    },
    async stop() {
      await kill(child);
    },
  };
}

/**
 * Registers before/after hooks that start a private port mapper, one real erl node and one noderl
 * node with the erl node's cookie, and stop all three. `ready(state)` is called once they run;
 * returns `{ skip, epmd, erl, node }`.
 */
export function useErlAndNode({ ping = false, ready = () => {} } = {}) {
  const skip = erlSkip();
  const state = { skip };
  before(async () => {
    if (skip) return;
    const { Node } = await import('../../dist/node/node.js');
    state.epmd = await startEpmd();
    state.erl = await startErlNode({ epmdPort: state.epmd.port });
    state.node = await Node.start({ sname: uniqueName('js'), cookie: state.erl.cookie, epmdPort: state.epmd.port, log: () => {} });
    if (ping && (await state.node.ping(state.erl.node)) !== 'pong') throw new Error(`noderl could not ping ${state.erl.node}`);
    ready(state);
  });
  after(async () => {
    await state.node?.stop();
    await state.erl?.stop();
    await state.epmd?.stop();
  });
  return state;
}
