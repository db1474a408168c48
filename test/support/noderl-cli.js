// The `noderl` command as tests run it: the bin script under this Node, on a given port mapper.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const NODERL_BIN = fileURLToPath(new URL('../../bin/noderl.js', import.meta.url));

/**
 * Runs `noderl ...args` to its end with `input` on stdin (then EOF, unless `keepOpen`); resolves
 * { code, stdout, stderr }. Killed after 30 s, so a hanging command fails its test.
 */
export function runNoderl(args, { epmdPort, input = '', keepOpen = false }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NODERL_BIN, ...args], { env: { ...process.env, ERL_EPMD_PORT: String(epmdPort) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
    child.stdin.on('error', () => {});
    if (keepOpen) child.stdin.write(input);
    else child.stdin.end(input);
  });
}
