/**
 * What `noderl observe` asks each node, once per refresh: one `erl_eval:exprs/2` call over rpc
 * whose expressions read everything with standard BIFs on the node itself (`erlang:processes/0`,
 * `process_info/2`, `memory/0`, `nodes/1`, `system_info(dist_ctrl)` with `inet:getstat/2`,
 * `global:registered_names/0`, `pg:which_groups/0`) and send back only the top rows. Asking BIF by
 * BIF would take one rpc per process (10,000 round trips a second for a node of 10,000
 * processes); erl_eval is part of every OTP node, so nothing is loaded onto it. The same call
 * works on a noderl node, which serves `erl_eval:exprs/2` and adds `noderl_observe:connections/0`
 * (src/node/observe-module.ts) for the counters only it keeps.
 */
import { Atom, atom, isList, isTuple, Pid, tuple, type Term } from '../term/types.js';
import { format } from '../term/format.js';
import { scanString } from '../erlang/scan.js';
import { parseExprs } from '../erlang/parse.js';
import type { ConnectionReport, NodeReport, ProcessRow } from './snapshot.js';

/**
 * Bound: `N` (rows per sort key), `Kind` (`beam` or `noderl`). The ranking runs in compiled
 * library code, not in the interpreter: `lists:zipwith/3` applies `fun erlang:process_info/2` (an
 * external fun) to every process for one item, `lists:sort/1` of `{{Item, Value}, Pid}` pairs
 * orders them by the value (a process gone meanwhile gives `undefined`, an atom, which sorts
 * first and is dropped). Only the top processes' rows are then built by erl_eval. Building every
 * row in a comprehension was measured at 266 ms a refresh on a BEAM node of 10,000 processes.
 */
const QUERY = `
Ps = erlang:processes(),
L = length(Ps),
Top = fun(Item) ->
  Vs = lists:zipwith(fun erlang:process_info/2, Ps, lists:duplicate(L, Item)),
  [P || {{_, _}, P} <- lists:sublist(lists:reverse(lists:sort(lists:zip(Vs, Ps))), N)]
end,
Tops = lists:usort(Top(message_queue_len) ++ Top(memory) ++ Top(reductions)),
Items = [message_queue_len, memory, reductions, current_function, registered_name],
Rows = [{P, Q, M, R, Nm, CF} || P <- Tops,
        [{message_queue_len, Q}, {memory, M}, {reductions, R}, {current_function, CF}, {registered_name, Nm}]
          <- [erlang:process_info(P, Items)]],
Conns = case Kind of
  noderl -> noderl_observe:connections();
  beam -> [{D, catch inet:getstat(C, [recv_oct, recv_cnt, send_oct, send_cnt, send_pend])}
           || {D, C} <- erlang:system_info(dist_ctrl)]
end,
Pg = case erlang:whereis(pg) of undefined -> none; _ -> catch pg:which_groups() end,
{erlang:node(), L, erlang:memory(), erlang:nodes(visible), erlang:nodes(hidden), Conns,
 catch global:registered_names(), Pg, net_kernel:get_net_ticktime(), Rows}.
`;

let parsed: Term | undefined;

/** The query in the abstract format (`erl_parse:parse_exprs/1`), parsed once. */
export function queryExprs(): Term {
  if (parsed !== undefined) return parsed;
  const scanned = scanString(QUERY);
  if (!isTuple(scanned) || scanned[0] !== atom('ok')) throw new Error(`the observe query does not scan: ${format(scanned)}`);
  parsed = parseExprs(scanned[1] as Term[]);
  return parsed;
}

/** The arguments of `erl_eval:exprs/2` for a node of `kind`, `top` rows per sort key. */
export function queryArgs(kind: 'beam' | 'noderl', top: number): Term[] {
  return [queryExprs(), [tuple(atom('Kind'), atom(kind)), tuple(atom('N'), top)]];
}

/** Raw counters of one connection, before the observer turns them into a {@link ConnectionReport} (which adds its type). */
export type RawConnection = Omit<ConnectionReport, 'type'>;

/** What one answer says, before the observer adds what it infers across answers. */
export type Reading = Omit<NodeReport, 'state' | 'kind' | 'connections' | 'error'> & { connections: RawConnection[] };

