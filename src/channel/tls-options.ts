/**
 * TLS distribution's options, as OTP's `inet_tls_dist` takes them: the `-ssl_dist_optfile` file
 * (`[{server, [...]}, {client, [...]}]`, Erlang terms) or `-ssl_dist_opt server_K V client_K V`,
 * turned into the options of Node's `tls` for each side of a connection. What Node's options
 * cannot say (OTP's `depth`, and `verify_peer` without `fail_if_no_peer_cert`, which verifies a
 * certificate only when the peer sends one) is kept beside them and checked by
 * src/channel/tls-transport.ts once the TLS handshake is done.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, SecureVersion, TlsOptions } from 'node:tls';
import { parse } from '../term/parse.js';
import { charsToString } from '../term/io-format.js';
import { Atom, isList, isTuple, type Term } from '../term/types.js';

/** Node `tls` options for each role a distribution connection can have. */
export interface TlsDistOptions {
  /** For connections this node accepts (`tls.TLSSocket` with `isServer`). */
  server: TlsOptions;
  /** For connections this node dials (`tls.connect`); `servername` defaults to the peer's host. */
  client: ConnectionOptions;
}

/** Checks made after the TLS handshake, for what Node's options cannot express. */
export interface PeerChecks {
  /** OTP's `depth`: most intermediate CA certificates allowed between the peer's and the trusted root. */
  depth?: number;
  /** `verify_peer` without `fail_if_no_peer_cert` (server): a certificate sent must verify, none is fine. */
  verifyIfSent?: boolean;
  /** The client's `server_name_indication` (a host name to check the certificate against, or `disable`). */
  serverName?: string | false;
}

/** One side's Node options and the checks that go with them. */
export interface TlsSide<O> {
  options: O;
  checks: PeerChecks;
}

/** What a TLS-distributed node runs with: built by {@link tlsDistConfig}. */
export interface TlsDistConfig {
  server: TlsSide<TlsOptions>;
  client: TlsSide<ConnectionOptions>;
}

/** An option of the optfile or of `--ssl-dist-opt` that noderl does not take, or takes in another form. */
export class TlsOptionError extends Error {
  readonly code = 'ERR_NODERL_SSL_DIST_OPT';
  constructor(
    message: string,
    /** The option's name (`certfile`, `verify`, …), when one option is at fault. */
    readonly option?: string,
    /** Which list it was in. */
    readonly side?: 'server' | 'client',
  ) {
    super(message);
    this.name = 'TlsOptionError';
  }
}

type Side = 'server' | 'client';
/** What one option does to a side's Node options: `value` is the option's term. */
type Apply = (value: Term, into: Building, side: Side) => void;

interface Building {
  node: TlsOptions & ConnectionOptions;
  checks: PeerChecks;
  verify?: 'verify_peer' | 'verify_none';
  failIfNoPeerCert?: boolean;
  versions?: boolean;
}

const VERSIONS: Record<string, SecureVersion> = { tlsv1: 'TLSv1', 'tlsv1.1': 'TLSv1.1', 'tlsv1.2': 'TLSv1.2', 'tlsv1.3': 'TLSv1.3' };
const VERSION_ORDER: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * The options OTP 25 lists for TLS distribution (inet_tls_dist's `ssl_option/2`, plus `versions`
 * and `server_name_indication`, which an optfile may hold as any `ssl` option), each with what it
 * becomes in Node. The ones that concern only OTP's Erlang processes are accepted and have no
 * effect here; those whose work Node cannot do are refused by name.
 */
const OPTIONS: Record<string, Apply> = {
  certfile: (v, b, s) => (b.node.cert = readNamed(v, 'certfile', s)),
  keyfile: (v, b, s) => (b.node.key = readNamed(v, 'keyfile', s)),
  cacertfile: (v, b, s) => (b.node.ca = readNamed(v, 'cacertfile', s)),
  dhfile: (v, b, s) => (s === 'server' ? (b.node.dhparam = readNamed(v, 'dhfile', s)) : serverOnly('dhfile')),
  password: (v, b, s) => (b.node.passphrase = text(v, 'password', s)),
  verify: (v, b, s) => (b.verify = oneOf(v, ['verify_peer', 'verify_none'] as const, 'verify', s)),
  fail_if_no_peer_cert: (v, b, s) => (s === 'server' ? (b.failIfNoPeerCert = bool(v, 'fail_if_no_peer_cert', s)) : serverOnly('fail_if_no_peer_cert')),
  depth: (v, b, s) => (b.checks.depth = integer(v, 'depth', s)),
  versions: (v, b, s) => ((b.versions = true), Object.assign(b.node, versionRange(v, s))),
  ciphers: (v, b, s) => (b.node.ciphers = cipherList(v, s)),
  server_name_indication: (v, b, s) => {
    if (s === 'server') throw new TlsOptionError('server_name_indication is a client option (put it in the client list)', 'server_name_indication', s);
    b.checks.serverName = v instanceof Atom && v.name === 'disable' ? false : text(v, 'server_name_indication', s);
  },
  secure_renegotiate: (v, _b, s) => {
    // OpenSSL in Node always insists on RFC 5746 secure renegotiation: only `true` says what happens.
    if (!bool(v, 'secure_renegotiate', s)) throw new TlsOptionError('secure_renegotiate false: Node (OpenSSL) always requires secure renegotiation', 'secure_renegotiate', s);
  },
  // A full handshake on every connection is what OTP does with false; with true OTP may resume.
  reuse_sessions: (v, _b, s) => void bool(v, 'reuse_sessions', s),
  // When OTP's TLS connection processes hibernate: there are no such processes here.
  hibernate_after: (v, _b, s) => void integer(v, 'hibernate_after', s),
  // OTP adds {erl_dist, true} itself; a file may say it again.
  erl_dist: (v, _b, s) => void bool(v, 'erl_dist', s),
};

