import { describe, expect, it } from 'vitest';
import { INCIDENTS } from '../simulator/index.js';
import { DEMO_BACKFILL_HOURS, demoTour, renderTour } from './demo-tour.js';

describe('the demo tour', () => {
  const tour = demoTour(DEMO_BACKFILL_HOURS);
  const checks = tour.items.flatMap((i) => i.checks);

  it('promises every planted incident of the simulator as a finding, with a check', () => {
    for (const incident of INCIDENTS) {
      const check = checks.find(
        (c) => c.kind === 'finding' && c.category === incident.category && c.subject === incident.subject,
      );
      expect(check, incident.id).toBeDefined();
    }
  });

  it('promises the rule problems as recommendations and the whole history, over the range of the history', () => {
    expect(checks.filter((c) => c.kind === 'recommendation').map((c) => `${c.nsg}/${c.rule}`)).toEqual([
      'web-nsg/AllowLegacyFtp',
      'app-nsg/AllowWebToApp',
      'db-nsg/AllowAdminAll',
      'web-nsg/AllowRdpFromInternet',
    ]);
    expect(checks).toContainEqual({ kind: 'history', hours: 24 });
    expect(demoTour(6).range.from).toBe('now-6h');
  });

  it('prints every item, each page link once with its range, and nothing that is not an item', () => {
    const text = renderTour('http://127.0.0.1:8080', tour);
    for (const item of tour.items) expect(text).toContain(`      ${item.text}\n`);
    expect(text).toContain('    http://127.0.0.1:8080/rules?from=now-24h\n');
    expect(text).toContain('    http://127.0.0.1:8080/api/docs\n');
    const promised = text.split('\n').filter((l) => l.startsWith('      '));
    expect(promised).toEqual(tour.items.map((i) => `      ${i.text}`));
    expect(text).toContain(`Within ${tour.withinMinutes} minutes`);
  });
});
