// The JavaScript shell as a new user meets it (issue 13, part 3), next to a real hidden erl node:
// a promise bound by an input is its value on the next line, `nodes(kind)` and `node.nodes()` give
// atoms for each kind, `self.link(pid)` is `true` as Erlang's link/1, and ^C on a terminal abandons
// a blocked `receive()` and keeps the node and the bindings (driven through a pty by `script`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { runNoderl, NODERL_BIN } from '../support/noderl-cli.js';

const skip = erlSkip();
let epmd;
let hidden; // a real erl -hidden node the shells connect to

before(async () => {
  if (skip) return;
  epmd = await startEpmd();
  hidden = await startErlNode({ epmdPort: epmd.port, args: ['-hidden'] });
});
after(async () => {
  await hidden?.stop();
  await epmd?.stop();
});

test('JS shell: bound promises, nodes(kind), node.nodes(), link/1 answers', { skip }, async () => {
  const name = uniqueName('jsedge');
  const input = [
    `await node.connect("${hidden.node}")`,
    'send(self.pid, tuple(atom("hi"), 7))',
    'm = receive(5000)', // prints the message, and binds it (not the promise)
    'm[1]',
    'n = Promise.reject(new Error("no"))', // a rejected promise leaves n unbound
    'n',
    'nodes()',
    'nodes("hidden")',
    'nodes(atom("hidden"))',
    'nodes([atom("this"), atom("connected")])',
    'node.nodes("hidden")',
    'nodes("bogus")',
    'p = self.spawn(async (s) => { await s.receive(); })',
    'self.link(p)',
    'self.unlink(p)',
  ].join('\n');
  const r = await runNoderl(['shell', '--sname', name, '--cookie', hidden.cookie], { epmdPort: epmd.port, input: `${input}\n` });
  assert.equal(r.code, 0, r.stderr);
  const host = /@(\S+?) /.exec(r.stdout)?.[1];
  const lines = r.stdout.split('\n').slice(1).map((l) => l.replace(/^\(\S+\)\d+> /, ''));
  assert.deepEqual(lines.slice(0, 14), [
    'true',
    '{hi,7}',
    '{hi,7}',
    '7',
    '** exception error: Error: no',
    '** exception error: ReferenceError: n is not defined',
    '[]',
    `[${hidden.node}]`,
    `[${hidden.node}]`,
    `[${name}@${host},${hidden.node}]`,
    `[${hidden.node}]`,
    '** exception error: TypeError: nodes(): not a node kind: bogus (visible, hidden, connected, known, this)',
    lines[12], // the pid
    'true',
  ]);
  assert.match(lines[12], /^<0\.\d+\.0>$/);
  assert.equal(lines[14], 'true');
});

test('JS shell on a terminal: ^C abandons a blocked receive() and the shell goes on with its bindings', { skip }, async () => {
  const name = uniqueName('jsint');
  const command = `${process.execPath} ${NODERL_BIN} shell --sname ${name} --cookie ${hidden.cookie}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ERL_EPMD_PORT: String(epmd.port) }, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let out = '';
  const steps = [
    [')1> ', 'x = 41\r'],
    [')2> ', 'receive()\r'],
    ['receive()\r', '\x03', 300], // ^C while the input waits: the evaluation is abandoned
    ['exception exit: killed', ''],
    [')3> ', 'x + 1\r'],
    ['\n42\r\n', '\x03'], // ^C at the prompt: end of input, the shell and the node end
  ];
  let from = 0; // each step waits for its text after where the previous one was seen (the node's name may hold "42")
  const done = new Promise((resolve) => {
    child.stdout.on('data', (d) => {
      out += d.toString();
      for (let at; steps.length > 0 && (at = out.indexOf(steps[0][0], from)) >= 0; ) {
        from = at + steps[0][0].length;
        const [, keys, delay] = steps.shift();
        if (delay) setTimeout(() => child.stdin.write(keys), delay);
        else child.stdin.write(keys);
      }
      if (steps.length === 0) resolve();
    });
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await Promise.race([done, exited]);
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('running'), 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
  clearTimeout(timer);
  const text = out.replace(/\r/g, '');
  assert.match(text, /\*\* exception exit: killed\n/, text);
  assert.match(text, /\)3> \S*x \+ 1\n+42\n/, text);
  assert.equal(code, 0, text);
});
