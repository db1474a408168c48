// `noderl shell`, `noderl eval` and `noderl remsh`, driven through pipes as a user would type, next
// to real erl nodes on a private port mapper: the JS shell evaluates and prints Erlang syntax and
// survives bad input; remsh runs a real BEAM shell (Erlang input, scanned by erl_scan on the BEAM
// node) and a noderl shell on a `noderl start` node; and `erl -remsh` opens a shell on a noderl
// node, through a pty made by util-linux `script` (erl 25 ignores -remsh when stdin is a pipe).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { startNoderlChild, stopNoderlChild } from '../rpc/child-node.js';
import { runNoderl } from '../support/noderl-cli.js';

const skip = erlSkip();
let epmd;
let erl;
let served; // a `noderl start` node to open shells on
let dir;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'noderl-shell-'));
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port });
  served = await startNoderlChild({ epmdPort: epmd.port, cookie: erl.cookie, codePath: dir, prefix: 'jsshell' });
});
after(async () => {
  stopNoderlChild(served);
  await erl?.stop();
  await epmd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs `noderl ...args` with `input` on stdin (then EOF, unless keepOpen); resolves { code, stdout, stderr }. */
const noderl = (args, input = '', { keepOpen = false } = {}) => runNoderl(args, { epmdPort: epmd.port, input, keepOpen });

test('noderl shell evaluates JS, prints Erlang syntax, and goes on after bad input', { skip }, async () => {
  const name = uniqueName('jsh');
  const input = [
    '1 + 2',
    'tuple(atom("ok"), [1, 2.5], "bin", term`#{k => v}`)',
    'x = 20', // a binding kept for later lines
    'x * 2',
    ')(', // a JS syntax error: one line, same prompt number
    'throw new Error("boom")',
    'throw atom("thrown")',
    'self.exit(atom("bye"))',
    'nosuchname',
    'Promise.resolve(atom("later"))', // promises are awaited
    'send(self.pid, tuple(atom("hello"), 1)); flush()',
    '[1,', // an unfinished expression reads on
    ' 2]',
    `await ping("${erl.node}")`,
    `rpc("${erl.node}", "erlang", "node", [])`,
    'self.exit(self.pid, atom("kill"))', // the shell process dies; a new one goes on, as erl restarts its evaluator
    'x',
  ].join('\n');
  const r = await noderl(['shell', '--sname', name, '--cookie', erl.cookie], `${input}\n`);
  assert.equal(r.code, 0, r.stderr);
  const host = /@(\S+?) /.exec(r.stdout)?.[1];
  const p = (n) => `(${name}@${host})${n}> `;
  const expected = [
    `noderl shell on ${name}@${host} (JavaScript; help() lists the helpers, q() stops the node, end of input leaves)`,
    `${p(1)}3`,
    `${p(2)}{ok,[1,2.5],<<"bin">>,#{k => v}}`,
    `${p(3)}20`,
    `${p(4)}40`,
    `${p(5)}* syntax error: Unexpected token ')'`,
    `${p(5)}** exception error: Error: boom`,
    `${p(6)}** exception throw: thrown`,
    `${p(7)}** exception exit: bye`,
    `${p(8)}** exception error: ReferenceError: nosuchname is not defined`,
    `${p(9)}later`,
    `${p(10)}Shell got {hello,1}`,
    'ok',
    `${p(11)}[1,2]`,
    `${p(12)}pong`,
    `${p(13)}${erl.node}`,
    `${p(14)}** exception exit: killed`,
    `${p(15)}20`,
    `${p(16)}`,
  ].join('\n');
  assert.equal(r.stdout, expected);
});

test('noderl eval prints the result in Erlang syntax; exit 1 with an error line on an exception', { skip }, async () => {
  assert.deepEqual(await noderl(['eval', '--cookie', erl.cookie, 'tuple(atom("ok"), [1, 2], float(1))']), { code: 0, stdout: '{ok,[1,2],1.0}\n', stderr: '' });
  const named = uniqueName('jsev');
  const r = await noderl(['eval', '--sname', named, '--cookie', erl.cookie, `self.format("out ~p~n", [1]).then(() => node.rpc.call("${erl.node}", "lists", "reverse", [[1, 2]]))`]);
  assert.deepEqual(r, { code: 0, stdout: 'out 1\n[2,1]\n', stderr: '' });
  assert.deepEqual(await noderl(['eval', 'throw new TypeError("bad")']), { code: 1, stdout: '', stderr: '** exception error: TypeError: bad\n' });
  assert.deepEqual(await noderl(['eval', ')(']), { code: 1, stdout: '', stderr: "* syntax error: Unexpected token ')'\n" });
  assert.equal((await noderl(['eval'])).code, 2);
});

test('noderl remsh onto a BEAM node runs the BEAM shell there', { skip }, async () => {
  const r = await noderl(['remsh', erl.node, '--cookie', erl.cookie], 'node().\n1+2.\nio:format("out ~p~n", [x]).\nfoo(\n1).\nX = 4. X * 2.\n1 +.\nX.\n');
  assert.equal(r.code, 0, r.stderr);
  const p = (n) => `(${erl.node})${n}> `;
  assert.match(r.stdout, /^Eshell V\S+ {2}\(abort with \^G\)\n/);
  const lines = r.stdout.split('\n').slice(1).join('\n');
  assert.equal(
    lines,
    [
      `${p(1)}${erl.node}`, // node() answered by the remote node
      `${p(2)}3`,
      `${p(3)}out x`, // output of the remote evaluator comes back to this terminal
      'ok',
      `${p(4)}** exception error: undefined shell command foo/1`, // read across two lines by erl_scan
      `${p(5)}4`,
      `${p(6)}8`,
      `${p(7)}* 1:4: syntax error before: '.'`,
      `${p(7)}4`,
      `${p(8)}`,
    ].join('\n'),
  );
  // the temporary node was hidden, and the remote shell went with it
  assert.equal(await erl.eval('nodes()'), '[]');
});

test('noderl remsh ends when the remote shell goes, with its input still open (q() on BEAM)', { skip }, async () => {
  const other = await startErlNode({ epmdPort: epmd.port, cookie: erl.cookie });
  try {
    const r = await noderl(['remsh', other.node, '--cookie', erl.cookie], 'q().\n', { keepOpen: true });
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`\\(${other.node}\\)1> ok\\n`));
    assert.match(r.stderr, /^noderl remsh: the shell ended: /);
  } finally {
    await other.stop();
  }
});

