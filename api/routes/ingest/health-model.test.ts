import { describe, expect, it } from 'vitest';
import { coverageOf, sparkline, statusOf, targetKind, thresholdsFor } from './health-model.js';

describe('ingest health model', () => {
  it('takes the poll interval as the unit, never below Azure’s minute', () => {
    expect(thresholdsFor([])).toEqual({
      intervalSeconds: 60,
      silentAfterSeconds: 120,
      lateAfterSeconds: 300,
    });
    expect(thresholdsFor([30, 0])).toEqual({
      intervalSeconds: 60,
      silentAfterSeconds: 120,
      lateAfterSeconds: 300,
    });
    expect(thresholdsFor([30, 300])).toEqual({
      intervalSeconds: 300,
      silentAfterSeconds: 600,
      lateAfterSeconds: 1500,
    });
  });

  it('silent at 2 intervals without arrivals, late beyond 5 intervals of flow lag, silent first', () => {
    const t = thresholdsFor([]);
    expect(statusOf({ arrivalSeconds: 119, flowSeconds: 300 }, t)).toBe('ok');
    expect(statusOf({ arrivalSeconds: 120, flowSeconds: 0 }, t)).toBe('silent');
    expect(statusOf({ arrivalSeconds: 0, flowSeconds: 301 }, t)).toBe('late');
    expect(statusOf({ arrivalSeconds: 500, flowSeconds: 5000 }, t)).toBe('silent');
  });

  it('names what an ARM id targets', () => {
    const base = '/subscriptions/s/resourcegroups/rg/providers/microsoft.network';
    expect(targetKind(`${base}/networksecuritygroups/nsg-web`)).toBe('nsg');
    expect(targetKind(`${base}/virtualnetworks/hub`)).toBe('vnet');
    expect(targetKind(`${base}/virtualnetworks/hub/subnets/app`)).toBe('subnet');
    expect(targetKind(`${base}/networkinterfaces/vm1-nic`)).toBe('nic');
    expect(targetKind('fl-app')).toBe('flow-log');
  });

  it('coverage in whole hours against the minimum share', () => {
    expect(coverageOf(27, 720, 0.9)).toEqual({
      windowHours: 720,
      coveredHours: 27,
      share: 0.038,
      enough: false,
    });
    expect(coverageOf(700, 720, 0.9)).toMatchObject({ share: 0.972, enough: true });
    expect(coverageOf(30, 6, 0.9)).toMatchObject({ windowHours: 6, coveredHours: 6, share: 1 });
  });

  it('fills the minutes without rows with zeros', () => {
    expect(
      sparkline([
        { minute: 0, rows: 3 },
        { minute: 59, rows: 1 },
        { minute: 60, rows: 9 },
      ]),
    ).toEqual([3, ...Array(58).fill(0), 1]);
  });
});
