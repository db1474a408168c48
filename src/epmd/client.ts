/**
 * The port mapper client: what kernel's `erl_epmd.erl` does for an OTP node (otp-distribution.md
 * §1, §1.3). A node registers with ALIVE2 and keeps that socket open for its whole life; a peer is
 * found with one PORT_PLEASE2 per connection attempt; NAMES, DUMP, KILL and STOP serve the tools.
 *
 * Every request opens its own connection and reads its reply as a stream: a reply may arrive in
 * any number of chunks, and the one-shot replies (NAMES, DUMP, STOP) end when the daemon closes.
 * Sockets are destroyed on every path, and one deadline covers connecting and the whole reply.
 */
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import {
  alive2Request,
  epmdPort,
  EpmdProtocolError,
  MAX_NAME_BYTES,
  NODE_TYPE_NORMAL,
  parseAlive2Reply,
  parseDumpReply,
  parseKillReply,
  parseNamesReply,
  parsePort2Reply,
  PROTOCOL_TCP,
  request,
  Request,
  type NodeRegistration,
} from './protocol.js';

export type { NodeRegistration } from './protocol.js';

/** Where the port mapper is, and how long to wait for it. */
export interface EpmdOptions {
  /** The daemon's host. Default `'localhost'`, which dials 127.0.0.1 (then ::1), as erl_epmd registers through 127.0.0.1. */
  host?: string;
  /** The daemon's port. Default `ERL_EPMD_PORT`, else 4369 (`epmdPort()`). */
  port?: number;
  /** How long connecting and the whole reply may take, in ms. Default 5000. */
  timeoutMs?: number;
}

/** Why a port mapper request failed. */
export type EpmdErrorCode =
  /** Nothing answered: connection refused, host unreachable, or no reply before the deadline. */
  | 'ERR_NODERL_EPMD_UNREACHABLE'
  /** ALIVE2 was answered with a non-zero result: the name is registered by a live node. */
  | 'ERR_NODERL_NAME_IN_USE'
  /** The daemon closed the connection without answering, as epmd does for a request it does not allow. */
  | 'ERR_NODERL_EPMD_REFUSED'
  /** The daemon answered with bytes that are not a reply to the request, or closed mid-reply. */
  | 'ERR_NODERL_EPMD_PROTOCOL';

/** A port mapper request that failed, with the daemon it was sent to. */
export class EpmdError extends Error {
  constructor(
    readonly code: EpmdErrorCode,
    message: string,
    /** The daemon's host, as given (`localhost` by default). */
    readonly host: string,
    /** The daemon's port. */
    readonly port: number,
    /** For a protocol error: the bytes the daemon sent. */
    readonly received?: Buffer,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'EpmdError';
  }
}

const DEFAULT_HOST = 'localhost';
const DEFAULT_TIMEOUT_MS = 5000;
/** A reply read until close (NAMES, DUMP, STOP) larger than this is not from a port mapper. */
const MAX_REPLY_BYTES = 4 * 1024 * 1024;
/** Shown of a bad reply in an error message. */
const SHOWN_BYTES = 64;
/** Connect errors after which the next address of `localhost` is worth trying. */
const TRY_NEXT_ADDRESS = new Set(['ECONNREFUSED', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'ENETUNREACH', 'EHOSTUNREACH']);

/** The daemon a request goes to, with the defaults filled in. */
interface Target {
  host: string;
  port: number;
  timeoutMs: number;
}

