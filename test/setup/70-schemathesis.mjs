// schemathesis (PyPI) fuzzes the API's OpenAPI document in test/integration/api/fuzz-openapi.test.ts.
// Installed into its own virtual environment under .cache/schemathesis-venv (never the system
// Python: PEP 668 marks it externally managed, and a test run must not change the machine's
// packages); the version is pinned so runs compare.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMATHESIS_VERSION = '4.32.5';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCHEMATHESIS_VENV = join(root, '.cache', 'schemathesis-venv');
/** The venv's interpreter: `<python> -m schemathesis.cli …` runs the pinned schemathesis. */
export const SCHEMATHESIS_PYTHON = join(SCHEMATHESIS_VENV, 'bin', 'python');

export async function ensure() {
  if (existsSync(SCHEMATHESIS_PYTHON)) {
    const have = spawnSync(SCHEMATHESIS_PYTHON, ['-m', 'schemathesis.cli', '--version'], {
      encoding: 'utf8',
    });
    if (have.status === 0 && have.stdout.includes(SCHEMATHESIS_VERSION)) return;
  } else {
    let venv = spawnSync('python3', ['-m', 'venv', SCHEMATHESIS_VENV], { stdio: 'inherit' });
    if (venv.status !== 0) {
      // Debian/Ubuntu ship venv's pip bootstrap separately.
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      spawnSync('apt-get', ['install', '-y', '-qq', 'python3-venv'], { stdio: 'inherit' });
      venv = spawnSync('python3', ['-m', 'venv', '--clear', SCHEMATHESIS_VENV], { stdio: 'inherit' });
      if (venv.status !== 0) throw new Error('python3 -m venv failed (install python3-venv)');
    }
  }
  const r = spawnSync(
    SCHEMATHESIS_PYTHON,
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
  if (r.status !== 0) throw new Error('pip install schemathesis (into .cache/schemathesis-venv) failed');
}
