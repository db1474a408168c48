// gen_server calls both ways: noderl calls a real erl gen_server (compiled here), and erl calls a
// noderl GenServer with gen_server:call/cast, seeing replies and exits as with a BEAM server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useErlAndNode, uniqueName } from '../support/epmd.js';
import { TIMEOUT } from '../../dist/process/mailbox.js';
import { atom, tuple, Pid } from '../../dist/term/types.js';
import { format } from '../../dist/term/format.js';
import { CallError } from '../../dist/process/gen-call.js';
import { GenServerStartError, reply } from '../../dist/otp/gen-server.js';

const KV = `
-module(noderl_kv).
-behaviour(gen_server).
-export([start/1, init/1, handle_call/3, handle_cast/2, handle_info/2]).
start(Name) -> gen_server:start({local, Name}, ?MODULE, [], []).
init([]) -> {ok, #{}}.
handle_call({put, K, V}, _From, S) -> {reply, ok, S#{K => V}};
handle_call({get, K}, _From, S) -> {reply, maps:get(K, S, undefined), S};
handle_call(self, _From, S) -> {reply, self(), S};
handle_call({sleep, Ms}, _From, S) -> timer:sleep(Ms), {reply, {slept, Ms}, S};
handle_call({stop, R}, _From, S) -> {stop, R, S}.
handle_cast({put, K, V}, S) -> {noreply, S#{K => V}}.
handle_info(_, S) -> {noreply, S}.
`;

let erl;
let node;
let dir;
const { skip } = useErlAndNode({ ping: true, ready: (s) => ({ erl, node } = s) });

let compiled;
/** Compiles noderl_kv once (erlc into a temp dir) and puts it on the erl node's code path. */
function compileKv() {
  compiled ??= (async () => {
    dir = mkdtempSync(join(tmpdir(), 'noderl-gen-'));
    writeFileSync(join(dir, 'noderl_kv.erl'), KV);
    const r = spawnSync('erlc', ['-o', dir, join(dir, 'noderl_kv.erl')], { encoding: 'utf8' });
    assert.equal(r.status, 0, `erlc failed: ${r.stderr}${r.stdout}`);
    assert.equal(await erl.eval(`code:add_patha("${dir}")`), 'true');
  })();
  return compiled;
}
after(() => dir && rmSync(dir, { recursive: true, force: true }));

const N = () => `'${node.name}'`;
const E = () => atom(erl.node);

async function startKv() {
  await compileKv();
  const name = uniqueName('kv');
  assert.match(await erl.eval(`noderl_kv:start(${name})`), /^\{ok,<.*>\}$/);
  return name;
}

async function callError(promise) {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof CallError, `expected a CallError, got ${err}`);
    return err;
  }
  assert.fail('the call succeeded');
}

test('noderl calls an erl gen_server by {Name, Node} and by pid; gen_server:cast reaches it too', { skip }, async () => {
  const kv = await startKv();
  const server = tuple(atom(kv), E());
  assert.equal(await node.call(server, tuple(atom('put'), atom('a'), 1)), atom('ok'));
  assert.equal(await node.call(server, tuple(atom('get'), atom('a'))), 1);
  const pid = await node.call(server, atom('self'));
  assert.ok(pid instanceof Pid);
  node.send(server, tuple(atom('$gen_cast'), tuple(atom('put'), atom('b'), Buffer.from('bin'))));
  assert.equal(format(await node.call(pid, tuple(atom('get'), atom('b')))), '<<"bin">>');
});

