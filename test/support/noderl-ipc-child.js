// Child process of test/support/noderl-ipc-node.js: one noderl node, started from the JSON config
// in argv, serving the functions of one module over the IPC channel. Each request is
// { id, fn, args }; `module[fn]({ node, noderl, state }, ...args)` runs and its value goes back as
// { id, ok: true, value } (JSON), a throw as { id, ok: false, error }. Log lines go to stderr.
//
// `node --test test/` also runs this file, without the marker and without IPC: it then does nothing.

if (process.argv[2] === '--noderl-ipc-child' && process.send) {
  const config = JSON.parse(process.argv[3]);
  const noderl = await import(new URL('../../dist/index.js', import.meta.url).href);
  const functions = await import(config.module);
  const node = await noderl.Node.start({ ...config.options, log: (line) => process.stderr.write(`${line}\n`) });
  const ctx = { node, noderl, state: {} };
  process.on('message', async ({ id, fn, args }) => {
    try {
      if (typeof functions[fn] !== 'function') throw new Error(`${config.module} has no function ${fn}`);
      process.send({ id, ok: true, value: (await functions[fn](ctx, ...args)) ?? null });
    } catch (err) {
      process.send({ id, ok: false, error: err?.stack ?? String(err) });
    }
  });
  // The test's process is gone: so is this node (a namespace cannot be deleted with it inside).
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: node.name });
}
