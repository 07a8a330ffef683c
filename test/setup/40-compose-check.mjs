// Builds test/services/compose-check (compose-go, Docker Compose's own parser) into .cache/bin so
// the docker-compose.yml test can validate the file without a Docker engine. Rebuilt only when
// its sources change.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'test', 'services', 'compose-check');
const bin = join(root, '.cache', 'bin', 'compose-check');
const stamp = `${bin}.sha256`;

export async function ensure() {
  const sha = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) sha.update(readFileSync(join(src, f)));
  const digest = sha.digest('hex');
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', 'golang-go'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('Go is needed to build test/services/compose-check');
  }
  mkdirSync(dirname(bin), { recursive: true });
  const r = spawnSync('go', ['build', '-o', bin, '.'], { cwd: src, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building compose-check failed');
  writeFileSync(stamp, digest);
}