/** Options OTP takes that need Erlang code or OTP's own caches: named in the refusal. */
const UNSUPPORTED: Record<string, string> = {
  verify_fun: 'it names an Erlang function, which a Node process cannot call',
  crl_check: 'CRL checking through OTP’s CRL cache is not supported by noderl',
  crl_cache: 'CRL checking through OTP’s CRL cache is not supported by noderl',
  ktls: 'kernel TLS offload is not supported by noderl',
};

/**
 * The optfile's text (what `erl -ssl_dist_optfile F` reads) as Node options. Files it names are
 * read now, relative to the working directory as erl reads them. Throws {@link TlsOptionError}
 * (or the term parser's `TermSyntaxError`) naming what is wrong.
 */
export function readOptfile(text: string): TlsDistConfig {
  const terms = parse(text);
  if (!isList(terms)) throw new TlsOptionError('the ssl_dist optfile must hold one list: [{server, [...]}, {client, [...]}]');
  const lists: Record<Side, Term[]> = { server: [], client: [] };
  for (const entry of terms) {
    if (!isTuple(entry) || entry.length !== 2 || !(entry[0] instanceof Atom) || !isList(entry[1]) || (entry[0].name !== 'server' && entry[0].name !== 'client')) {
      throw new TlsOptionError('each element of the ssl_dist optfile must be {server, Options} or {client, Options}');
    }
    lists[entry[0].name as Side].push(...entry[1]);
  }
  return { server: buildSide('server', lists.server), client: buildSide('client', lists.client) };
}

/**
 * `erl -ssl_dist_opt server_certfile F client_verify verify_peer ...` as the optfile that says the
 * same (for {@link readOptfile}): each key is `server_` or `client_` and an option name; each value
 * is text, made into the option's term as inet_tls_dist's `ssl_option/2` does (atoms for `verify`
 * and the booleans, integers for `depth`; `versions` is written as an Erlang term).
 */
export function distOptsText(pairs: ReadonlyArray<readonly [string, string]>): string {
  const lists: Record<Side, string[]> = { server: [], client: [] };
  for (const [key, value] of pairs) {
    const match = /^(server|client)_(.+)$/.exec(key);
    if (!match) throw new TlsOptionError(`--ssl-dist-opt key '${key}' must start with server_ or client_`, key);
    lists[match[1] as Side].push(`{${quoteAtom(match[2]!)}, ${optionTermText(match[2]!, value)}}`);
  }
  return `[{server, [${lists.server.join(', ')}]}, {client, [${lists.client.join(', ')}]}].`;
}

/** Node `tls` options given directly: used as they are, with no checks beyond Node's. */
export function fromNodeOptions(options: TlsDistOptions): TlsDistConfig {
  return { server: { options: { ...options.server }, checks: {} }, client: { options: { ...options.client }, checks: {} } };
}

