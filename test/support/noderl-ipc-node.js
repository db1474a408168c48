// A noderl node in its own OS process (test/support/noderl-ipc-child.js), driven over the IPC
// channel: `call(fn, ...args)` runs a function of a module the test names, in that process, with
// the node at hand. For nodes that must live elsewhere than the test, e.g. inside a network
// namespace (pass that namespace's spawn as `spawnWith`: the IPC channel goes through `ip netns exec`).
//
//   const n = await startNoderlIpcNode({ options: { name: 'a@10.1.2.1', cookie, ticktime: 4 }, module: url, spawnWith });
//   await n.call('start');          // module.start({ node, noderl, state })
//   await n.stop();                 // SIGKILL by pid

import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CHILD = fileURLToPath(new URL('./noderl-ipc-child.js', import.meta.url));

/**
 * Starts the child with `options` (Node.start's, JSON only, so no `log`) and `module` (a file URL
 * or path of an ES module exporting `fn(ctx, ...args)` functions); resolves once the node is
 * distributed, with { name, pid, call(fn, ...args), output(), exited, stop() }.
 */
export async function startNoderlIpcNode({ options, module, spawnWith = spawn, timeoutMs = 20000 }) {
  const moduleUrl = module.startsWith('file:') ? module : pathToFileURL(module).href;
  const child = spawnWith(process.execPath, [CHILD, '--noderl-ipc-child', JSON.stringify({ options, module: moduleUrl })], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (d) => (output = (output + d).slice(-16384));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const pending = new Map();
  let ready;
  const started = new Promise((resolve, reject) => {
    ready = { resolve, reject };
  });
  let nextId = 0;
  child.on('message', (m) => {
    if (m.ready) return ready.resolve(m.ready);
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve(m.value);
    else p?.reject(new Error(`${options.name ?? options.sname} ${p.fn}: ${m.error}`));
  });
  child.once('exit', (code, signal) => {
    const err = new Error(`noderl node ${options.name ?? options.sname} exited (code ${code}, signal ${signal}):\n${output}`);
    ready.reject(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  child.once('error', (err) => ready.reject(err));

  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    return exited;
  };
  let timer;
  let name;
  try {
    name = await Promise.race([
      started,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`noderl node did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return {
    name,
    pid: child.pid,
    exited,
    output: () => output,
    call(fn, ...args) {
      return new Promise((resolve, reject) => {
        nextId += 1;
        pending.set(nextId, { resolve, reject, fn });
        child.send({ id: nextId, fn, args });
      });
    },
    stop,
  };
}