test('noderl remsh onto a noderl node runs a noderl shell there', { skip }, async () => {
  const r = await noderl(['remsh', served.name, '--cookie', erl.cookie], 'atom("x")\nnode.name\nx = 3\nx + 1\nthrow new Error("e")\n');
  assert.equal(r.code, 0, r.stderr);
  const p = (n) => `(${served.name})${n}> `;
  assert.equal(
    r.stdout,
    [
      `noderl shell on ${served.name} (JavaScript; help() lists the helpers, q() stops the node, end of input leaves)`,
      `${p(1)}x`,
      `${p(2)}<<"${served.name}">>`, // the node helper is the served node itself
      `${p(3)}3`,
      `${p(4)}4`,
      `${p(5)}** exception error: Error: e`,
      `${p(6)}`,
    ].join('\n'),
  );
  assert.equal(served.child.exitCode, null); // the served node goes on
});

test('noderl remsh to a node that does not answer: an error line and exit 1', { skip }, async () => {
  const r = await noderl(['remsh', `${uniqueName('nobody')}@${erl.node.split('@')[1]}`, '--cookie', erl.cookie]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^noderl remsh: cannot connect to nobody_\S+ \(pang/);
  assert.equal(r.stdout, '');
  assert.equal((await noderl(['remsh', 'no-at-sign'])).code, 2);
});

test('erl -remsh opens an Erlang shell on a noderl node, and so does ^G r (through a pty)', { skip }, async () => {
  const name = uniqueName('erlrsh');
  const command = `erl -sname ${name} -setcookie ${erl.cookie} -start_epmd false -remsh ${served.name}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ERL_EPMD_PORT: String(epmd.port) }, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let out = '';
  const p = (n) => `(${served.name})${n}> `;
  const steps = [
    [p(1), 'node().\n'],
    [p(2), 'X = 21, X * 2.\n'],
    [p(3), 'lists:sort([c,a,b]).\n'],
    [p(4), 'X + 1.\n'], // a binding of an earlier line
    [p(5), '1 + a.\n'],
    [p(6), 'node(self()).\n'], // the shell's process is on the noderl node
    [p(7), '\x07'], // ^G: erl's user switch menu
    ['-->', `r '${served.name}'\n`],
    ['-->', 'c\n'], // a second shell job on the noderl node
    [p(1), 'Y = 5, Y + 1.\n'],
    [p(2), '\x07'],
    ['-->', 'q\n'],
  ];
  let from = 0; // each step waits for its text after where the previous one was seen
  const done = new Promise((resolve) => {
    child.stdout.on('data', (d) => {
      out += d.toString().replace(/\r/g, '');
      for (let at; steps.length > 0 && (at = out.indexOf(steps[0][0], from)) >= 0; ) {
        from = at + steps[0][0].length;
        child.stdin.write(steps.shift()[1]);
      }
      if (steps.length === 0) resolve();
    });
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  await Promise.race([done, exited]);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
  clearTimeout(timer);
  const esc = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.match(out, new RegExp(`Eshell noderl V\\S+ on ${esc(served.name)} `), out);
  assert.match(out, new RegExp(`${esc(p(1))}node\\(\\)\\.\\n${esc(served.name)}\\n`), out);
  assert.match(out, new RegExp(`${esc(p(2))}X = 21, X \\* 2\\.\\n42\\n`), out);
  assert.match(out, new RegExp(`${esc(p(3))}lists:sort\\(\\[c,a,b\\]\\)\\.\\n\\[a,b,c\\]\\n`), out);
  assert.match(out, new RegExp(`${esc(p(4))}X \\+ 1\\.\\n22\\n`), out);
  assert.match(out, new RegExp(`${esc(p(5))}1 \\+ a\\.\\n\\*\\* exception error: an error occurred when evaluating an arithmetic expression\\n     in operator  \\+/2\\n        called as 1 \\+ a\\n`), out);
  assert.match(out, new RegExp(`${esc(p(6))}node\\(self\\(\\)\\)\\.\\n${esc(served.name)}\\n`), out);
  assert.match(out, new RegExp(`${esc(p(1))}Y = 5, Y \\+ 1\\.\\n6\\n`), out); // the ^G r job
  assert.equal(served.child.exitCode, null);
});

test('noderl remsh --erlang onto a noderl node runs an Erlang shell there', { skip }, async () => {
  const r = await noderl(['remsh', served.name, '--cookie', erl.cookie, '--erlang'], 'node().\nX = 4. X * 2.\n1 +.\nX.\n');
  assert.equal(r.code, 0, r.stderr);
  const p = (n) => `(${served.name})${n}> `;
  assert.equal(
    r.stdout.split('\n').slice(1).join('\n'),
    [`${p(1)}${served.name}`, `${p(2)}4`, `${p(3)}8`, `${p(4)}* 1:4: syntax error before: '.'`, `${p(4)}4`, p(5)].join('\n'),
  );
  assert.equal(served.child.exitCode, null);
});
