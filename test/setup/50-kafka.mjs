// Kafka broker jars for the tests (test/harness/kafka.ts): copied from Maven Central by
// test/services/kafka/pom.xml into .cache/kafka/libs, only when missing or when the pom changed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pom = join(root, 'test', 'services', 'kafka', 'pom.xml');
const libs = join(root, '.cache', 'kafka', 'libs');
const stamp = join(root, '.cache', 'kafka', 'pom.sha256');

function have(cmd) {
  return spawnSync(cmd, ['-version'], { stdio: 'ignore' }).status === 0;
}

function aptInstall(packages) {
  // Fresh CI machines run as root with Debian's apt; a developer machine normally has both already.
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed`);
}

export async function ensure() {
  const missing = [];
  if (!have('java')) missing.push('openjdk-17-jre-headless');
  if (!have('mvn')) missing.push('maven');
  // The harness makes the SASL_SSL listener's CA and certificate with it (test/harness/tls.ts).
  if (spawnSync('openssl', ['version'], { stdio: 'ignore' }).status !== 0) missing.push('openssl');
  if (missing.length) aptInstall(missing);
  const sha = createHash('sha256').update(readFileSync(pom)).digest('hex');
  if (existsSync(libs) && existsSync(stamp) && readFileSync(stamp, 'utf8') === sha) return;
  rmSync(libs, { recursive: true, force: true });
  mkdirSync(libs, { recursive: true });
  const r = spawnSync(
    'mvn',
    ['-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('mvn dependency:copy-dependencies for the Kafka broker failed');
  writeFileSync(stamp, sha);
}
