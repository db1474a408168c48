// noderl's Erlang shell (src/shell/erl-shell.ts) against OTP 25's own: the same input typed into
// `erl -sname A` and into `noderl shell --erlang --sname B` (both through a pipe, so both print
// their prompts as output) must print the same text, once the node names are made equal. Then
// `noderl eval --erlang`, and a shell whose evaluator is killed from outside.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { erlSkip, startEpmd, uniqueName } from '../support/epmd.js';
import { runNoderl } from '../support/noderl-cli.js';
import { killAtExit } from '../support/noderl-epmd.js';

const skip = erlSkip();
let epmd;
const cookie = randomBytes(8).toString('hex');

before(async () => {
  if (!skip) epmd = await startEpmd();
});
after(async () => epmd?.stop());

/** What `erl -sname name` prints for `input` on a pipe. */
function runErlShell(name, input) {
  return new Promise((resolve, reject) => {
    const child = spawn('erl', ['-sname', name, '-setcookie', cookie, '-start_epmd', 'false'], {
      env: { ...process.env, ERL_EPMD_PORT: String(epmd.port), ERL_CRASH_DUMP_SECONDS: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    killAtExit(child.pid);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', () => (clearTimeout(timer), resolve(out)));
    child.stdin.end(input);
  });
}

/** The shell's text without its banner and its farewell, with `(name@host)` as `(N)`. */
function normalized(out, name) {
  const lines = out.replace(/\r/g, '').split('\n');
  const body = lines.slice(1).join('\n').replace(/\*\*\* Terminating erlang \([^)]*\)\n?$/, ''); // erl halts at the end of input
  return body.replaceAll(`(${name}@`, '(N@').replace(/\(N@[^)]+\)/g, '(N)');
}

// Inputs whose output does not depend on the node (no pids, refs, funs or times).
const SESSION = [
  'X = 21, X * 2.',
  'X + 1.',
  '1 + a.',
  'lists:seq(1, 40).',
  'Y.',
  '1 + .',
  'f(X), X = 3.',
  'b().',
  'v(1).',
  'v(-2).',
  'e(2).',
  '"abc".',
  '[104, 105].',
  '<<"hi">>.',
  '#{a => 1, "b" => [x, y]}.',
  '{ok, [1, 2.5, -3], \'Quoted atom\', "text"}.',
  'lists:duplicate(12, {some_longer_atom, [1, 2, 3], <<"binary text">>}).',
  '[{N, N * N} || N <- lists:seq(1, 6), N rem 2 =:= 0].',
  '<< <<(B + 1)>> || <<B>> <= <<"HAL">> >>.',
  'case 3 of 1 -> one end.',
  'if 1 =:= 2 -> no end.',
  '{A, B} = {1, 2, 3}.',
  '(fun(1) -> a end)(2).',
  'F2 = fun(X, Y) -> X + Y end, F2(1).',
  'atom_to_list(1).',
  'element(5, {a}).',
  'foo().',
  'nosuchmod:f(1).',
  'throw(thrown).',
  'exit(gone).',
  'erlang:error({my, error}).',
  'catch throw(caught).',
  "element(1, catch 1 / 0).",
  'try 1 / 0 catch error:R:_ -> {caught, R} end.',
  'Fact = fun F(0) -> 1; F(N) -> N * F(N - 1) end, Fact(25).',
  'maps:get(k, #{}).',
  'self() ! {hello, 1}, self() ! two, ok.',
  'flush().',
  'io:format("~p and ~s~n", [[1,2], "text"]).',
  'string:split("a,b,c", ",", all).',
  'length([1,2,',
  '3]).',
  'rd(person, {name = "anon", age}).',
  'P = #person{age = 3}.',
  'P#person.name.',
  '#person.age.',
  'Q = P#person{name = "x", age = 4}.',
  '#person{name = N} = Q, N.',
  '{a}#person.name.',
  '{a}#person{age = 1}.',
  'is_record(P, person).',
  '#foo{}.',
  '#person{name = "x", nosuch = 1}.',
  'case P of #person{age = A} when A > 2 -> big; _ -> small end.',
  'G = fun(X) when X#person.age > 3 -> X#person.name; (_) -> no end, {G(P), G(Q), G({x})}.',
  '[X || #person{name = X} <- [P, Q]].',
  'lists:duplicate(4, {wrapped, Q, [P]}).',
  'rp({P, Q}).',
  'rf(person).',
  '#person{}.',
  'P.',
  'A1 = 1. A1 + 1.',
  'f().',
  'A1.',
];

test('noderl shell --erlang prints what erl prints for the same session', { skip }, async () => {
  const input = `${SESSION.join('\n')}\n`;
  const erlName = uniqueName('erlsh');
  const noderlName = uniqueName('nersh');
  const [erlOut, mine] = await Promise.all([
    runErlShell(erlName, input),
    runNoderl(['shell', '--erlang', '--sname', noderlName, '--cookie', cookie], { epmdPort: epmd.port, input }),
  ]);
  assert.equal(mine.code, 0, mine.stderr);
  assert.match(mine.stdout, new RegExp(`^Eshell noderl V\\S+ on ${noderlName}@`));
  const expected = normalized(erlOut, erlName);
  const actual = normalized(mine.stdout, noderlName);
  // Compared prompt by prompt, so one difference does not shift every line after it.
  const [e, a] = [expected.split(/(?=\(N\)\d+> )/), actual.split(/(?=\(N\)\d+> )/)];
  const diffs = [];
  for (let i = 0; i < Math.max(e.length, a.length); i++) if (e[i] !== a[i]) diffs.push(`after input ${i}\n   erl:    ${e[i]}\n   noderl: ${a[i]}`);
  assert.deepEqual(diffs, [], `\n--- erl\n${expected}\n--- noderl\n${actual}`);
});

test('noderl eval --erlang prints the value as the shell does; errors on stderr, exit 1', { skip }, async () => {
  const run = (expr) => runNoderl(['eval', '--erlang', '--cookie', cookie, expr], { epmdPort: epmd.port });
  assert.deepEqual(await run('X = 20, {X + 1, lists:reverse("abc")}'), { code: 0, stdout: '{21,"cba"}\n', stderr: '' });
  assert.deepEqual(await run('1 + a.'), {
    code: 1,
    stdout: '',
    stderr: '** exception error: an error occurred when evaluating an arithmetic expression\n     in operator  +/2\n        called as 1 + a\n',
  });
  assert.deepEqual(await run('Y + 1'), { code: 1, stdout: '', stderr: "* 1:1: variable 'Y' is unbound\n" });
  assert.deepEqual(await run('1 +'), { code: 1, stdout: '', stderr: "* 1:4: syntax error before: '.'\n" });
});

test("the chapter's shell session from noderl shell --erlang with a real erl node", { skip }, async () => {
  const { startErlNode } = await import('../support/epmd.js');
  const ketchup = await startErlNode({ epmdPort: epmd.port, cookie });
  const name = uniqueName('fries');
  const child = spawn(process.execPath, [(await import('../support/noderl-cli.js')).NODERL_BIN, 'shell', '--erlang', '--sname', name, '--cookie', cookie], {
    env: { ...process.env, ERL_EPMD_PORT: String(epmd.port) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  killAtExit(child.pid);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  /** Types `line` and waits for prompt number `n` to follow its output; returns that output. */
  const type = async (line, n) => {
    const start = out.length;
    child.stdin.write(`${line}\n`);
    const prompt = new RegExp(`\\(${name}@[^)]+\\)${n}> $`);
    for (let i = 0; i < 300 && !prompt.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, prompt, out);
    return out.slice(start).replace(prompt, '').trimEnd();
  };
  try {
    for (let i = 0; i < 200 && !out.includes(')1> '); i++) await new Promise((r) => setTimeout(r, 50));
    await ketchup.eval('register(shell, self())');
    assert.equal(await type('register(shell, self()).', 2), 'true');
    assert.equal(await type(`net_kernel:connect_node('${ketchup.node}').`, 3), 'true');
    assert.match(await type(`{shell, '${ketchup.node}'} ! {hello, from, self()}.`, 4), /^\{hello,from,<0\.\d+\.0>\}$/);
    // ketchup answers the way the chapter does: it receives, replies with a binary and its own pid.
    await ketchup.eval('receive {hello, from, OtherShell} -> OtherShell ! {<<"hey there!">>, self()}, ok after 10000 -> timeout end');
    assert.equal(await type('receive {Msg, Other} -> Msg end.', 5), '<<"hey there!">>');
    assert.equal(await type('node(Other) =:= ' + `'${ketchup.node}'.`, 6), 'true');
    assert.equal(await type('process_flag(trap_exit, true).', 7), 'false');
    assert.equal(await type('link(Other).', 8), 'true');
    assert.match(await type('Ref = erlang:monitor(process, Other).', 9), /^#Ref<0\.\d+\.\d+\.\d+>$/);
    await ketchup.stop(); // the other node goes away: DOWN and EXIT with noconnection
    assert.equal(await type("receive {'DOWN', Ref, process, _, Why} -> Why after 10000 -> none end.", 10), 'noconnection');
    assert.equal(await type("receive {'EXIT', Other, Why2} -> Why2 after 10000 -> none end.", 11), 'noconnection');
    assert.equal(await type("self() ! later, flush().", 12), 'Shell got later\nok');
    child.stdin.end('q().\n');
    assert.equal(await Promise.race([exited, new Promise((r) => setTimeout(() => r('running'), 15_000))]), 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await ketchup.stop();
  }
});

test('the c commands a noderl Erlang shell serves: regs(), i(), pid/3, i/3, memory/0, uptime()', { skip }, async () => {
  const name = uniqueName('cshell');
  const input = 'regs().\ni().\nP = pid(0, 1, 0), is_pid(P).\nis_list(i(0, 1, 0)) orelse i(0, 1, 0) =:= undefined.\nis_list(memory()).\nuptime().\nc:pid(1, 2, 3).\n';
  const r = await runNoderl(['shell', '--erlang', '--sname', name, '--cookie', cookie], { epmdPort: epmd.port, input });
  assert.equal(r.code, 0, r.stderr);
  const host = /@(\S+?) /.exec(r.stdout)?.[1];
  // regs(): c.erl's table, with this node's own pids as <0.N.0>.
  assert.match(r.stdout, new RegExp(`\\n\\*\\* Registered procs on node ${name}@${host} \\*\\*\\nName {18}Pid {10}Initial Call {22}Reds Msgs\\n`));
  assert.match(r.stdout, /\nrex {19}<0\.\d+\.0> +\S+ +\d+ +\d+\n/);
  assert.match(r.stdout, /\n\*\* Registered ports on node \S+ \*\*\nName {18}Id {14}Command/);
  // i(): two lines a process, then the totals.
  assert.match(r.stdout, /> Pid {19}Initial Call {26}Heap {5}Reds Msgs\nRegistered {12}Current Function {21}Stack {14}\n<0\.\d+\.0> /);
  assert.match(r.stdout, /\nTotal +\d+ +\d+ +\d+\n/);
  const answers = r.stdout.split(/\(\S+\)\d+> /).slice(3).map((t) => t.trim());
  assert.deepEqual(answers.slice(0, 3), ['true', 'true', 'true']);
  assert.match(answers[3], /^\d+ seconds\nok$/);
  assert.match(answers[4], /^\*\* exception error: bad argument\n/); // <1.2.3> names another node: list_to_pid's badarg
});
