/**
 * The shells served to peers: `shell:start/0,1`, what `erl -remsh fries@host`, erl's `^G`
 * `r 'fries@host'` and `noderl remsh --erlang` call (through `erpc:execute_call`), opens an Erlang
 * shell here; `noderl_shell:start/0,1`, what `noderl remsh` calls, a JavaScript one. As stdlib's
 * shell:start does, each spawns the shell with the caller's group leader (for a remote shell, the
 * peer's `group` process, so all its I/O goes back there) and returns its pid; the caller links to it.
 */
import type { Process } from '../process/process.js';
import { arities, type BuiltinModule } from '../modules/registry.js';
import { startShell, type ShellOptions } from './shell.js';
import { startErlangShell, type ErlangShellHost } from './erl-shell.js';

/** The `noderl_shell` module a node serves: each `start` opens a JavaScript shell for the caller's group leader. */
export function shellModule(options: ShellOptions): BuiltinModule {
  return {
    start: arities([0, 1], (caller: Process) => startShell((fn) => caller.spawn(fn), options)),
  };
}

/** The `shell` module a node serves: each `start` opens an Erlang shell for the caller's group leader. */
export function erlangShellModule(host: ErlangShellHost): BuiltinModule {
  return {
    start: arities([0, 1], (caller: Process) => startErlangShell((fn) => caller.spawn(fn), host)),
  };
}
