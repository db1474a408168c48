// The port mapper client against a real epmd on a random port, real erl nodes, and fake daemons
// that misbehave. Every epmd and erl started here is killed by pid.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  dumpEpmd,
  EpmdError,
  EpmdRegistration,
  isEpmdRunning,
  killEpmd,
  listNames,
  lookupNode,
  stopName,
} from '../../dist/epmd/client.js';
import { epmdCommand, erlSkip, freePort, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';

const NODERL = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'noderl.js');
const skip = erlSkip();

/** A port nobody will ever answer on during the test: a port that is free. */
const fakePort = () => 40000 + Math.floor(Math.random() * 20000);

function noderl(args, env) {
  return new Promise((resolve) => {
    execFile(process.execPath, [NODERL, ...args], { env: { ...process.env, ...env }, timeout: 10000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function rejectsWith(promise, code) {
  const err = await promise.then(
    () => assert.fail(`resolved, expected ${code}`),
    (e) => e,
  );
  assert.ok(err instanceof EpmdError, `not an EpmdError: ${err?.stack}`);
  assert.equal(err.code, code, err.message);
  return err;
}

function namesListed(stdout) {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('name '))
    .map((line) => /^name (.+) at port (\d+)$/.exec(line).slice(1));
}

describe('EPMD client with a real epmd', { skip }, () => {
  let epmd;
  before(async () => {
    epmd = await startEpmd();
  });
  after(async () => {
    await epmd?.stop();
  });

  test('registers, is listed and found, unregisters on close, gets a new creation next time', async () => {
    const opts = { port: epmd.port };
    const name = uniqueName('reg');
    const port = fakePort();
    const reg = await EpmdRegistration.register({ name, port, extra: Buffer.from('xy') }, opts);
    try {
      assert.equal(reg.name, name);
      assert.ok(Number.isInteger(reg.creation) && reg.creation >= 4 && reg.creation <= 0xffffffff, `creation ${reg.creation}`);
      assert.ok(reg.registered);

      const real = await epmdCommand(epmd.port, ['-names']);
      assert.equal(real.code, 0, real.stderr);
      assert.deepEqual(namesListed(real.stdout), [[name, String(port)]]);

      assert.deepEqual(await lookupNode(name, opts), {
        name,
        port,
        nodeType: 77,
        protocol: 0,
        highestVersion: 6,
        lowestVersion: 5,
        extra: Buffer.from('xy'),
      });
      assert.deepEqual(await listNames(opts), { epmdPort: epmd.port, nodes: [{ name, port }] });
      assert.equal(await isEpmdRunning(opts), true);

      const clash = await rejectsWith(EpmdRegistration.register({ name, port: port + 1 }, opts), 'ERR_NODERL_NAME_IN_USE');
      assert.match(clash.message, new RegExp(`${name}.*localhost:${epmd.port}`));
      assert.equal(clash.host, 'localhost');
      assert.equal(clash.port, epmd.port);
    } finally {
      await reg.close();
    }
    assert.equal(reg.registered, false);
    // close() resolves once epmd has closed its side, which it does after dropping the name.
    assert.equal(await lookupNode(name, opts), null);
    assert.deepEqual(namesListed((await epmdCommand(epmd.port, ['-names'])).stdout), []);

    const again = await EpmdRegistration.register({ name, port }, opts);
    try {
      assert.notEqual(again.creation, reg.creation);
    } finally {
      await again.close();
    }
  });

  test('a client below version 6 gets a 16-bit creation (a `y` reply)', async () => {
    const reg = await EpmdRegistration.register({ name: uniqueName('old'), port: fakePort(), highestVersion: 5, hidden: true }, { port: epmd.port });
    try {
      assert.ok(reg.creation >= 1 && reg.creation <= 3, `creation ${reg.creation}`);
      assert.equal(reg.hidden, true);
      // NodeType stays 77 for hidden nodes, as OTP's erl_epmd registers them.
      assert.equal((await lookupNode(reg.name, { port: epmd.port })).nodeType, 77);
    } finally {
      await reg.close();
    }
  });

  test('without -relaxed_command_check: KILL answers NO while nodes live, STOP is not answered', async () => {
    const opts = { port: epmd.port };
    const reg = await EpmdRegistration.register({ name: uniqueName('keep'), port: fakePort() }, opts);
    let lost = false;
    reg.on('lost', () => (lost = true));
    try {
      assert.equal(await killEpmd(opts), 'NO');
      assert.equal(await stopName(reg.name, opts), '');
      assert.ok((await lookupNode(reg.name, opts)) !== null);
      assert.equal(lost, false);
    } finally {
      await reg.close();
    }
  });

  test('a real erl node and noderl see each other through epmd', async () => {
    const opts = { port: epmd.port };
    const node = await startErlNode({ epmdPort: epmd.port });
    const ours = uniqueName('ours');
    const ourPort = fakePort();
    let reg;
    try {
      const found = await lookupNode(node.name, opts);
      assert.ok(found !== null, 'erl node not registered');
      assert.ok(found.port > 0);
      assert.equal(found.nodeType, 77);
      assert.equal(found.highestVersion, 6);
      assert.equal(found.lowestVersion, 5); // what OTP 25 sends, §1.1

      const names = await listNames(opts);
      assert.equal(names.epmdPort, epmd.port);
      assert.deepEqual(names.nodes, [{ name: node.name, port: found.port }]);

      reg = await EpmdRegistration.register({ name: ours, port: ourPort }, opts);
      // net_adm:names/0 checks the port in the NAMES reply, then lists both nodes.
      const seen = await node.eval('{ok, Ns} = net_adm:names(), lists:sort(Ns)');
      assert.equal(seen, `[${[[node.name, found.port], [ours, ourPort]].sort().map(([n, p]) => `{"${n}",${p}}`).join(',')}]`);
      assert.equal(await node.eval(`erl_epmd:port_please("${ours}", "localhost")`), `{port,${ourPort},6}`);

      // The CLI prints what the real `epmd -names` prints, line for line.
      const real = await epmdCommand(epmd.port, ['-names']);
      const ourCli = await noderl(['names'], { ERL_EPMD_PORT: String(epmd.port) });
      assert.equal(ourCli.code, 0, ourCli.stderr);
      assert.equal(ourCli.stdout, real.stdout);
      assert.equal(namesListed(ourCli.stdout).length, 2);
      const withHost = await noderl(['names', '--host', '127.0.0.1'], { ERL_EPMD_PORT: String(epmd.port) });
      assert.equal(withHost.stdout, real.stdout);
    } finally {
      await reg?.close();
      await node.stop();
    }
    // erl's registration socket died with it.
    assert.equal(await lookupNode(node.name, opts), null);
  });

  test('`noderl names` with no port mapper: the epmd -names message and exit 1', async () => {
    const port = await freePort();
    const real = await epmdCommand(port, ['-names']);
    const ours = await noderl(['names'], { ERL_EPMD_PORT: String(port) });
    assert.equal(ours.code, 1);
    assert.equal(ours.code, real.code);
    assert.equal(ours.stderr, 'epmd: Cannot connect to local epmd\n');
    assert.equal(ours.stderr, real.stderr);
    assert.equal(ours.stdout, real.stdout);
  });
});

describe('EPMD client with a real epmd -relaxed_command_check', { skip }, () => {
  test('DUMP, STOP (with the lost event), then KILL', async () => {
    const epmd = await startEpmd({ relaxed: true });
    const opts = { port: epmd.port };
    try {
      const a = await EpmdRegistration.register({ name: uniqueName('a'), port: 40001 }, opts);
      const b = await EpmdRegistration.register({ name: uniqueName('b'), port: 40002 }, opts);

      const dump = await dumpEpmd(opts);
      assert.doesNotMatch(dump, /\0/);
      assert.match(dump, new RegExp(`^active name     <${a.name}> at port 40001, fd = \\d+\\n`, 'm'));
      assert.match(dump, new RegExp(`^active name     <${b.name}> at port 40002, fd = \\d+\\n`, 'm'));

      // OTP 25's epmd answers an unknown name with NOEXIST and then STOPPED (§1.1); later ones NOEXIST.
      assert.match(await stopName(uniqueName('nobody'), opts), /^NOEXIST/);

      const lost = once(b, 'lost');
      assert.equal(await stopName(b.name, opts), 'STOPPED');
      const [reason] = await lost;
      assert.match(reason.message, new RegExp(`closed the registration of ${b.name}`));
      assert.equal(b.registered, false);
      assert.equal(await lookupNode(b.name, opts), null);
      await b.close(); // after 'lost': resolves at once

      const after = await dumpEpmd(opts);
      assert.match(after, new RegExp(`^old/unused name <${b.name}>, port = 40002, fd = \\d+ \\n`, 'm'));

      // Relaxed: KILL is obeyed with a live registration, which is then lost.
      const aLost = once(a, 'lost');
      assert.equal(await killEpmd(opts), 'OK');
      assert.deepEqual(await epmd.exited, { code: 0, signal: null });
      await aLost;
      assert.equal(await isEpmdRunning({ ...opts, timeoutMs: 1000 }), false);
      await rejectsWith(listNames(opts), 'ERR_NODERL_EPMD_UNREACHABLE');
    } finally {
      await epmd.stop();
    }
  });
});

/**
 * A fake daemon on 127.0.0.1 that calls `answer(socket, request)` for each whole request, and
 * counts open connections so a test can check that the client destroyed its sockets.
 */
async function fakeDaemon(answer) {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) answer(socket, buffered.subarray(2));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: server.address().port,
    open: () => sockets.size,
    async closed() {
      for (let i = 0; i < 100 && sockets.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
      return sockets.size === 0;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Writes `bytes` one byte per event-loop turn, then (unless keepOpen) closes. */
async function trickle(socket, bytes, keepOpen = false) {
  for (const byte of bytes) {
    socket.write(Buffer.from([byte]));
    await new Promise((r) => setTimeout(r, 2));
  }
  if (!keepOpen) socket.end();
}

describe('EPMD client with a misbehaving daemon', () => {
  test('garbage is a protocol error naming what was received', async () => {
    const daemon = await fakeDaemon((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const opts = { port: daemon.port };
    try {
      const err = await rejectsWith(lookupNode('x', opts), 'ERR_NODERL_EPMD_PROTOCOL');
      assert.match(err.message, /PORT_PLEASE2.*HTTP\/1\.1 400/);
      assert.equal(err.received.toString(), 'HTTP/1.1 400 Bad Request\r\n\r\n');
      assert.equal(err.port, daemon.port);
      await rejectsWith(EpmdRegistration.register({ name: 'x', port: 1 }, opts), 'ERR_NODERL_EPMD_PROTOCOL');
      await rejectsWith(killEpmd(opts), 'ERR_NODERL_EPMD_PROTOCOL');
      assert.ok(await daemon.closed());
    } finally {
      await daemon.stop();
    }
  });

  test('a daemon that closes mid-reply or without answering', async () => {
    const daemon = await fakeDaemon((socket, req) => {
      if (req[0] === 122) socket.end(Buffer.from([119, 0, 0x12])); // PORT2_RESP cut inside the port
      else if (req[0] === 110) socket.end(Buffer.from([0, 0])); // NAMES cut inside the port
      else socket.destroy(); // as epmd does for requests it refuses
    });
    const opts = { port: daemon.port };
    try {
      const cut = await rejectsWith(lookupNode('x', opts), 'ERR_NODERL_EPMD_PROTOCOL');
      assert.match(cut.message, /closed after 3 bytes.*<77 00 12>/);
      await rejectsWith(listNames(opts), 'ERR_NODERL_EPMD_PROTOCOL');
      await rejectsWith(EpmdRegistration.register({ name: 'x', port: 1 }, opts), 'ERR_NODERL_EPMD_REFUSED');
      await rejectsWith(killEpmd(opts), 'ERR_NODERL_EPMD_REFUSED');
      await rejectsWith(dumpEpmd(opts), 'ERR_NODERL_EPMD_REFUSED');
      assert.equal(await stopName('x', opts), '');
      assert.equal(await isEpmdRunning(opts), false);
      assert.ok(await daemon.closed());
    } finally {
      await daemon.stop();
    }
  });

  test('a daemon that never answers times out as unreachable, and the socket is destroyed', async () => {
    const daemon = await fakeDaemon(() => {});
    const opts = { port: daemon.port, timeoutMs: 150 };
    try {
      const started = Date.now();
      const err = await rejectsWith(lookupNode('x', opts), 'ERR_NODERL_EPMD_UNREACHABLE');
      assert.match(err.message, /no PORT_PLEASE2 reply from epmd at localhost:\d+ within 150 ms/);
      assert.ok(Date.now() - started < 2000);
      await rejectsWith(EpmdRegistration.register({ name: 'x', port: 1 }, opts), 'ERR_NODERL_EPMD_UNREACHABLE');
      await rejectsWith(listNames(opts), 'ERR_NODERL_EPMD_UNREACHABLE');
      assert.ok(await daemon.closed());
    } finally {
      await daemon.stop();
    }
  });

  test('nothing listening is unreachable', async () => {
    const port = await freePort();
    const err = await rejectsWith(lookupNode('x', { port }), 'ERR_NODERL_EPMD_UNREACHABLE');
    assert.match(err.message, /ECONNREFUSED/);
    assert.equal(await isEpmdRunning({ port }), false);
    const cli = await noderl(['names'], { ERL_EPMD_PORT: String(port) });
    assert.equal(cli.code, 1);
    assert.equal(cli.stderr, 'epmd: Cannot connect to local epmd\n');
  });

  test('replies that arrive one byte at a time', async () => {
    const entry = Buffer.from([119, 0, 0x9f, 0x3a, 77, 0, 0, 6, 0, 5, 0, 2, 0x70, 0x79, 0, 1, 0x2a]);
    const daemon = await fakeDaemon((socket, req) => {
      if (req[0] === 122) trickle(socket, entry, true); // whole reply, left open: parsed as it completes
      else if (req[0] === 110) trickle(socket, Buffer.concat([Buffer.from([0, 0, 0x11, 0x11]), Buffer.from('name py at port 40762\nname a at port 1\n')]));
      else if (req[0] === 120) trickle(socket, Buffer.from([118, 0, 0xde, 0xad, 0xbe, 0xef]), true);
      else if (req[0] === 100) trickle(socket, Buffer.from('\0\0\x11\x11active name     <py> at port 1, fd = 5\n\0'));
    });
    const opts = { port: daemon.port };
    try {
      assert.deepEqual(await lookupNode('py', opts), {
        name: 'py',
        port: 0x9f3a,
        nodeType: 77,
        protocol: 0,
        highestVersion: 6,
        lowestVersion: 5,
        extra: Buffer.from([0x2a]),
      });
      assert.deepEqual(await listNames(opts), {
        epmdPort: 4369,
        nodes: [
          { name: 'py', port: 40762 },
          { name: 'a', port: 1 },
        ],
      });
      assert.equal(await dumpEpmd(opts), 'active name     <py> at port 1, fd = 5\n');
      const reg = await EpmdRegistration.register({ name: 'py', port: 1 }, opts);
      assert.equal(reg.creation, 0xdeadbeef);
      await reg.close(200);
      assert.ok(await daemon.closed());
    } finally {
      await daemon.stop();
    }
  });

  test('a name clash and a lost registration', async () => {
    let registrations = 0;
    const daemon = await fakeDaemon((socket, req) => {
      if (req[0] !== 120) return socket.destroy();
      registrations += 1;
      if (registrations === 1) socket.write(Buffer.from([118, 1, 0, 0, 0, 99]));
      else {
        socket.write(Buffer.from([118, 0, 0, 0, 0, 7]));
        setTimeout(() => socket.destroy(), 20);
      }
    });
    const opts = { port: daemon.port };
    try {
      const err = await rejectsWith(EpmdRegistration.register({ name: 'taken', port: 1 }, opts), 'ERR_NODERL_NAME_IN_USE');
      assert.match(err.message, /the name taken seems to be in use/);
      const reg = await EpmdRegistration.register({ name: 'brief', port: 1 }, opts);
      assert.equal(reg.creation, 7);
      const [reason] = await once(reg, 'lost');
      assert.match(reason.message, /closed the registration of brief/);
      assert.equal(reg.registered, false);
      assert.ok(await daemon.closed());
    } finally {
      await daemon.stop();
    }
  });

  test('names are checked before anything is sent', async () => {
    await assert.rejects(lookupNode('a@host', { port: 1 }), RangeError);
    await assert.rejects(lookupNode('', { port: 1 }), RangeError);
    await assert.rejects(lookupNode('é'.repeat(256), { port: 1 }), RangeError);
    await assert.rejects(EpmdRegistration.register({ name: 'ok', port: 70000 }, { port: 1 }), RangeError);
    await assert.rejects(EpmdRegistration.register({ name: 'ok', port: 1, extra: Buffer.alloc(1021) }, { port: 1 }), RangeError);
  });
});