function target(opts: EpmdOptions = {}): Target {
  return {
    host: opts.host ?? DEFAULT_HOST,
    port: opts.port ?? epmdPort(),
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

function where(t: Target): string {
  return `epmd at ${t.host}:${t.port}`;
}

/** The addresses to dial for a host: `localhost` is 127.0.0.1 first, as erl_epmd and the epmd CLI use IPv4 loopback. */
function addresses(host: string): string[] {
  return host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
}

/** What was received, for an error message: printable text as text, anything else as hex. */
function describeBytes(bytes: Buffer): string {
  if (bytes.length === 0) return 'nothing';
  const shown = bytes.subarray(0, SHOWN_BYTES);
  const more = bytes.length > SHOWN_BYTES ? ` … (${bytes.length} bytes)` : '';
  const text = shown.toString('latin1');
  if (/^[\x20-\x7e\r\n\t]*$/.test(text)) return `${JSON.stringify(text)}${more}`;
  return `<${shown.toString('hex').replace(/(..)(?!$)/g, '$1 ')}>${more}`;
}

function protocolError(t: Target, what: string, received: Buffer, cause?: unknown): EpmdError {
  const detail = cause instanceof EpmdProtocolError ? `${cause.message}; ` : '';
  return new EpmdError(
    'ERR_NODERL_EPMD_PROTOCOL',
    `${where(t)} sent a bad ${what} reply: ${detail}received ${describeBytes(received)}`,
    t.host,
    t.port,
    received,
    cause === undefined ? undefined : { cause },
  );
}

/** How to read the reply to one request. */
interface ReplyReader<T> {
  /**
   * The value from what has arrived so far, or `undefined` to wait for more. `ended` is true once
   * the daemon has closed; `undefined` then means the reply was cut short (or, with no byte at
   * all, refused). Throws EpmdProtocolError for bytes that are no such reply.
   */
  read(received: Buffer, ended: boolean): T | undefined;
  /** The reply lasts until the daemon closes (NAMES, DUMP, STOP): read it once, at the end. */
  atClose?: boolean;
}

/** A settled request: the value, and the socket, which is still open only when asked to keep it. */
interface Answer<T> {
  value: T;
  socket: Socket;
}

/**
 * Dials the host's addresses in turn until one accepts; `onSocket` sees each attempt, so the
 * caller's deadline can destroy it. The listeners are attached in the connect callback itself, so
 * no error can arrive unheard between connecting and reading.
 */
function dial(t: Target, onSocket: (socket: Socket) => void, onConnect: (socket: Socket) => void, onFail: (err: NodeJS.ErrnoException) => void): void {
  const list = addresses(t.host);
  const attempt = (i: number): void => {
    const socket = connect({ host: list[i], port: t.port });
    onSocket(socket);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (i + 1 < list.length && TRY_NEXT_ADDRESS.has(err.code ?? '')) attempt(i + 1);
      else onFail(err);
    });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      onConnect(socket);
    });
  };
  attempt(0);
}

/**
 * Sends one request and reads its reply. The socket is destroyed when the request settles, unless
 * `keepOpen` (a registration), when it is handed over with its listeners removed but an error guard.
 */
function ask<T>(t: Target, what: string, bytes: Buffer, reader: ReplyReader<T>, keepOpen = false): Promise<Answer<T>> {
  return new Promise((resolve, reject) => {
    let current: Socket | undefined;
    let settled = false;
    let chunks: Buffer[] = [];
    let received = 0;

    const finish = (err: Error | undefined, value?: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const socket = current as Socket;
      if (err !== undefined || !keepOpen) socket?.destroy();
      if (err !== undefined) return reject(err);
      if (keepOpen) {
        for (const event of ['data', 'end', 'error', 'close']) socket.removeAllListeners(event);
        socket.on('error', () => {}); // until the new owner listens, in this same turn
      }
      resolve({ value: value as T, socket });
    };

    const timer = setTimeout(() => {
      const state = current?.connecting === false ? `no ${what} reply` : 'no connection';
      finish(new EpmdError('ERR_NODERL_EPMD_UNREACHABLE', `${state} from ${where(t)} within ${t.timeoutMs} ms`, t.host, t.port));
    }, t.timeoutMs);

    const tryRead = (ended: boolean): void => {
      if (settled || (reader.atClose && !ended)) return;
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      chunks = [all];
      let value: T | undefined;
      try {
        value = reader.read(all, ended);
      } catch (err) {
        return finish(protocolError(t, what, all, err));
      }
      if (value !== undefined) finish(undefined, value);
      else if (ended && all.length === 0) finish(refused(t, what));
      else if (ended) finish(protocolError(t, what, all, new EpmdProtocolError(`the daemon closed after ${all.length} bytes`)));
    };

    const onConnect = (socket: Socket): void => {
      if (settled) return void socket.destroy();
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received > MAX_REPLY_BYTES) {
          finish(protocolError(t, what, chunks[0], new EpmdProtocolError(`the reply exceeds ${MAX_REPLY_BYTES} bytes`)));
        } else tryRead(false);
      });
      socket.on('end', () => tryRead(true));
      socket.on('error', (err: NodeJS.ErrnoException) => {
        // A reset mid-reply is the daemon closing early; anything else means it is gone.
        if (err.code === 'ECONNRESET' || err.code === 'EPIPE') tryRead(true);
        else finish(unreachable(t, err));
      });
      socket.on('close', () => tryRead(true));
      socket.write(bytes);
    };

    dial(t, (socket) => (current = socket), onConnect, (err) => finish(unreachable(t, err)));
  });
}

