// How the shell prints an exception (src/shell/erl-error.ts), against the real OTP 25 shell: all
// CASES are piped into one `erl`, whose output is what the shell prints for each. Then
//  (a) formatShellException on BEAM's own class, reason and stack (erl_eval on the oracle) must
//      print exactly that: the port of erl_error, erl_erts_errors and erl_stdlib_errors;
//  (b) formatShellException on what noderl's evaluator raises for the same forms must print it
//      too, except for the KNOWN differences of noderl's stacks, which the test reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from '../../dist/term/decode.js';
import { formatShellException, shellPrint } from '../../dist/shell/erl-error.js';
import { useErl } from '../support/erl.js';
import { erlString, evalWithStack } from '../support/erl-eval.js';

const CASES = [
  '1 + a.',
  'atom_to_list(1).',
  'element(5, {a}).',
  'X = 1, X = 2.',
  'case 3 of 1 -> a end.',
  'if false -> a end.',
  'foo:bar().',
  '(fun(X) -> X end)().',
  'throw(x).',
  'exit(y).',
  'exit(killed).',
  '#{a := 1} = #{}.',
  'maps:get(k, #{}).',
  'maps:get(k, notamap).',
  'lists:nth(5, [1]).',
  'try 1 of 2 -> ok after ok end.',
  '(fun(X, Y) -> X end)(1).',
  'apply(3, []).',
  '1/0.',
  '-a.',
  'list_to_atom([a]).',
  'binary_to_list(<<1>>, 0, 2).',
  'lists:map(a, [1]).',
  'throw({a, lists:seq(1,40)}).',
  'exit({shutdown, lists:seq(1, 40)}).',
  'hd([]).',
  'tl(a).',
  'length(a).',
  'element(a, b).',
  'setelement(0, {}, x).',
  'list_to_integer("x").',
  'binary_to_integer(<<"1">>, 99).',
  'integer_to_list(1.5).',
  'abs(a).',
  'map_get(a, #{}).',
  'maps:put(k, v, x).',
  'tuple_size(a).',
  'atom_to_binary(1, latin1).',
  'a ++ b.',
  'A = lists:seq(1,100), A = 2.',
  '{a, lists:seq(1, 30)} + 1.',
  '1 + {a, lists:seq(1, 30)}.',
  'case lists:seq(1,50) of [] -> ok end.',
  'receive after a -> ok end.',
  'binary_to_atom(<<255>>, utf8).',
  'lists:reverse(a, []).',
  'lists:keyfind(a, 0, []).',
  'lists:member(a, b).',
  'lists:seq(1, 10, 0).',
  'lists:seq(10, 1, 1).',
  'maps:merge(a, #{}).',
  'element(1, lists:seq(1, 40)).',
  'list_to_atom(lists:seq(1, 60) ++ [a]).',
  'atom_to_list("abc").',
  'integer_to_list(lists:seq(97, 150)).',
  'element(1, list_to_atom([26085, 26412])).',
  'binary_to_list(<<"caf", 195, 169>>, 1, 9).',
  'atom_to_list([233, 26085]).',
];

/**
 * Where noderl's evaluator raises with a stack that makes the text differ from BEAM's, and why.
 * Each is reported as a test diagnostic, not hidden; remove an entry once noderl agrees.
 */
const KNOWN = {
  'lists:nth(5, [1]).': "noderl's lists frames carry no {file, \"lists.erl\"}, {line, N} location, so ' (lists.erl, line 198)' is missing",
  'lists:map(a, [1]).': "noderl's lists frames carry no file/line location",
};

const oracle = useErl();
const { skip } = oracle;

let node;
before(async () => {
  if (skip) return;
  const { Node } = await import('../../dist/node/node.js');
  node = await Node.start({ log: () => {} });
});
after(async () => node?.stop());

/**
 * What the real shell prints for each input: its output between one prompt and the next. Through
 * a pipe the shell's io encoding is latin1; `unicode` sets it first (io:setopts/1), as on a UTF-8
 * terminal.
 */
