#!/usr/bin/env node
// Entry of `npm run bench` (shared/bench/README.md).
//
//   npm run bench                      every scenario in bench/scenarios/, one table each
//   npm run bench -- codec             only the named scenario(s)
//   npm run bench -- --quick [codec]   one short pass each: a smoke check, figures mean nothing
//
// A scenario is a module bench/scenarios/<name>.js exporting `description` and
// `async run({ quick, machine })`, which returns { table, notes?, json? }. Full runs write
// bench/results/<name>-latest.json. A scenario fails only when its work goes wrong (a wrong
// answer, a lost message); the run then goes on with the others and exits non-zero.

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { killAll, otpRelease } from './lib/erl.js';
import { noderlNodeFlags } from './lib/dist-peers.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCENARIOS_DIR = join(HERE, 'scenarios');
const RESULTS_DIR = join(HERE, 'results');

/** Scenario names, from the files in bench/scenarios/. */
function availableScenarios() {
  return readdirSync(SCENARIOS_DIR)
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3))
    .sort();
}

function parseArgs(argv) {
  const flags = argv.filter((a) => a.startsWith('-'));
  const unknown = flags.filter((f) => f !== '--quick');
  if (unknown.length) throw new UsageError(`unknown option ${unknown.join(' ')}`);
  return { quick: flags.includes('--quick'), names: argv.filter((a) => !a.startsWith('-')) };
}

class UsageError extends Error {}

/** What the figures were measured on; goes at the head of the output and into every result file. */
async function describeMachine() {
  let otp;
  try {
    otp = await otpRelease();
  } catch (err) {
    otp = `unknown (${err.message.split('\n')[0]})`;
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    otp,
    // How the scenarios' noderl nodes start Node (a process of their own; codec runs in this one).
    noderlNodeFlags: (await noderlNodeFlags()).join(' ') || '(Node defaults)',
  };
}

async function runScenario(name, { quick, machine }) {
  const scenario = await import(pathToFileURL(join(SCENARIOS_DIR, `${name}.js`)).href);
  const started = Date.now();
  console.log(`\n== ${name}: ${scenario.description ?? ''}${quick ? ' (--quick: smoke check only)' : ''}\n`);
  const result = await scenario.run({ quick, machine });
  console.log(result.table);
  for (const note of result.notes ?? []) console.log(`  * ${note}`);
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  // Quick figures are not figures: they must not replace the latest real result.
  if (!quick && result.json) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `${name}-latest.json`);
    const record = { scenario: name, date: new Date(started).toISOString(), machine, ...result.json };
    writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
    console.log(`  results written to ${file}`);
  }
}

async function main() {
  const { quick, names } = parseArgs(process.argv.slice(2));
  const available = availableScenarios();
  const missing = names.filter((n) => !available.includes(n));
  if (missing.length) throw new UsageError(`no scenario ${missing.join(', ')}; available: ${available.join(', ')}`);
  const selected = names.length ? names : available;

  const machine = await describeMachine();
  console.log(`noderl bench, ${new Date().toISOString()}`);
  console.log(`${machine.cpu}, ${machine.cores} cores, ${machine.os}, Node ${machine.node}, OTP ${machine.otp}; noderl nodes: node ${machine.noderlNodeFlags}`);

  const failed = [];
  for (const name of selected) {
    try {
      await runScenario(name, { quick, machine });
    } catch (err) {
      failed.push(name);
      console.error(`\n!! scenario ${name} FAILED: ${err.stack ?? err}\n`);
    } finally {
      killAll(); // nothing a scenario started may outlive it, even when it failed
    }
  }
  if (failed.length) {
    console.error(`!! FAILED: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  killAll();
  console.error(err instanceof UsageError ? `bench: ${err.message}` : err);
  console.error('usage: npm run bench [-- [--quick] [scenario...]]');
  process.exitCode = 2;
});
