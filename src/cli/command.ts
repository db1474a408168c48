/**
 * What every `noderl` command does with its arguments: parse them strictly (a bad one is exit 2
 * with the usage), answer `--help`/`-h` (exit 0), and, for the commands that act on one other
 * node (`ping`, `rpc`, `remsh`), check NODE and run on a hidden temporary node that always stops.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Node } from '../node/node.js';
import { splitNode } from '../node/names.js';
import { startTempNode } from './temp-node.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Config<O extends Options> = { args: string[]; options: O & { help: { type: 'boolean'; short: 'h' } }; allowPositionals: true; strict: true };

/** One command's name and usage text, for its messages. */
export class Command {
  constructor(
    readonly name: string,
    readonly usage: string,
  ) {}

  /** The parsed arguments, or the exit code to return: 2 after a usage error, 0 after `--help`. */
  parse<O extends Options>(args: string[], options: O): ReturnType<typeof parseArgs<Config<O>>> | number {
    let parsed: ReturnType<typeof parseArgs<Config<O>>>;
    try {
      parsed = parseArgs<Config<O>>({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    } catch (err) {
      return this.usageError((err as Error).message);
    }
    if ((parsed.values as { help?: boolean }).help === true) {
      process.stdout.write(this.usage);
      return 0;
    }
    return parsed;
  }

  /** Writes `noderl NAME: problem` and the usage; exit code 2. */
  usageError(problem: string): number {
    process.stderr.write(`noderl ${this.name}: ${problem}\n${this.usage}`);
    return 2;
  }

  /** Writes `noderl NAME: problem`; exit code 1. */
  failure(problem: string): number {
    process.stderr.write(`noderl ${this.name}: ${problem}\n`);
    return 1;
  }

  /**
   * Runs `fn` on a hidden temporary node able to reach `target` (exit 2 when `target` is not a
   * node name, 1 when the node cannot start); the node stops whatever `fn` does. `tls`: the
   * optfile's text when the command was given `--proto-dist inet_tls` (src/cli/dist-flags.ts).
   */
  async onTempNode(target: string | undefined, cookie: string | undefined, fn: (node: Node, target: string) => Promise<number>, tls?: string): Promise<number> {
    const parts = target === undefined ? undefined : splitNode(target);
    if (parts === undefined) return this.usageError(`give one node name, alive@host${target === undefined ? '' : `, not '${target}'`}`);
    let node: Node;
    try {
      node = await startTempNode(this.name, parts.host, cookie, tls);
    } catch (err) {
      return this.failure((err as Error).message);
    }
    try {
      return await fn(node, target!);
    } finally {
      await node.stop();
    }
  }
}
