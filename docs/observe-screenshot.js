// Makes docs/observe.png, the screenshot of `noderl observe --web` in the README: a real cluster
// on a private port mapper (a BEAM node of 10,000 processes, a BEAM node whose `busy` holds 1000
// messages, a hidden BEAM node, a noderl node, and a noderl node killed with kill -9), the page
// in headless Chromium. Run after `npm run build`: node docs/observe-screenshot.js
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEpmd, startErlNode } from '../test/support/epmd.js';
import { startNoderlChild, stopNoderlChild } from '../test/rpc/child-node.js';
import { screenshot } from '../test/support/chromium.js';
import { NODERL_BIN } from '../test/support/noderl-cli.js';

const epmd = await startEpmd();
const nodes = [];
let observe;
let js;
let doomed;
try {
  const big = await startErlNode({ epmdPort: epmd.port, name: 'big' });
  nodes.push(big);
  const opt = { epmdPort: epmd.port, cookie: big.cookie };
  const app = await startErlNode({ ...opt, name: 'app' });
  const ops = await startErlNode({ ...opt, name: 'ops', args: ['-hidden'] });
  nodes.push(app, ops);
  await big.eval('begin [spawn(timer, sleep, [infinity]) || _ <- lists:seq(1, 10000)], ok end');
  await app.eval('begin register(busy, spawn(fun() -> receive stop -> ok end end)), [busy ! {m, I} || I <- lists:seq(1, 1000)], global:register_name(orders, whereis(busy)) end');
  js = await startNoderlChild({ ...opt, prefix: 'web' });
  doomed = await startNoderlChild({ ...opt, prefix: 'doomed' });
  for (const n of [app.node, js.name, doomed.name]) await big.eval(`net_adm:ping('${n}')`);
  await ops.eval(`net_adm:ping('${app.node}')`);
  observe = spawn(process.execPath, [NODERL_BIN, 'observe', app.node, '--cookie', big.cookie, '--web', '0', '--interval', '500'], { env: { ...process.env, ERL_EPMD_PORT: String(epmd.port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve) => observe.stdout.on('data', (d) => /(http:\S+\/)/.test(String(d)) && resolve(/(http:\S+\/)/.exec(String(d))[1])));
  await new Promise((r) => setTimeout(r, 2000));
  process.kill(doomed.child.pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 2000));
  const file = join(tmpdir(), `observe-${process.pid}.png`);
  await screenshot(`${url}?node=${encodeURIComponent(app.node)}`, file, { width: 1000, height: 1000 });
  copyFileSync(file, new URL('observe.png', import.meta.url));
  console.log('docs/observe.png written');
} finally {
  if (observe) process.kill(observe.pid, 'SIGINT');
  stopNoderlChild(js);
  stopNoderlChild(doomed);
  for (const n of nodes) await n.stop();
  await epmd.stop();
}
