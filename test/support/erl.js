// A long-lived real Erlang runtime for tests: one `erl -noinput` per test file, answering External
// Term Format questions (binary_to_term / term_to_binary / =:= / eval) over {packet,4} frames.
//
// The oracle (term_oracle.erl, compiled here with erlc into a temp dir) talks on fds 3 and 4,
// not stdin/stdout, so runtime output cannot corrupt the channel. It halts when fd 3 closes,
// and stop() / process exit kill it by pid in any case.
//
//   const erl = await startErl();
//   const bytes = await erl.evalTerm('{ok, [1,2,3]}');          // term_to_binary of the value
//   await erl.equal(a, b);                                         // binary_to_term(A) =:= binary_to_term(B)
//   const back = await erl.roundTrip(bytes);                       // Buffer, or an ErlRejected
//   await erl.stop();
//
// useErl() does the start/stop for a whole test file; runErlang() is the other way to ask erl,
// one batch of Erlang code in one short-lived `erl -noshell` run.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ORACLE_SOURCE = join(here, 'term_oracle.erl');

const OP = { ping: 1, roundTrip: 2, equal: 3, eval: 4, gen: 5, compare: 6, format: 7 };

/** Returned by roundTrip() when binary_to_term raised (badarg): the bytes were refused by OTP. */
export class ErlRejected {
  constructor(reason) {
    this.reason = reason;
  }
  toString() {
    return `ErlRejected(${this.reason})`;
  }
}

/** An operation the oracle could not perform (bad expression, undecodable input to equal, ...). */
export class ErlError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ErlError';
  }
}

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, cmd);
    try {
      if (statSync(full).isFile()) return true;
    } catch {
      // not here
    }
  }
  return false;
}

let availability;
/** True when both `erl` and `erlc` are on PATH. */
export function erlAvailable() {
  availability ??= onPath('erl') && onPath('erlc');
  return availability;
}

const REQUIRE_MESSAGE =
  'REQUIRE_ERLANG=1 but `erl`/`erlc` were not found on PATH: the interop tests against real ' +
  'Erlang/OTP cannot run. Install Erlang/OTP (25+) or unset REQUIRE_ERLANG.';

