import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/cli.js';

/** docker-compose.yml parsed by compose-go (Docker Compose's own loader), built by test/setup/40-compose-check.mjs. */
function composeCheck(env: Record<string, string>) {
  const bin = join(REPO_ROOT, '.cache', 'bin', 'compose-check');
  const r = spawnSync(bin, [join(REPO_ROOT, 'docker-compose.yml')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Service {
  image?: string;
  command?: string[];
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  volumes?: { source: string; target: string; type: string }[];
}

describe('docker-compose.yml', () => {
  const secrets = { CLICKHOUSE_PASSWORD: 'p', GRAFANA_ADMIN_PASSWORD: 'g' };

  it('is a valid compose project with every service health-checked', () => {
    const r = composeCheck(secrets);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const project = JSON.parse(r.stdout) as { services: Record<string, Service> };
    const names = Object.keys(project.services).sort();
    expect(names).toEqual([
      'azurite',
      'clickhouse',
      'flowlens-analyze',
      'flowlens-api',
      'flowlens-ingest',
      'grafana',
      'kafka',
    ]);
    for (const name of names.filter((n) => n !== 'azurite')) {
      expect(project.services[name]?.healthcheck?.test?.length, name).toBeGreaterThan(0);
    }
    const roles = names
      .filter((n) => n.startsWith('flowlens-'))
      .map((n) => project.services[n]?.command?.at(-1));
    expect(roles.sort()).toEqual(['analyze', 'api', 'ingest']);
    expect(project.services['flowlens-ingest']?.deploy?.replicas).toBe(2);
  });

  it('refuses to start without its secrets', () => {
    const r = composeCheck({});
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('required variable CLICKHOUSE_PASSWORD is missing');
  });

  it('mounts files that exist in the repository', () => {
    const project = JSON.parse(composeCheck(secrets).stdout) as { services: Record<string, Service> };
    const binds = Object.values(project.services).flatMap((s) =>
      (s.volumes ?? []).filter((v) => v.type === 'bind'),
    );
    expect(binds.length).toBeGreaterThan(0);
    for (const b of binds) expect(existsSync(b.source), b.source).toBe(true);
  });

  it('builds the image from a Dockerfile that ships only compiled code', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "\/app\/bin\/flowlens\.js"\]/);
  });
});
