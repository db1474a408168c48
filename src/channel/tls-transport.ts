/**
 * TLS under a distribution connection, as OTP's `inet_tls_dist` runs it: TLS starts at the first
 * byte of the TCP connection (ssl:handshake right after accept, ssl:connect when dialling, with
 * the peer's host as server name indication), and the distribution handshake and every frame go
 * inside it. The port mapper knows nothing of it. A peer whose TLS handshake fails is refused with
 * a {@link TlsRefusal} that names the reason and the peer's address.
 */
import { isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, createSecureContext, createServer, type PeerCertificate, type SecureContext, type SecureContextOptions, type TLSSocket } from 'node:tls';
import { TlsOptionError, type PeerChecks, type TlsDistConfig } from './tls-options.js';

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

/** One node's TLS: the options are checked once (a bad certificate, key or password fails `Node.start`). */
export class TlsTransport {
  private readonly clientContext: SecureContext;

  constructor(private readonly config: TlsDistConfig) {
    contextOf(config.server.options, 'server');
    this.clientContext = contextOf(config.client.options, 'client');
  }

  /**
   * TLS as the server on an accepted socket; resolves once the peer's certificate passed our
   * checks. Each connection gets a `tls.Server` of its own that never listens: it runs Node's
   * server side (client certificate verification, `rejectUnauthorized`), and its
   * `tlsClientError` can only be about this peer.
   */
  accept(socket: Socket, timeoutMs: number): Promise<TLSSocket> {
    const address = `${socket.remoteAddress}:${socket.remotePort}`;
    const { options, checks } = this.config.server;
    const server = createServer({ ...options, handshakeTimeout: timeoutMs });
    return new Promise<TLSSocket>((resolve, reject) => {
      server.once('tlsClientError', (err: Error & { reason?: string; code?: string }, secure: TLSSocket) => {
        secure.destroy();
        // Node destroys a socket whose certificate failed under rejectUnauthorized: the close is the error.
        const reason = secure.authorizationError !== undefined && secure.authorizationError !== null ? `client certificate refused: ${String(secure.authorizationError)}` : openSslReason(err);
        const probe = err.code === 'ECONNRESET' && socket.bytesRead === 0;
        reject(new TlsRefusal(reason, address, probe, err));
      });
      server.once('secureConnection', (secure: TLSSocket) => {
        const refusal = serverRefusal(secure, options.requestCert === true, checks);
        if (refusal === undefined) return resolve(secure);
        secure.destroy();
        reject(new TlsRefusal(refusal, address, false));
      });
      server.emit('connection', socket);
    });
  }

  /** TLS as the client to `host:port` (`host` also the server name, unless the options say otherwise). */
  dial(host: string, port: number, timeoutMs: number): Promise<TLSSocket> {
    const { options, checks } = this.config.client;
    const name = checks.serverName === undefined ? (options.servername ?? host) : checks.serverName;
    const secure = tlsConnect({
      ...options,
      secureContext: this.clientContext,
      host,
      port,
      // RFC 6066 has no IP addresses as server names: then Node checks the certificate against `host`.
      servername: name === false || isIP(name) !== 0 ? undefined : name,
      checkServerIdentity: name === false ? () => undefined : (_host, cert) => checkServerIdentity(name, cert),
    });
    return settle(secure, `${host}:${port}`, timeoutMs, () =>
      depthRefusal(options.rejectUnauthorized === false ? undefined : secure.getPeerCertificate(true), checks),
    );
  }
}

/** OpenSSL's verdict on one role's certificate, key, password, ciphers and versions, as a {@link TlsOptionError}. */
function contextOf(options: SecureContextOptions, side: 'server' | 'client'): SecureContext {
  try {
    return createSecureContext(options);
  } catch (err) {
    throw new TlsOptionError(`the ${side} TLS options are not usable: ${openSslReason(err as Error)}`, undefined, side);
  }
}

/** Waits for the client side's handshake, then for `check` to find nothing to refuse; the socket is destroyed on any failure. */
function settle(secure: TLSSocket, address: string, timeoutMs: number, check: () => string | undefined): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    let done = false;
    const fail = (reason: string, cause?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      secure.destroy();
      reject(new TlsRefusal(reason, address, false, cause));
    };
    const timer = setTimeout(() => fail(`TLS handshake timed out (${timeoutMs} ms)`), timeoutMs);
    const onError = (err: Error & { reason?: string; code?: string }): void => fail(openSslReason(err), err);
    const onClose = (): void => fail('connection closed during the TLS handshake');
    secure.once('error', onError);
    secure.once('close', onClose);
    secure.once('secureConnect', () => {
      const refusal = check();
      if (refusal !== undefined) return fail(refusal);
      done = true;
      clearTimeout(timer);
      secure.off('error', onError);
      secure.off('close', onClose);
      resolve(secure);
    });
  });
}

/** OpenSSL's short reason (`wrong version number`) and the code, else Node's message. */
function openSslReason(err: Error & { reason?: string; code?: string }): string {
  return err.reason === undefined ? err.message : `${err.reason} (${err.code})`;
}

/**
 * What Node's server side leaves to us: `verify_peer` without `fail_if_no_peer_cert` verifies a
 * certificate the client sent (none is fine), and OTP's `depth`.
 */
function serverRefusal(secure: TLSSocket, requested: boolean, checks: PeerChecks): string | undefined {
  if (!requested) return undefined;
  const cert = secure.getPeerCertificate(true);
  const sent = Object.keys(cert).length > 0;
  // Node options given as they are (no checks) keep Node's meaning of rejectUnauthorized: false.
  if (sent && !secure.authorized && checks.verifyIfSent === true) return `client certificate refused: ${String(secure.authorizationError ?? 'not verified')}`;
  return sent ? depthRefusal(cert, checks) : undefined;
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