/** Reads the query's `{value, Value, Bindings}`; throws when the answer has another shape. */
export function readAnswer(answer: Term, observer: string): Reading {
  if (!isTuple(answer) || answer[0] !== atom('value') || !isTuple(answer[1]) || answer[1].length !== 10) throw new Error(`unexpected answer: ${format(answer).slice(0, 300)}`);
  const [node, count, memory, visible, hidden, conns, globalNames, pg, ticktime, rows] = answer[1];
  const others = (list: Term): string[] => atoms(list).filter((n) => n !== observer);
  const vis = others(visible!);
  const hid = others(hidden!);
  return {
    node: (node as Atom).name,
    connected: [...vis, ...hid],
    visible: vis,
    hidden: hid,
    processCount: count as number,
    memory: memoryOf(memory!),
    processes: uniqueRows(rows!),
    globalNames: isList(globalNames!) ? globalNames.map(nameText) : [],
    pgGroups: isList(pg!) ? pg.map(nameText) : null,
    netTicktime: typeof ticktime === 'number' ? ticktime : isTuple(ticktime) && typeof ticktime[1] === 'number' ? ticktime[1] : null,
    connections: isList(conns!) ? conns.flatMap((c) => connectionOf(c)).filter((c) => c.peer !== observer) : [],
  };
}

const atoms = (list: Term): string[] => (isList(list) ? list.filter((a): a is Atom => a instanceof Atom).map((a) => a.name) : []);
const nameText = (t: Term): string => (t instanceof Atom ? t.name : format(t));

function memoryOf(memory: Term): Record<string, number> | null {
  if (!isList(memory)) return null;
  const out: Record<string, number> = {};
  for (const m of memory) if (isTuple(m) && m[0] instanceof Atom && typeof m[1] === 'number') out[m[0].name] = m[1];
  return out;
}

/** The rows of the three top lists, each process once. */
function uniqueRows(rows: Term): ProcessRow[] {
  const seen = new Map<string, ProcessRow>();
  if (!isList(rows)) return [];
  for (const r of rows) {
    if (!isTuple(r) || r.length !== 6 || !(r[0] instanceof Pid)) continue;
    const [pid, queue, memory, reductions, name, fn] = r as unknown as [Pid, number, number, number, Term, Term];
    const text = `<0.${pid.id}.${pid.serial}>`;
    seen.set(text, {
      pid: text,
      name: name instanceof Atom ? name.name : null,
      messageQueueLen: queue,
      memory,
      reductions: Number(reductions),
      currentFunction: isTuple(fn) && fn.length === 3 ? `${nameText(fn[0]!)}:${nameText(fn[1]!)}/${String(fn[2])}` : null,
    });
  }
  return [...seen.values()];
}

/** One connection: a noderl map, or a BEAM `{Node, {ok, Stats}}` (`{Node, {'EXIT', _}}` where the controller is no socket: TLS). */
function connectionOf(c: Term): RawConnection[] {
  if (c instanceof Map) {
    const get = (k: string): Term | undefined => c.get(atom(k));
    const num = (k: string): number | null => (typeof get(k) === 'number' ? (get(k) as number) : null);
    const peer = get('node');
    if (!(peer instanceof Atom)) return [];
    return [{ peer: peer.name, bytesIn: num('bytes_in'), bytesOut: num('bytes_out'), messagesIn: num('messages_in'), messagesOut: num('messages_out'), lastInputAgeMs: num('last_input_age_ms'), sendQueueBytes: num('send_queue_bytes') }];
  }
  if (!isTuple(c) || !(c[0] instanceof Atom)) return [];
  const stats = new Map<string, number>();
  const reply = c[1];
  if (isTuple(reply) && reply[0] === atom('ok') && isList(reply[1])) {
    for (const s of reply[1]) if (isTuple(s) && s[0] instanceof Atom && typeof s[1] === 'number') stats.set(s[0].name, s[1]);
  }
  const stat = (k: string): number | null => stats.get(k) ?? null;
  return [{ peer: c[0].name, bytesIn: stat('recv_oct'), bytesOut: stat('send_oct'), messagesIn: stat('recv_cnt'), messagesOut: stat('send_cnt'), lastInputAgeMs: null, sendQueueBytes: stat('send_pend') }];
}

/** The type of `peer` in a reading: visible unless the node lists it as hidden. */
export function typeOf(reading: Reading, peer: string): ConnectionReport['type'] {
  return reading.hidden.includes(peer) ? 'hidden' : 'visible';
}
