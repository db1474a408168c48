/**
 * What a node gives pg's scopes (src/pg/start.ts): its processes and names, the visible nodes a
 * scope discovers, nodeups as events, and `send(…, [noconnect])`'s test of a live connection.
 */
import type { Atom, Pid, Term, TermInput } from '../term/types.js';
import type { Destination, Process } from '../process/process.js';
import type { PgNode } from '../pg/start.js';

/** The parts of a `Node` pg uses (an interface, so this file needs no import of node.ts). */
export interface PgHostNode {
  readonly nodeAtom: Atom;
  readonly netKernel: { connection(node: string): unknown };
  spawn(fn: (self: Process) => unknown): Pid;
  register(name: string | Atom, pid: Pid): boolean;
  whereis(name: string | Atom): Pid | undefined;
  isAlive(pid: Pid): boolean;
  nodes(kind: 'visible'): string[];
  send(dest: Destination, message: TermInput): void;
  on(event: 'nodeup', fn: (node: string, visible: boolean) => void): unknown;
  off(event: 'nodeup', fn: (node: string, visible: boolean) => void): unknown;
  call(dest: Destination, request: TermInput, timeoutMs: number): Promise<Term>;
}

export function pgHost(node: PgHostNode, log: (line: string) => void): PgNode {
  return {
    get nodeAtom() {
      return node.nodeAtom;
    },
    spawn: (fn) => node.spawn(fn),
    register: (name, pid) => node.register(name, pid),
    whereis: (name) => node.whereis(name),
    isAlive: (pid) => node.isAlive(pid),
    visibleNodes: () => node.nodes('visible'),
    connected: (peer) => node.netKernel.connection(peer) !== undefined,
    send: (dest, message) => node.send(dest, message),
    onNodeUp: (fn) => {
      node.on('nodeup', fn);
      return () => void node.off('nodeup', fn);
    },
    call: (dest, request, timeoutMs) => node.call(dest, request, timeoutMs),
    log,
  };
}
