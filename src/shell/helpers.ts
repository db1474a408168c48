/**
 * The names a shell input sees besides JS's globals (DESIGN.md "Term mapping", "The library's
 * shape"): the node and the shell's process, term constructors, and the erl shell's own helpers
 * (`flush()`, `q()`, `help()`).
 */
import { Atom, atom, float, tuple, type Pid, type Term, type TermInput } from '../term/types.js';
import { parse, term } from '../term/parse.js';
import { TIMEOUT, type ReceiveOptions } from '../process/mailbox.js';
import type { Destination, Process } from '../process/process.js';
import { valueText } from './exception-text.js';

/**
 * The node as a shell sees it: what the helpers call, and what the shell binds as `node` (the
 * node's own object, so its whole API is there to type).
 */
export interface ShellNode {
  /** The node's name now (it changes with net_kernel:start/stop). */
  readonly nodeAtom: Atom;
  nodes(kind?: NodeKind): string[];
  ping(peer: string): Promise<'pong' | 'pang'>;
  readonly rpc: { call(node: string | Atom, m: string | Atom, f: string | Atom, args: Term[]): Promise<Term> };
  spawn(fn: (self: Process) => unknown): Pid;
}

/** The kinds `nodes/1` takes. */
export type NodeKind = 'visible' | 'hidden' | 'connected' | 'known';
const NODE_KINDS: ReadonlySet<string> = new Set(['visible', 'hidden', 'connected', 'known', 'this']);

/** What the helpers need from the shell that binds them. */
export interface HelperHost {
  /** The node the shell runs on (its name is read when used: it changes with net_kernel:start/stop). */
  readonly node: ShellNode;
  /** The shell's process now (a new one after it was killed, as erl restarts its evaluator). */
  self(): Process;
  /** `q()`: stops the node, as `init:stop()` does in erl. */
  quit(): void;
}

const HELP = `noderl shell helpers (JavaScript; a result prints in Erlang syntax, a promise is awaited):
  node, self               the Node and this shell's process (self.pid, self.send, self.receive, ...)
  atom('a'), tuple(...), float(1), term\`{ok, \${self.pid}}\`, parse('[1,2]')   make terms
  format(t)                a term as Erlang text
  send(Dest, Msg)          Dest ! Msg (a pid, a registered name, or tuple(atom(Name), atom(Node)))
  receive(Ms?)             the next message (TIMEOUT after Ms milliseconds)
  flush()                  prints and removes every queued message, as erl's flush()
  nodes(Kind?), ping(N), rpc(N, M, F, Args)   Kind: 'hidden', atom('connected'), [visible, hidden], ...
                           (in the shell node.nodes() gives atoms too, as nodes() does)
  x = 1                    binds x for later lines (let/const/var at the start do the same)
  q()                      stops the node; end of input (^D) leaves the shell
`;

/** The helper bindings for a shell. */
export function shellHelpers(host: HelperHost): Record<string, unknown> {
  const self = (): Process => host.self();
  return {
    node: withAtomNodes(host.node),
    atom,
    tuple,
    float,
    term,
    parse,
    TIMEOUT,
    format: (t: Term) => valueText(t, host.node.nodeAtom),
    send: (dest: Destination, msg: TermInput) => (self().send(dest, msg), msg),
    receive: (opts?: number | ReceiveOptions) => self().receive(typeof opts === 'number' ? { timeout: opts } : opts),
    flush: async () => {
      await new Promise((resolve) => setImmediate(resolve)); // local sends are delivered on a later microtask
      for (let m = await self().receive({ timeout: 0 }); m !== TIMEOUT; m = await self().receive({ timeout: 0 })) {
        await self().print(`Shell got ${valueText(m, host.node.nodeAtom)}\n`);
      }
      return atom('ok');
    },
    nodes: (kind?: unknown) => nodesOf(host.node, kind),
    ping: (peer: string | Atom) => host.node.ping(typeof peer === 'string' ? peer : peer.name).then(atom),
    rpc: (peer: string | Atom, m: string | Atom, f: string | Atom, args: Term[]) =>
      host.node.rpc.call(typeof peer === 'string' ? peer : peer.name, m, f, args),
    q: () => (host.quit(), atom('ok')),
    help: async () => (await self().print(HELP), atom('ok')),
  };
}

/**
 * `nodes/0,1` as Erlang gives them: atoms, for a kind (a string or an atom) or a list of kinds
 * (`this` is the node itself); an unknown kind is badarg.
 */
function nodesOf(node: ShellNode, kind: unknown): Atom[] {
  const kinds = kind === undefined ? ['visible'] : (Array.isArray(kind) ? kind : [kind]).map(kindName);
  const out: Atom[] = [];
  for (const k of kinds) {
    if (k === 'this') out.push(node.nodeAtom);
    else for (const n of node.nodes(k as NodeKind)) out.push(atom(n));
  }
  return [...new Set(out)];
}

function kindName(k: unknown): string {
  const name = typeof k === 'string' ? k : k instanceof Atom ? k.name : undefined;
  if (name === undefined || !NODE_KINDS.has(name)) throw new TypeError(`nodes(): not a node kind: ${String(k)} (visible, hidden, connected, known, this)`);
  return name;
}

/** The node as the shell binds it: its own object, except that `nodes()` gives atoms like the helper. */
function withAtomNodes(node: ShellNode): ShellNode {
  return new Proxy(node, {
    get: (target, key) => {
      if (key === 'nodes') return (kind?: unknown) => nodesOf(target, kind);
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
