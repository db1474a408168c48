// noderl's port mapper daemon (src/epmd/server.ts) byte for byte against the real OTP epmd: the
// same scripted sessions go to a real `epmd -port P` and to an EpmdServer on a random port, and
// every reply (and whether the daemon closed the connection) must be the same, up to what differs
// by design: each daemon's own port, time-seeded creations, socket descriptor numbers.
// Then what only noderl can be asked directly: creations, the idle timeout, 1,000 connections at
// once, the locality rule, and refusals from a non-local address (in a network namespace).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { EpmdRegistration, listNames, lookupNode } from '../../dist/epmd/client.js';
import { EpmdServer, isLocalPeer, listenAddresses } from '../../dist/epmd/server.js';
import { erlSkip, startEpmd } from '../support/epmd.js';
import { alive2, closedWithin, exchange, frame, portPlease, req, runScript } from '../support/epmd-wire.js';

const skip = erlSkip();
const NAMES = 110;
const DUMP = 100;
const KILL = 107;
const STOP = 115;

/** A noderl daemon on a random port whose log lines are collected, not printed. */
async function startNoderl(options = {}) {
  const lines = [];
  const server = await EpmdServer.listen({ port: 0, log: (line) => lines.push(line), ...options });
  return { server, port: server.port, lines };
}