/** epmd closes without a byte when it refuses: ALIVE2, DUMP, KILL or STOP from a non-local peer. */
function refused(t: Target, what: string): EpmdError {
  return new EpmdError(
    'ERR_NODERL_EPMD_REFUSED',
    `${where(t)} closed the connection without answering ${what} (epmd refuses ALIVE2, DUMP, KILL and STOP from non-local peers)`,
    t.host,
    t.port,
  );
}

function unreachable(t: Target, err: NodeJS.ErrnoException): EpmdError {
  return new EpmdError('ERR_NODERL_EPMD_UNREACHABLE', `cannot reach ${where(t)}: ${err.code ?? err.message}`, t.host, t.port, undefined, {
    cause: err,
  });
}

/** A reply that lasts until the daemon closes the connection; no byte at all is a refusal. */
function untilClose<T>(parse: (bytes: Buffer) => T): ReplyReader<T> {
  return { atClose: true, read: (received) => (received.length > 0 ? parse(received) : undefined) };
}

function checkName(name: string): Buffer {
  const bytes = Buffer.from(name, 'utf8');
  // epmd answers ALIVE2 for a name over 255 characters with the same Result 1 as a clash.
  if (bytes.length === 0 || bytes.length > MAX_NAME_BYTES || [...name].length > 255 || name.includes('@')) {
    throw new RangeError(`${JSON.stringify(name)} is not an alive name (the part before @, 1 to 255 characters)`);
  }
  return bytes;
}

/**
 * PORT_PLEASE2: where the node with this alive name (`a` of `a@host`) accepts distribution
 * connections, or `null` when it is not registered.
 */
export async function lookupNode(name: string, opts?: EpmdOptions): Promise<NodeRegistration | null> {
  const body = checkName(name);
  const t = target(opts);
  return (await ask(t, 'PORT_PLEASE2', request(Request.PORT_PLEASE2, body), { read: parsePort2Reply })).value;
}

/** NAMES: the daemon's own port (which `net_adm:names` checks) and every registered node. */
export async function listNames(opts?: EpmdOptions): Promise<{ epmdPort: number; nodes: { name: string; port: number }[] }> {
  const t = target(opts);
  return (await ask(t, 'NAMES', request(Request.NAMES), untilClose(parseNamesReply))).value;
}

/** DUMP: the daemon's table, active and remembered names, as text with the NULs ending each entry removed. Local peers only. */
export async function dumpEpmd(opts?: EpmdOptions): Promise<string> {
  const t = target(opts);
  return (await ask(t, 'DUMP', request(Request.DUMP), untilClose((bytes) => parseDumpReply(bytes).entries.join('')))).value;
}

/** KILL: `'OK'` when the daemon exits, `'NO'` when nodes are registered and it runs without `-relaxed_command_check`. Local peers only. */
export async function killEpmd(opts?: EpmdOptions): Promise<'OK' | 'NO'> {
  const t = target(opts);
  return (await ask(t, 'KILL', request(Request.KILL), { read: parseKillReply })).value;
}

/**
 * STOP: makes the daemon drop a name and close that node's registration socket. Resolves to what
 * the daemon answered, `'STOPPED'` or `'NOEXIST'` (OTP 25's epmd sends `'NOEXISTSTOPPED'`, §1.1),
 * or `''` when it closed without answering, as epmd does without `-relaxed_command_check`.
 */
export async function stopName(name: string, opts?: EpmdOptions): Promise<string> {
  const body = checkName(name);
  const t = target(opts);
  return (await ask(t, 'STOP', request(Request.STOP, body), { atClose: true, read: (received) => received.toString('utf8') })).value;
}

/** True when a port mapper answers a NAMES request there. */
export async function isEpmdRunning(opts?: EpmdOptions): Promise<boolean> {
  try {
    await listNames(opts);
    return true;
  } catch (err) {
    if (err instanceof EpmdError) return false;
    throw err;
  }
}

/** What a node registers: its alive name and distribution port. */
export interface NodeToRegister {
  /** The alive part of the node name (`a` of `a@host`). */
  name: string;
  /** The TCP port the node accepts distribution connections on. */
  port: number;
  /** Recorded only: OTP registers NodeType 77 for hidden nodes too (erl_epmd hard-codes `$M`). */
  hidden?: boolean;
  /** Default 6. Below 6 the daemon answers with a 16-bit creation (1..3). */
  highestVersion?: number;
  /** Default 5, what OTP 25 sends (§1.1). */
  lowestVersion?: number;
  extra?: Buffer;
}

