import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A test CA: its certificate (give it to clients as `caFile`) and private key, both PEM files. */
export interface TestCa {
  certFile: string;
  keyFile: string;
}

/** A server certificate signed by a {@link TestCa}; the key is unencrypted PKCS#8 PEM. */
export interface TestServerCert {
  certFile: string;
  keyFile: string;
  /** Server certificate followed by the CA certificate (what a server presents). */
  chainFile: string;
}

/**
 * A throw-away PKI for TLS tests, made with the `openssl` CLI (OpenSSL 3 on this image; the test
 * broker needs a JVM anyway, so one more system tool costs nothing, and no npm dependency is added).
 * Everything, private keys included, is written under `dir` — the caller's temp directory.
 * @see https://docs.openssl.org/3.0/man1/openssl-req/
 */
export function createTestCa(dir: string, name: string): TestCa {
  mkdirSync(dir, { recursive: true });
  const ca = { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
    ['-subj', `/CN=${name}`, '-keyout', ca.keyFile, '-out', ca.certFile],
    ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  );
  return ca;
}

/** A server certificate for loopback: SAN `IP:127.0.0.1` and `DNS:localhost`, signed by `ca`. */
export function createServerCert(dir: string, name: string, ca: TestCa): TestServerCert {
  const keyFile = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  const certFile = join(dir, `${name}.pem`);
  openssl([
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    keyFile,
    '-out',
    csr,
  ]);
  writeFileSync(
    ext,
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl(
    ['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial'],
    ['-days', '2', '-sha256', '-extfile', ext, '-out', certFile],
  );
  const chainFile = join(dir, `${name}-chain.pem`);
  writeFileSync(chainFile, readFileSync(certFile, 'utf8') + readFileSync(ca.certFile, 'utf8'));
  return { certFile, keyFile, chainFile };
}

function openssl(...argGroups: string[][]): void {
  const args = argGroups.flat();
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`openssl not runnable (${r.error.message}); the TLS test PKI needs it`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}
