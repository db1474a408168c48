// Starting real Erlang/OTP from the bench: compiling helper modules, one-shot `erl` runs, and
// long-lived `erl` processes driven line by line over stdin/stdout.
//
// Every `erl` started here is remembered by pid and killed at the end of the run, including
// when the bench fails or is interrupted: a stray BEAM would skew whatever runs next on this
// shared machine.

import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** Children started by this module and not yet seen to exit. */
const live = new Set();
/** Temp dirs made by this module, removed at exit. */
const tempDirs = new Set();
let cleanupInstalled = false;

/** Kills every `erl` this process started that is still running, by pid. Safe to call twice. */
export function killAll() {
  for (const child of live) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Already gone between its exit and our 'exit' handler: nothing to do.
    }
  }
  live.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// Node skips 'exit' handlers when killed by a signal, so signals get their own handlers. They run
// once the current synchronous timing batch returns (a second or two at most). If Node dies
// without running them (SIGKILL), a line server's stdin closes and it halts by itself.
function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** A fresh temp dir, removed by killAll(). */
export function makeTempDir(prefix = 'noderl-bench-') {
  installCleanup();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Compiles Erlang sources with `erlc` into a fresh temp dir; returns the dir (for `-pa`). */
export async function compileErlang(sources) {
  const outDir = makeTempDir('noderl-bench-beam-');
  try {
    await execFileP('erlc', ['-o', outDir, ...sources]);
  } catch (err) {
    throw new Error(`erlc failed for ${sources.join(', ')}:\n${err.stderr || err.message}`);
  }
  return outDir;
}

// Scheduler busy-waiting would keep an idle BEAM spinning on a core while Node is being timed
// on this 2-core machine; these flags make an idle BEAM really idle.
const QUIET_SCHEDULERS = ['+sbwt', 'none', '+sbwtdcpu', 'none', '+sbwtdio', 'none'];

/** Starts `erl` with `args` (after the quiet-scheduler flags); the child is tracked for killAll(). */
export function spawnErl(args, { env } = {}) {
  const child = spawn('erl', [...QUIET_SCHEDULERS, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
  return track(child);
}

/** Remembers any child process (an `epmd`, a noderl peer) so that killAll() kills it too. */
export function track(child) {
  installCleanup();
  live.add(child);
  child.once('exit', () => live.delete(child));
  // A spawn failure (no `erl` on PATH) arrives as an 'error' event; keep it from being unhandled.
  child.once('error', () => live.delete(child));
  return child;
}

/** Kills one child started by spawnErl, by pid. */
export function kill(child) {
  if (live.has(child)) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Already exited.
    }
    live.delete(child);
  }
}

/** Runs `erl` to completion (it must halt by itself) and returns its stdout; killed after timeoutMs. */
export function runErl(args, { timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawnErl(args);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      kill(child);
      reject(new Error(`erl ${args.join(' ')} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start erl: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`erl exited with ${signal ?? code}: ${err || out}`));
    });
  });
}

/** The OTP release of the installed `erl`, e.g. "25". */
export async function otpRelease() {
  const out = await runErl(['-noshell', '-eval', 'io:format("~s",[erlang:system_info(otp_release)]),halt().']);
  return out.trim();
}

/**
 * A long-lived `erl` process spoken to one line at a time: each request is one line on its
 * stdin, each reply one line on its stdout, in order. The Erlang side must print `ready` once
 * when it is listening.
 */
export class ErlLineServer {
  /**
   * @param {string[]} args  erl arguments, e.g. ['-noshell', '-pa', dir, '-s', 'mod', 'main']
   * @param {{ startTimeoutMs?: number, env?: Record<string, string> }} [options]  env: added to this process's
   */
  static async start(args, { startTimeoutMs = 30_000, env } = {}) {
    const server = new ErlLineServer(spawnErl(args, { env }));
    const greeting = await server.#nextLine(startTimeoutMs);
    if (greeting !== 'ready') throw new Error(`erl did not start its line server; said: ${greeting}`);
    return server;
  }

  #child;
  #lines = [];
  #waiters = [];
  #stderr = '';
  #exited = null;

  constructor(child) {
    this.#child = child;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(line);
      else this.#lines.push(line);
    });
    child.stderr.on('data', (d) => (this.#stderr = (this.#stderr + d).slice(-4000)));
    const onGone = (why) => {
      this.#exited = why;
      for (const w of this.#waiters.splice(0)) w.reject(this.#deathError());
    };
    child.once('exit', (code, signal) => onGone(`exited with ${signal ?? code}`));
    child.once('error', (e) => onGone(`could not start: ${e.message}`));
  }

  #deathError() {
    return new Error(`erl ${this.#exited}${this.#stderr ? `; stderr:\n${this.#stderr}` : ''}`);
  }

  #nextLine(timeoutMs) {
    if (this.#lines.length) return Promise.resolve(this.#lines.shift());
    if (this.#exited) return Promise.reject(this.#deathError());
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (line) => (clearTimeout(timer), resolve(line)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`erl gave no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** The OS pid of the `erl` (the `erl` script execs down to beam.smp, which keeps it). */
  get pid() {
    return this.#child.pid;
  }

  /** Sends one request line and resolves with the reply line. */
  request(line, { timeoutMs = 120_000 } = {}) {
    if (this.#exited) return Promise.reject(this.#deathError());
    this.#child.stdin.write(line + '\n');
    return this.#nextLine(timeoutMs);
  }

  /** Closes stdin (the Erlang side halts on eof), then kills by pid whatever is left. */
  async stop({ graceMs = 2000 } = {}) {
    if (!this.#exited) {
      const gone = new Promise((r) => this.#child.once('exit', r));
      this.#child.stdin.end();
      await Promise.race([gone, new Promise((r) => setTimeout(r, graceMs).unref())]);
    }
    kill(this.#child);
  }
}

/** An Erlang string literal for a JS string (for request lines parsed as Erlang terms). */
export function erlString(s) {
  // Anything outside printable ASCII is written as \x{...}, so the line's encoding never matters.
  const body = s.replace(/[\\"]/g, (c) => '\\' + c).replace(/[^\x20-\x7e]/gu, (c) => `\\x{${c.codePointAt(0).toString(16)}}`);
  return `"${body}"`;
}
