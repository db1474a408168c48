// Bad control messages from a peer that passed the handshake: the connection is closed with a log
// line saying why (as ERTS does with an invalid distribution message), and the node keeps serving.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { useErlAndNode, uniqueName } from '../support/epmd.js';
import { dialHandshake } from '../../dist/channel/handshake.js';
import { advertisedFlags } from '../../dist/channel/flags.js';
import { encode } from '../../dist/term/encode.js';
import { atom, tuple, Pid } from '../../dist/term/types.js';

let erl;
let epmd;
let node;
const logs = [];
const state = useErlAndNode();
const { skip } = state;

/** A node of our own (the shared one logs nowhere), started once the erl node runs. */
async function ourNode() {
  ({ erl, epmd } = state);
  const { Node } = await import('../../dist/node/node.js');
  node ??= await Node.start({ sname: uniqueName('js'), cookie: erl.cookie, epmdPort: epmd.port, log: (line) => logs.push(line) });
  return node;
}
after(() => node?.stop());

/** A peer that runs a real handshake with `node`, then writes whatever frames the test gives. */
async function rawPeer() {
  const name = `${uniqueName('raw')}@${erl.node.split('@')[1]}`;
  const socket = await new Promise((resolve, reject) => {
    const s = connect(node.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const local = { name, flags: advertisedFlags(false), creation: 7, cookieFor: () => erl.cookie, setupTimeMs: 5000 };
  await dialHandshake(socket, local, node.name);
  const closed = new Promise((resolve) => socket.once('close', resolve));
  /** One header-mode frame: `131,68,0` + control (+ payload), terms without their 131. */
  const frame = (control, payload) => {
    const parts = [Buffer.of(131, 68, 0), encode(control).subarray(1)];
    if (payload !== undefined) parts.push(encode(payload).subarray(1));
    const body = Buffer.concat(parts);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    socket.write(Buffer.concat([head, body]));
  };
  return { name, socket, closed, frame, pid: new Pid(atom(name), 40, 0, 7) };
}

test('an unknown op, a message without its payload and a malformed tuple each close only that connection, with a log line', { skip }, async () => {
  await ourNode();
  const target = node.spawn(async (self) => void (await self.receive({ match: () => false })));
  const cases = [
    [tuple(99, atom('x')), undefined, /bad control message: \{99,x\}/],
    [tuple(22, null, target), undefined, /bad control message: \{22,undefined,<\d+\.\d+\.\d+>\} \(no payload\)/],
    [tuple(1, atom('not_a_pid'), target), undefined, /bad control message: \{1,not_a_pid,/],
  ];
  for (const [control, payload, expected] of cases) {
    const peer = await rawPeer();
    assert.ok(node.nodes().includes(peer.name), 'the handshake succeeded');
    peer.frame(control, payload);
    await peer.closed;
    assert.ok(logs.some((l) => l.includes(peer.name) && expected.test(l)), `${expected}\n${logs.join('\n')}`);
  }
  // The node still serves: erl pings it, and the process it had is alive.
  assert.equal(await erl.eval(`net_adm:ping('${node.name}')`), 'pong');
  assert.ok(node.isAlive(target));
});

test('a peer that sends a good message after the handshake is served as usual (the raw peer is real)', { skip }, async () => {
  await ourNode();
  const got = [];
  const target = node.spawn(async (self) => got.push(await self.receive({ timeout: 5000 })));
  const peer = await rawPeer();
  peer.frame(tuple(22, peer.pid, target), tuple(atom('hello'), 1));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(got.length, 1);
  assert.equal(got[0][0], atom('hello'));
  peer.socket.destroy();
});
