// Raw port mapper sessions for tests: the same bytes sent the same way to two daemons (real epmd
// and noderl's), and what came back, normalised where the two may differ by design (their own
// port, time-seeded creations, socket descriptor numbers).
//
//   const results = await runScript(port, [
//     { label: 'register a', send: alive2('a', 1000), keep: 'a' },
//     { label: 'names', send: req(0x6e), mask: 'port' },
//     { label: 'a leaves', close: 'a' },
//   ]);
//
// Every step opens its own connection (or acts on one kept earlier) and records { label, reply,
// closed }: the reply as hex, `closed` when the daemon closed the connection. A step ends when the
// daemon closes, or when nothing arrived for `quietMs` after the last byte was sent.

import { connect } from 'node:net';

/** `Len:16` + bytes. */
export function frame(body) {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

/** A framed request: code + body. */
export function req(code, body = Buffer.alloc(0)) {
  return frame(Buffer.concat([Buffer.from([code]), Buffer.from(body)]));
}

/**
 * A framed ALIVE2_REQ. `name` is a string (UTF-8) or a Buffer of raw bytes; `tail` is appended
 * inside the frame after Extra.
 */
export function alive2(name, port, { highest = 6, lowest = 5, extra = '', tail = '', nodeType = 77 } = {}) {
  const n = Buffer.isBuffer(name) ? name : Buffer.from(name, 'utf8');
  const e = Buffer.from(extra);
  const b = Buffer.alloc(13 + n.length + e.length);
  b[0] = 120;
  b.writeUInt16BE(port, 1);
  b[3] = nodeType;
  b[4] = 0;
  b.writeUInt16BE(highest, 5);
  b.writeUInt16BE(lowest, 7);
  b.writeUInt16BE(n.length, 9);
  n.copy(b, 11);
  b.writeUInt16BE(e.length, 11 + n.length);
  e.copy(b, 13 + n.length);
  return frame(Buffer.concat([b, Buffer.from(tail)]));
}

/** A framed PORT_PLEASE2_REQ for a name (string or raw bytes). */
export function portPlease(name) {
  return req(122, Buffer.isBuffer(name) ? name : Buffer.from(name, 'utf8'));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * One connection: sends `chunks` (a Buffer or a list, `gapMs` apart) and collects the reply.
 * Resolves with { reply: Buffer, closed, socket } (socket still open unless closed) once the
 * daemon closes, `expect` bytes have come, or nothing came for `quietMs`.
 */
export function exchange(port, chunks, { host = '127.0.0.1', localAddress, gapMs = 0, quietMs = 80, expect = Infinity } = {}) {
  const list = Buffer.isBuffer(chunks) ? [chunks] : chunks;
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, localAddress });
    const parts = [];
    let closed = false;
    let sent = false;
    let received = 0;
    let timer;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve({ reply: Buffer.concat(parts), closed, socket });
    };
    const quiet = () => {
      clearTimeout(timer);
      if (sent) timer = setTimeout(done, quietMs);
    };
    socket.on('error', (err) => {
      if (!sent) reject(err);
    });
    socket.on('data', (d) => {
      parts.push(d);
      received += d.length;
      if (received >= expect) done();
      else quiet();
    });
    socket.on('close', () => {
      closed = true;
      done();
    });
    socket.on('connect', async () => {
      for (let i = 0; i < list.length; i++) {
        if (i > 0 && gapMs) await sleep(gapMs);
        if (closed) break;
        socket.write(list[i]);
      }
      sent = true;
      quiet();
    });
  });
}

/** Waits for a kept socket to be closed by the daemon, up to `ms`; true if it was. */
export function closedWithin(socket, ms) {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Runs a script of steps against the daemon on `port`; resolves with one record per step.
 * Step fields: label; send (Buffer or list of Buffers, `gapMs` apart) on a new connection, or on
 * the connection kept as `on`; `keep: key` to keep the new connection; `close: key` to close a
 * kept one (then waits `settleMs`, default 100, for the daemon to notice); `mask`: 'port',
 * 'creation', 'fd' or a list of them; `localAddress`, `host` for the connection.
 */
export async function runScript(port, steps) {
  const kept = new Map();
  const out = [];
  try {
    for (const step of steps) {
      if (step.close) {
        kept.get(step.close)?.destroy();
        kept.delete(step.close);
        await sleep(step.settleMs ?? 100);
        continue;
      }
      if (step.on) {
        const socket = kept.get(step.on);
        const before = socket.closed;
        socket.write(step.send);
        const closed = await closedWithin(socket, step.quietMs ?? 300);
        out.push({ label: step.label, reply: '', closed: closed && !before });
        continue;
      }
      const r = await exchange(port, step.send, step);
      if (step.keep && !r.closed) kept.set(step.keep, r.socket);
      else if (!r.closed) r.socket.destroy();
      out.push({ label: step.label, reply: normalize(r.reply, port, step.mask), closed: r.closed });
    }
  } finally {
    for (const socket of kept.values()) socket.destroy();
  }
  return out;
}

/** The reply as hex, or as text where it is text, with the masked parts replaced by names. */
export function normalize(reply, port, mask = []) {
  const masks = Array.isArray(mask) ? mask : [mask];
  let bytes = reply;
  let head = '';
  if (masks.includes('port') && bytes.length >= 4) {
    head = bytes.readUInt32BE(0) === port ? '<own port>' : `<port ${bytes.readUInt32BE(0)}, not ${port}>`;
    bytes = bytes.subarray(4);
  }
  if (masks.includes('creation') && bytes.length >= 4) {
    // 'v' R C32 or 'y' R C16: the time-seeded creation is checked by its own tests.
    const width = bytes[0] === 118 ? 4 : 2;
    return `${bytes.subarray(0, 2).toString('hex')}<creation ${width * 8}>${bytes.subarray(2 + width).toString('hex')}`;
  }
  if (masks.includes('fd')) return head + bytes.toString('latin1').replace(/fd = \d+/g, 'fd = <fd>');
  if (head) return head + bytes.toString('latin1');
  return bytes.toString('hex');
}
