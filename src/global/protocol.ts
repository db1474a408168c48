/**
 * The words of global's protocol (vsn 8) and the shapes of its node lists: `Node` or `{Node, Vsn}`
 * (vsn ≥ 7 sends the version with every known node).
 */
import { Atom, atom, isList, isTuple, type Term } from '../term/types.js';
import { DOWN, OK, YES } from '../term/atoms.js';

export const VSN = 8;
/** The atoms of global's protocol, by their role: `GlobalAtom.initConnect` is `init_connect`. */
export const GlobalAtom = {
  initConnect: atom('init_connect'),
  initConnectAck: atom('init_connect_ack'),
  cancelConnect: atom('cancel_connect'),
  lockIsSet: atom('lock_is_set'),
  lockSet: atom('lock_set'),
  exchange: atom('exchange'),
  exchangeOps: atom('exchange_ops'),
  resolved: atom('resolved'),
  newNodes: atom('new_nodes'),
  inSync: atom('in_sync'),
  register: atom('register'),
  registerExt: atom('register_ext'),
  unregister: atom('unregister'),
  /** noderl's own call: run `global:resolve_it/4` where the names (and their JS resolvers) are. */
  resolveIt: atom('$noderl_resolve_it'),
  setLock: atom('set_lock'),
  delLock: atom('del_lock'),
  nodeup: atom('nodeup'),
  nodedown: atom('nodedown'),
  extraNodedown: atom('extra_nodedown'),
  lostConnection: atom('lost_connection'),
  removeConnection: atom('remove_connection'),
  down: DOWN,
  locker: atom('locker'),
  global: atom('global'),
  unused: atom('unused'),
  vsn: atom('vsn'),
  lock: atom('lock'),
  insert: atom('insert'),
  delete: atom('delete'),
  yes: YES,
  ok: OK,
};

/** `t` when it is a list, else `[]` (a malformed field reads as no entries). */
export function asList(t: Term | undefined): Term[] {
  return isList(t) ? t : [];
}

export function nodeOf(e: Term): string | undefined {
  if (e instanceof Atom) return e.name;
  if (isTuple(e) && e[0] instanceof Atom) return e[0].name;
  return undefined;
}

/** `make_node_vsn_list`: `N` or `{N, V}` as `[N, V]`. */
export function nodeVsn(e: Term, known: Map<string, number>): [string, number] {
  const n = nodeOf(e) ?? '';
  const v = isTuple(e) && typeof e[1] === 'number' && e[1] !== 0 ? e[1] : (known.get(n) ?? 0);
  return [n, v];
}
