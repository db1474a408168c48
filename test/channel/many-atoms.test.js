// Atoms on the way out against real erl: repeated atoms, thousands of distinct ones, long UTF-8
// atoms, booleans and maps; erl answers with term_to_binary of what it decoded, which must equal
// what was sent. (An outgoing atom cache was tried and measured slower toward BEAM; see outbox.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useErlAndNode } from '../support/epmd.js';
import { atom, tuple, isTuple } from '../../dist/term/types.js';
import { decode } from '../../dist/term/decode.js';
import { equals } from '../../dist/term/compare.js';
import { format } from '../../dist/term/format.js';

let erl;
let node;
const { skip } = useErlAndNode({ ping: true, ready: (s) => ({ erl, node } = s) });

const atoms = (prefix, n) => Array.from({ length: n }, (_, i) => atom(`${prefix}_${i}`));

test('messages full of atoms arrive at erl as sent', { skip }, async () => {
  await erl.eval(`begin register(bytes_back, spawn(fun L() -> receive {From, T} -> From ! {bytes, term_to_binary(T)}, L() end end)), ok end`);
  const long = atom('ü'.repeat(255)); // 510 bytes of UTF-8: ATOM_UTF8 with a 2-byte length
  const messages = [
    tuple(atom('hello'), atom('world')),
    tuple(atom('hello'), atom('world')),
    atoms('many', 300),
    atoms('many', 300),
    tuple(long, atom('short'), long),
    [tuple(true, false, null), atoms('collide', 3000)],
    atoms('collide', 3000).reverse(),
    new Map([[atom('k'), atom('v')], [atom('ü'.repeat(10)), tuple(atom('nested'), [atom('deep')])]]),
  ];
  const results = [];
  const done = new Promise((resolve) =>
    node.spawn(async (self) => {
      for (const m of messages) {
        self.send(tuple(atom('bytes_back'), atom(erl.node)), tuple(self.pid, m));
        const reply = await self.receive({ match: (r) => isTuple(r) && r[0] === atom('bytes'), timeout: 10_000 });
        results.push(decode(reply[1]));
      }
      resolve();
    }),
  );
  await done;
  assert.equal(results.length, messages.length);
  messages.forEach((m, i) => assert.ok(equals(results[i], m), `message ${i}: erl decoded ${format(results[i]).slice(0, 200)}`));
  assert.equal(await erl.eval(`net_adm:ping('${node.name}')`), 'pong', 'the connection stayed up');
});