function realShell(inputs, encoding) {
  const cwd = mkdtempSync(join(tmpdir(), 'noderl-shell-')); // erl_crash.dump and the like land here
  const lines = encoding === 'unicode' ? ['io:setopts([{encoding, unicode}]).', ...inputs] : inputs;
  try {
    const r = spawnSync('erl', ['-boot', 'start_clean'], { input: lines.join('\n') + '\n', cwd, timeout: 30000 });
    const out = r.stdout.toString(encoding === 'unicode' ? 'utf8' : 'latin1');
    const texts = [];
    for (let n = lines.length - inputs.length + 1; n <= lines.length; n++) {
      const start = out.indexOf(`${n}> `);
      const end = out.indexOf(`\n${n + 1}> `, start);
      assert.ok(start >= 0 && end > start, `no output for prompt ${n} in:\n${out}`);
      texts.push(out.slice(start + `${n}> `.length, end + 1));
    }
    return texts;
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** The forms of each case, and BEAM's {Class, Reason, Stack} from erl_eval (the oracle's own frames cut off). */
async function beamExceptions(inputs) {
  const one = (src) =>
    `(fun() -> {ok, T__, _} = erl_scan:string(${erlString(src)}), {ok, E__} = erl_parse:parse_exprs(T__), ` +
    `{E__, try erl_eval:exprs(E__, []) of _ -> none catch C__:R__:S__ -> ` +
    `{C__, R__, lists:takewhile(fun(F__) -> element(1, F__) =/= term_oracle end, S__)} end} end)()`;
  return decode(await oracle.erl.evalTerm(`[${inputs.map(one).join(',\n')}]`));
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([promise, new Promise((resolve) => (timer = setTimeout(() => resolve({ hung: true }), ms)))]).finally(() => clearTimeout(timer));
}

for (const encoding of ['latin1', 'unicode']) {
  test(`formatShellException prints what the OTP 25 shell prints (${encoding}), for BEAM exceptions and for noderl`, { skip }, async (t) => {
    const shell = realShell(CASES, encoding);
    const beam = await beamExceptions(CASES);
    const portFailures = [];
    const noderlFailures = [];
    for (let i = 0; i < CASES.length; i++) {
      const [forms, raised] = beam[i];
      assert.notEqual(raised.name, 'none', `${CASES[i]} raised nothing on erl`);
      const [cls, reason, stack] = raised;
      const mine = formatShellException(cls.name, reason, stack, { encoding });
      if (mine !== shell[i]) portFailures.push(`${CASES[i]}\n  shell:  ${JSON.stringify(shell[i])}\n  noderl: ${JSON.stringify(mine)}`);

      const here = await withTimeout(evalWithStack(node, node.modules, forms), 3000);
      const text = here.cls ? formatShellException(here.cls, here.reason, here.stack, { encoding }) : JSON.stringify(here);
      if (text === shell[i]) {
        if (KNOWN[CASES[i]]) t.diagnostic(`now agrees with the shell, drop it from KNOWN: ${CASES[i]}`);
      } else if (KNOWN[CASES[i]]) {
        t.diagnostic(`known difference: ${CASES[i]} (${KNOWN[CASES[i]]})\n  shell:  ${JSON.stringify(shell[i])}\n  noderl: ${JSON.stringify(text)}`);
      } else {
        noderlFailures.push(`${CASES[i]}\n  shell:  ${JSON.stringify(shell[i])}\n  noderl: ${JSON.stringify(text)}`);
      }
    }
    assert.deepEqual(portFailures, [], `${portFailures.length} of ${CASES.length} differ with BEAM's stacks`);
    assert.deepEqual(noderlFailures, [], `${noderlFailures.length} of ${CASES.length} differ with noderl's stacks`);
  });
}

// Values, as the shell prints a result (shell.erl's pp/3 from column 1): depth 30, 60 characters a line.
const VALUES = [
  'lists:seq(1, 100).',
  '{a, lists:seq(1, 50), "a string", <<"bin">>}.',
  '#{a => lists:seq(1, 40), b => {nested, [1, 2, 3], #{c => d}}}.',
  'lists:duplicate(5, {aaaaaaaaaa, bbbbbbbbbbbbb, ccccccccccc}).',
  '<<1:1000>>.',
  'lists:foldl(fun(I, A) -> [I, A] end, [], lists:seq(1, 40)).',
  '{state, [{child, I, lists:seq(1, I)} || I <- lists:seq(1, 12)]}.',
  '[list_to_atom([26085]), <<"caf", 195, 169>>, "caf\\x{e9}"].',
];

for (const encoding of ['latin1', 'unicode']) {
  test(`shellPrint prints results as the OTP 25 shell does (${encoding})`, { skip }, async () => {
    const shell = realShell(VALUES, encoding);
    const values = decode(await oracle.erl.evalTerm(`[${VALUES.map((v) => v.slice(0, -1)).join(', ')}]`));
    values.forEach((v, i) => assert.equal(shellPrint(v, 1, { encoding }) + '\n', shell[i], VALUES[i]));
  });
}
