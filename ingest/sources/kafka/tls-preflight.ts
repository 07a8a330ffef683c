import { isIP } from 'node:net';
import { type ConnectionOptions, connect } from 'node:tls';
import { PermanentError } from '../../../core/errors.js';

/**
 * OpenSSL/Node codes that mean "the broker's certificate is not acceptable" — a configuration
 * problem no retry can fix.
 * @see https://nodejs.org/api/tls.html#x509-certificate-error-codes
 */
const CERT_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What a TLS handshake with one broker found: fine, a permanent TLS problem, or nothing to say (network). */
type Probe = { ok: true } | { ok: false; problem?: string };

/**
 * One TLS handshake per bootstrap broker, with the client's own TLS options, before kafkajs
 * connects. kafkajs wraps every socket error, certificate failures included, as a retriable
 * connection error and retries it for half a minute before reporting "Connection error: …"; a
 * certificate that is not trusted (or a port that does not speak TLS) is a configuration error, so
 * it is reported at once as a {@link PermanentError} naming TLS, the broker and the fix. Network
 * failures (refused, timeout) say nothing here and are left to kafkajs' retries.
 * @see https://nodejs.org/api/tls.html#tlsconnectoptions-callback
 */
export async function tlsPreflight(
  brokers: string[],
  options: ConnectionOptions,
  timeoutMs = 10_000,
): Promise<void> {
  const probes = await Promise.all(brokers.map((b) => probe(b, options, timeoutMs)));
  const problems = probes.flatMap((p, i) => (!p.ok && p.problem ? [`${brokers[i]}: ${p.problem}`] : []));
  if (problems.length)
    throw new PermanentError(`kafka source: TLS handshake failed — ${problems.join('; ')}`);
}

function probe(broker: string, options: ConnectionOptions, timeoutMs: number): Promise<Probe> {
  const i = broker.lastIndexOf(':');
  // `[::1]:9093` → `::1`: the brackets only delimit an IPv6 literal in the address.
  const host = broker.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(broker.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port <= 0 || port > 65535)
    return Promise.resolve({ ok: false, problem: 'not a host:port address' });
  return new Promise((done) => {
    // Same host/servername rule as kafkajs' socket factory: SNI only for names, not IP literals.
    const socket = connect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...options }, () => {
      socket.destroy();
      done({ ok: true });
    });
    let tcpUp = false;
    socket.once('connect', () => {
      tcpUp = true;
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      done({ ok: false });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy();
      done({ ok: false, ...describe(err, tcpUp) });
    });
  });
}

function describe(err: NodeJS.ErrnoException & { reason?: string }, tcpUp: boolean): { problem?: string } {
  const code = err.code ?? '';
  if (CERT_CODES.has(code))
    return {
      problem: `certificate not accepted (${code}: ${err.message}); set ssl.caFile to the CA that signed the broker's certificate, or check the host name`,
    };
  // Reached the port but no TLS handshake: e.g. a plaintext listener (ERR_SSL_WRONG_VERSION_NUMBER).
  if (tcpUp && code.startsWith('ERR_SSL'))
    // OpenSSL's message is a multi-line dump; its `reason` says it in a few words.
    return {
      problem: `no TLS on this port (${code}: ${err.reason ?? err.message}); is it a plaintext listener?`,
    };
  return {};
}
