// TLS distribution against real `erl -proto_dist inet_tls -ssl_dist_optfile F` nodes (OTP's
// inet_tls_dist): certificates made here with `openssl` (a private CA, a node certificate for
// server and client use), one optfile read by erl and by noderl alike. Connect, rpc, remote spawn
// with output through the group leader and a 200,000-element list, both ways; ticks on an idle
// connection; `noderl start`, `noderl rpc` and `noderl ping` with the TLS flags; a plain node, a
// node of another CA and an expired certificate refused with a log line naming the reason and the
// peer's address while the node keeps serving; `openssl s_client` against noderl's distribution
// port, with erl's port beside it as the oracle of what OTP does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { erlSkip, startEpmd, startErlNode, uniqueName } from '../support/epmd.js';
import { runNoderl } from '../support/noderl-cli.js';
import { makePki } from '../../bench/lib/tls-certs.js';
import { readOptfile, distOptsText, TlsOptionError, atom, tuple, isTuple, format } from '../../dist/index.js';
import { remoteSpawnOutput } from '../support/remote-output.js';

const skip = erlSkip();
let pki;
let stranger; // another CA and its node certificate
let epmd;
let erl; // TLS, our CA
let node; // noderl, TLS, our CA
const logs = [];
const started = [];

before(async () => {
  pki = makePki();
  stranger = makePki();
  if (skip) return;
  epmd = await startEpmd();
  erl = await startErlNode({ epmdPort: epmd.port, args: pki.erlArgs() });
  const { Node } = await import('../../dist/index.js');
  node = await Node.start({ sname: uniqueName('jstls'), cookie: erl.cookie, epmdPort: epmd.port, tls: pki.optfileText, log: (l) => logs.push(l), output: () => {} });
});

after(async () => {
  if (process.env.SHOW_TLS_LOGS) console.log(logs.join("\n"));
  for (const n of started) await n.stop();
  await node?.stop();
  await erl?.stop();
  await epmd?.stop();
  pki?.remove();
  stranger?.remove();
});

const N = () => `'${node.name}'`;
const E = () => `'${erl.node}'`;

/** Log lines that arrive while `fn` runs. */
async function logsDuring(fn) {
  const from = logs.length;
  await fn();
  await new Promise((r) => setTimeout(r, 200)); // a refusal is logged when the socket closes
  return logs.slice(from);
}

/** A refusal line: `** NAME: TLS distribution connection from ADDRESS:PORT refused: REASON **`. */
const REFUSED = /TLS distribution connection from ([0-9a-f.:]+):(\d+) refused: (.+) \*\*$/;

/** `openssl s_client` to `port` with `args`; resolves { code, out } once it has finished. */
function sClient(port, args) {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => (clearTimeout(timer), resolve({ code, out })));
    child.stdin.end(); // EOF: s_client closes once the TLS handshake is done
  });
}

async function erlPort() {
  const { lookupNode } = await import('../../dist/epmd/client.js');
  return (await lookupNode(erl.name, { host: '127.0.0.1', port: epmd.port })).port;
}

