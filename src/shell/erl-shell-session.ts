/** What an Erlang shell's server, evaluator and commands share (src/shell/erl-shell.ts). */
import type { Atom, Term } from '../term/types.js';
import type { Process } from '../process/process.js';
import type { Apply, ApplyFun } from '../modules/registry.js';
import type { History } from './erl-shell-history.js';
import type { RecordDefs } from '../erlang/records.js';

/** What an Erlang shell needs from the node it runs on. */
export interface ErlangShellHost {
  /** The node's name now (it changes with net_kernel:start/stop). */
  readonly nodeAtom: Atom;
  /** Whether the node is distributed (the prompt shows its name then). */
  readonly alive: boolean;
  apply: Apply;
  applyFun: ApplyFun;
  /** The words after `Eshell` on the first line. */
  readonly banner: string;
}

/** A shell's state shared by its server and its evaluators. */
export interface ShellSession {
  readonly host: ErlangShellHost;
  bindings: Map<string, Term>;
  readonly history: History;
  /** The record definitions of `rd/2` (shell.erl's record table). */
  readonly records: RecordDefs;
  /** Whether an exception leaves the evaluator alive (shell:catch_exception/1). */
  catchException: boolean;
  /** The server, for `exit()`. */
  server?: Process;
}

