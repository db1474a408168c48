/**
 * `noderl eval [--sname N | --name N] [--cookie C] [--hidden] [--erlang] 'EXPR'`: starts a node,
 * evaluates one JavaScript input (or with `--erlang` one Erlang expression sequence, printed as the
 * Erlang shell prints) with the shell's helpers in a process whose group leader is `user`
 * (stdout), prints the result in Erlang syntax and stops. Without a name the node is a hidden
 * temporary one (`noderl_eval_<pid>_<random>`), as `noderl rpc` makes. Exit 0 with a result; 1,
 * with the shell's error line on stderr, for an exception or a syntax error; 2 on bad usage.
 */
import { hostname } from 'node:os';
import { Node } from '../node/node.js';
import { startTempNode } from './temp-node.js';
import { Command } from './command.js';
import { DIST_USAGE, takeDistFlags } from './dist-flags.js';
import { Evaluator, type Outcome } from '../shell/evaluator.js';
import { evaluateText, type TextOutcome } from '../shell/erl-eval-text.js';
import { shellHelpers } from '../shell/helpers.js';
import { exceptionText, valueText } from '../shell/exception-text.js';
import type { Process } from '../process/process.js';

const EVAL = new Command('eval', `Usage: noderl eval [--sname N | --name N] [--cookie C] [--hidden] [--erlang] ${DIST_USAGE} 'EXPR'\n`);

/** Runs `noderl eval`. */
export async function run(args: string[]): Promise<number> {
  const dist = takeDistFlags(args);
  if (typeof dist === 'string') return EVAL.usageError(dist);
  const parsed = EVAL.parse(dist.rest, { sname: { type: 'string' }, name: { type: 'string' }, cookie: { type: 'string' }, hidden: { type: 'boolean' }, erlang: { type: 'boolean' } });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || (values.sname !== undefined && values.name !== undefined)) {
    return EVAL.usageError('give one EXPR and at most one of --sname and --name');
  }
  let node: Node;
  try {
    node =
      values.sname === undefined && values.name === undefined
        ? await startTempNode('eval', hostname().split('.')[0]!, values.cookie, dist.tls)
        : await Node.start({ sname: values.sname, name: values.name, cookie: values.cookie, hidden: values.hidden, tls: dist.tls });
  } catch (err) {
    return EVAL.failure((err as Error).message);
  }
  if (values.erlang) {
    try {
      const r = await new Promise<TextOutcome>((resolve) => node.spawn(async (self: Process) => resolve(await evaluateText(self, positionals[0]!, node.erlangShellHost()))));
      (r.ok ? process.stdout : process.stderr).write(r.text);
      return r.ok ? 0 : 1;
    } finally {
      await node.stop();
    }
  }
  try {
    const outcome = await new Promise<Outcome>((resolve) => {
      node.spawn(async (self: Process) => {
        const evaluator = new Evaluator(shellHelpers({ node, self: () => self, quit: () => {} }));
        evaluator.bind('self', self);
        resolve(await evaluator.evaluate(positionals[0]!));
      });
    });
    switch (outcome.kind) {
      case 'value':
        process.stdout.write(`${valueText(outcome.value, node.nodeAtom)}\n`);
        return 0;
      case 'exception':
        process.stderr.write(exceptionText(outcome.error, node.nodeAtom));
        return 1;
      case 'syntax':
        process.stderr.write(`* syntax error: ${outcome.message}\n`);
        return 1;
      case 'incomplete':
        process.stderr.write('* syntax error: the input ended inside an expression\n');
        return 1;
    }
  } finally {
    await node.stop(); // q() needs no work of its own: the node stops after the one input anyway
  }
}
