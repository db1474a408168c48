/**
 * The distribution handshake, version 6 (otp-distribution.md §3; OTP's `dist_util.erl`). Both
 * sides are written as the straight-line state machines `dist_util` has in its comments:
 *
 *   dialler (A)                          acceptor (B)
 *   send_name 'N' ───────────────────►   recv_name: name, mandatory flags, who wins a race
 *                 ◄───────────────────   send_status 's' ok | ok_simultaneous | nok | not_allowed | alive
 *                 ◄───────────────────   send_challenge 'N' (flags, challenge B, creation, name)
 *   send_challenge_reply 'r' ────────►   recv_challenge_reply: digest of cookie ++ challenge B
 *                 ◄───────────────────   send_challenge_ack 'a': digest of cookie ++ challenge A
 *
 * Every message is `Len:16` + body over TCP, `Len:32` + body inside TLS (`inet_tls_dist` runs its
 * socket with `{packet, 4}` from the start). Each step must finish within the setup time (OTP's
 * `net_setuptime`, 7 s), restarted after every step as OTP does. Bytes that arrive after the
 * last message belong to the connection and are handed over in `rest`.
 */
import { ByteWriter } from '../term/writer.js';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { flagList, missingFlags, type DistFlagName } from './flags.js';

/**
 * The handshake step a failure belongs to, named after the message being waited for or checked
 * (the labels of the diagram above; `alive_reply` is the dialler's `strue`/`sfalse` after `salive`).
 */
export type HandshakeStage = 'send_name' | 'send_status' | 'alive_reply' | 'send_challenge' | 'send_challenge_reply' | 'send_challenge_ack';

/** What a {@link HandshakeError} knows besides its code and text. */
export interface HandshakeFailure {
  stage: HandshakeStage;
  /** The peer's node name, once known. */
  peer?: string;
  /** The status that ended the handshake: the peer's answer when we dialled, ours when we accepted. */
  status?: string;
  /** The required flags the peer lacks (ERR_NODERL_MISSING_FLAGS). */
  missing?: DistFlagName[];
  /** Bytes of a message cut short when the connection closed (0: it closed between messages). */
  truncated?: number;
  /** The socket error that ended the handshake. */
  cause?: Error;
}

/**
 * A handshake step timed out, the peer sent something that is not the protocol, or refused us.
 * The node decides from the fields (`status`, `missing`, `stage`), never from the text, which is
 * for people (STYLE.md: errors are values with context).
 */
export class HandshakeError extends Error {
  /** The peer's node name, once known. */
  readonly peer?: string;
  readonly stage: HandshakeStage;
  /** The status that ended the handshake (`nok`, `not_allowed`, `alive`): the peer's when we dialled, ours when we accepted. */
  readonly status?: string;
  /** The required flags the peer lacks, in bit order; empty unless the code is ERR_NODERL_MISSING_FLAGS. */
  readonly missing: readonly DistFlagName[];
  /** Bytes of a message cut short when the connection closed; 0 when it closed between messages. */
  readonly truncated: number;

  constructor(
    readonly code:
      | 'ERR_NODERL_HANDSHAKE_TIMEOUT'
      | 'ERR_NODERL_HANDSHAKE_CLOSED'
      | 'ERR_NODERL_HANDSHAKE_PROTOCOL'
      | 'ERR_NODERL_HANDSHAKE_REFUSED'
      | 'ERR_NODERL_BAD_COOKIE'
      | 'ERR_NODERL_MISSING_FLAGS',
    message: string,
    failure: HandshakeFailure,
  ) {
    super(message, failure.cause === undefined ? undefined : { cause: failure.cause });
    this.name = 'HandshakeError';
    this.peer = failure.peer;
    this.stage = failure.stage;
    this.status = failure.status;
    this.missing = failure.missing ?? [];
    this.truncated = failure.truncated ?? 0;
  }

  /** @internal The same failure, now that the peer's name is known. */
  withPeer(peer: string): HandshakeError {
    const { stage, status, missing, truncated } = this;
    const cause = this.cause instanceof Error ? this.cause : undefined;
    return new HandshakeError(this.code, this.message, { stage, peer, status, missing: [...missing], truncated, cause });
  }
}

/** What both sides know once the handshake succeeded. */
export interface HandshakeResult {
  peerName: string;
  peerFlags: bigint;
  peerCreation: number;
  /** The connection's flags: ours AND the peer's. */
  flags: bigint;
  /** Bytes read past the last handshake message: the start of the first frame. */
  rest: Buffer;
}