test('calls to erl fail as gen_server:call fails: noproc, timeout (late reply dropped), the server\'s exit reason, nodedown', { skip }, async () => {
  const kv = await startKv();
  const server = tuple(atom(kv), E());
  const noproc = await callError(node.call(tuple(atom('no_such_server'), E()), atom('hi')));
  assert.equal(noproc.code, 'noproc');
  assert.equal(format(noproc.reason), `{noproc,{gen_server,call,[{no_such_server,${erl.node}},hi,5000]}}`);

  const afterTimeout = await new Promise((resolve, reject) => {
    node.spawn(async (self) => {
      try {
        const err = await self.call(server, tuple(atom('sleep'), 300), 50).catch((e) => e);
        // The server is sequential: this reply comes after the late one, which the dead alias dropped.
        const next = await self.call(server, tuple(atom('sleep'), 0));
        resolve({ err, next, stray: await self.receive({ timeout: 0 }) });
      } catch (err) {
        reject(err);
      }
    });
  });
  assert.ok(afterTimeout.err instanceof CallError);
  assert.equal(afterTimeout.err.code, 'timeout');
  assert.equal(format(afterTimeout.err.reason), `{timeout,{gen_server,call,[{${kv},${erl.node}},{sleep,300},50]}}`);
  assert.equal(format(afterTimeout.next), '{slept,0}');
  assert.equal(afterTimeout.stray, TIMEOUT, 'the late reply never reached the mailbox');

  const died = await callError(node.call(server, tuple(atom('stop'), atom('boom'))));
  assert.equal(died.code, 'exit');
  assert.equal(died.callReason, atom('boom'));

  const host = erl.node.split('@')[1];
  const down = await callError(node.call(tuple(atom('x'), atom(`nobody_${process.pid}@${host}`)), atom('hi')));
  assert.equal(down.code, 'nodedown');
  assert.equal(format(down.callReason), `{nodedown,nobody_${process.pid}@${host}}`);
});

test('an uncaught CallError ends the calling process with gen_server\'s exit reason', { skip }, async () => {
  const reason = await new Promise((resolve) => {
    node.spawn(async (self) => {
      self.trapExit(true);
      const child = self.spawn(async (c) => c.call(tuple(atom('no_such_server'), E()), atom('q'), 1000));
      self.link(child);
      const [, , r] = await self.receive({ timeout: 5000 });
      resolve(r);
    });
  });
  assert.equal(format(reason), `{noproc,{gen_server,call,[{no_such_server,${erl.node}},q,1000]}}`);
});

function counter(extra = {}) {
  const log = [];
  const events = [];
  const spec = {
    init: () => ({ n: 0, waiting: undefined }),
    handleCall(req, from, s, self) {
      if (req === atom('get')) return { reply: s.n, state: s };
      if (req === atom('self')) return { reply: self.pid, state: s };
      if (req === atom('defer')) {
        events.push('deferred');
        return { noreply: true, state: { ...s, waiting: from } };
      }
      if (req === atom('stop')) return { stop: atom('bye'), reply: atom('ok'), state: s };
      if (req === atom('crash')) return { stop: atom('crashed'), state: s };
      if (req === atom('throw')) throw new Error('handler failed');
      return { noreply: true, state: s }; // anything else: never answered
    },
    handleCast(msg, s) {
      if (msg === atom('inc')) return { noreply: true, state: { ...s, n: s.n + 1 } };
      return { noreply: true, state: s };
    },
    handleInfo(msg, s) {
      if (msg === atom('release') && s.waiting) {
        reply(s.waiting, tuple(atom('released'), s.n));
        return { noreply: true, state: { ...s, waiting: undefined } };
      }
      log.push(msg);
      return { noreply: true, state: s };
    },
    terminate(reason) {
      log.push(tuple(atom('terminate'), reason));
    },
    ...extra,
  };
  return { spec, log, events };
}

