import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The published package runs compiled JavaScript (dist/), where the workers must load `worker.js`
 * with no tsx anywhere. This compiles the pool and what it imports the way `npm run build` does,
 * into a scratch directory inside the checkout (so node_modules resolve), and runs it in a plain
 * `node` process.
 */
describe('normalizer pool from compiled JavaScript (the dist/ path)', () => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  const out = mkdtempSync(join(root, '.cache', 'pool-dist-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('starts worker.js threads and normalizes like in-thread', () => {
    const entries = ['pool.ts', 'worker.ts', 'variants.ts'].map((f) =>
      join(root, 'ingest/normalizers/pool', f),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const flags = ['--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022'];
    execFileSync(
      process.execPath,
      [
        tsc,
        '--ignoreConfig',
        ...flags,
        '--skipLibCheck',
        '--types',
        'node',
        '--rootDir',
        root,
        '--outDir',
        out,
        ...entries,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const script = `
      import { readFileSync } from 'node:fs';
      import { NormalizerPool } from ${JSON.stringify(join(out, 'ingest/normalizers/pool/pool.js'))};
      import { normalize } from ${JSON.stringify(join(out, 'ingest/normalizers/normalize.js'))};
      const body = readFileSync(${JSON.stringify(join(root, 'test/fixtures/msdocs_nsg-flowlog-v2_sample.json'))});
      const pool = new NormalizerPool({ workers: 2 });
      const [a, b] = await Promise.all([0, 1].map(() => pool.run('plain', body, { source: 'file:/x' })));
      const own = normalize(body, { source: 'file:/x' });
      const same = JSON.stringify([a.rejects, Array.from(a.columns.srcPort)]) ===
        JSON.stringify([own.rejects, Array.from(own.columns.srcPort)]);
      console.log(JSON.stringify({ rows: [a.columns.length, b.columns.length], same, inThread: pool.inThread }));
      await pool.close();
    `;
    // A file, as the CLI runs: flags such as --input-type would reach the workers' execArgv.
    writeFileSync(join(out, 'probe.mjs'), script);
    const printed = execFileSync(process.execPath, [join(out, 'probe.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(JSON.parse(printed.trim().split('\n').at(-1)!)).toEqual({
      rows: [11, 11],
      same: true,
      inThread: false,
    });
  }, 180_000);
});
