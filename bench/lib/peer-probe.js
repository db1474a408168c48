// Child process: tries each peer codec's decode on each file given, prints the outcome as JSON.
//
// Why a separate process: erlpack's native decoder printf()s "[Error ...]" to stdout when it
// meets a term it does not support, before throwing. Probing here keeps that noise out of the
// bench's own output; the bench then only ever decodes with a peer what it knows it supports.
//
// Usage: node peer-probe.js FILE...   ->   {"<peer>": {"<file>": null | "<reason>"}}

import { readFileSync } from 'node:fs';
import { loadPeers } from './peers.js';

const files = process.argv.slice(2);
const outcome = {};
for (const peer of await loadPeers()) {
  outcome[peer.name] = {};
  for (const file of files) {
    let reason = peer.error;
    if (peer.codec) {
      try {
        peer.codec.decode(readFileSync(file));
        reason = null;
      } catch (err) {
        reason = `cannot decode: ${err.message}`;
      }
    }
    outcome[peer.name][file] = reason;
  }
}
// Marker line: the native printf noise may share stdout with us.
process.stdout.write('\nPROBE ' + JSON.stringify(outcome) + '\n');