/** This node, as the handshake presents it. */
export interface LocalNode {
  name: string;
  flags: bigint;
  creation: number;
  /** The cookie for a given peer. */
  cookieFor(peer: string): string;
  /** ms per handshake step. */
  setupTimeMs: number;
  /** Bytes of each message's length prefix: 2 over TCP (default), 4 inside TLS. */
  headerBytes?: 2 | 4;
}

/** The acceptor's answer to a send_name, chosen by the node (it knows its connections). */
export type NameStatus = 'ok' | 'ok_simultaneous' | 'nok' | 'not_allowed' | 'alive';

/** MD5 of the cookie followed by the challenge in decimal: `dist_util:gen_digest/2`. */
export function genDigest(challenge: number, cookie: string): Buffer {
  return createHash('md5').update(cookie, 'latin1').update(String(challenge >>> 0)).digest();
}

function newChallenge(): number {
  return randomBytes(4).readUInt32BE(0);
}

function digestMatches(received: Buffer, expected: Buffer): boolean {
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** A name the handshake accepts: two non-empty parts around one `@` (`dist_util:is_node_name/1`). */
export function isNodeName(name: string): boolean {
  const parts = name.split('@');
  return parts.length === 2 && parts[0]!.length > 0 && parts[1]!.length > 0;
}

/**
 * Reads `Len:16`- (or `Len:32`-) framed handshake messages from a socket as a stream (a message may span chunks;
 * a chunk may hold more than one), each within the step deadline.
 */
class HandshakeReader {
  private buffered: Buffer = Buffer.alloc(0);
  private waiter?: { resolve: (b: Buffer) => void; reject: (e: Error) => void };
  private failure?: Error;
  private readonly onData = (chunk: Buffer): void => {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    this.deliver();
  };
  private readonly onEnd = (): void => {
    const truncated = this.buffered.length;
    this.fail(new HandshakeError('ERR_NODERL_HANDSHAKE_CLOSED', `connection closed during the handshake${truncated > 0 ? ` (${truncated} bytes of a truncated message)` : ''}`, { stage: this.stage, truncated }));
  };
  private readonly onError = (err: Error): void => this.fail(new HandshakeError('ERR_NODERL_HANDSHAKE_CLOSED', `socket error during the handshake: ${err.message}`, { stage: this.stage, cause: err }));

  constructor(
    private readonly socket: Socket,
    private readonly stepMs: number,
    private readonly headerBytes: 2 | 4,
    /** The step being waited for: the first message's until {@link next} names another. */
    private stage: HandshakeStage,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  /** The next message body, or a rejection on timeout, close, or error. */
  next(stage: HandshakeStage): Promise<Buffer> {
    this.stage = stage;
    return new Promise<Buffer>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const waitingFor = stage === 'alive_reply' ? 'alive reply' : stage;
      const timer = setTimeout(() => this.fail(new HandshakeError('ERR_NODERL_HANDSHAKE_TIMEOUT', `handshake timed out waiting for ${waitingFor} (${this.stepMs} ms)`, { stage })), this.stepMs);
      this.waiter = {
        resolve: (b) => (clearTimeout(timer), resolve(b)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.deliver();
    });
  }

  private deliver(): void {
    const h = this.headerBytes;
    if (!this.waiter || this.buffered.length < h) return;
    const len = h === 2 ? this.buffered.readUInt16BE(0) : this.buffered.readUInt32BE(0);
    if (this.buffered.length < h + len) return;
    const body = this.buffered.subarray(h, h + len);
    this.buffered = this.buffered.subarray(h + len);
    const w = this.waiter;
    this.waiter = undefined;
    w.resolve(body);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(this.failure);
  }

  /** Stops reading and hands over what was read past the last message. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    return this.buffered;
  }
}

/** Sends one handshake message: `Len:16` (or `Len:32`) then the body. */
function sendMessage(socket: Socket, body: Buffer, headerBytes: 2 | 4): void {
  const w = new ByteWriter(headerBytes + body.length);
  if (headerBytes === 2) w.u16(body.length);
  else w.u32(body.length);
  w.bytes(body);
  socket.write(w.take());
}

function nameMessage(tag: number, flags: bigint, fields: number[], name: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const w = new ByteWriter(1 + 8 + 4 * fields.length + 2 + nameBytes.length);
  w.u8(tag);
  w.u64(flags);
  for (const f of fields) w.u32(f >>> 0);
  w.u16(nameBytes.length);
  w.bytes(nameBytes);
  return w.take();
}

/** A tag byte, optionally a challenge, then a digest: challenge_reply ('r') and challenge_ack ('a'). */
function digestMessage(tag: number, digest: Buffer, challenge?: number): Buffer {
  const w = new ByteWriter(1 + 4 + digest.length);
  w.u8(tag);
  if (challenge !== undefined) w.u32(challenge);
  w.bytes(digest);
  return w.take();
}

const TAG_N = 78; // 'N'
const TAG_S = 115; // 's'
const TAG_R = 114; // 'r'
const TAG_A = 97; // 'a'

function protocolError(what: string, stage: HandshakeStage, peer?: string): HandshakeError {
  return new HandshakeError('ERR_NODERL_HANDSHAKE_PROTOCOL', what, { stage, peer });
}

/** `status`: the one we answered with, when we are the acceptor (`not_allowed`, as `dist_util` answers a peer that lacks mandatory flags). */
function missingFlagsError(peer: string, missing: DistFlagName[], stage: HandshakeStage, status?: string): HandshakeError {
  return new HandshakeError('ERR_NODERL_MISSING_FLAGS', `node ${peer} cannot handle ${flagList(missing)}`, { stage, peer, missing, status });
}

/** Parses `'N', Flags:64, [fields:32…], Nlen:16, Name` (send_name has 1 field, send_challenge 2). */
function parseNameMessage(body: Buffer, nFields: number, step: 'send_name' | 'send_challenge'): { flags: bigint; fields: number[]; name: string } {
  const fixed = 1 + 8 + 4 * nFields + 2;
  if (body.length < fixed || body[0] !== TAG_N) {
    throw protocolError(`bad ${step}: expected 'N' with at least ${fixed} bytes, got tag ${body[0] ?? 'none'} in ${body.length} bytes`, step);
  }
  const flags = body.readBigUInt64BE(1);
  const fields: number[] = [];
  for (let i = 0; i < nFields; i++) fields.push(body.readUInt32BE(9 + 4 * i));
  const nlen = body.readUInt16BE(fixed - 2);
  if (body.length < fixed + nlen) throw protocolError(`bad ${step}: name of ${nlen} bytes in a ${body.length}-byte message`, step);
  // Bytes after the name are ignored, as OTP does (room for future fields).
  const name = body.toString('utf8', fixed, fixed + nlen);
  return { flags, fields, name };
}

/**
 * The dialling side (`dist_util:handshake_we_started/1`): runs the handshake on a connected
 * socket toward `peerName` and resolves once both digests checked out.
 */
export async function dialHandshake(socket: Socket, local: LocalNode, peerName: string, stillWanted: () => boolean = () => true): Promise<HandshakeResult> {
  const reader = new HandshakeReader(socket, local.setupTimeMs, local.headerBytes ?? 2, 'send_status');
  const send = (s: Socket, body: Buffer): void => sendMessage(s, body, local.headerBytes ?? 2);
  try {
    send(socket, nameMessage(TAG_N, local.flags, [local.creation], local.name));
    const status = await reader.next('send_status');
    if (status[0] !== TAG_S) throw protocolError(`expected a status 's', got tag ${status[0]}`, 'send_status', peerName);
    const text = status.toString('latin1', 1);
    if (text === 'alive') {
      // The peer has a connection to us. Ours is stale unless one came up while we dialled (the
      // peer's own attempt won a simultaneous connect): then keep it, as dist_util does.
      const replace = stillWanted();
      send(socket, Buffer.from(replace ? 'strue' : 'sfalse', 'latin1'));
      if (!replace) throw new HandshakeError('ERR_NODERL_HANDSHAKE_REFUSED', `${peerName} is already connected`, { stage: 'send_status', peer: peerName, status: text });
    } else if (text !== 'ok' && text !== 'ok_simultaneous') {
      throw new HandshakeError('ERR_NODERL_HANDSHAKE_REFUSED', `${peerName} answered status '${text}'`, { stage: 'send_status', peer: peerName, status: text });
    }
    const challenge = parseNameMessage(await reader.next('send_challenge'), 2, 'send_challenge');
    // OTP checks the challenger is exactly the node it dialled (recv_challenge_failed otherwise).
    if (challenge.name !== peerName) throw protocolError(`dialled ${peerName} but ${challenge.name} answered`, 'send_challenge', peerName);
    const missing = missingFlags(challenge.flags);
    if (missing.length > 0) throw missingFlagsError(peerName, missing, 'send_challenge');
    const [challengeB, creation] = challenge.fields as [number, number];
    const cookie = local.cookieFor(peerName);
    const challengeA = newChallenge();
    send(socket, digestMessage(TAG_R, genDigest(challengeB, cookie), challengeA));
    const ack = await reader.next('send_challenge_ack');
    if (ack[0] !== TAG_A || ack.length !== 17) throw protocolError(`bad challenge ack (tag ${ack[0]}, ${ack.length} bytes)`, 'send_challenge_ack', peerName);
    if (!digestMatches(ack.subarray(1), genDigest(challengeA, cookie))) {
      throw new HandshakeError('ERR_NODERL_BAD_COOKIE', `${peerName} answered our challenge with a wrong digest`, { stage: 'send_challenge_ack', peer: peerName });
    }
    return { peerName, peerFlags: challenge.flags, peerCreation: creation, flags: local.flags & challenge.flags, rest: reader.detach() };
  } catch (err) {
    reader.detach();
    throw err;
  }
}

/**
 * The accepting side (`dist_util:handshake_other_started/1`). `decide` answers the peer's name
 * with a status (the node knows its live and pending connections); for `alive` the peer's
 * `true`/`false` is passed to `onAliveReply`.
 */
export async function acceptHandshake(
  socket: Socket,
  local: LocalNode,
  decide: (peer: string) => NameStatus,
  onAliveReply: (peer: string, replaceOld: boolean) => void,
): Promise<HandshakeResult> {
  const reader = new HandshakeReader(socket, local.setupTimeMs, local.headerBytes ?? 2, 'send_name');
  const send = (s: Socket, body: Buffer): void => sendMessage(s, body, local.headerBytes ?? 2);
  let peer: string | undefined;
  try {
    const first = await reader.next('send_name');
    const hello = parseNameMessage(first, 1, 'send_name');
    peer = hello.name;
    if (!isNodeName(peer)) throw protocolError(`send_name carries an invalid node name '${peer}'`, 'send_name');
    const missing = missingFlags(hello.flags);
    if (missing.length > 0) {
      send(socket, Buffer.from('snot_allowed', 'latin1'));
      throw missingFlagsError(peer, missing, 'send_name', 'not_allowed');
    }
    const status = decide(peer);
    send(socket, Buffer.from(`s${status}`, 'latin1'));
    if (status === 'nok' || status === 'not_allowed') {
      throw new HandshakeError('ERR_NODERL_HANDSHAKE_REFUSED', `answered ${peer} with status '${status}'`, { stage: 'send_name', peer, status });
    }
    if (status === 'alive') {
      const answer = (await reader.next('alive_reply')).toString('latin1');
      const replace = answer === 'strue';
      if (!replace && answer !== 'sfalse') throw protocolError(`expected 'strue' or 'sfalse' after 'salive', got '${answer}'`, 'alive_reply', peer);
      onAliveReply(peer, replace);
      if (!replace) throw new HandshakeError('ERR_NODERL_HANDSHAKE_REFUSED', `${peer} kept its old connection`, { stage: 'alive_reply', peer, status });
    }
    const challengeB = newChallenge();
    send(socket, nameMessage(TAG_N, local.flags, [challengeB, local.creation], local.name));
    const reply = await reader.next('send_challenge_reply');
    if (reply[0] !== TAG_R || reply.length !== 21) throw protocolError(`bad challenge reply (tag ${reply[0]}, ${reply.length} bytes)`, 'send_challenge_reply', peer);
    const cookie = local.cookieFor(peer);
    if (!digestMatches(reply.subarray(5), genDigest(challengeB, cookie))) {
      throw new HandshakeError('ERR_NODERL_BAD_COOKIE', `Connection attempt from disallowed node ${peer}`, { stage: 'send_challenge_reply', peer });
    }
    const challengeA = reply.readUInt32BE(1);
    send(socket, digestMessage(TAG_A, genDigest(challengeA, cookie)));
    return { peerName: peer, peerFlags: hello.flags, peerCreation: hello.fields[0]!, flags: local.flags & hello.flags, rest: reader.detach() };
  } catch (err) {
    reader.detach();
    if (err instanceof HandshakeError && err.peer === undefined && peer !== undefined) {
      throw err.withPeer(peer);
    }
    throw err;
  }
}

