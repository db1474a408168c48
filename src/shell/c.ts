/**
 * The parts of STDLIB's `c` module (the shell's commands, c.erl) that make sense on a noderl node:
 * `flush/0`, `i/0,1,3`, `ni/0`, `regs/0`, `nregs/0`, `q/0`, `pid/3`, `memory/0,1`, `uptime/0`,
 * `help/0`. The Erlang shell finds them as OTP's does through `shell_default` (a local call the
 * shell does not know is `c:F(...)`), and peers reach them by rpc. Everything is asked of the
 * node's own BIFs through `apply`, as c.erl asks its node, and printed through the caller's group
 * leader with c.erl's column layout. What would touch the host (`c/1`, `l/1`, `cd/1`, `ls/0`) is
 * not served: undef, as for any function a node does not have.
 */
import { Atom, atom, isTuple, Pid, tuple, type Term } from '../term/types.js';
import { ioFormat } from '../term/io-format.js';
import { format } from '../term/format.js';
import { OK } from '../term/atoms.js';
import { ErlangError } from '../process/exceptions.js';
import { TIMEOUT } from '../process/mailbox.js';
import type { Process } from '../process/process.js';
import { arities, type Apply, type BuiltinModule } from '../modules/registry.js';

const ERLANG = atom('erlang');
const INFO_ITEMS = ['registered_name', 'initial_call', 'current_function', 'reductions', 'message_queue_len', 'heap_size', 'stack_size', 'dictionary'].map(atom);

/** The `c` module for a node whose BIFs `apply` reaches. */
export function cModule(apply: Apply): BuiltinModule {
  const bif = (self: Process, name: string, args: Term[] = []): Promise<Term> => apply(self, ERLANG, atom(name), args);
  return {
    flush: async (self: Process) => {
      await new Promise((resolve) => setImmediate(resolve)); // local sends land on a later microtask
      for (let m = await self.receive({ timeout: 0 }); m !== TIMEOUT; m = await self.receive({ timeout: 0 })) {
        await self.print(ioFormat('Shell got ~tp~n', [m]));
      }
      return OK;
    },
    i: arities([0, 1, 3], async (self: Process, ...args: Term[]) => {
      if (args.length === 3) return bif(self, 'process_info', [pidOf(self, args)]);
      const pids = args.length === 1 ? args[0] : await bif(self, 'processes');
      if (!Array.isArray(pids)) throw new ErlangError(atom('function_clause'), [tuple(atom('c'), atom('i'), args, [])]);
      await printProcesses(self, bif, pids);
      return OK;
    }),
    ni: async (self: Process) => (await printProcesses(self, bif, (await bif(self, 'processes')) as Term[]), OK),
    regs: async (self: Process) => (await printRegs(self, bif), OK),
    nregs: async (self: Process) => (await printRegs(self, bif), OK),
    q: (self: Process) => apply(self, atom('init'), atom('stop'), []),
    pid: (self: Process, x: Term, y: Term, z: Term) => pidOf(self, [x, y, z]),
    memory: arities([0, 1], (self: Process, ...args: Term[]) => bif(self, 'memory', args)),
    uptime: async (self: Process) => {
      const wall = await bif(self, 'statistics', [atom('wall_clock')]);
      const ms = isTuple(wall) && typeof wall[0] === 'number' ? wall[0] : 0;
      await self.print(`${uptimeText(Math.floor(ms / 1000))}\n`);
      return OK;
    },
    help: async (self: Process) => (await self.print(HELP), true),
  };
}

const HELP = `noderl's Erlang shell: Erlang expressions, evaluated on this node.
b()        -- display all variable bindings
e(N)       -- repeat the expression in query <N>
f()        -- forget all variable bindings
f(X)       -- forget the binding of variable X
v(N)       -- use the value of query <N>
history(N) -- set how many previous commands to keep
results(N) -- set how many previous command results to keep
catch_exception(B) -- how exceptions are handled
flush()    -- flush any messages sent to the shell
i()        -- information about the system
i(X,Y,Z)   -- information about pid <X,Y,Z>
memory()   -- memory allocation information
nregs()    -- information about all registered processes
pid(X,Y,Z) -- convert X,Y,Z to a Pid
q()        -- quit: stop this node (init:stop())
regs()     -- information about registered processes
uptime()   -- print node uptime
`;

/** c:pid/3: `<0.Y.Z>`, a pid of the caller's node as list_to_pid makes it; badarg otherwise (noderl numbers no other nodes). */
function pidOf(self: Process, args: Term[]): Pid {
  const [x, y, z] = args;
  if (x !== 0 || typeof y !== 'number' || typeof z !== 'number' || !Number.isInteger(y) || !Number.isInteger(z) || y < 0 || z < 0) {
    const text = `<${args.map((a) => format(a)).join('.')}>`;
    throw new ErlangError(atom('badarg'), [tuple(ERLANG, atom('list_to_pid'), [[...text].map((c) => c.codePointAt(0)!)], [])]);
  }
  return new Pid(self.pid.node, y, z, self.pid.creation);
}

