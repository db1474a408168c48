/**
 * The port mapper (EPMD) wire format: requests, replies and their byte layouts
 * (otp-distribution.md §1; erts/epmd/src/epmd_int.h, epmd_srv.c; kernel's erl_epmd.erl).
 *
 * Every request is `Len:16` then `Len` bytes, the first being the request code. Replies carry no
 * length prefix. Both the client (`client.ts`) and the daemon (`server.ts`) use these functions,
 * so the layouts live in one place.
 */
import { ByteWriter } from '../term/writer.js';

/** The port mapper's port: `ERL_EPMD_PORT`, else 4369. */
export function epmdPort(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.ERL_EPMD_PORT;
  if (text === undefined || text === '') return DEFAULT_EPMD_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`ERL_EPMD_PORT=${text} is not a TCP port`);
  return port;
}

export const DEFAULT_EPMD_PORT = 4369;

/** Request codes (the first byte of a request). */
export const Request = {
  ALIVE2: 120, // 'x'
  PORT_PLEASE2: 122, // 'z'
  NAMES: 110, // 'n'
  DUMP: 100, // 'd'
  KILL: 107, // 'k'
  STOP: 115, // 's'
} as const;

/** Reply codes. */
export const Reply = {
  ALIVE2_X: 118, // 'v': 32-bit creation, for clients whose highest version is 6 or more
  ALIVE2: 121, // 'y': 16-bit creation, for older clients
  PORT2: 119, // 'w'
} as const;

/** NodeType 77 ('M') is what every OTP node registers, hidden or not; 72 ('H') is the historical hidden/C node. */
export const NODE_TYPE_NORMAL = 77;
export const NODE_TYPE_HIDDEN = 72;
/** Protocol 0 is TCP/IPv4 (the only value OTP uses). */
export const PROTOCOL_TCP = 0;

/** What a node tells the port mapper about itself (ALIVE2_REQ), and what PORT2_RESP gives back. */
export interface NodeRegistration {
  /** The alive part of the node name (`a` in `a@host`). */
  name: string;
  /** The TCP port the node accepts distribution connections on. */
  port: number;
  nodeType: number;
  protocol: number;
  highestVersion: number;
  lowestVersion: number;
  extra: Buffer;
}

/** A malformed request or reply, with what was wrong. */
export class EpmdProtocolError extends Error {
  readonly code = 'ERR_NODERL_EPMD_PROTOCOL';
  constructor(message: string) {
    super(message);
    this.name = 'EpmdProtocolError';
  }
}

/** The longest alive name OTP's epmd accepts: MAXSYMLEN, 255 characters of up to 4 UTF-8 bytes. */
export const MAX_NAME_BYTES = 255 * 4;

/** Frames a request: `Len:16`, code, body. */
export function request(code: number, body: Uint8Array = Buffer.alloc(0)): Buffer {
  const w = new ByteWriter(3 + body.length);
  w.u16(1 + body.length);
  w.u8(code);
  w.bytes(body);
  return w.take();
}

/** ALIVE2_REQ, framed. */
export function alive2Request(r: NodeRegistration): Buffer {
  const w = new ByteWriter(16 + r.name.length * 4 + r.extra.length);
  writeRegistration(w, r);
  return request(Request.ALIVE2, w.take());
}

/** The fields ALIVE2_REQ and PORT2_RESP share: port, type, protocol, versions, name, extra. */
function writeRegistration(w: ByteWriter, r: NodeRegistration): void {
  const name = Buffer.from(r.name, 'utf8');
  w.u16(r.port);
  w.u8(r.nodeType);
  w.u8(r.protocol);
  w.u16(r.highestVersion);
  w.u16(r.lowestVersion);
  w.u16(name.length);
  w.bytes(name);
  w.u16(r.extra.length);
  w.bytes(r.extra);
}

/** ALIVE2_X_RESP (`v`, 32-bit creation) or, for a client below version 6, ALIVE2_RESP (`y`, 16-bit). */
export function alive2Reply(result: number, creation: number, wide: boolean): Buffer {
  const w = new ByteWriter(6);
  w.u8(wide ? Reply.ALIVE2_X : Reply.ALIVE2);
  w.u8(result);
  if (wide) w.u32(creation);
  else w.u16(creation);
  return w.take();
}

/** Reads an ALIVE2 reply; `undefined` while it is incomplete. */
export function parseAlive2Reply(bytes: Buffer): { result: number; creation: number } | undefined {
  if (bytes.length < 2) return undefined;
  if (bytes[0] === Reply.ALIVE2_X) return bytes.length < 6 ? undefined : { result: bytes[1], creation: bytes.readUInt32BE(2) };
  if (bytes[0] === Reply.ALIVE2) return bytes.length < 4 ? undefined : { result: bytes[1], creation: bytes.readUInt16BE(2) };
  throw new EpmdProtocolError(`unexpected ALIVE2 reply code ${bytes[0]}`);
}

/** PORT2_RESP: the node's entry, or `119, 1` when the name is not registered. */
export function port2Reply(r: NodeRegistration | undefined): Buffer {
  if (r === undefined) return Buffer.from([Reply.PORT2, 1]);
  const w = new ByteWriter(14 + r.name.length * 4 + r.extra.length);
  w.u8(Reply.PORT2);
  w.u8(0);
  writeRegistration(w, r);
  return w.take();
}

/**
 * Reads a PORT2_RESP: the entry, `null` when the name is not registered, `undefined` while the
 * reply is incomplete.
 */
