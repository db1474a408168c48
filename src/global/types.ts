/** global's public vocabulary: how a name conflict is resolved (`global:register_name/3`'s Method). */
import type { ExportFun, Pid, Term } from '../term/types.js';
import type { Process } from '../process/process.js';

/** A JS resolver: return the pid that keeps the name, or `'none'` to drop it everywhere. */
export type JsResolver = (name: Term, pid1: Pid, pid2: Pid, self: Process) => Pid | 'none' | Promise<Pid | 'none'>;

/** What `registerName` takes as `resolve`. */
export type Resolve = 'random_exit_name' | 'random_notify_name' | 'notify_all_name' | ExportFun | JsResolver;
