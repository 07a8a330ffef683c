import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzerContext } from '../../analyze/analyzer.js';
import { ExposedManagementPortConfigSchema } from '../../analyze/analyzers/exposed-management-port/config.js';
import { detectExposure } from '../../analyze/analyzers/exposed-management-port/detect.js';
import { exposureQuery } from '../../analyze/analyzers/exposed-management-port/query.js';
import { executeQuery } from '../../analyze/execute.js';
import { ruleReportExtra } from '../../analyze/rules/analyzer.js';
import { parseNsgDocument } from '../../analyze/rules/inventory/parse.js';
import { writeSnapshots } from '../../analyze/rules/inventory/store.js';
import { analyzeWindow } from '../../analyze/runner.js';
import { emptyContext, windowOf } from '../../analyze/test-context.js';
import type { Db } from '../../core/clickhouse/client.js';
import { AnalyzeConfigSchema } from '../../core/config/sections/analyze.js';
import { RulesConfigSchema } from '../../core/config/sections/rules.js';
import type { Finding } from '../../core/finding.js';
import { openTestDb } from '../harness/chdb.js';
import { at, type FlowSpec, flowRow } from '../harness/flow-rows.js';

/**
 * Issue 12 part 2 on real chDB: the severity of an exposure follows the allowing rule's source in
 * the imported inventory. RDP to jump-1 is allowed from exactly two corporate addresses, and only they
 * connect: a low restricted exposure naming them (flows alone called it high). RDP to jump-2 is
 * allowed from `*` and reached by 15 internet sources: critical.
 */
const SUB = '00000000-0000-4000-8000-000000000001';
const T0 = '2026-03-02T08:00:00Z';
const CORP = ['198.51.100.10', '203.0.113.20'];
const window = windowOf(T0, '2026-03-02T12:00:00Z');
const rdpRule = (name: string, priority: number, dst: string, sources: string[]) => ({
  name,
  priority,
  direction: 'Inbound',
  access: 'Allow',
  protocol: 'Tcp',
  sourcePortRange: '*',
  sourceAddressPrefixes: sources,
  destinationAddressPrefix: dst,
  destinationPortRange: '3389',
});
const nsgDocument = [
  {
    name: 'jump-nsg',
    id: `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/networkSecurityGroups/jump-nsg`,
    location: 'westeurope',
    resourceGroup: 'rg-hub',
    securityRules: [
      rdpRule('allow-rdp-corp', 100, '10.0.0.4', CORP),
      rdpRule('allow-rdp-any', 110, '10.0.0.5', ['*']),
    ],
  },
];

/** An NSG flow log row as the normalizer writes it: upper-cased NSG name, rule kind and name split. */
const rdp = (seconds: number, src: string, dst: string, rule: string, extra: Partial<FlowSpec> = {}) => ({
  ...flowRow({
    time: at(T0, seconds),
    src_ip: src,
    dst_ip: dst,
    dst_port: 3389,
    nsg: 'JUMP-NSG',
    rule: `UserRule_${rule}`,
    rule_name: rule,
    bytes_sent: 40_000,
    bytes_received: 900_000,
    packets_sent: 300,
    packets_received: 700,
    ...extra,
  }),
  rule_kind: 'user',
  subscription_id: SUB,
  resource_group: 'RG-HUB',
});

let db: Db & { dir: string };
let withInventory: Finding[];
let withoutInventory: Finding[];

async function exposures(context: AnalyzerContext): Promise<Finding[]> {
  const config = AnalyzeConfigSchema.parse({});
  const run = await analyzeWindow({ client: db.client, config, context }, window);
  expect(run.errors).toEqual([]);
  return run.findings.filter((f) => f.category === 'exposed-management-port');
}

beforeAll(async () => {
  db = await openTestDb();
  const { nsgs, problems } = parseNsgDocument(nsgDocument, 'test');
  expect(problems).toEqual([]);
  await writeSnapshots(db, nsgs, {
    validFrom: '2026-03-01T00:00:00.000Z',
    importedAt: '2026-03-01T00:00:00.000Z',
    origin: 'test',
  });
  const internet = Array.from({ length: 15 }, (_, k) => `${60 + k}.${k + 1}.${2 * k}.${k + 9}`);
  const rows = [
    ...CORP.flatMap((src, i) =>
      [0, 1800, 3600].map((s) => rdp(s + i * 60, src, '10.0.0.4', 'allow-rdp-corp')),
    ),
    ...internet.map((src, k) => rdp(600 + k * 30, src, '10.0.0.5', 'allow-rdp-any')),
    // Denied attempts never make an exposure, whatever the rule.
    ...internet.map((src, k) => ({
      ...rdp(900 + k, src, '10.0.0.6', 'DenyAllInBound', { action: 'deny', state: 'deny' }),
      rule: 'DefaultRule_DenyAllInBound',
      rule_kind: 'default',
    })),
  ];
  await db.client.insert({ table: 'flows', values: rows, format: 'JSONEachRow' });
  const rulesWindow = { from: window.from.toISOString(), to: window.to.toISOString() };
  const extra = await ruleReportExtra(db, rulesWindow, RulesConfigSchema.parse({}));
  withInventory = await exposures({ ...emptyContext([], window.to), extra });
  // Same rows without the inventory (query and detect only: the run above stored its findings).
  const config = ExposedManagementPortConfigSchema.parse({});
  const groups = await executeQuery(db.client, exposureQuery(config, window));
  withoutInventory = detectExposure(groups, config, emptyContext([], window.to));
}, 120_000);
afterAll(() => db?.close());

const on = (findings: Finding[], ip: string) => findings.find((f) => f.subject.ip === ip);

describe('exposure severity from the allowing rule in the imported inventory (chDB)', () => {
  it('a rule allowing two fixed addresses, only they connecting, is a low restricted exposure naming them', () => {
    const f = on(withInventory, '10.0.0.4')!;
    expect(f.severity).toBe('low');
    expect(f.title).toBe(
      'Restricted exposure: RDP (3389/TCP) on 10.0.0.4 allowed only from 198.51.100.10, 203.0.113.20',
    );
    expect(f.evidence).toMatchObject({
      ruleScope: 'restricted',
      allowedSources: CORP,
      allowingRules: ['jump-nsg/allow-rdp-corp'],
    });
  });

  it('a "*" rule reached by many internet sources is critical', () => {
    const f = on(withInventory, '10.0.0.5')!;
    expect(f.severity).toBe('critical');
    expect(f.evidence).toMatchObject({ ruleScope: 'open', allowedSources: ['*'], distinctPeers: 15 });
  });

  it('denied attempts make no exposure', () => {
    expect(on(withInventory, '10.0.0.6')).toBeUndefined();
    expect(withInventory).toHaveLength(2);
  });

  it('without an inventory the flows alone decide, as before (the measured false high)', () => {
    expect(on(withoutInventory, '10.0.0.4')).toMatchObject({ severity: 'high' });
    expect(on(withoutInventory, '10.0.0.4')!.evidence.ruleScope).toBe('unknown');
    expect(on(withoutInventory, '10.0.0.5')).toMatchObject({ severity: 'critical' });
  });
});
