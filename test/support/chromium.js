// Debian's `chromium`, headless, for the tests of web pages: the DOM after the page's script
// ran, and screenshots. Each run has its own profile folder, removed after; the process is
// killed by its pid if it hangs. Without chromium the tests skip, unless REQUIRE_CHROMIUM=1
// (CI installs it: .ci/run).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = ['chromium', 'chromium-browser'].find((b) => {
  try {
    execFileSync('sh', ['-c', `command -v ${b}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

/** The skip reason for a test that needs chromium; throws when REQUIRE_CHROMIUM=1 and it is missing. */
export function chromiumSkip() {
  if (BIN !== undefined) return false;
  if (process.env.REQUIRE_CHROMIUM === '1') throw new Error('chromium is required (REQUIRE_CHROMIUM=1) and not installed');
  return 'chromium is not installed';
}

/** Runs headless chromium on `url` with `flags`; resolves with its stdout. */
function run(url, flags, timeoutMs = 30_000) {
  const profile = mkdtempSync(join(tmpdir(), 'noderl-chromium-'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${profile}`, '--virtual-time-budget=4000', ...flags, url];
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => process.kill(child.pid, 'SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(profile, { recursive: true, force: true });
      if (code === 0) resolve(out);
      else reject(new Error(`chromium exited ${code ?? signal}: ${err.slice(-2000)}`));
    });
  });
}

/** The page's DOM, serialized, after its scripts ran (up to 4 s of virtual time). */
export function dumpDom(url) {
  return run(url, ['--dump-dom']);
}

/** A PNG screenshot of the page at `width`x`height`, as bytes. */
export async function screenshot(url, file, { width = 1100, height = 900 } = {}) {
  await run(url, [`--screenshot=${file}`, `--window-size=${width},${height}`]);
  return readFileSync(file);
}
