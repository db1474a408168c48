/**
 * Pub/sub over OTP's `pg`, the shape Phoenix.PubSub runs on: subscribers join a group of a pg
 * scope, and a publisher on any node of the cluster sends to every member of the group. Here a
 * noderl service subscribes to `news`; an `erl` node (or this one) broadcasts.
 *
 * `npm test` typechecks it (`tsc -p examples`). To run it, after `npm run build`:
 *
 *   erl -sname ketchup -setcookie secret -kernel start_pg true        # BEAM runs the scope `pg`
 *   npx tsx examples/pubsub.ts                                        # fries@yourhost subscribes
 *
 * and in the erl shell:
 *
 *   (ketchup@yourhost)1> net_adm:ping(fries@yourhost), timer:sleep(100).
 *   (ketchup@yourhost)2> [P ! {news, <<"hello from BEAM">>} || P <- pg:get_members(news)].
 *
 * fries prints `news: hello from BEAM` and answers with a broadcast of its own, which every
 * member of `news` on any node gets (join the erl shell too with `pg:join(news, self())`).
 */
import { Node, atom, isTuple, tuple, type Atom, type Pid, type Term, type Tuple } from 'noderl';

const NEWS = atom('news');

/** `{news, Text}`: what publishers send. */
function isNews(m: Term): m is Tuple<[Atom, Buffer]> {
  return isTuple(m) && m.length === 2 && m[0] === NEWS && Buffer.isBuffer(m[1]);
}

const node = await Node.start({ sname: 'fries', cookie: process.env.NODERL_COOKIE ?? 'secret' });

/** Sends `{news, Text}` to every member of the group, on every node: Phoenix.PubSub's broadcast. */
function broadcast(text: string): void {
  for (const member of node.pg.getMembers(NEWS)) node.send(member, tuple(NEWS, text));
}

// The subscriber: one process in the group; its messages arrive whoever sent them.
const subscriber: Pid = node.spawn(async (self) => {
  await node.pg.join(NEWS, self.pid);
  for (;;) {
    const [, text] = await self.receive({ match: isNews });
    console.log(`news: ${text.toString()}`);
    if (!text.toString().startsWith('fries heard')) broadcast(`fries heard: ${text.toString()}`);
  }
});

console.log(`${node.name} subscribed ${String(subscriber)} to news; members now: ${node.pg.getMembers(NEWS).length}`);
