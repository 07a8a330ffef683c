import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuleReport } from '../../analyze/rules/analysis/build.js';
import { defaultReportOptions } from '../../analyze/rules/analysis/options.js';
import type { RuleReport } from '../../analyze/rules/analysis/types.js';
import { makeFlow } from '../../analyze/rules/model/build.js';
import { compileRule } from '../../analyze/rules/model/compile.js';
import { createAddressContext } from '../../analyze/rules/model/context.js';
import { matches } from '../../analyze/rules/model/match.js';
import { openTestDb } from '../harness/chdb.js';
import { loadSimulatedEstate, type SimulatedEstate } from '../scenario/simulated.js';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let estate: SimulatedEstate;
let report: RuleReport;
const ctx = createAddressContext({ virtualNetwork: ['10.10.0.0/16'] });
const RULE_CATEGORIES = new Set([
  'unused-allow-rule',
  'overly-permissive-rule',
  'management-port-open-to-internet',
]);

beforeAll(async () => {
  db = await openTestDb();
  estate = await loadSimulatedEstate(db, 24);
  report = await buildRuleReport(db, estate.window, defaultReportOptions({ ctx }));
}, 240_000);
afterAll(async () => db?.close());

const rec = (nsg?: string, rule?: string) =>
  report.recommendations.find((r) => r.nsg === nsg && r.rule === rule);

describe("rule report on the simulator's estate (24 h, NSG v2 + VNet flow logs)", () => {
  it('ingested the simulated flow logs', () => {
    expect(estate.rows).toBeGreaterThan(10_000);
  });

  it('finds every planted rule problem with the expected proposal', () => {
    const expected = estate.groundTruth.filter((g) => RULE_CATEGORIES.has(g.category));
    expect(expected.length).toBe(4);
    for (const g of expected) {
      const r = rec(g.subject.nsg, g.subject.rule);
      expect(r?.categories, `${g.subject.nsg}/${g.subject.rule}`).toContain(g.category);
      if (!g.proposal) continue;
      expect(r!.action).toBe('narrow');
      expect(r!.proposed!.destinationPorts).toEqual(g.proposal.ports);
      // The proposed sources allow the expected hosts, and nothing from the internet. Internal rules
      // keep their scope (VirtualNetwork, the subnet): never narrowed to single host IPs (issue 12).
      const proposed = compileRule(r!.proposed!, ctx);
      const allowed = (ip: string) =>
        matches(proposed, makeFlow({ src: ip, dst: '10.10.3.4', dstPort: Number(g.proposal!.ports![0]) }));
      for (const ip of g.proposal.sources ?? []) expect(allowed(ip), ip).toBe(true);
      expect(allowed('8.8.8.8')).toBe(false);
      expect(r!.proposed!.sourceAddresses.filter((a) => a.endsWith('/32'))).toEqual([]);
    }
  });

  it('does not flag the rules in active use', () => {
    for (const [nsg, rule] of [
      ['web-nsg', 'AllowHttpsInbound'],
      ['web-nsg', 'AllowHttpInbound'],
      ['db-nsg', 'AllowAppToSql'],
      ['mgmt-nsg', 'AllowSshFromCorp'],
    ]) {
      expect(rec(nsg, rule), `${nsg}/${rule}`).toBeUndefined();
    }
  });

  it('every proposal replays with zero newly denied flows on its window', () => {
    const changes = report.recommendations.filter((r) => r.action !== 'review');
    expect(changes.length).toBeGreaterThanOrEqual(3);
    for (const r of changes) expect(r.whatIf?.newlyDeniedCount, `${r.nsg}/${r.rule}`).toBe(0);
  });

  it('joins the VNet-only db-nsg rule through aclID', () => {
    expect(rec('db-nsg', 'AllowAdminAll')?.evidence.formats).toEqual(['vnet']);
  });

  it('leaves the RDP rule for review when its sources are internet-wide', () => {
    const r = rec('web-nsg', 'AllowRdpFromInternet')!;
    expect(r.severity).toBe('high');
    expect(r.reason).toMatch(/Bastion/);
  });
});
