import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createAnalysisMetrics } from './metrics.js';

describe('analysis metrics', () => {
  it('registers once per registry and reuses on a second loop', async () => {
    const registry = new Registry();
    const a = createAnalysisMetrics(registry);
    const b = createAnalysisMetrics(registry);
    a.alertsTotal.inc({ channel: 'soc', outcome: 'sent' });
    b.alertsTotal.inc({ channel: 'soc', outcome: 'sent' });
    expect(await registry.metrics()).toMatch(/flowlens_alerts_total\{channel="soc",outcome="sent"\} 2/);
  });
});