export interface EpmdRegistrationEvents {
  /** The daemon closed the registration socket, or it failed: the name is no longer registered. */
  lost: [Error];
}

/**
 * A node's registration with the port mapper: the name stays registered while this socket stays
 * open (§1.2), so it keeps the process alive until `close()`. Emits `'lost'` when the daemon
 * closes it (`epmd -stop`, daemon exit); OTP's erl_epmd would then re-register every 2 s, which is
 * the owner's choice here.
 */
export class EpmdRegistration extends EventEmitter<EpmdRegistrationEvents> {
  private closing?: Promise<void>;
  private lostOrClosed = false;

  private constructor(
    private readonly socket: Socket,
    /** The alive name registered. */
    readonly name: string,
    /** The distribution port registered. */
    readonly port: number,
    /** The node incarnation the daemon assigned: 32-bit from a `v` reply, 1..3 from a `y` reply. */
    readonly creation: number,
    readonly hidden: boolean,
    /** The daemon's host and port. */
    readonly epmdHost: string,
    readonly epmdPort: number,
  ) {
    super();
    socket.removeAllListeners('error');
    socket.on('data', () => {}); // epmd sends nothing more; a stray byte does not end the registration
    socket.on('error', (err) => this.lose(err));
    const closed = (): void => this.lose(new Error(`epmd at ${epmdHost}:${epmdPort} closed the registration of ${name}`));
    socket.on('close', closed);
    // Closed between the reply and here (the promise hop): report it once the owner can listen.
    if (socket.destroyed) setImmediate(closed);
  }

  /**
   * ALIVE2_REQ, as OTP 25 sends it (NodeType 77, protocol 0, highest 6, lowest 5). Resolves once
   * the daemon assigned a creation; rejects with `ERR_NODERL_NAME_IN_USE` when the name is taken.
   */
  static async register(node: NodeToRegister, opts?: EpmdOptions): Promise<EpmdRegistration> {
    checkName(node.name);
    if (!Number.isInteger(node.port) || node.port < 1 || node.port > 65535) throw new RangeError(`${node.port} is not a TCP port`);
    // Larger extra data is refused by epmd (MAXSYMLEN) with Result 1, which would read as a clash.
    if (node.extra !== undefined && node.extra.length > MAX_NAME_BYTES) throw new RangeError(`extra data of ${node.extra.length} bytes exceeds epmd's ${MAX_NAME_BYTES}`);
    const t = target(opts);
    const bytes = alive2Request({
      name: node.name,
      port: node.port,
      nodeType: NODE_TYPE_NORMAL,
      protocol: PROTOCOL_TCP,
      highestVersion: node.highestVersion ?? 6,
      lowestVersion: node.lowestVersion ?? 5,
      extra: node.extra ?? Buffer.alloc(0),
    });
    const { value, socket } = await ask(t, 'ALIVE2', bytes, { read: parseAlive2Reply }, true);
    if (value.result !== 0) {
      socket.destroy();
      // erl prints "the name a@vm seems to be in use by another Erlang node" for the same reply.
      throw new EpmdError(
        'ERR_NODERL_NAME_IN_USE',
        `the name ${node.name} seems to be in use by another node registered with ${where(t)} (result ${value.result})`,
        t.host,
        t.port,
      );
    }
    return new EpmdRegistration(socket, node.name, node.port, value.creation, node.hidden ?? false, t.host, t.port);
  }

  /** True until `close()` is called or the registration is lost. */
  get registered(): boolean {
    return !this.lostOrClosed;
  }

  private lose(err: Error): void {
    if (this.lostOrClosed) return;
    this.lostOrClosed = true;
    this.socket.destroy();
    this.emit('lost', err);
  }

  /**
   * Unregisters: half-closes the socket and resolves when the daemon closed its side, which epmd
   * does after dropping the name, so a lookup right after sees it gone. Safe to call twice.
   */
  close(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const alreadyGone = this.lostOrClosed || this.socket.destroyed;
      this.lostOrClosed = true;
      if (alreadyGone) {
        this.socket.destroy();
        resolve();
        return;
      }
      const timer = setTimeout(() => this.socket.destroy(), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
    return this.closing;
  }
}