type Bif = (self: Process, name: string, args?: Term[]) => Promise<Term>;

/** process_info of the items c.erl shows (undefined for a dead process), as a proplist. */
async function info(self: Process, bif: Bif, pid: Term): Promise<Map<string, Term> | undefined> {
  const list = await bif(self, 'process_info', [pid, INFO_ITEMS]).catch(() => atom('undefined'));
  if (!Array.isArray(list)) return undefined;
  const out = new Map<string, Term>();
  for (const item of list) if (isTuple(item) && item[0] instanceof Atom) out.set(item[0].name, item[1]!);
  return out;
}

/** c.erl's iformat: two lines a process, then the totals. */
async function printProcesses(self: Process, bif: Bif, pids: Term[]): Promise<void> {
  const row = (a: string, b: string, c: string, d: string, e: string): string => ioFormat('~-21ts ~-33ts ~8s ~8s ~4s~n', [a, b, c, d, e]);
  let text = row('Pid', 'Initial Call', 'Heap', 'Reds', 'Msgs') + row('Registered', 'Current Function', 'Stack', '', '');
  let [reds, msgs, heap, stack] = [0, 0, 0, 0];
  for (const pid of pids) {
    const i = await info(self, bif, pid);
    if (!i) continue;
    const n = (k: string): number => (typeof i.get(k) === 'number' ? (i.get(k) as number) : 0);
    reds += n('reductions');
    msgs += n('message_queue_len');
    heap += n('heap_size');
    stack += n('stack_size');
    const name = i.get('registered_name');
    text += row(format(pid, { localNode: self.pid.node }), mfaText(initialCall(i)), String(n('heap_size')), String(n('reductions')), String(n('message_queue_len')));
    text += row(Array.isArray(name) || name === undefined ? '' : format(name), mfaText(i.get('current_function')), String(n('stack_size')), '', '');
  }
  text += row('Total', '', String(heap), String(reds), String(msgs)) + row('', '', String(stack), '', '');
  await self.print(text);
}

/** c.erl's print_node_regs for this node: the registered processes; a noderl node has no ports. */
async function printRegs(self: Process, bif: Bif): Promise<void> {
  const node = await bif(self, 'node');
  const names = ((await bif(self, 'registered')) as Atom[]).slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const line = (a: string, b: string, c: string, d: string, e: string): string => ioFormat('~-21ts ~-12s ~-25ts ~12s ~4s~n', [a, b, c, d, e]);
  let text = ioFormat('~n** Registered procs on node ~w **~n', [node]) + line('Name', 'Pid', 'Initial Call', 'Reds', 'Msgs');
  for (const name of names) {
    const pid = await bif(self, 'whereis', [name]);
    const i = pid instanceof Pid ? await info(self, bif, pid) : undefined;
    if (!i) continue;
    text += line(format(name), format(pid, { localNode: self.pid.node }), mfaText(initialCall(i)), String(i.get('reductions') ?? 0), String(i.get('message_queue_len') ?? 0));
  }
  text += ioFormat('~n** Registered ports on node ~w **~n', [node]) + ioFormat('~-21ts ~-15s ~-40ts~n', ['Name', 'Id', 'Command']);
  await self.print(text);
}

/** c.erl's initial_call: `'$initial_call'` in the dictionary (proc_lib) before the real one. */
function initialCall(i: Map<string, Term>): Term | undefined {
  const dict = i.get('dictionary');
  if (Array.isArray(dict)) {
    for (const e of dict) if (isTuple(e) && e[0] === atom('$initial_call')) return e[1];
  }
  return i.get('initial_call');
}

function mfaText(mfa: Term | undefined): string {
  if (isTuple(mfa) && mfa.length === 3) {
    const arity = Array.isArray(mfa[2]) ? mfa[2].length : mfa[2];
    return ioFormat('~w:~tw/~w', [mfa[0]!, mfa[1]!, arity!]);
  }
  return mfa === undefined ? '' : format(mfa);
}

/** c:uptime/0's words. */
function uptimeText(seconds: number): string {
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds / 3600) % 24, m = Math.floor(seconds / 60) % 60, s = seconds % 60;
  return `${d > 0 ? `${d} days, ` : ''}${d + h > 0 ? `${h} hours, ` : ''}${d + h + m > 0 ? `${m} minutes and ` : ''}${s} seconds`;
}
