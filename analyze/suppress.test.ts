import { describe, expect, it } from 'vitest';
import { SuppressionSchema } from '../core/config/sections/analyze.js';
import type { Finding } from '../core/finding.js';
import { applySuppressions, matchSuppression } from './suppress.js';

const NOW = new Date('2026-01-02T00:00:00Z');
const f: Finding = {
  id: 'x',
  category: 'exposed-management-port',
  severity: 'high',
  title: 't',
  reason: '',
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-01T00:00:00.000Z',
  subject: { ip: '10.0.4.4', port: 22, nsg: 'mgmt-nsg', rule: 'UserRule_AllowSshFromCorp' },
  evidence: { sampleFlows: [] },
  status: 'open',
};
const s = (o: object) => SuppressionSchema.parse({ reason: 'why', ...o });

describe('suppressions', () => {
  it.each([
    [{ categories: ['exposed-management-port'] }, true],
    [{ categories: ['port-scan'] }, false],
    [{ ips: ['10.0.4.0/24'] }, true],
    [{ ips: ['10.0.5.0/24'] }, false],
    [{ ports: [22, 3389] }, true],
    [{ nsgs: ['MGMT-NSG'] }, true],
    [{ rules: ['AllowSshFromCorp'] }, true],
    [{ rules: ['UserRule_AllowSshFromCorp'], ports: [23] }, false],
    [{ ips: ['10.0.4.4'], expires: '2026-01-01T00:00:00Z' }, false],
    [{ ips: ['10.0.4.4'], expires: '2026-02-01T00:00:00+01:00' }, true],
  ])('%j matches: %s', (criteria, expected) => {
    expect(matchSuppression(f, [s(criteria)], NOW) !== undefined).toBe(expected);
  });

  it('marks suppressed findings and keeps the reason', () => {
    const [out] = applySuppressions([f], [s({ ports: [22], by: 'ops' })], NOW);
    expect(out).toMatchObject({
      status: 'suppressed',
      evidence: { suppression: { reason: 'why', by: 'ops' } },
    });
  });
});
