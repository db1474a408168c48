// TLS distribution (issue 14): the throughput and ping-pong latency scenarios again, with every
// node on TLS distribution: BEAM nodes as `erl -proto_dist inet_tls -ssl_dist_optfile F`
// (OTP's inet_tls_dist), noderl nodes with the same optfile, certificates from a private CA made
// by lib/tls-certs.js. The same four pairs in one run (BEAM → BEAM, both mixed directions,
// noderl → noderl); every ratio is against the BEAM pair over TLS.

import * as throughput from './throughput.js';
import * as latency from './latency.js';

export const description = 'throughput and ping-pong latency over TLS distribution (inet_tls_dist): BEAM pair, both mixed directions, noderl pair';

export async function run({ quick }) {
  const sent = await throughput.run({ quick, tls: true });
  const trips = await latency.run({ quick, tls: true, kinds: ['ping'] });
  return {
    table: `throughput over TLS\n${sent.table}\n\nping-pong over TLS\n${trips.table}`,
    notes: [
      'every node runs TLS distribution: erl -proto_dist inet_tls -ssl_dist_optfile F, noderl with the same optfile (TLS 1.2, verify_peer both ways, RSA 2048)',
      ...sent.notes.filter((n) => !n.startsWith('vs BEAM pair')),
      'vs BEAM pair: over the BEAM pair on TLS in the same run (target for noderl → noderl: at least 2x; noderl in a mixed pair never the slower end)',
      ...trips.notes.filter((n) => !n.startsWith('p50 vs BEAM pair')),
      'p50 vs BEAM pair: this pair’s p50 over BEAM → BEAM’s on TLS (lower is faster)',
    ],
    json: { throughput: sent.json, latency: trips.json },
  };
}