export function parsePort2Reply(bytes: Buffer): NodeRegistration | null | undefined {
  if (bytes.length < 2) return undefined;
  if (bytes[0] !== Reply.PORT2) throw new EpmdProtocolError(`unexpected PORT_PLEASE2 reply code ${bytes[0]}`);
  if (bytes[1] !== 0) return null;
  if (bytes.length < 12) return undefined;
  const nameLength = bytes.readUInt16BE(10);
  if (bytes.length < 14 + nameLength) return undefined;
  const extraLength = bytes.readUInt16BE(12 + nameLength);
  if (bytes.length < 14 + nameLength + extraLength) return undefined;
  return {
    port: bytes.readUInt16BE(2),
    nodeType: bytes[4],
    protocol: bytes[5],
    highestVersion: bytes.readUInt16BE(6),
    lowestVersion: bytes.readUInt16BE(8),
    name: bytes.toString('utf8', 12, 12 + nameLength),
    extra: Buffer.from(bytes.subarray(14 + nameLength, 14 + nameLength + extraLength)),
  };
}

/** The NAMES reply: the daemon's own port, then `name N at port P\n` per node (net_adm:names checks the port). */
export function namesReply(ownPort: number, nodes: Iterable<{ name: string; port: number }>): Buffer {
  let text = '';
  for (const n of nodes) text += `name ${n.name} at port ${n.port}\n`;
  return portThenText(ownPort, [Buffer.from(text, 'utf8')]);
}

/** The DUMP reply: the daemon's own port, then active nodes and remembered (old/unused) names, each line ending in NUL. */
export function dumpReply(
  ownPort: number,
  active: Iterable<{ name: string; port: number; fd: number }>,
  old: Iterable<{ name: string; port: number; fd: number }>,
): Buffer {
  const lines: Buffer[] = [];
  for (const n of active) lines.push(dumpActiveLine(n.name, n.port, n.fd));
  for (const n of old) lines.push(dumpOldLine(n.name, n.port, n.fd));
  return portThenText(ownPort, lines);
}

/** NAMES and DUMP replies share a shape: `EpmdPort:32`, then text. */
function portThenText(ownPort: number, parts: Buffer[]): Buffer {
  const w = new ByteWriter(4 + parts.reduce((n, p) => n + p.length, 0));
  w.u32(ownPort);
  for (const p of parts) w.bytes(p);
  return w.take();
}

/** Reads a whole NAMES reply (after the daemon closed the connection). */
export function parseNamesReply(bytes: Buffer): { epmdPort: number; nodes: { name: string; port: number }[] } {
  if (bytes.length < 4) throw new EpmdProtocolError(`NAMES reply of ${bytes.length} bytes is too short`);
  const nodes: { name: string; port: number }[] = [];
  for (const line of bytes.toString('utf8', 4).split('\n')) {
    const m = /^name (.+) at port (\d+)$/.exec(line);
    if (m) nodes.push({ name: m[1], port: Number(m[2]) });
  }
  return { epmdPort: bytes.readUInt32BE(0), nodes };
}

/**
 * Reads the fields of an ALIVE2_REQ body (the bytes after the code) as OTP's epmd does
 * (`do_request` in epmd_srv.c): no checks beyond the bounds, an empty name allowed, bytes after
 * Extra ignored. `undefined` when the body is too short for the lengths it gives. The name stays
 * raw bytes: epmd validates it only afterwards.
 */
export function readAlive2Fields(body: Buffer): (Omit<NodeRegistration, 'name'> & { name: Buffer }) | undefined {
  if (body.length < 12) return undefined;
  const nameLength = body.readUInt16BE(8);
  if (12 + nameLength > body.length) return undefined;
  const extraLength = body.readUInt16BE(10 + nameLength);
  if (12 + nameLength + extraLength > body.length) return undefined;
  return {
    port: body.readUInt16BE(0),
    nodeType: body[2],
    protocol: body[3],
    highestVersion: body.readUInt16BE(4),
    lowestVersion: body.readUInt16BE(6),
    name: body.subarray(10, 10 + nameLength),
    extra: Buffer.from(body.subarray(12 + nameLength, 12 + nameLength + extraLength)),
  };
}

/** The DUMP reply's line for a registered node, NUL included (epmd_srv.c, EPMD_DUMP_REQ). */
export function dumpActiveLine(name: string, port: number, fd: number): Buffer {
  return Buffer.from(`active name     <${name}> at port ${port}, fd = ${fd}\n\0`, 'utf8');
}

/** The DUMP reply's line for a remembered unregistered name, NUL included (note the space before \n). */
export function dumpOldLine(name: string, port: number, fd: number): Buffer {
  return Buffer.from(`old/unused name <${name}>, port = ${port}, fd = ${fd} \n\0`, 'utf8');
}

/**
 * Reads a whole DUMP reply (after the daemon closed the connection): the daemon's port, then one
 * text entry per node, `active name     <N> at port P, fd = F\n` or
 * `old/unused name <N>, port = P, fd = F \n`, each ending in a NUL byte (epmd_srv.c; §1.1).
 */
export function parseDumpReply(bytes: Buffer): { epmdPort: number; entries: string[] } {
  if (bytes.length < 4) throw new EpmdProtocolError(`DUMP reply of ${bytes.length} bytes is too short`);
  const entries = bytes.toString('utf8', 4).split('\0').filter((entry) => entry !== '');
  return { epmdPort: bytes.readUInt32BE(0), entries };
}

/** The KILL reply: `OK` (the daemon exits) or `NO` (nodes are registered and it runs without -relaxed_command_check). */
export function parseKillReply(bytes: Buffer): 'OK' | 'NO' | undefined {
  if (bytes.length < 2) return undefined;
  const text = bytes.toString('latin1', 0, 2);
  if (text === 'OK' || text === 'NO') return text;
  throw new EpmdProtocolError(`unexpected KILL reply ${JSON.stringify(text)}`);
}
