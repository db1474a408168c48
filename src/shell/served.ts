/**
 * `shell:start/0,1` served to peers: what `erl -remsh fries@host`, erl's `^G` `r 'fries@host'` and
 * `noderl remsh` call (through `erpc:execute_call`) to open a shell here. As stdlib's shell:start
 * does, it spawns the shell with the caller's group leader (for a remote shell, the peer's
 * `group` process, so all its I/O goes back there) and returns its pid; the caller links to it.
 */
import type { Process } from '../process/process.js';
import { arities, type BuiltinModule } from '../modules/registry.js';
import { startShell, type ShellOptions } from './shell.js';

/** The `shell` module a node serves: each `start` opens a noderl shell for the caller's group leader. */
export function shellModule(options: ShellOptions): BuiltinModule {
  return {
    start: arities([0, 1], (caller: Process) => startShell((fn) => caller.spawn(fn), options)),
  };
}
