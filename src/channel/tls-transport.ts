/**
 * TLS under a distribution connection, as OTP's `inet_tls_dist` runs it: TLS starts at the first
 * byte of the TCP connection (ssl:handshake right after accept, ssl:connect when dialling, with
 * the peer's host as server name indication), and the distribution handshake and every frame go
 * inside it. The port mapper knows nothing of it. A peer whose TLS handshake fails is refused with
 * a {@link TlsRefusal} that names the reason and the peer's address.
 */
import { isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, createSecureContext, TLSSocket, type PeerCertificate, type SecureContext } from 'node:tls';
import type { PeerChecks, TlsDistConfig } from './tls-options.js';

/** A TLS handshake that failed or timed out, or a peer certificate refused after it. */
export class TlsRefusal extends Error {
  readonly code = 'ERR_NODERL_TLS';
  constructor(
    /** Why, in OpenSSL's or our words (`wrong version number`, `certificate signature failure`, …). */
    readonly reason: string,
    /** `ip:port` of the peer. */
    readonly address: string,
    /** True when the peer closed before sending a byte: a port probe, not worth a log line. */
    readonly silent: boolean,
    cause?: Error,
  ) {
    super(`TLS with ${address} failed: ${reason}`, cause === undefined ? undefined : { cause });
    this.name = 'TlsRefusal';
  }
}

/** One node's TLS: the server context made once (a bad certificate or key fails `Node.start`). */
export class TlsTransport {
  private readonly serverContext: SecureContext;

  constructor(private readonly config: TlsDistConfig) {
    this.serverContext = createSecureContext(config.server.options);
  }

  /** TLS as the server on an accepted socket; resolves once the peer's certificate passed our checks. */
  accept(socket: Socket, timeoutMs: number): Promise<TLSSocket> {
    const address = `${socket.remoteAddress}:${socket.remotePort}`;
    const { requestCert, rejectUnauthorized } = this.config.server.options;
    const secure = new TLSSocket(socket, { isServer: true, secureContext: this.serverContext, requestCert, rejectUnauthorized });
    return settle(secure, socket, 'secure', address, timeoutMs, () => {
      // Node has already destroyed a socket whose certificate failed with rejectUnauthorized;
      // verify_peer without fail_if_no_peer_cert refuses here a certificate sent that fails.
      const cert = secure.getPeerCertificate(true);
      const sent = cert !== null && Object.keys(cert).length > 0;
      if (requestCert && sent && !secure.authorized) return `client certificate refused: ${secure.authorizationError ?? 'not verified'}`;
      if (requestCert && !sent && rejectUnauthorized) return 'the client sent no certificate (fail_if_no_peer_cert)';
      return depthRefusal(requestCert === true && sent ? cert : undefined, this.config.server.checks);
    });
  }

  /** TLS as the client to `host:port` (`host` also the server name, unless the options say otherwise). */
  dial(host: string, port: number, timeoutMs: number): Promise<TLSSocket> {
    const { options, checks } = this.config.client;
    const name = checks.serverName === undefined ? (options.servername ?? host) : checks.serverName;
    const secure = tlsConnect({
      ...options,
      host,
      port,
      // RFC 6066 has no IP addresses as server names: then Node checks the certificate against `host`.
      servername: name === false || isIP(name) !== 0 ? undefined : name,
      checkServerIdentity: name === false ? () => undefined : (_host, cert) => checkServerIdentity(name, cert),
    });
    return settle(secure, secure, 'secureConnect', `${host}:${port}`, timeoutMs, () =>
      depthRefusal(options.rejectUnauthorized === false ? undefined : secure.getPeerCertificate(true), checks),
    );
  }
}

/**
 * Waits for `event` on a TLS socket, then for `check` to find nothing to refuse. The socket is
 * destroyed on any failure; `raw` tells a port probe (nothing read) from a real refusal.
 */
function settle(secure: TLSSocket, raw: Socket, event: 'secure' | 'secureConnect', address: string, timeoutMs: number, check: () => string | undefined): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    let done = false;
    const fail = (reason: string, cause?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      secure.destroy();
      reject(new TlsRefusal(reason, address, cause === undefined && raw.bytesRead === 0 && event === 'secure', cause));
    };
    const timer = setTimeout(() => fail(`TLS handshake timed out (${timeoutMs} ms)`), timeoutMs);
    const onError = (err: Error & { reason?: string; code?: string }): void => fail(err.reason === undefined ? err.message : `${err.reason} (${err.code})`, err);
    const onClose = (): void => fail('connection closed during the TLS handshake');
    secure.once('error', onError);
    secure.once('close', onClose);
    secure.once(event, () => {
      const refusal = secure.destroyed ? `certificate refused: ${secure.authorizationError ?? 'closed'}` : check();
      if (refusal !== undefined) return fail(refusal);
      done = true;
      clearTimeout(timer);
      secure.off('error', onError);
      secure.off('close', onClose);
      resolve(secure);
    });
  });
}

/**
 * OTP's `depth`: at most that many intermediate CA certificates between the peer's certificate
 * and the trusted root (0: the root signed the peer's certificate).
 */
function depthRefusal(cert: PeerCertificate | undefined, checks: PeerChecks): string | undefined {
  if (checks.depth === undefined || cert === undefined || Object.keys(cert).length === 0) return undefined;
  let certs = 1;
  let rootSeen = false;
  for (let c = cert as PeerCertificate & { issuerCertificate?: PeerCertificate }; c.issuerCertificate !== undefined; c = c.issuerCertificate as typeof c) {
    if (c.issuerCertificate === c) {
      rootSeen = true;
      break;
    }
    certs++;
  }
  const intermediates = certs - (rootSeen ? 2 : 1);
  return intermediates > checks.depth ? `certificate chain has ${intermediates} intermediate CA certificates, more than depth ${checks.depth}` : undefined;
}
