// `noderl rpc NODE MODULE FUNCTION 'ARGS'` against real erl and against a noderl node started
// with `noderl start --code-path`: results in Erlang syntax, the function's output on stdout,
// exit status 1 on badrpc and 2 on bad usage, and no node left registered afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { erlSkip, startEpmd, startErlNode } from '../support/epmd.js';
import { startNoderlChild, stopNoderlChild } from './child-node.js';
import { runNoderl } from '../support/noderl-cli.js';

const skip = erlSkip();
const TYPES = pathToFileURL(fileURLToPath(new URL('../../dist/term/types.js', import.meta.url))).href;
let epmd;
let erl;
let served; // the `noderl start --code-path` child
let dir;

/** Runs `noderl ...args`; resolves { code, stdout, stderr }. */
const noderl = (args) => runNoderl(args, { epmdPort: epmd.port });

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'noderl-rpc-cli-'));
  writeFileSync(
    join(dir, 'greet.js'),
    `import { atom, tuple } from '${TYPES}';
export async function hello(self, who) { await self.format('hello, ~s~n', [who]); return tuple(atom('greeted'), who); }
`,
  );
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port });
  served = await startNoderlChild({ epmdPort: epmd.port, cookie: erl.cookie, codePath: dir, prefix: 'jscli' });
});
after(async () => {
  stopNoderlChild(served);
  await erl?.stop();
  await epmd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('noderl rpc onto real erl prints the result in Erlang syntax', { skip }, async () => {
  const c = ['--cookie', erl.cookie];
  assert.deepEqual(await noderl(['rpc', erl.node, 'lists', 'reverse', '[[1, {a, "b"}, <<"c">>, 2.5, #{k => v}]]', ...c]), {
    code: 0,
    stdout: '[#{k => v},2.5,<<"c">>,{a,"b"},1]\n',
    stderr: '',
  });
  assert.deepEqual(await noderl(['rpc', erl.node, 'erlang', 'node', '[]', ...c]), { code: 0, stdout: `${erl.node}\n`, stderr: '' });
  // the function's output reaches the CLI node's group leader: stdout, before the result
  assert.deepEqual(await noderl(['rpc', erl.node, 'io', 'format', '["~p and ~s~n", [{x, 1}, "text"]]', ...c]), { code: 0, stdout: '{x,1} and text\nok\n', stderr: '' });
  const undef = await noderl(['rpc', erl.node, 'nomod', 'f', '[1]', ...c]);
  assert.deepEqual(undef, { code: 1, stdout: "{badrpc,{'EXIT',{undef,[{nomod,f,[1],[]}]}}}\n", stderr: '' });
  assert.deepEqual(await noderl(['rpc', erl.node, 'timer', 'sleep', '[5000]', '--timeout', '100', ...c]), { code: 1, stdout: '{badrpc,timeout}\n', stderr: '' });
  assert.deepEqual(await noderl(['rpc', erl.node, 'erlang', 'node', '[]', '--cookie', 'wrong']), { code: 1, stdout: '{badrpc,nodedown}\n', stderr: '' });
  // the temporary node was hidden and is gone: erl never saw it as visible, epmd lists only erl and the served node
  assert.equal(await erl.eval('nodes()'), '[]');
  const { listNames } = await import('../../dist/epmd/client.js');
  const { nodes } = await listNames({ port: epmd.port });
  assert.deepEqual(nodes.map((n) => n.name).filter((n) => n.startsWith('noderl_rpc_')), []);
});

test('noderl rpc onto a noderl node started with --code-path', { skip }, async () => {
  const c = ['--cookie', erl.cookie];
  assert.deepEqual(await noderl(['rpc', served.name, 'greet', 'hello', '["world"]', ...c]), { code: 0, stdout: 'hello, world\n{greeted,"world"}\n', stderr: '' });
  assert.deepEqual(await noderl(['rpc', served.name, 'erlang', 'throw', '[thrown]', ...c]), { code: 0, stdout: 'thrown\n', stderr: '' });
  assert.deepEqual(await noderl(['rpc', served.name, 'erlang', 'exit', '[bye]', ...c]), { code: 1, stdout: "{badrpc,{'EXIT',bye}}\n", stderr: '' });
});

test('noderl rpc refuses bad usage with status 2', { skip }, async () => {
  for (const args of [
    ['rpc', erl.node, 'erlang', 'node'],
    ['rpc', erl.node, 'erlang', 'node', 'notalist'],
    ['rpc', erl.node, 'erlang', 'node', '[1,'],
    ['rpc', 'nohost', 'erlang', 'node', '[]'],
    ['rpc', erl.node, 'erlang', 'node', '[]', '--timeout', 'soon'],
  ]) {
    const r = await noderl(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^noderl rpc: .*\nUsage: noderl rpc NODE MODULE FUNCTION 'ARGS'/);
  }
});