test('the optfile erl reads becomes Node tls options; versions default to TLS 1.2 as inet_tls_dist does', () => {
  const config = readOptfile(pki.optfileText);
  assert.deepEqual(config.server.options.cert, Buffer.from(pki.certPem()));
  assert.equal(config.server.options.requestCert, true);
  assert.equal(config.server.options.rejectUnauthorized, true); // fail_if_no_peer_cert
  assert.equal(config.client.options.rejectUnauthorized, true);
  assert.equal(config.server.options.minVersion, 'TLSv1.2');
  assert.equal(config.server.options.maxVersion, 'TLSv1.2');
  const v13 = readOptfile(`[{server, [{versions, ['tlsv1.3', 'tlsv1.2']}, {depth, 2}, {verify, verify_peer}]}, {client, [{ciphers, ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"]}, {server_name_indication, disable}]}].`);
  assert.deepEqual([v13.server.options.minVersion, v13.server.options.maxVersion], ['TLSv1.2', 'TLSv1.3']);
  assert.deepEqual(v13.server.checks, { depth: 2, verifyIfSent: true }); // verify_peer without fail_if_no_peer_cert
  assert.equal(v13.server.options.rejectUnauthorized, false);
  assert.equal(v13.client.options.ciphers, 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384');
  assert.equal(v13.client.checks.serverName, false);
  assert.equal(v13.client.options.rejectUnauthorized, false); // OTP 25's client default: verify_none
  // No options at all: OTP adds no versions, and neither do we.
  assert.equal(readOptfile('[{server, []}, {client, []}].').client.options.minVersion, undefined);
});

test('an unknown option, or one of the wrong side or form, is an error naming the option', () => {
  const refusal = (text) => {
    try {
      readOptfile(text);
    } catch (err) {
      assert.ok(err instanceof TlsOptionError, String(err));
      return [err.option, err.side, err.message];
    }
    assert.fail(`accepted ${text}`);
  };
  assert.deepEqual(refusal('[{server, [{certfil, "x.pem"}]}].').slice(0, 2), ['certfil', 'server']);
  assert.match(refusal('[{server, [{certfil, "x.pem"}]}].')[2], /unknown ssl_dist option 'certfil'/);
  assert.deepEqual(refusal('[{client, [{fail_if_no_peer_cert, true}]}].').slice(0, 2), ['fail_if_no_peer_cert', 'client']);
  assert.deepEqual(refusal('[{server, [{verify, maybe}]}].').slice(0, 2), ['verify', 'server']);
  assert.deepEqual(refusal('[{client, [{verify_fun, {m, f, []}}]}].').slice(0, 2), ['verify_fun', 'client']);
  assert.deepEqual(refusal(`[{client, [{versions, ['tlsv1.3', tlsv1]}]}].`).slice(0, 2), ['versions', 'client']);
  assert.deepEqual(refusal('[{server, [{certfile, "/nonexistent/noderl.pem"}]}].').slice(0, 2), ['certfile', 'server']);
  assert.deepEqual(refusal('[{server, [{secure_renegotiate, false}]}].').slice(0, 2), ['secure_renegotiate', 'server']);
});

test('a key that does not fit, or ciphers OpenSSL does not know, stop Node.start with a TlsOptionError naming the side', async () => {
  const { Node } = await import('../../dist/index.js');
  const cases = [
    [`[{server, [{certfile, ${JSON.stringify(pki.cert)}}, {keyfile, ${JSON.stringify(stranger.key)}}]}].`, 'server', /not usable/],
    ['[{client, [{ciphers, "NO-SUCH-CIPHER"}]}].', 'client', /no cipher match/],
  ];
  for (const [text, side, message] of cases) {
    await assert.rejects(Node.start({ sname: uniqueName('jsbad'), tls: text, epmdPort: 1, log: () => {} }), (err) => err instanceof TlsOptionError && err.side === side && message.test(err.message));
  }
});

test('--ssl-dist-opt pairs say what the same optfile says', () => {
  const text = distOptsText([
    ['server_certfile', pki.cert],
    ['server_keyfile', pki.key],
    ['server_cacertfile', pki.ca],
    ['server_verify', 'verify_peer'],
    ['server_fail_if_no_peer_cert', 'true'],
    ['client_certfile', pki.cert],
    ['client_keyfile', pki.key],
    ['client_cacertfile', pki.ca],
    ['client_verify', 'verify_peer'],
    ['client_depth', '3'],
  ]);
  const fromPairs = readOptfile(text);
  const fromFile = readOptfile(pki.optfileText);
  assert.deepEqual(fromPairs.server, fromFile.server);
  assert.deepEqual(fromPairs.client.options, fromFile.client.options);
  assert.deepEqual(fromPairs.client.checks, { depth: 3 });
});

test('connect both ways over TLS: erl sees a tls connection; rpc both ways', { skip }, async () => {
  const protocol = (peer) => erl.eval(`element(4, proplists:get_value(address, element(2, net_kernel:node_info('${peer}'))))`);
  assert.equal(await node.connect(erl.node), true);
  assert.equal(await protocol(node.name), 'tls');
  assert.equal(String(await node.rpc.call(erl.node, 'erlang', 'node', [])), erl.node);
  // erl dials: a second TLS noderl node it has never seen.
  const { Node } = await import('../../dist/index.js');
  const fresh = await Node.start({ sname: uniqueName('jsfresh'), cookie: erl.cookie, epmdPort: epmd.port, tls: pki.optfileText, log: () => {}, output: () => {} });
  started.push(fresh);
  assert.equal(await erl.eval(`net_adm:ping('${fresh.name}')`), 'pong');
  assert.equal(await protocol(fresh.name), 'tls');
  assert.equal(await erl.eval(`rpc:call('${fresh.name}', erlang, node, [])`), format(atom(fresh.name)));
  assert.equal(String(await fresh.rpc.call(erl.node, 'erlang', 'node', [])), erl.node);
});

test('remote spawn both ways, output through the group leader', { skip }, async () => {
  const out = await remoteSpawnOutput(erl, node.name);
  assert.equal(out, JSON.stringify(`I'm on ${node.name}\n`));
  // From noderl: io:format runs on erl and its output comes to our process, the group leader.
  const request = await new Promise((resolve) => {
    node.spawn(async (self) => {
      self.setGroupLeader(self.pid);
      await self.spawnRemote(erl.node, 'io', 'format', ['on ~p~n', [atom(erl.node)]]);
      const m = await self.receive({ match: (x) => isTuple(x) && x[0] === atom('io_request'), timeout: 5000 });
      self.send(m[1], tuple(atom('io_reply'), m[2], atom('ok')));
      resolve(m[3]);
    });
  });
  assert.equal(format(request), `{put_chars,unicode,io_lib,format,[<<"on ~p~n">>,[${format(atom(erl.node))}]]}`);
});

test('a 200,000-element list both ways', { skip }, async () => {
  assert.equal(await erl.eval(`length(rpc:call(${N()}, lists, seq, [1, 200000]))`), '200000');
  assert.equal(await erl.eval(`rpc:call(${N()}, lists, sum, [lists:seq(1, 200000)])`), String((200000 * 200001) / 2));
  const list = await node.rpc.call(erl.node, 'lists', 'seq', [1, 200000]);
  assert.equal(list.length, 200000);
  assert.equal(list[199999], 200000);
  const big = Array.from({ length: 200000 }, (_, i) => i + 1);
  assert.equal(await node.rpc.call(erl.node, 'lists', 'sum', [big]), (200000 * 200001) / 2);
});

test('ticks flow inside TLS both ways: an idle connection at net_ticktime 2 stays up for 6 s', { skip }, async () => {
  const { Node } = await import('../../dist/index.js');
  const quick = await startErlNode({ epmdPort: epmd.port, cookie: erl.cookie, args: [...pki.erlArgs(), '-kernel', 'net_ticktime', '2'] });
  const downs = [];
  const idle = await Node.start({ sname: uniqueName('jstick'), cookie: erl.cookie, epmdPort: epmd.port, ticktime: 2, tls: pki.optfileText, log: () => {}, output: () => {} });
  started.push(idle);
  idle.on('nodedown', (peer, reason) => downs.push(`${peer}: ${reason}`));
  try {
    assert.equal(await idle.ping(quick.node), 'pong');
    await new Promise((r) => setTimeout(r, 6000)); // three ticktimes with nothing but ticks on the wire
    assert.deepEqual(downs, []);
    assert.deepEqual(idle.nodes(), [quick.node]);
    assert.equal(await quick.eval(`lists:member('${idle.name}', nodes())`), 'true');
  } finally {
    await quick.stop();
  }
});

test('noderl rpc and noderl ping into the TLS BEAM node (optfile and --ssl-dist-opt)', { skip }, async () => {
  const rpc = await runNoderl(['rpc', erl.node, 'erlang', 'node', '[]', '--cookie', erl.cookie, '--proto-dist', 'inet_tls', '--ssl-dist-optfile', pki.optfile], { epmdPort: epmd.port });
  assert.equal(rpc.stdout.trim(), format(atom(erl.node)), rpc.stderr);
  assert.equal(rpc.code, 0);
  const opts = ['certfile', pki.cert, 'keyfile', pki.key, 'cacertfile', pki.ca, 'verify', 'verify_peer'];
  const pairs = ['server', 'client'].flatMap((side) => opts.map((v, i) => (i % 2 === 0 ? `${side}_${v}` : v)));
  const ping = await runNoderl(['ping', erl.node, '--cookie', erl.cookie, '--proto-dist', 'inet_tls', '--ssl-dist-opt', ...pairs], { epmdPort: epmd.port });
  assert.equal(ping.stdout, 'pong\n', ping.stderr);
  // Without TLS the same command gets nowhere: the TLS node refuses the plain handshake.
  const plain = await runNoderl(['ping', erl.node, '--cookie', erl.cookie], { epmdPort: epmd.port });
  assert.equal(plain.stdout, 'pang\n');
});

test('noderl start --proto-dist inet_tls --ssl-dist-optfile: erl reaches it over TLS; SIGTERM stops it', { skip }, async () => {
  const { NODERL_BIN } = await import('../support/noderl-cli.js');
  const name = uniqueName('clitls');
  const child = spawn(process.execPath, [NODERL_BIN, 'start', '--sname', name, '--cookie', erl.cookie, '--proto-dist', 'inet_tls', '--ssl-dist-optfile', pki.optfile], {
    env: { ...process.env, ERL_EPMD_PORT: String(epmd.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => ((out += d), out.includes('\n') && resolve()));
      exited.then(() => reject(new Error(`exited early: ${err}`)));
    });
    const peer = `${name}@${erl.node.split('@')[1]}`;
    assert.equal(out, `node ${peer} started\n`);
    assert.equal(await erl.eval(`net_adm:ping('${peer}')`), 'pong');
    assert.equal(await erl.eval(`element(4, proplists:get_value(address, element(2, net_kernel:node_info('${peer}'))))`), 'tls');
  } finally {
    if (child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  }
  assert.deepEqual(await exited, { code: 0, signal: null });
});

test('the TLS flags are checked: a wrong protocol, options without inet_tls, inet_tls without options, a bad option', { skip }, async () => {
  const run = (args) => runNoderl(['ping', 'x@localhost', ...args], { epmdPort: epmd.port });
  const problems = [
    [['--proto-dist', 'inet6_tls', '--ssl-dist-optfile', pki.optfile], /noderl speaks inet_tcp and inet_tls/],
    [['--ssl-dist-optfile', pki.optfile], /give it too/],
    [['--proto-dist', 'inet_tls'], /needs --ssl-dist-optfile/],
    [['--proto-dist', 'inet_tls', '--ssl-dist-opt', 'server_certfile'], /KEY VALUE pairs/],
    [['--proto-dist', 'inet_tls', '--ssl-dist-opt', 'certfile', pki.cert], /must start with server_ or client_/],
  ];
  for (const [args, message] of problems) {
    const r = await run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
  const unknown = await run(['--proto-dist', 'inet_tls', '--ssl-dist-opt', 'client_certfil', pki.cert]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown ssl_dist option 'certfil' in the client list/);
});

test('a plain-TCP peer is refused with a log line naming the reason and its address; the node keeps serving', { skip }, async () => {
  const { Node } = await import('../../dist/index.js');
  const plain = await Node.start({ sname: uniqueName('jsplain'), cookie: erl.cookie, epmdPort: epmd.port, log: () => {}, output: () => {} });
  started.push(plain);
  const lines = await logsDuring(async () => assert.equal(await plain.ping(node.name), 'pang'));
  const refusal = lines.map((l) => REFUSED.exec(l)).find(Boolean);
  assert.ok(refusal, `no refusal logged: ${JSON.stringify(lines)}`);
  assert.match(refusal[1], /127\.0\.0\.1$/);
  assert.match(refusal[3], /wrong version number|unknown protocol|http request/);
  // A plain BEAM node too.
  const plainErl = await startErlNode({ epmdPort: epmd.port, cookie: erl.cookie });
  try {
    const erlLines = await logsDuring(async () => assert.equal(await plainErl.eval(`net_adm:ping(${N()})`), 'pang'));
    assert.ok(erlLines.some((l) => REFUSED.test(l)), JSON.stringify(erlLines));
  } finally {
    await plainErl.stop();
  }
  assert.equal(await erl.eval(`rpc:call(${N()}, erlang, node, [])`), format(atom(node.name)));
});

test('a node whose certificate another CA signed is refused both ways, erl and noderl; the node keeps serving', { skip }, async () => {
  const { Node } = await import('../../dist/index.js');
  const strangerLogs = [];
  const other = await Node.start({ sname: uniqueName('jsother'), cookie: erl.cookie, epmdPort: epmd.port, tls: stranger.optfileText, log: (l) => strangerLogs.push(l), output: () => {} });
  started.push(other);
  // It dials us: its client refuses our certificate, and our side logs the alert it sent.
  const lines = await logsDuring(async () => assert.equal(await other.ping(node.name), 'pang'));
  const refusal = lines.map((l) => REFUSED.exec(l)).find(Boolean);
  assert.ok(refusal, JSON.stringify(lines));
  assert.match(refusal[3], /UNABLE_TO_VERIFY_LEAF_SIGNATURE|unknown ca|certificate/);
  assert.ok(strangerLogs.some((l) => l.includes(`TLS connection to node ${node.name} at `)), JSON.stringify(strangerLogs));
  // We dial it: our client refuses its certificate, and says so.
  const ours = await logsDuring(async () => assert.equal(await node.ping(other.name), 'pang'));
  assert.ok(ours.some((l) => l.includes(`TLS connection to node ${other.name} at `)), JSON.stringify(ours));
  // A BEAM node of the other CA gets pang too.
  const otherErl = await startErlNode({ epmdPort: epmd.port, cookie: erl.cookie, args: stranger.erlArgs() });
  try {
    const erlLines = await logsDuring(async () => assert.equal(await otherErl.eval(`net_adm:ping(${N()})`), 'pang'));
    assert.ok(erlLines.some((l) => REFUSED.test(l)), JSON.stringify(erlLines));
    assert.equal(await node.ping(otherErl.node), 'pang');
  } finally {
    await otherErl.stop();
  }
  assert.equal(await erl.eval(`rpc:call(${N()}, erlang, node, [])`), format(atom(node.name)));
});

test('an expired certificate of our own CA is refused both ways, erl and noderl; the node keeps serving', { skip }, async () => {
  const { Node } = await import('../../dist/index.js');
  const expired = pki.expired();
  const old = await Node.start({ sname: uniqueName('jsexpired'), cookie: erl.cookie, epmdPort: epmd.port, tls: expired.optfileText, log: () => {}, output: () => {} });
  started.push(old);
  const lines = await logsDuring(async () => assert.equal(await old.ping(node.name), 'pang'));
  const refusal = lines.map((l) => REFUSED.exec(l)).find(Boolean);
  assert.ok(refusal, JSON.stringify(lines));
  assert.match(refusal[3], /CERT_HAS_EXPIRED|expired/);
  const ours = await logsDuring(async () => assert.equal(await node.ping(old.name), 'pang'));
  assert.ok(ours.some((l) => l.includes(`TLS connection to node ${old.name} at `)), JSON.stringify(ours));
  // erl refuses it too: the oracle agrees the certificate is no good.
  const oldErl = await startErlNode({ epmdPort: epmd.port, cookie: erl.cookie, args: expired.erlArgs() });
  try {
    assert.equal(await oldErl.eval(`net_adm:ping('${erl.node}')`), 'pang');
    const erlLines = await logsDuring(async () => assert.equal(await oldErl.eval(`net_adm:ping(${N()})`), 'pang'));
    assert.ok(erlLines.some((l) => REFUSED.test(l) && /expired/i.test(l)), JSON.stringify(erlLines));
  } finally {
    await oldErl.stop();
  }
  assert.equal(await erl.eval(`rpc:call(${N()}, erlang, node, [])`), format(atom(node.name)));
});

test('verify_peer without fail_if_no_peer_cert, as OTP: a client without a certificate is served, one of another CA refused', { skip }, async () => {
  const { Node } = await import('../../dist/index.js');
  const q = JSON.stringify;
  const lenientText = `[{server, [{certfile, ${q(pki.cert)}}, {keyfile, ${q(pki.key)}}, {cacertfile, ${q(pki.ca)}}, {verify, verify_peer}]}, {client, [{verify, verify_none}]}].`;
  const lenientLogs = [];
  const lenient = await Node.start({ sname: uniqueName('jslenient'), cookie: erl.cookie, epmdPort: epmd.port, tls: lenientText, log: (l) => lenientLogs.push(l), output: () => {} });
  started.push(lenient);
  // A client with no certificate at all (its server side has one, which nobody asks for here).
  const bare = await Node.start({ sname: uniqueName('jsbare'), cookie: erl.cookie, epmdPort: epmd.port, tls: `[{server, [{certfile, ${q(pki.cert)}}, {keyfile, ${q(pki.key)}}]}, {client, [{verify, verify_none}]}].`, log: () => {}, output: () => {} });
  started.push(bare);
  assert.equal(await bare.ping(lenient.name), 'pong');
  const other = await Node.start({ sname: uniqueName('jsother2'), cookie: erl.cookie, epmdPort: epmd.port, tls: stranger.optfileText.replace('{verify, verify_peer}]}].', '{verify, verify_none}]}].'), log: () => {}, output: () => {} });
  started.push(other);
  const from = lenientLogs.length;
  assert.equal(await other.ping(lenient.name), 'pang');
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(lenientLogs.slice(from).some((l) => REFUSED.test(l) && /client certificate refused/.test(l)), JSON.stringify(lenientLogs));
  // erl with the same server options serves a client without a certificate too (the oracle).
  const { writeFileSync } = await import('node:fs');
  const lenientFile = `${pki.dir}/lenient.conf`;
  writeFileSync(lenientFile, lenientText);
  const lenientErl = await startErlNode({ epmdPort: epmd.port, cookie: erl.cookie, args: ['-proto_dist', 'inet_tls', '-ssl_dist_optfile', lenientFile] });
  try {
    assert.equal(await bare.ping(lenientErl.node), 'pong');
    assert.equal(await other.ping(lenientErl.node), 'pang');
  } finally {
    await lenientErl.stop();
  }
});

test('Node tls options for each role, instead of an optfile, interoperate with erl both ways', { skip }, async () => {
  const { Node } = await import('../../dist/index.js');
  const { readFileSync } = await import('node:fs');
  const [cert, key, ca] = [pki.cert, pki.key, pki.ca].map((f) => readFileSync(f));
  const direct = await Node.start({
    sname: uniqueName('jsdirect'),
    cookie: erl.cookie,
    epmdPort: epmd.port,
    tls: { server: { cert, key, ca, requestCert: true, rejectUnauthorized: true }, client: { cert, key, ca } },
    log: () => {},
    output: () => {},
  });
  started.push(direct);
  assert.equal(await erl.eval(`net_adm:ping('${direct.name}')`), 'pong');
  assert.equal(String(await direct.rpc.call(erl.node, 'erlang', 'node', [])), erl.node);
  assert.equal(await direct.ping(node.name), 'pong');
});

test('openssl s_client completes a TLS handshake with the configured certificate; TLS 1.3 and a missing client certificate are refused, as by erl', { skip }, async () => {
  const withCert = ['-CAfile', pki.ca, '-cert', pki.cert, '-key', pki.key, '-verify_return_error'];
  // s_client exits 1 here: it reads the node's close after its own EOF as an error.
  const ok = await sClient(node.port, [...withCert, '-tls1_2']);
  assert.match(ok.out, /Verify return code: 0 \(ok\)/);
  assert.match(ok.out, /Protocol\s*: TLSv1\.2/);
  const served = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(ok.out)[0];
  assert.equal(served.replace(/\s/g, ''), pki.certPem().replace(/\s/g, ''));
  const port = await erlPort();
  for (const [args, what] of [
    [[...withCert, '-tls1_3'], 'TLS 1.3 (versions default to tlsv1.2)'],
    [['-CAfile', pki.ca, '-tls1_2'], 'no client certificate (fail_if_no_peer_cert)'],
  ]) {
    const beam = await sClient(port, args);
    const lines = await logsDuring(async () => {
      const ours = await sClient(node.port, args);
      assert.equal(ours.code !== 0 || /alert|error/i.test(ours.out), beam.code !== 0 || /alert|error/i.test(beam.out), `${what}: noderl and erl differ:\n${ours.out}\n---\n${beam.out}`);
    });
    assert.ok(beam.code !== 0 || /alert/i.test(beam.out), `${what}: erl accepted it`);
    assert.ok(lines.some((l) => REFUSED.test(l)), `${what}: ${JSON.stringify(lines)}`);
  }
  assert.equal(await erl.eval(`rpc:call(${N()}, erlang, node, [])`), format(atom(node.name)));
});

