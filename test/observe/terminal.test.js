// The live terminal view of `noderl observe NODE`, in a real pseudo-terminal (util-linux
// `script`): it draws on the alternate screen, keys sort and select, and `q` or ^C end it
// cleanly (exit 0, the screen and the cursor given back).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { NODERL_BIN } from '../support/noderl-cli.js';
import { skip, startCluster } from './support.js';

let cluster;

before(async () => {
  if (!skip) cluster = await startCluster();
});
after(async () => {
  await cluster?.stop();
});

/** `noderl observe` in a 140x50 pty; `screen()` is its output so far, with the escapes. */
function inPty(args) {
  const command = `stty cols 140 rows 50; exec ${process.execPath} ${NODERL_BIN} observe ${args.join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ERL_EPMD_PORT: String(cluster.epmd.port) }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  const until = async (pattern, ms = 15_000) => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (pattern.test(out)) return;
    throw new Error(`no ${pattern} in:\n${out.slice(-3000)}`);
  };
  const kill = () => {
    child.stdin.end();
    if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  };
  return { child, screen: () => out, until, exited, kill };
}

for (const [how, key] of [['q', 'q'], ['^C', '\x03']]) {
  test(`the live view: both nodes, busy first, sorted by keys; ${how} quits cleanly`, { skip }, async () => {
    const { erl, js } = cluster;
    const pty = inPty([erl.node, '--cookie', erl.cookie, '--interval', '300']);
    try {
      await pty.until(/\x1b\[\?1049h/); // the alternate screen
      await pty.until(new RegExp(`${js.name}\\s+noderl\\s+up`));
      await pty.until(/busy\s+1000\s/);
      assert.match(pty.screen(), new RegExp(`>${erl.node}\\s+beam\\s+up`));
      pty.child.stdin.write('m');
      await pty.until(/sort: memory/);
      pty.child.stdin.write('\t'); // select the noderl node: its processes, rex among them
      await pty.until(new RegExp(`>${js.name}`));
      await pty.until(/<0\.\d+\.\d+>\s+rex\s/);
      const before = pty.screen().length;
      pty.child.stdin.write(key);
      let timer;
      assert.equal(await Promise.race([pty.exited, new Promise((r) => (timer = setTimeout(() => r('still running'), 10_000)))]), 0);
      clearTimeout(timer);
      const tail = pty.screen().slice(before);
      assert.match(tail, /\x1b\[\?25h\x1b\[\?1049l/); // cursor shown, main screen back
    } finally {
      pty.kill();
    }
  });
}
