/**
 * `erlang:process_info/1,2` for the processes of a noderl node, with the items OTP 25 gives
 * (erl_bif_info.c `process_info_aux`): what a BEAM operator and `noderl observe` ask a node.
 *
 * A JS process has no heap, stack or reduction counter of its own, so some items are stand-ins,
 * said here once: `reductions` counts the signals the process handled; `memory` (and the heap
 * sizes, in words) is a base of OTP's smallest process (about 2.7 KB) plus the external size of
 * its queued messages; `current_function` is the initial call (a JS function cannot say where it
 * is). Everything else is exact.
 */
import { Atom, atom, isList, Pid, tuple, type Term } from '../term/types.js';
import { BADARG, NORMAL, PROCESS } from '../term/atoms.js';
import { encode } from '../term/encode.js';
import { bifError } from './exceptions.js';
import { processInternals, type Process } from './process.js';
import type { ProcessTable } from './table.js';

/** OTP's smallest process: 233 words of heap plus the process structure, in bytes. */
const BASE_MEMORY = 2_688;
const WORD = 8;
/** Queued messages measured one by one before the rest are taken to be of their average size. */
const MEASURED_MESSAGES = 100;
/** What a JS function is known as before it says otherwise: `spawn(Fun)` on BEAM says `erlang:apply/2`. */
const JS_CALL = tuple(atom('erlang'), atom('apply'), 2);

/** The items `process_info/1` gives, in OTP's order (registered_name first when there is one). */
const DEFAULT_ITEMS = [
  'current_function', 'initial_call', 'status', 'message_queue_len', 'links', 'dictionary', 'trap_exit',
  'error_handler', 'priority', 'group_leader', 'total_heap_size', 'heap_size', 'stack_size', 'reductions',
  'garbage_collection', 'suspending',
].map((name) => atom(name));

/**
 * `process_info(Pid)`: the default items, or `undefined` (the atom) for a process that is not
 * alive; badarg for a pid of another node, as BEAM raises.
 */
export function processInfoAll(table: ProcessTable, caller: Process, pid: Term): Term {
  const proc = localProcess(table, pid, [pid]);
  if (!proc) return atom('undefined');
  const name = table.registry.nameOf(proc.pid);
  const items = name ? [atom('registered_name'), ...DEFAULT_ITEMS] : DEFAULT_ITEMS;
  return items.map((item) => tuple(item, itemValue(table, caller, proc, item)!));
}

/** `process_info(Pid, Item)` and `process_info(Pid, [Item])`: `{Item, Value}` (a list for a list), `[]` for an unregistered process's `registered_name` (`{registered_name, []}` in a list), `undefined` for a dead process. */
export function processInfo(table: ProcessTable, caller: Process, pid: Term, item: Term): Term {
  const items = isList(item) ? item : [item];
  for (const i of items) if (!(i instanceof Atom) || itemValue(table, caller, undefined, i) === undefined) throw bifError(BADARG, 'erlang', 'process_info', [pid, item]);
  const proc = localProcess(table, pid, [pid, item]);
  if (!proc) return atom('undefined');
  // An unregistered process's name is `[]` alone, and `{registered_name, []}` in a list (erl_bif_info.c).
  const values = (items as Atom[]).map((i) => {
    const v = itemValue(table, caller, proc, i)!;
    return i.name === 'registered_name' && v === UNREGISTERED ? (isList(item) ? tuple(i, []) : []) : tuple(i, v);
  });
  return isList(item) ? values : values[0]!;
}

const UNREGISTERED = atom('$noderl_unregistered');

function localProcess(table: ProcessTable, pid: Term, args: Term[]): Process | undefined {
  if (!(pid instanceof Pid) || pid.node !== table.nodeAtom) throw bifError(BADARG, 'erlang', 'process_info', args);
  return table.process(pid);
}

/** The value of one item for `proc`; with no process, only whether the item is known (undefined when not). */
function itemValue(table: ProcessTable, caller: Process, proc: Process | undefined, item: Atom): Term | undefined {
  if (!ITEMS.has(item.name)) return undefined;
  if (!proc) return true;
  const state = processInternals.info(proc);
  const mailbox = processInternals.mailbox(proc);
  const initial = table.initialCall(proc.pid) ?? JS_CALL;
  switch (item.name) {
    case 'registered_name':
      return table.registry.nameOf(proc.pid) ?? UNREGISTERED;
    case 'message_queue_len':
      return mailbox.size;
    case 'messages':
      return mailbox.messages();
    case 'links':
      return state.links;
    case 'monitors':
      return state.monitors.map((m) => tuple(PROCESS, m));
    case 'monitored_by':
      return state.monitoredBy;
    case 'status':
      return atom(proc === caller ? 'running' : mailbox.waiting ? 'waiting' : 'runnable');
    case 'trap_exit':
      return state.trapExit;
    case 'group_leader':
      return state.groupLeader;
    case 'reductions':
      return state.signals;
    case 'current_function':
    case 'initial_call':
      return initial;
    case 'memory':
      return memoryOf(mailbox.messages());
    case 'total_heap_size':
    case 'heap_size':
      return Math.ceil(memoryOf(mailbox.messages()) / WORD);
    case 'stack_size':
      return 0;
    case 'dictionary':
      return table.dictionary(proc.pid)?.all() ?? [];
    case 'error_handler':
      return atom('error_handler');
    case 'priority':
      return NORMAL;
    case 'suspending':
      return [];
    case 'trace':
      return 0;
    case 'garbage_collection':
      return [];
    case 'min_heap_size':
      return 233;
    case 'message_queue_data':
      return atom('on_heap');
    case 'catchlevel':
      return 0;
    default:
      return undefined;
  }
}

const ITEMS = new Set([
  'registered_name', 'message_queue_len', 'messages', 'links', 'monitors', 'monitored_by', 'status', 'trap_exit',
  'group_leader', 'reductions', 'current_function', 'initial_call', 'memory', 'total_heap_size', 'heap_size',
  'stack_size', 'dictionary', 'error_handler', 'priority', 'suspending', 'trace', 'garbage_collection',
  'min_heap_size', 'message_queue_data', 'catchlevel',
]);

/** The stand-in for `memory`: the base process plus its queued messages' external size. */
function memoryOf(messages: Term[]): number {
  let bytes = 0;
  const measured = Math.min(messages.length, MEASURED_MESSAGES);
  for (let i = 0; i < measured; i += 1) bytes += encode(messages[i]!).length;
  if (messages.length > measured) bytes = Math.round((bytes / measured) * messages.length);
  return BASE_MEMORY + bytes;
}
