import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../analyze/rules/inventory/load.js';
import { writeSnapshots } from '../../analyze/rules/inventory/store.js';
import { defaultRules, makeRule } from '../../analyze/rules/model/build.js';
import type { NsgDefinition } from '../../analyze/rules/model/types.js';
import { count, openTestDb } from '../harness/chdb.js';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db?.close());

const base: NsgDefinition = {
  id: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/vm-nsg',
  name: 'vm-nsg',
  resourceGroup: 'rg',
  subscriptionId: 's1',
  resourceGuid: 'aaaaaaaa-0000-0000-0000-000000000001',
  location: 'westeurope',
  rules: [makeRule({ name: 'allow-web', priority: 100, destinationPorts: ['443'] }), ...defaultRules()],
};
const jit = makeRule({
  name: 'MicrosoftDefenderForCloud-JITRule_1_ABC',
  priority: 90,
  destinationPorts: ['22'],
  sourceAddresses: ['203.0.113.10'],
});
const at = (day: number) => new Date(Date.UTC(2026, 10, day)).toISOString();

describe('nsg rule snapshots in ClickHouse', () => {
  it('stores snapshots, skips unchanged content, and answers per window', async () => {
    const opts = (validFrom: string) => ({ validFrom, importedAt: validFrom, origin: 'test' });
    expect(await writeSnapshots(db, [base], opts(at(1)))).toEqual({ written: 1, unchanged: 0, rules: 7 });
    expect(await writeSnapshots(db, [base], opts(at(2)))).toMatchObject({ written: 0, unchanged: 1 });
    await writeSnapshots(db, [{ ...base, rules: [jit, ...base.rules] }], opts(at(10)));
    await writeSnapshots(db, [base], opts(at(12)));
    expect(await count(db, 'nsg_snapshots')).toBe(3);

    const early = await loadInventory(db, { from: at(3), to: at(5) });
    expect(early[0]!.rules.map((r) => r.name)).not.toContain(jit.name);

    const withJit = await loadInventory(db, { from: at(9), to: at(11) });
    const nsg = withJit[0]!;
    expect(nsg.rules.find((r) => r.name === jit.name)).toMatchObject({
      priority: 90,
      sourceAddresses: ['203.0.113.10'],
    });
    expect(nsg.ruleSince.get(`user/${jit.name}`)).toBe(at(10));
    expect(nsg.ruleSince.get('user/allow-web')).toBe('');
    expect(nsg).toMatchObject({
      name: 'vm-nsg',
      resourceGuid: base.resourceGuid,
      key: base.id.toLowerCase(),
    });

    const afterJit = await loadInventory(db, { from: at(12), to: at(20) });
    expect(afterJit[0]!.rules.map((r) => r.name)).not.toContain(jit.name);
  });

  it('uses the earliest snapshot when every snapshot is newer than the window', async () => {
    const old = await loadInventory(db, { from: at(1), to: at(1) });
    expect(old[0]!.rules).toHaveLength(7);
  });
});
