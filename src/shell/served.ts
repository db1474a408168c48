/**
 * `shell:start/0,1` served to peers: what `erl -remsh fries@host`, erl's `^G` `r 'fries@host'` and
 * `noderl remsh` call (through `erpc:execute_call`) to open a shell here. As stdlib's shell:start
 * does, it spawns the shell with the caller's group leader (for a remote shell, the peer's
 * `group` process, so all its I/O goes back there) and returns its pid; the caller links to it.
 */
import type { Process } from '../process/process.js';
import type { BuiltinContext } from '../modules/builtins.js';
import type { Pid } from '../term/types.js';
import { startShell } from './shell.js';

/** Starts a noderl shell for the calling process's group leader and returns its pid. */
export function startServedShell(ctx: BuiltinContext, caller: Process): Pid {
  if (ctx.node === undefined) throw new Error('shell:start needs the node'); // createApply always gives it
  return startShell((fn) => caller.spawn(fn), { node: ctx.node, quit: () => ctx.stop() });
}
