// schemathesis (PyPI) fuzzes the API's OpenAPI document in test/integration/api/fuzz-openapi.test.ts.
// Installed with the machine's python3 + pip when missing; the version is pinned so runs compare.
import { spawnSync } from 'node:child_process';

export const SCHEMATHESIS_VERSION = '4.32.5';

export async function ensure() {
  const have = spawnSync('python3', ['-m', 'schemathesis.cli', '--version'], { encoding: 'utf8' });
  if (have.status === 0 && have.stdout.includes(SCHEMATHESIS_VERSION)) return;
  const r = spawnSync(
    'python3',
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      `schemathesis==${SCHEMATHESIS_VERSION}`,
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('pip install schemathesis failed');
}