let warned = false;
function warnSkipping() {
  if (warned) return;
  warned = true;
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!!! erl/erlc NOT FOUND on PATH: tests against real Erlang/OTP are SKIPPED.\n` +
      `!!! Set REQUIRE_ERLANG=1 to make this a failure.\n${line}\n`,
  );
}

/**
 * Call at the start of a test that needs erl: `if (erlOrSkip(t)) return;`.
 * Returns false when erl is available. When it is not, skips the test with a loud warning and
 * returns true, or throws (failing the test) when REQUIRE_ERLANG=1.
 */
export function erlOrSkip(t) {
  if (erlAvailable()) return false;
  if (process.env.REQUIRE_ERLANG === '1') throw new Error(REQUIRE_MESSAGE);
  warnSkipping();
  t.skip('erl not found on PATH');
  return true;
}

/**
 * For `test(name, { skip: erlSkip() }, fn)` / `describe(...)`: false when erl is available or when
 * REQUIRE_ERLANG=1 (so the test runs and fails on startErl), else a skip reason (and a warning).
 */
export function erlSkip() {
  if (erlAvailable() || process.env.REQUIRE_ERLANG === '1') return false;
  warnSkipping();
  return 'erl not found on PATH (set REQUIRE_ERLANG=1 to fail instead)';
}

const live = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const oracle of live) oracle.killNow();
  });
}

function compile(dir) {
  return new Promise((resolve, reject) => {
    const erlc = spawn('erlc', ['-o', dir, ORACLE_SOURCE], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    erlc.stdout.on('data', (d) => (out += d));
    erlc.stderr.on('data', (d) => (out += d));
    erlc.on('error', reject);
    erlc.on('close', (code) => {
      if (code === 0 && existsSync(join(dir, 'term_oracle.beam'))) resolve();
      else reject(new ErlError(`erlc term_oracle.erl failed (exit ${code}):\n${out}`));
    });
  });
}

function optsSource(opts) {
  if (opts === undefined || opts === null || opts === '') return '';
  if (typeof opts === 'string') return opts;
  // {minorVersion, compressed} in noderl's spelling -> an Erlang option list
  const parts = [];
  if (opts.minorVersion !== undefined) parts.push(`{minor_version,${opts.minorVersion}}`);
  if (opts.compressed === true) parts.push('compressed');
  else if (typeof opts.compressed === 'number') parts.push(`{compressed,${opts.compressed}}`);
  return `[${parts.join(',')}]`;
}

function withLength16(text) {
  const b = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(b.length);
  return Buffer.concat([head, b]);
}

function pair(a, b) {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(a.length);
  return Buffer.concat([head, a, b]);
}

class Oracle {
  constructor(child, dir) {
    this.child = child;
    this.dir = dir;
    this.pid = child.pid;
    this.pending = [];
    this.buffered = Buffer.alloc(0);
    this.output = '';
    this.exited = false;
    this.exitInfo = null;
    this.toErl = child.stdio[3];
    this.fromErl = child.stdio[4];

    const keepOutput = (d) => {
      this.output = (this.output + d).slice(-16384);
    };
    child.stdout.on('data', keepOutput);
    child.stderr.on('data', keepOutput);
    this.fromErl.on('data', (chunk) => this.onData(chunk));
    this.toErl.on('error', () => {}); // EPIPE after erl died: reported through 'exit'
    this.fromErl.on('error', () => {});
    child.on('exit', (code, signal) => {
      this.exited = true;
      this.exitInfo = { code, signal };
      live.delete(this);
      this.failAll(new ErlError(`erl exited (code ${code}, signal ${signal})\n${this.output}`));
    });
    child.on('error', (err) => this.failAll(err));
  }

  onData(chunk) {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 4) {
      const len = this.buffered.readUInt32BE(0);
      if (this.buffered.length < 4 + len) break;
      const frame = this.buffered.subarray(4, 4 + len);
      this.buffered = this.buffered.subarray(4 + len);
      const waiter = this.pending.shift();
      if (this.pending.length === 0) this.fromErl.unref?.();
      if (waiter) waiter.resolve(Buffer.from(frame));
    }
  }

  failAll(err) {
    const waiting = this.pending;
    this.pending = [];
    for (const w of waiting) w.reject(err);
  }

  /** Raw request: <<Op, Payload>> in, <<Status, Result>> out. */
  call(request) {
    if (this.exited) return Promise.reject(new ErlError(`erl is not running\n${this.output}`));
    return new Promise((resolve, reject) => {
      // The pipes are unref'd so an idle oracle never keeps node alive; hold a ref while waiting.
      if (this.pending.length === 0) this.fromErl.ref?.();
      this.pending.push({ resolve, reject });
      const head = Buffer.alloc(4);
      head.writeUInt32BE(request.length);
      this.toErl.write(Buffer.concat([head, request]));
    });
  }

  async op(op, payload) {
    const reply = await this.call(Buffer.concat([Buffer.from([op]), payload]));
    if (reply[0] === 0) return reply.subarray(1);
    throw new ErlError(reply.subarray(1).toString('utf8'));
  }

  async ping() {
    return (await this.op(OP.ping, Buffer.alloc(0))).toString();
  }

  /**
   * term_to_binary(binary_to_term(Bytes), Opts) — a Buffer, or an ErlRejected when
   * binary_to_term raised. `opts`: an Erlang option list as text, or {minorVersion, compressed}.
   */
  async roundTrip(bytes, opts) {
    const reply = await this.call(
      Buffer.concat([Buffer.from([OP.roundTrip]), withLength16(optsSource(opts)), bytes]),
    );
    if (reply[0] === 0) return reply.subarray(1);
    return new ErlRejected(reply.subarray(1).toString('utf8'));
  }

  /** True when OTP's binary_to_term accepts the bytes. */
  async accepts(bytes) {
    return !((await this.roundTrip(bytes)) instanceof ErlRejected);
  }

  /** binary_to_term(A) =:= binary_to_term(B). Throws ErlError if either side is refused. */
  async equal(a, b) {
    const r = await this.op(OP.equal, pair(a, b));
    return r[0] === 1;
  }

  /** -1, 0 or 1: binary_to_term(A) against binary_to_term(B) in Erlang's standard term order. */
  async compare(a, b) {
    return (await this.op(OP.compare, pair(a, b))).readInt8(0);
  }

  /** io_lib:format(Fmt, [binary_to_term(Bytes)]) as a string (Fmt defaults to "~w"). */
  async format(bytes, fmt = '~w') {
    return (await this.op(OP.format, Buffer.concat([withLength16(fmt), bytes]))).toString('utf8');
  }

  /** term_to_binary of the value of an Erlang expression (no trailing dot needed). */
  async evalTerm(src) {
    return this.evalTermWith(src, '');
  }

  /** term_to_binary(Value, Opts); opts as Erlang text ('[{minor_version,2}]') or {minorVersion, compressed}. */
  async evalTermWith(src, opts) {
    return this.op(OP.eval, Buffer.concat([withLength16(optsSource(opts)), Buffer.from(src, 'utf8')]));
  }

  /** A random term made by Erlang for `seed`: { bytes, options } with options as Erlang text. */
  async gen(seed, size = 20) {
    const p = Buffer.alloc(6);
    p.writeUInt32BE(seed >>> 0, 0);
    p.writeUInt16BE(size, 4);
    const r = await this.op(OP.gen, p);
    const olen = r.readUInt16BE(0);
    return { options: r.subarray(2, 2 + olen).toString('utf8'), bytes: r.subarray(2 + olen) };
  }

  killNow() {
    if (this.exited) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** Stops erl (SIGKILL by pid) and removes the compiled oracle. Safe to call twice. */
  async stop() {
    live.delete(this);
    if (!this.exited) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.ref(); // keep node alive until the exit is seen
      this.killNow();
      await exited;
    }
    this.toErl.destroy();
    this.fromErl.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Compiles term_oracle.erl and starts one `erl -noinput` serving it. Resolves once erl answers
 * a ping. Throws when erl is missing (with the REQUIRE_ERLANG message when that is set).
 */
export async function startErl({ timeoutMs = 30000 } = {}) {
  if (!erlAvailable()) {
    throw new ErlError(
      process.env.REQUIRE_ERLANG === '1' ? REQUIRE_MESSAGE : 'erl/erlc not found on PATH',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'noderl-term-oracle-'));
  try {
    await compile(dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  installExitHook();
  const child = spawn('erl', ['-noinput', '-pa', dir, '-s', 'term_oracle', 'main'], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, ERL_CRASH_DUMP_SECONDS: '0' },
  });
  const oracle = new Oracle(child, dir);
  live.add(oracle);
  // A test file that forgets stop() must not keep node alive on erl's pipes.
  for (const s of [child.stdout, child.stderr, oracle.toErl, oracle.fromErl]) s.unref?.();
  child.unref();

  let timer;
  try {
    const pong = await Promise.race([
      oracle.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new ErlError(`erl did not answer within ${timeoutMs} ms\n${oracle.output}`)),
          timeoutMs,
        );
      }),
    ]);
    if (pong !== 'pong') throw new ErlError(`unexpected ping reply ${JSON.stringify(pong)}`);
  } catch (err) {
    await oracle.stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return oracle;
}

/**
 * One oracle for a whole test file: registers before/after hooks that start it (unless erl is
 * missing and skipped, see erlSkip) and stop it. Call at the top level of the test file.
 *
 *   const oracle = useErl();
 *   const { skip } = oracle;
 *   test('...', { skip }, async () => { await oracle.erl.evalTerm('ok'); });
 *
 * `skip` is erlSkip()'s answer; `erl` is the running oracle once the before hook has run.
 */
export function useErl() {
  const skip = erlSkip();
  let erl;
  before(async () => {
    if (!skip) erl = await startErl();
  });
  after(async () => {
    await erl?.stop();
  });
  return {
    skip,
    get erl() {
      return erl;
    },
  };
}

/**
 * Runs `code` (Erlang expressions, ASCII only) in one `erl -noshell`, with `flags` (e.g.
 * ['+pc', 'unicode']) before -noshell, and returns what it wrote to OUT. In `code`, IN names a
 * temp file holding `input` and OUT the file to write. Fails the calling test when erl exits
 * non-zero. Guard the test with erlOrSkip(t) first.
 */
export function runErlang(code, input, { flags = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'noderl-erl-batch-'));
  try {
    const inFile = join(dir, 'in');
    const outFile = join(dir, 'out');
    writeFileSync(inFile, input);
    const src = code.replaceAll('IN', JSON.stringify(inFile)).replaceAll('OUT', JSON.stringify(outFile));
    const r = spawnSync('erl', [...flags, '-noshell', '-eval', src, '-s', 'init', 'stop'], { encoding: 'utf8', timeout: 15000 });
    assert.equal(r.status, 0, `erl failed: ${r.stdout}${r.stderr}`);
    return readFileSync(outFile, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
