// Certificates for TLS distribution, made with the real `openssl` in a fresh temporary folder:
// a private CA and a node certificate signed by it for server and client use (subjectAltName:
// this host's name, localhost, 127.0.0.1), so one optfile serves every node, erl's and noderl's.
//
//   const pki = makePki();                 // { dir, ca, cert, key, optfile, optfileText, ... }
//   const other = makePki();               // another CA: its nodes are strangers to the first's
//   pki.remove();
//
// The tests (test/node/tls.test.js) and the TLS bench share it.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';

// The least `openssl ca` needs to sign with chosen validity dates.
const EXPIRED_CA_CONFIG = `[ca]
default_ca = ca_default
[ca_default]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
[policy_any]
commonName = supplied
`;

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** An Erlang string literal of a path. */
function erlString(s) {
  return `"${s.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

/**
 * A CA and one node certificate (RSA 2048, valid `days`) in a new temporary folder, and an optfile
 * that verifies peers both ways against that CA (`verify_peer`, `fail_if_no_peer_cert`).
 */
export function makePki({ days = 2 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'noderl-tls-'));
  const host = hostname().split('.')[0];
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', String(days), '-subj', `/CN=noderl test CA ${basename(dir)}`], dir);
  writeFileSync(
    join(dir, 'node.ext'),
    [
      'basicConstraints = CA:FALSE',
      'keyUsage = digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth, clientAuth',
      `subjectAltName = DNS:${host}, DNS:localhost, IP:127.0.0.1`,
      '',
    ].join('\n'),
  );
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'node.key', '-out', 'node.csr', '-subj', `/CN=${host}`], dir);
  openssl(['x509', '-req', '-in', 'node.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'node.pem', '-days', String(days), '-extfile', 'node.ext'], dir);
  const paths = { ca: join(dir, 'ca.pem'), cert: join(dir, 'node.pem'), key: join(dir, 'node.key') };
  const optfileFor = (cert, name) => {
    const side = (extra) => `[{certfile, ${erlString(cert)}}, {keyfile, ${erlString(paths.key)}}, {cacertfile, ${erlString(paths.ca)}}, {verify, verify_peer}${extra}]`;
    const text = `[{server, ${side(', {fail_if_no_peer_cert, true}')}},\n {client, ${side('')}}].\n`;
    writeFileSync(join(dir, name), text);
    return { optfile: join(dir, name), optfileText: text };
  };
  const { optfile, optfileText } = optfileFor(paths.cert, 'ssl_dist.conf');
  return {
    dir,
    host,
    ...paths,
    optfile,
    optfileText,
    /** The certificate's PEM text. */
    certPem: () => readFileSync(paths.cert, 'utf8'),
    /** `erl` arguments for TLS distribution with this optfile. */
    erlArgs: () => ['-proto_dist', 'inet_tls', '-ssl_dist_optfile', optfile],
    /**
     * The same node key in a certificate of this CA that expired in 2020 (`openssl ca` with
     * -startdate/-enddate), and its optfile: { cert, optfile, optfileText, erlArgs() }.
     */
    expired() {
      writeFileSync(join(dir, 'ca.cnf'), EXPIRED_CA_CONFIG);
      writeFileSync(join(dir, 'index.txt'), '');
      writeFileSync(join(dir, 'serial'), '1000\n');
      openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'node.csr', '-out', 'expired.pem', '-notext', '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extfile', 'node.ext'], dir);
      const files = optfileFor(join(dir, 'expired.pem'), 'ssl_dist_expired.conf');
      return { cert: join(dir, 'expired.pem'), ...files, erlArgs: () => ['-proto_dist', 'inet_tls', '-ssl_dist_optfile', files.optfile] };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