function buildSide(side: Side, list: Term[]): TlsSide<TlsOptions & ConnectionOptions> {
  const b: Building = { node: {}, checks: {} };
  for (const item of list) {
    if (!isTuple(item) || item.length !== 2 || !(item[0] instanceof Atom)) {
      throw new TlsOptionError(`the ${side} options must be {Key, Value} tuples, not ${describe(item)}`, undefined, side);
    }
    const name = item[0].name;
    const apply = OPTIONS[name];
    if (apply === undefined) {
      const why = UNSUPPORTED[name];
      throw new TlsOptionError(why === undefined ? `unknown ssl_dist option '${name}' in the ${side} list` : `ssl_dist option '${name}' (${side}): ${why}`, name, side);
    }
    apply(item[1], b, side);
  }
  // inet_tls_dist's dist_defaults/1: options given and no versions means TLS 1.2 only.
  if (list.length > 0 && !b.versions) Object.assign(b.node, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
  // OTP reads the key from the certificate file when no keyfile is given.
  if (b.node.cert !== undefined && b.node.key === undefined) b.node.key = b.node.cert;
  const verifyPeer = b.verify === 'verify_peer';
  if (side === 'server') {
    b.node.requestCert = verifyPeer;
    b.node.rejectUnauthorized = verifyPeer && b.failIfNoPeerCert === true;
    if (verifyPeer && b.failIfNoPeerCert !== true) b.checks.verifyIfSent = true;
  } else {
    // OTP 25's client default is verify_none (it warns); verify_peer also checks the host name.
    b.node.rejectUnauthorized = verifyPeer;
  }
  return { options: b.node, checks: b.checks };
}

function readNamed(value: Term, option: string, side: Side): Buffer {
  const path = text(value, option, side);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TlsOptionError(`ssl_dist option ${option} (${side}): cannot read ${path}: ${(err as Error).message}`, option, side);
  }
}

function text(value: Term, option: string, side: Side): string {
  try {
    if (isList(value) || Buffer.isBuffer(value)) return charsToString(value, true);
  } catch {
    // not character data: the error below
  }
  throw new TlsOptionError(`ssl_dist option ${option} (${side}) must be a string, not ${describe(value)}`, option, side);
}

function oneOf<T extends string>(value: Term, names: readonly T[], option: string, side: Side): T {
  if (value instanceof Atom && (names as readonly string[]).includes(value.name)) return value.name as T;
  throw new TlsOptionError(`ssl_dist option ${option} (${side}) must be one of ${names.join(', ')}, not ${describe(value)}`, option, side);
}

/** The parser reads the atoms `true` and `false` as JS booleans. */
function bool(value: Term, option: string, side: Side): boolean {
  if (typeof value === 'boolean') return value;
  throw new TlsOptionError(`ssl_dist option ${option} (${side}) must be true or false, not ${describe(value)}`, option, side);
}

function integer(value: Term, option: string, side: Side): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new TlsOptionError(`ssl_dist option ${option} (${side}) must be a non-negative integer, not ${describe(value)}`, option, side);
}

function serverOnly(option: string): never {
  throw new TlsOptionError(`${option} is a server option (put it in the server list)`, option, 'client');
}

/** Node takes a range of versions: the list must be one without gaps. */
function versionRange(value: Term, side: Side): { minVersion: SecureVersion; maxVersion: SecureVersion } {
  const names = isList(value) ? value.map((v) => (v instanceof Atom ? VERSIONS[v.name] : undefined)) : [undefined];
  if (names.length === 0 || names.some((n) => n === undefined)) {
    throw new TlsOptionError(`ssl_dist option versions (${side}) must be a list of tlsv1, 'tlsv1.1', 'tlsv1.2', 'tlsv1.3', not ${describe(value)}`, 'versions', side);
  }
  const indexes = [...new Set(names.map((n) => VERSION_ORDER.indexOf(n!)))].sort();
  if (indexes[indexes.length - 1]! - indexes[0]! + 1 !== indexes.length) {
    throw new TlsOptionError(`ssl_dist option versions (${side}): Node takes a range of TLS versions, and ${describe(value)} has a gap`, 'versions', side);
  }
  return { minVersion: VERSION_ORDER[indexes[0]!]!, maxVersion: VERSION_ORDER[indexes[indexes.length - 1]!]! };
}

/** OpenSSL cipher names, as one `:`-separated string or a list of strings. */
function cipherList(value: Term, side: Side): string {
  if (isList(value) && value.length > 0 && value.every((c) => isList(c) && c.length > 0)) return value.map((c) => text(c, 'ciphers', side)).join(':');
  return text(value, 'ciphers', side);
}

/** How `-ssl_dist_opt` values become terms (inet_tls_dist's listify, atomize, list_to_integer). */
function optionTermText(name: string, value: string): string {
  if (name === 'verify' || name === 'fail_if_no_peer_cert' || name === 'secure_renegotiate' || name === 'reuse_sessions') return quoteAtom(value);
  if (name === 'depth' || name === 'hibernate_after') return /^\d+$/.test(value) ? value : JSON.stringify(value);
  if (name === 'versions' || name === 'server_name_indication' && value === 'disable') return value;
  return JSON.stringify(value).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}

function quoteAtom(name: string): string {
  return `'${name.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

function describe(value: Term): string {
  if (value instanceof Atom) return value.name;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return isTuple(value) ? 'a tuple' : isList(value) ? 'a list' : typeof value;
}