/** An ALIVE2 exchange that ends as soon as the reply (4 or 6 bytes, by the request's version) is in. */
function register(port, bytes, options = {}) {
  return exchange(port, bytes, { expect: bytes.readUInt16BE(7) >= 6 ? 6 : 4, quietMs: 2000, ...options });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Names the scripts use; each daemon is private to this file, so fixed names are fine.
const LONGEST = 'é'.repeat(255); // 255 characters, 510 bytes: the longest name epmd takes

/** The sessions sent to both daemons (without -relaxed_command_check). */
const SCRIPT = [
  { label: 'ALIVE2 aa, version 6: v, 0, 32-bit creation; stays open', send: alive2('aa', 1000), keep: 'aa', mask: 'creation' },
  { label: 'ALIVE2 bb, version 5, extra: y, 0, creation 1..3', send: alive2('bb', 2000, { highest: 5, extra: 'XY' }), keep: 'bb', mask: 'creation' },
  { label: 'ALIVE2 aa again: clash, Result 1, creation 99', send: alive2('aa', 1001), keep: 'clash' },
  { label: 'ALIVE2 bb again, version 5: clash in the 16-bit form', send: alive2('bb', 1001, { highest: 5 }), keep: 'clash5' },
  { label: 'NAMES: own port, newest first', send: req(NAMES), mask: 'port' },
  { label: 'PORT_PLEASE2 bb: the whole entry with extra', send: portPlease('bb') },
  { label: 'PORT_PLEASE2 bb with a trailing NUL', send: portPlease(Buffer.from('bb\0')) },
  { label: 'PORT_PLEASE2 of an unknown name', send: portPlease('zz') },
  { label: 'DUMP: active entries, NUL-terminated', send: req(DUMP), mask: ['port', 'fd'] },
  { label: 'aa closes its registration socket', close: 'aa' },
  { label: 'DUMP: aa is old/unused', send: req(DUMP), mask: ['port', 'fd'] },
  { label: 'PORT_PLEASE2 aa after it left', send: portPlease('aa') },
  { label: 'ALIVE2 aa once more', send: alive2('aa', 1002), keep: 'aa', mask: 'creation' },
  { label: 'ALIVE2 with bytes after Extra inside the frame', send: alive2('tt', 1003, { tail: 'ZZZ' }), keep: 'tt', mask: 'creation' },
  { label: 'PORT_PLEASE2 tt: the tail is not kept', send: portPlease('tt') },
  { label: 'ALIVE2 followed by one more byte in the same write', send: Buffer.concat([alive2('uu', 1000), Buffer.from([0])]) },
  { label: 'ALIVE2 with a name that is not UTF-8', send: alive2(Buffer.from([0xff, 0x61]), 1000), keep: 'bad' },
  { label: 'ALIVE2 with a NUL in the name', send: alive2(Buffer.from('a\0b'), 1000) },
  { label: 'ALIVE2 too short', send: frame(Buffer.concat([Buffer.from([120]), Buffer.alloc(12)])) },
  { label: 'ALIVE2 whose name length runs past the frame', send: frame(Buffer.from([120, 0, 1, 77, 0, 0, 6, 0, 5, 0, 9, 97, 0, 0])) },
  { label: 'ALIVE2 with an empty name and one byte of extra', send: frame(Buffer.from([120, 0, 1, 77, 0, 0, 6, 0, 5, 0, 0, 0, 1, 88])), keep: 'empty', mask: 'creation' },
  { label: 'ALIVE2 with the longest name', send: alive2(LONGEST, 1004), keep: 'longest', mask: 'creation' },
  { label: 'ALIVE2 with a name one character too long', send: alive2(LONGEST + 'e', 1005), keep: 'toolong' },
  { label: 'ALIVE2 with 1021 bytes of extra', send: alive2('xx', 1006, { extra: 'x'.repeat(1021) }), keep: 'bigextra' },
  { label: 'PORT_PLEASE2 of the longest name', send: portPlease(LONGEST) },
  { label: 'PORT_PLEASE2 of 256 characters', send: portPlease('a'.repeat(256)) },
  { label: 'PORT_PLEASE2 not UTF-8', send: portPlease(Buffer.from([0xff, 0x61])) },
  { label: 'PORT_PLEASE2 without a name', send: req(122) },
  { label: 'PORT_PLEASE2 with a NUL inside the name', send: portPlease(Buffer.from('a\0b')) },
  { label: 'length 0', send: Buffer.from([0, 0]) },
  { label: 'length 3058 (too large)', send: Buffer.from([0x0b, 0xf2]) },
  { label: 'length 3057: waits for the rest', send: Buffer.from([0x0b, 0xf1]) },
  { label: 'unknown request code', send: req(0x41) },
  { label: 'NAMES with one byte more in the frame', send: frame(Buffer.from([NAMES, 0])), mask: 'port' },
  { label: 'NAMES followed by a byte in the same write', send: Buffer.concat([req(NAMES), Buffer.from([0])]) },
  { label: 'PORT_PLEASE2 byte by byte', send: [...portPlease('bb')].map((b) => Buffer.from([b])), gapMs: 15 },
  { label: 'NAMES header split from its body', send: [Buffer.from([0, 1]), Buffer.from([NAMES])], gapMs: 30, mask: 'port' },
  { label: 'a truncated request, then the client closes', send: Buffer.from([0, 5, 122, 97]), quietMs: 30 },
  { label: 'STOP without -relaxed_command_check: closed, no reply', send: req(STOP, Buffer.from('bb')) },
  { label: 'PORT_PLEASE2 bb: still registered', send: portPlease('bb') },
  { label: 'KILL with live nodes: NO', send: req(KILL) },
  { label: 'bb sends a byte on its registration socket', on: 'bb', send: Buffer.from([1]) },
  { label: 'PORT_PLEASE2 bb: gone', send: portPlease('bb') },
  { label: 'NAMES at the end', send: req(NAMES), mask: 'port' },
  { label: 'DUMP at the end', send: req(DUMP), mask: ['port', 'fd'] },
];

/** The sessions for daemons started with -relaxed_command_check. */
const RELAXED_SCRIPT = [
  { label: 'ALIVE2 aa', send: alive2('aa', 1000), keep: 'aa', mask: 'creation' },
  { label: 'STOP of an unknown name', send: req(STOP, Buffer.from('nosuch')) },
  { label: 'STOP without a name', send: req(STOP) },
  { label: 'STOP aa', send: req(STOP, Buffer.from('aa')) },
  { label: 'PORT_PLEASE2 aa after STOP', send: portPlease('aa') },
  { label: 'DUMP after STOP', send: req(DUMP), mask: ['port', 'fd'] },
  { label: 'ALIVE2 bb', send: alive2('bb', 1001), keep: 'bb', mask: 'creation' },
  { label: 'KILL with a live node: OK', send: req(KILL) },
];

function compare(real, ours) {
  assert.equal(ours.length, real.length);
  for (let i = 0; i < real.length; i++) {
    assert.deepEqual(ours[i], real[i], `step "${real[i].label}" differs from real epmd`);
  }
}

describe('noderl epmd answers as the real epmd does', { skip }, () => {
  test('the same replies, byte for byte, and the same closes', async () => {
    const real = await startEpmd();
    const ours = await startNoderl();
    try {
      const [a, b] = await Promise.all([runScript(real.port, SCRIPT), runScript(ours.port, SCRIPT)]);
      compare(a, b);
      // A few that must hold whatever the comparison says.
      const byLabel = Object.fromEntries(b.map((r) => [r.label, r]));
      assert.equal(byLabel['ALIVE2 aa again: clash, Result 1, creation 99'].reply, '760100000063');
      assert.equal(byLabel['PORT_PLEASE2 of an unknown name'].reply, '7701');
      assert.match(byLabel['DUMP: aa is old/unused'].reply, /old\/unused name <aa>, port = 1000, fd = <fd> \n\0$/);
      const names = Buffer.from(byLabel['NAMES at the end'].reply, 'latin1').toString('utf8').split('\n').slice(0, -1).map((l) => l.replace('<own port>', ''));
      assert.deepEqual(names, [`name ${LONGEST} at port 1004`, 'name  at port 1', 'name tt at port 1003', 'name aa at port 1002']);
    } finally {
      await real.stop();
      await ours.server.close();
    }
  });

  test('with -relaxed_command_check: STOP (NOEXISTSTOPPED for an unknown name) and KILL', async () => {
    const real = await startEpmd({ relaxed: true });
    const ours = await startNoderl({ relaxedCommandCheck: true });
    const closed = new Promise((r) => ours.server.once('close', r));
    try {
      const [a, b] = await Promise.all([runScript(real.port, RELAXED_SCRIPT), runScript(ours.port, RELAXED_SCRIPT)]);
      compare(a, b);
      assert.equal(b[1].reply, Buffer.from('NOEXISTSTOPPED').toString('hex'));
      assert.equal(b.at(-1).reply, Buffer.from('OK').toString('hex'));
      await closed; // KILL closed the server
      assert.equal((await real.exited).code, 0);
    } finally {
      await real.stop();
      await ours.server.close();
    }
  });
});

describe('noderl client and noderl daemon', () => {
  test('register, look up, clash, list, and lose the registration when the daemon stops', async () => {
    const { server, port } = await startNoderl();
    const events = [];
    server.on('register', (n) => events.push(['register', n.name, n.creation]));
    server.on('unregister', (n) => events.push(['unregister', n.name]));
    const reg = await EpmdRegistration.register({ name: 'js', port: 4242 }, { port });
    try {
      assert.deepEqual(await lookupNode('js', { port }), {
        name: 'js',
        port: 4242,
        nodeType: 77,
        protocol: 0,
        highestVersion: 6,
        lowestVersion: 5,
        extra: Buffer.alloc(0),
      });
      await assert.rejects(EpmdRegistration.register({ name: 'js', port: 1 }, { port }), { code: 'ERR_NODERL_NAME_IN_USE' });
      assert.deepEqual(await listNames({ port }), { epmdPort: port, nodes: [{ name: 'js', port: 4242 }] });
      assert.deepEqual(events, [['register', 'js', reg.creation]]);
      const lost = new Promise((r) => reg.once('lost', r));
      await server.close();
      await lost;
      assert.deepEqual(events.at(-1), ['unregister', 'js']);
    } finally {
      reg.close();
      await server.close();
    }
  });
});

describe('creation', () => {
  test('seeded from the clock, +1 per re-registration, 1..3 below version 6', async () => {
    const { server, port } = await startNoderl();
    try {
      const t = Math.floor(Date.now() / 1000);
      const first = await register(port, alive2('cr', 1000));
      assert.equal(first.reply[0], 118);
      const c0 = first.reply.readUInt32BE(2);
      assert.ok(c0 >= t + 1 && c0 <= t + 3, `creation ${c0} for a new name at time ${t}`);
      first.socket.destroy();
      await sleep(50);
      const again = await register(port, alive2('cr', 1000));
      assert.equal(again.reply.readUInt32BE(2), c0 + 1);
      again.socket.destroy();
      await sleep(50);
      const old = await register(port, alive2('cr', 1000, { highest: 5 }));
      assert.deepEqual([...old.reply], [121, 0, 0, ((c0 + 2) % 3) + 1]);
      assert.equal(server.nodes[0].creation, ((c0 + 2) % 3) + 1);
      old.socket.destroy();
    } finally {
      await server.close();
    }
  });

  test('past 1,001 remembered names the oldest is forgotten and its slot reused; others continue', async () => {
    const { server, port } = await startNoderl();
    try {
      const first = await register(port, alive2('n0', 1000));
      const c0 = first.reply.readUInt32BE(2);
      first.socket.destroy();
      // n0..n1000 leave: 1,001 remembered names, one past epmd's MAX_UNREG_COUNT; n0 is the oldest.
      for (let i = 1; i <= 1000; i += 100) {
        const batch = [];
        for (let j = i; j < Math.min(i + 100, 1001); j++) batch.push(register(port, alive2(`n${j}`, 1000), { expect: 6, quietMs: 5000 }));
        for (const r of await Promise.all(batch)) r.socket.destroy();
      }
      while (server.nodes.length > 0) await sleep(20);
      // The next new name takes the oldest slot (n0's) with its counter unchanged, as epmd reuses it.
      const stolen = await register(port, alive2('fresh', 1000));
      assert.equal(stolen.reply.readUInt32BE(2), c0);
      stolen.socket.destroy();
      const back = await register(port, alive2('n0', 1000));
      assert.ok(Math.abs(back.reply.readUInt32BE(2) - c0) <= 3, 'n0 was forgotten: a fresh creation');
      back.socket.destroy();
      const kept = await register(port, alive2('n500', 1000));
      assert.ok(kept.reply.readUInt32BE(2) >= c0, 'n500 still remembered');
      kept.socket.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('bad and slow clients', () => {
  test('an idle connection is closed after the idle timeout, with one log line; a registration is not', async () => {
    // Gaps in the slow client are a sixth of the timeout: a loaded machine must not make them idle.
    const { server, port, lines } = await startNoderl({ idleTimeoutMs: 600 });
    try {
      const reg = await register(port, alive2('stay', 1000));
      const idle = await exchange(port, [], { quietMs: 1 });
      const t0 = Date.now();
      assert.equal(await closedWithin(idle.socket, 2000), true);
      const waited = Date.now() - t0;
      assert.ok(waited >= 550 && waited < 3000, `closed after ${waited} ms`);
      assert.equal(lines.filter((l) => l.includes('idle')).length, 1);
      // A slow client that keeps sending stays: every byte is activity, as for epmd.
      const slow = exchange(port, [...portPlease('stay')].map((b) => Buffer.from([b])), { gapMs: 100 });
      const r = await slow;
      assert.equal(r.closed, true);
      assert.equal(r.reply[0], 119);
      assert.equal(r.reply[1], 0);
      assert.equal(reg.socket.destroyed, false);
      assert.equal(server.nodes.length, 1);
      reg.socket.destroy();
    } finally {
      await server.close();
    }
  });

  test('garbage, truncated and oversized requests: closed, logged once each, registrations untouched', async () => {
    const { server, port, lines } = await startNoderl();
    try {
      const reg = await register(port, alive2('keep', 4321));
      const garbage = randomBytes(4000);
      garbage.writeUInt16BE(0xffff, 0); // oversized length first
      const cases = [
        garbage,
        Buffer.from([0x0c, 0x00, 122]), // length 3072
        Buffer.from([0xff]), // half a length, then the client closes
        Buffer.from([0, 9, 122, 97]), // truncated, then closes
        req(0x00),
        req(0xff, randomBytes(100)),
        frame(Buffer.from([120, 1])),
      ];
      const before = lines.length;
      for (const bytes of cases) {
        const r = await exchange(port, bytes, { quietMs: 40 });
        assert.equal(r.reply.length, 0, `no reply to ${bytes.subarray(0, 8).toString('hex')}`);
        if (!r.closed) r.socket.destroy();
      }
      await sleep(50);
      assert.equal(lines.length - before, cases.length, lines.slice(before).join('\n'));
      const found = await exchange(port, portPlease('keep'));
      assert.equal(found.reply.readUInt16BE(2), 4321);
      assert.equal(reg.closed, false);
      assert.equal(reg.socket.destroyed, false);
      reg.socket.destroy();
    } finally {
      await server.close();
    }
  });

  test('1,000 concurrent connections, each sending its request in two parts, all answered', async () => {
    const { server, port } = await startNoderl();
    try {
      const reg = await register(port, alive2('busy', 5555));
      const sessions = [];
      for (let i = 0; i < 1000; i++) {
        const bytes = i % 2 ? portPlease('busy') : req(NAMES);
        sessions.push(exchange(port, [bytes.subarray(0, 2), bytes.subarray(2)], { gapMs: 300, quietMs: 2000 }));
      }
      // While all 1,000 wait mid-request, the registered node is still there and answered for.
      await sleep(150);
      const meanwhile = await exchange(port, portPlease('busy'), { quietMs: 5000 });
      assert.equal(meanwhile.reply.readUInt16BE(2), 5555);
      const results = await Promise.all(sessions);
      for (const [i, r] of results.entries()) {
        assert.equal(r.closed, true);
        if (i % 2) assert.equal(r.reply.readUInt16BE(2), 5555);
        else assert.equal(r.reply.toString('latin1', 4), 'name busy at port 5555\n');
      }
      assert.equal(server.nodes.length, 1);
      reg.socket.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('who is local', () => {
  test('127.x, ::1 and the connection’s own address are local; others are not', () => {
    assert.equal(isLocalPeer('127.0.0.1', '127.0.0.1'), true);
    assert.equal(isLocalPeer('127.1.2.3', '127.0.0.1'), true);
    assert.equal(isLocalPeer('::ffff:127.0.0.2', '::ffff:127.0.0.1'), true);
    assert.equal(isLocalPeer('::1', '::1'), true);
    assert.equal(isLocalPeer('192.0.2.2', '192.0.2.2'), true);
    assert.equal(isLocalPeer('::ffff:10.0.0.5', '10.0.0.5'), true);
    assert.equal(isLocalPeer('192.0.2.7', '192.0.2.2'), false);
    assert.equal(isLocalPeer('fd00::7', 'fd00::2'), false);
    assert.equal(isLocalPeer(undefined, '127.0.0.1'), false);
  });

  test('listen addresses: every interface by default; loopbacks always added to a list', () => {
    assert.deepEqual(
      listenAddresses(undefined).map((a) => a.address),
      ['0.0.0.0', '::'],
    );
    assert.deepEqual(
      listenAddresses('10.1.2.3, 127.0.0.1,::1 fd00::2').map((a) => a.address),
      ['127.0.0.1', '::1', '10.1.2.3', 'fd00::2'],
    );
    assert.throws(() => listenAddresses(['nonsense']), { code: 'ERR_NODERL_EPMD_BAD_ADDRESS' });
  });

  test('a second loopback address (127.0.0.2) counts as local, as for epmd', async () => {
    const { server, port } = await startNoderl();
    try {
      const r = await register(port, alive2('lo2', 1000), { localAddress: '127.0.0.2' });
      assert.equal(r.reply[1], 0);
      r.socket.destroy();
    } finally {
      await server.close();
    }
  });
});

// A network namespace joined to this one by a veth pair: connections from it arrive from an
// address that is neither loopback nor the daemon's own, the one case the locality rule refuses.
function canUseNetns() {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('requests from a non-local address', { skip: skip || (!canUseNetns() && 'needs root and `ip netns` (the locality rule is tested directly above)') }, () => {
  const tag = randomBytes(3).toString('hex');
  const ns = `noderl-${tag}`;
  const hostSide = `nh${tag}`;
  const nsSide = `nn${tag}`;
  const octet = 16 + (parseInt(tag, 16) % 200);
  const hostAddress = `10.${octet}.${parseInt(tag.slice(2), 16) % 250}.1`;
  const nsAddress = hostAddress.replace(/\.1$/, '.2');
  const ip = (...args) => execFileSync('ip', args, { stdio: 'pipe' });

  before(() => {
    ip('netns', 'add', ns);
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide);
    ip('link', 'set', nsSide, 'netns', ns);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${nsAddress}/30`, 'dev', nsSide);
    ip('netns', 'exec', ns, 'ip', 'link', 'set', nsSide, 'up');
  });
  after(() => {
    // Deleting the namespace takes the veth pair with it; the link is deleted too in case
    // set-up failed before moving one end into the namespace.
    for (const args of [['netns', 'del', ns], ['link', 'del', hostSide]]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
  });

  /** Runs SCRIPT_FROM_NS inside the namespace against host:port and returns its records. */
  function runInNamespace(port) {
    const script = `
      const { runScript, alive2, req, portPlease } = await import(${JSON.stringify(new URL('../support/epmd-wire.js', import.meta.url).href)});
      const steps = [
        { label: 'ALIVE2', send: alive2('remote', 1000), keep: 'r' },
        { label: 'DUMP', send: req(100) },
        { label: 'KILL', send: req(107) },
        { label: 'STOP', send: req(115, Buffer.from('local')) },
        { label: 'NAMES', send: req(110), mask: 'port' },
        { label: 'PORT_PLEASE2', send: portPlease('local') },
      ].map((s) => ({ ...s, host: ${JSON.stringify(hostAddress)} }));
      process.stdout.write(JSON.stringify(await runScript(${port}, steps)));`;
    return new Promise((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`in ${ns}: ${err}`))));
    });
  }

  test('ALIVE2, DUMP, KILL and STOP are refused; NAMES and PORT_PLEASE2 answered; as real epmd', async () => {
    const real = await startEpmd({ relaxed: true });
    const ours = await startNoderl({ relaxedCommandCheck: true });
    const regs = [];
    try {
      for (const port of [real.port, ours.port]) regs.push((await register(port, alive2('local', 7777))).socket);
      const [a, b] = [await runInNamespace(real.port), await runInNamespace(ours.port)];
      compare(a, b);
      assert.deepEqual(
        b.map((r) => [r.label, r.closed, r.reply === '' ? 'no reply' : 'reply']),
        [
          ['ALIVE2', true, 'no reply'],
          ['DUMP', true, 'no reply'],
          ['KILL', true, 'no reply'],
          ['STOP', true, 'no reply'],
          ['NAMES', true, 'reply'],
          ['PORT_PLEASE2', true, 'reply'],
        ],
      );
      assert.equal(ours.server.nodes.length, 1, 'the local node is still registered');
      assert.equal(ours.lines.filter((l) => /non-local/.test(l)).length, 4);
    } finally {
      for (const s of regs) s.destroy();
      await real.stop();
      await ours.server.close();
    }
  });
});
