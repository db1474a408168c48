// The pub/sub shape of the README and examples/pubsub.ts, against real erl: noderl subscribers
// join a group, an erl node broadcasts to pg:get_members/1 and every subscriber gets the message;
// the same in a scope of its own named as Phoenix.PubSub names its scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, eventually } from '../global/support.js';

let e;
let n;
let atom;
let tuple;
let isTuple;

const { skip } = setup(async (c) => {
  ({ atom, tuple, isTuple } = await import('../../dist/term/types.js'));
  e = await c.erl(['-kernel', 'start_pg', 'true']);
  n = await c.noderl();
  if ((await n.ping(e.node)) !== 'pong') throw new Error('no pong');
});

/** `count` noderl subscribers of `group` in `pg` (a Pg facade); each records what it receives. */
async function subscribers(pg, group, count) {
  const got = Array.from({ length: count }, () => []);
  await Promise.all(
    got.map(
      (box) =>
        new Promise((joined) => {
          n.spawn(async (self) => {
            await pg.join(group, self.pid);
            joined();
            for (;;) box.push(await self.receive());
          });
        }),
    ),
  );
  return got;
}

test('an erl node broadcasts to the members of a group, noderl subscribers and its own', { skip }, async () => {
  const news = atom('news');
  const got = await subscribers(n.pg, news, 3);
  assert.equal(await e.eval(`pg:join(news, self())`), 'ok');
  await eventually('BEAM sees the subscribers', async () => (await e.eval('length(pg:get_members(news))')) === '4');
  assert.equal(await e.eval(`length([P ! {news, <<"hello from BEAM">>} || P <- pg:get_members(news)])`), '4');
  await eventually('every noderl subscriber got it', () => got.every((box) => box.length === 1));
  for (const box of got) assert.equal(box[0][1].toString(), 'hello from BEAM');
  // noderl broadcasts the same way: the erl shell process, a member, gets it.
  for (const member of n.pg.getMembers(news)) n.send(member, tuple(news, 'hello from noderl'));
  // (The shell process got its own broadcast first, as every member does.)
  assert.equal(await e.eval(`receive {news, <<"hello from BEAM">>} -> ok after 5000 -> timeout end`), 'ok');
  assert.equal(await e.eval(`receive {news, T} -> T after 5000 -> timeout end`), '<<"hello from noderl">>');
  assert.equal(await e.eval(`pg:leave(news, self())`), 'ok');
});

test("a scope of its own, as Phoenix.PubSub's, with its forward_to_local messages", { skip }, async () => {
  const scope = "'Elixir.Phoenix.PubSub'";
  assert.match(await e.eval(`pg:start(${scope})`), /^\{ok,/);
  const phx = n.pg.scope('Elixir.Phoenix.PubSub');
  await phx.start('Elixir.Phoenix.PubSub');
  const adapter = atom('Elixir.MyApp.PubSub.Adapter');
  const got = await subscribers(phx, adapter, 2);
  await eventually('BEAM sees them', async () => (await e.eval(`length(pg:get_members(${scope}, 'Elixir.MyApp.PubSub.Adapter'))`)) === '2');
  const sent = await e.eval(`[P ! {forward_to_local, <<"room:1">>, {new_msg, 1}, 'Elixir.Phoenix.PubSub'} || P <- pg:get_members(${scope}, 'Elixir.MyApp.PubSub.Adapter'), node(P) =/= node()]`);
  assert.equal((sent.match(/forward_to_local/g) ?? []).length, 2);
  await eventually('both got it', () => got.every((box) => box.length === 1));
  for (const box of got) {
    assert.ok(isTuple(box[0]) && box[0][0] === atom('forward_to_local'));
    assert.equal(box[0][1].toString(), 'room:1');
  }
  assert.deepEqual(n.pg.getMembers(adapter), []); // the default scope is another one
});
