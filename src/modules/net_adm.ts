/**
 * The `net_adm` functions a noderl node serves (OTP 25 lib/kernel/src/net_adm.erl): `ping/1`
 * (connect, then `{is_auth, node()}` to the peer's net_kernel: `pong`, else disconnect and
 * `pang`), `localhost/0` (the host's name, as `inet:gethostname/0`), and `names/0,1` (the port
 * mapper's registered names, as erl_epmd:names/1: `{ok, [{Name, Port}]}`, `{error, address}`
 * when no port mapper answers, `{error, nxdomain}` for a host that does not resolve).
 */
import { lookup } from 'node:dns/promises';
import { atom, Atom, isList, isTuple, tuple, type Term } from '../term/types.js';
import { OK } from '../term/atoms.js';
import { codePoints } from '../term/io-format.js';
import type { Process } from '../process/process.js';
import { arities, type BuiltinModule } from './registry.js';
import { clause } from './cons.js';

/** What net_adm needs of its node. */
export interface NetAdmHost {
  /** `net_adm:ping/1` of the node (src/node/node.ts). */
  ping(peer: string): Promise<'pong' | 'pang'>;
  /** This host's name (`inet:gethostname/0`). */
  hostname(): string;
  /** The names registered with the port mapper on `host`, or undefined when none answered. */
  names(host: string): Promise<{ name: string; port: number }[] | undefined>;
}

const ERROR = atom('error');

/** A host as erl_epmd takes it: an atom, a string, or an IPv4/IPv6 address tuple; undefined for anything else. */
function hostText(h: Term): string | undefined {
  if (h instanceof Atom) return h.name;
  if (isList(h) && h.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 0 && c <= 0x10ffff)) return String.fromCodePoint(...(h as number[]));
  if (isTuple(h) && h.length === 4 && h.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255)) return h.join('.');
  if (isTuple(h) && h.length === 8 && h.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffff)) return h.map((x) => (x as number).toString(16)).join(':');
  return undefined;
}

async function names(host: NetAdmHost, h: Term | undefined): Promise<Term> {
  const text = h === undefined ? host.hostname() : hostText(h);
  if (text === undefined) throw clause('erl_epmd', 'open', [h!]); // where erl_epmd:names/1 fails on it
  try {
    await lookup(text);
  } catch {
    return tuple(ERROR, atom('nxdomain'));
  }
  const found = await host.names(text);
  if (found === undefined) return tuple(ERROR, atom('address'));
  // erl_epmd collects the port mapper's lines front to back onto a list: the last one comes first.
  return tuple(OK, found.map(({ name, port }) => tuple(codePoints(name), port)).reverse());
}

/** The `net_adm` module of a node. */
export function netAdmModule(host: NetAdmHost): BuiltinModule {
  return {
    ping: async (_self, node) => {
      if (!(node instanceof Atom)) throw clause('net_adm', 'ping', [node!]);
      return atom(await host.ping(node.name));
    },
    localhost: () => codePoints(host.hostname()),
    names: arities([0, 1], (_self: Process, h?: Term) => names(host, h)),
  };
}
