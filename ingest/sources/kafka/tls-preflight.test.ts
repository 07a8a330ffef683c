import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../../../core/errors.js';
import { freePorts } from '../../../test/harness/kafka.js';
import { createServerCert, createTestCa, type TestCa } from '../../../test/harness/tls.js';
import { tlsPreflight } from './tls-preflight.js';

// Real TLS handshakes (node:tls servers with certificates from an openssl-made test CA).
describe('tlsPreflight', () => {
  let dir: string;
  let ca: TestCa;
  let other: TestCa;
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const listen = (s: Server, host = '127.0.0.1') =>
    new Promise<string>((ok) => {
      servers.push(s);
      s.on('connection', (c: Socket) => sockets.add(c.on('close', () => sockets.delete(c))));
      s.listen(0, host, () => {
        const a = s.address();
        ok(`${host}:${typeof a === 'object' && a ? a.port : 0}`);
      });
    });
  let tlsBroker: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowlens-tls-preflight-'));
    ca = createTestCa(dir, 'ca');
    other = createTestCa(dir, 'other');
    const cert = createServerCert(dir, 'server', ca);
    const server = createTlsServer(
      { key: readFileSync(cert.keyFile), cert: readFileSync(cert.chainFile) },
      (s) => s.end(),
    );
    tlsBroker = await listen(server);
  });
  afterAll(async () => {
    for (const c of sockets) c.destroy(); // close() waits for open connections
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes with the CA that signed the certificate, for the IP and for localhost (SAN)', async () => {
    const port = tlsBroker.split(':')[1];
    const opts = { ca: [readFileSync(ca.certFile, 'utf8')] };
    await expect(tlsPreflight([tlsBroker, `localhost:${port}`], opts)).resolves.toBeUndefined();
  });

  it('fails at once, naming TLS, the broker and caFile, without the CA or with another CA', async () => {
    const none = tlsPreflight([tlsBroker], {});
    await expect(none).rejects.toBeInstanceOf(PermanentError);
    await expect(none).rejects.toThrow(
      new RegExp(
        `^kafka source: TLS handshake failed — ${tlsBroker}: certificate not accepted \\(SELF_SIGNED_CERT_IN_CHAIN: .*ssl\\.caFile`,
      ),
    );
    const wrong = tlsPreflight([tlsBroker], { ca: [readFileSync(other.certFile, 'utf8')] });
    await expect(wrong).rejects.toThrow(/certificate not accepted/);
  });

  it('names a broker address without a usable port instead of throwing a raw socket error', async () => {
    for (const bad of ['kafka.example', 'kafka.example:0', 'kafka.example:nine']) {
      const r = tlsPreflight([bad], {});
      await expect(r).rejects.toBeInstanceOf(PermanentError);
      await expect(r).rejects.toThrow(`${bad}: not a host:port address`);
    }
  });

  it('rejects a host name the certificate does not cover', async () => {
    const server = createTlsServer({}, (s) => s.end());
    const cert = createServerCert(dir, 'server2', ca);
    server.setSecureContext({ key: readFileSync(cert.keyFile), cert: readFileSync(cert.chainFile) });
    const addr = await listen(server, '127.0.0.2'); // loopback, but not in the SAN (IP:127.0.0.1, DNS:localhost)
    await expect(tlsPreflight([addr], { ca: [readFileSync(ca.certFile, 'utf8')] })).rejects.toThrow(
      /ERR_TLS_CERT_ALTNAME_INVALID/,
    );
  });

  it('with rejectUnauthorized: false it does not judge the certificate', async () => {
    await expect(tlsPreflight([tlsBroker], { rejectUnauthorized: false })).resolves.toBeUndefined();
  });

  it('says "no TLS on this port" when a plaintext server answers the handshake', async () => {
    const plain = await listen(createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    await expect(tlsPreflight([plain], {})).rejects.toThrow(
      /no TLS on this port \(ERR_SSL_WRONG_VERSION_NUMBER: wrong version number\); is it a plaintext listener\?$/,
    );
  });

  it('leaves network failures (refused, closed without a word) to the client retries', async () => {
    const [free] = await freePorts(1);
    const closer = await listen(createServer((s) => s.destroy()));
    await expect(tlsPreflight([`127.0.0.1:${free}`, closer], {})).resolves.toBeUndefined();
  });
});