test('erl calls and casts a noderl GenServer; deferred replies; stop with a reply', { skip }, async () => {
  const name = uniqueName('counter');
  const { spec, log, events } = counter();
  const pid = await node.startGenServer(spec, { name });
  assert.equal(node.whereis(name), pid);
  const at = `{${name}, ${N()}}`;
  assert.equal(await erl.eval(`gen_server:call(${at}, get)`), '0');
  assert.equal(await erl.eval(`begin ok = gen_server:cast(${at}, inc), gen_server:cast(${at}, inc), gen_server:call(${at}, get) end`), '2');
  // gen_server:call to the pid the server gives out.
  assert.equal(await erl.eval(`begin P = gen_server:call(${at}, self), {node(P), gen_server:call(P, get)} end`), `{${node.name},2}`);

  await erl.eval(`begin Self = self(), spawn(fun() -> Self ! {deferred, gen_server:call(${at}, defer)} end), ok end`);
  for (let i = 0; i < 250 && !events.includes('deferred'); i += 1) await new Promise((r) => setTimeout(r, 20));
  node.send(pid, atom('release'));
  assert.equal(await erl.eval('receive {deferred, R} -> R after 5000 -> timeout end'), '{released,2}');

  assert.equal(await erl.eval(`begin {${name}, ${N()}} ! hello_info, gen_server:call(${at}, get) end`), '2');
  assert.deepEqual(log.map(format), ['hello_info']);

  assert.equal(await erl.eval(`gen_server:call(${at}, stop)`), 'ok');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(node.isAlive(pid), false);
  assert.equal(node.whereis(name), undefined);
  assert.deepEqual(log.map(format), ['hello_info', '{terminate,bye}']);
});

test('erl sees noproc, timeout, the server\'s exit reason and a thrown error as with a BEAM server', { skip }, async () => {
  const at = (n) => `{${n}, ${N()}}`;
  assert.equal(await erl.eval(`catch gen_server:call({no_such_js_server, ${N()}}, x)`), `{'EXIT',{noproc,{gen_server,call,[{no_such_js_server,${node.name}},x]}}}`);

  const a = uniqueName('counter');
  await node.startGenServer(counter().spec, { name: a });
  assert.equal(await erl.eval(`catch gen_server:call(${at(a)}, hang, 100)`), `{'EXIT',{timeout,{gen_server,call,[{${a},${node.name}},hang,100]}}}`);
  assert.equal(await erl.eval(`catch gen_server:call(${at(a)}, crash)`), `{'EXIT',{crashed,{gen_server,call,[{${a},${node.name}},crash]}}}`);

  const b = uniqueName('counter');
  await node.startGenServer(counter().spec, { name: b });
  assert.equal(
    await erl.eval(`catch gen_server:call(${at(b)}, throw)`),
    `{'EXIT',{{js_error,<<"Error: handler failed">>},{gen_server,call,[{${b},${node.name}},throw]}}}`,
  );
});

test('noderl calls a noderl GenServer (local aliases); start errors; calling_self', { skip }, async () => {
  const name = uniqueName('counter');
  const pid = await node.startGenServer(counter().spec, { name });
  node.send(name, tuple(atom('$gen_cast'), atom('inc')));
  assert.equal(await node.call(name, atom('get')), 1);
  assert.equal(await node.call(pid, atom('get')), 1);
  assert.equal(await node.call(tuple(atom(name), atom(node.name)), atom('get')), 1);
  const t = await callError(node.call(name, atom('hang'), 30));
  assert.equal(t.code, 'timeout');
  assert.equal((await callError(node.call('nobody_local', atom('x')))).code, 'noproc');

  await assert.rejects(node.startGenServer(counter().spec, { name }), (err) => err instanceof GenServerStartError && format(err.reason) === `{already_started,${format(pid)}}`);
  await assert.rejects(
    node.startGenServer({ init: () => { throw new Error('no init'); } }, { name: uniqueName('bad') }),
    (err) => err instanceof GenServerStartError && format(err.reason) === '{js_error,<<"Error: no init">>}',
  );
  const selfCall = await callError(
    node.startGenServer({
      init: () => null,
      handleCall: async (req, from, s, self) => ({ reply: await self.call(self.pid, atom('again')), state: s }),
    }).then((p) => node.call(p, atom('go'))),
  );
  // The server's own call failed with calling_self, uncaught: it died with gen_server's reason.
  assert.match(format(selfCall.callReason), /^\{calling_self,\{gen_server,call,\[<[\d.]+>,again,5000\]\}\}$/);
});
