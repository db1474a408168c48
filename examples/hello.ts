/**
 * noderl from strict TypeScript, with no casts: a process that matches a `{hello, From}` tuple
 * with a type guard and replies, and a gen_server whose reply is narrowed before use. It runs on
 * a node that is not distributed (`nonode@nohost`), so it needs no epmd and no `erl`.
 *
 * `npm test` typechecks it (`tsc -p examples`). To run it, after `npm run build`:
 * `npx tsx examples/hello.ts`, or `node --experimental-strip-types examples/hello.ts` on Node 22.6+.
 */
import { Node, Pid, TIMEOUT, atom, isTuple, tuple, type Atom, type Term, type Tuple } from 'noderl';

const HELLO = atom('hello');
const HI = atom('hi');
const NEXT = atom('next');

/** `{hello, From}`. A type guard, so `receive({ match: isHello })` resolves to this tuple type. */
function isHello(m: Term): m is Tuple<[Atom, Pid]> {
  return isTuple(m) && m.length === 2 && m[0] === HELLO && m[1] instanceof Pid;
}

/** `{hi, Greeter}`: the greeter's answer. */
function isHi(m: Term): m is Tuple<[Atom, Pid]> {
  return isTuple(m) && m.length === 2 && m[0] === HI && m[1] instanceof Pid;
}

const node = await Node.start({});

// Answers one `{hello, From}` with `{hi, Self}`; other messages stay queued (a selective receive).
const greeter = node.spawn(async (self) => {
  const [, from] = await self.receive({ match: isHello }); // Tuple<[Atom, Pid]>: no timeout, no TIMEOUT
  self.send(from, tuple(HI, self.pid));
});

// Says hello and waits up to a second for the answer.
const greetedBy = await new Promise<Pid | undefined>((resolve) => {
  node.spawn(async (self) => {
    self.send(greeter, tuple(HELLO, self.pid)); // tuple(...) is a Tuple<[Atom, Pid]>
    const answer = await self.receive({ match: isHi, timeout: 1000 }); // Tuple<[Atom, Pid]> | Timeout
    resolve(answer === TIMEOUT ? undefined : answer[1]);
  });
});
console.log(greetedBy?.equals(greeter) ? `greeted by ${greetedBy.toString()}` : 'no answer');

// A gen_server whose state is a number. Its reply comes back as a Term, narrowed before use.
const counter = await node.startGenServer<number>({
  init: () => 0,
  handleCall: (request, _from, n) => (request === NEXT ? { reply: n + 1, state: n + 1 } : { reply: tuple(atom('error'), request), state: n }),
});
const reply = await node.call(counter, NEXT);
if (typeof reply === 'number') console.log(`the counter is at ${reply}`);
else console.log(`unexpected reply: ${String(reply)}`);

await node.stop();
