import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/clickhouse/client.js';
import { loadServiceTags } from '../../../core/enrich/load.js';
import { TrieWriter } from '../../../core/enrich/store.js';
import { ASN } from '../../../core/enrich/tables.js';
import { openTestDb } from '../../../test/harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../../../test/harness/flow-rows.js';
import { executeQuery } from '../../execute.js';
import { emptyContext, windowOf } from '../../test-context.js';
import { ExfiltrationConfigSchema } from './config.js';
import { detectExfiltration } from './detect.js';
import { exfiltrationQuery } from './query.js';

const MiB = 1024 * 1024;
const BASE = '2026-01-01T00:00:00Z';
const WINDOW = windowOf('2026-01-03T00:00:00Z', '2026-01-03T23:00:00Z');
let db: Db & { dir: string };

const up = (h: number, src: string, dst: string, bytes: number, k = 0): FlowSpec => ({
  time: at(BASE, h * 3600 + 60 + k),
  src_ip: src,
  dst_ip: dst,
  src_port: 50000 + k,
  direction: 'outbound',
  state: 'end',
  bytes_sent: bytes,
  bytes_received: 1000,
});

/** A backup spread over 40 addresses of the Storage front end, different ones every night. */
const backup = (h: number, night: number, totalMiB: number): FlowSpec[] =>
  Array.from({ length: 40 }, (_, k) =>
    up(h, '10.1.3.5', `20.60.${40 + night}.${k + 1}`, Math.round((totalMiB / 40) * MiB), k),
  );

beforeAll(async () => {
  db = await openTestDb();
  const now = new Date(BASE);
  await loadServiceTags(
    db.client,
    {
      values: [
        {
          name: 'Storage.WestEurope',
          properties: { region: 'westeurope', addressPrefixes: ['20.60.0.0/16'] },
        },
        { name: 'AzureCloud', properties: { addressPrefixes: ['20.0.0.0/8'] } },
      ],
    },
    { source: 'test', now },
  );
  const asn = await TrieWriter.open(db.client, ASN);
  asn.push(['5.188.86.0/24', 64500, 'Bulletproof Hosting']);
  asn.push(['198.51.100.0/24', 64501, 'Partner Ltd']);
  asn.push(['34.0.0.0/8', 15169, 'Google LLC']);
  await asn.close();
  await insertFlows(db, [
    ...backup(1, 0, 6_000),
    ...backup(25, 1, 6_400),
    ...backup(49, 2, 9_000), // tonight: 1.4× the largest night, to 40 addresses never used before
    // the partner's SFTP pool: two addresses in history, a third one today
    up(2, '10.1.2.4', '198.51.100.20', 400 * MiB),
    up(26, '10.1.2.4', '198.51.100.21', 420 * MiB),
    up(50, '10.1.2.4', '198.51.100.22', 410 * MiB),
    // the real exfiltration: 3 GiB to an AS nobody here ever talked to
    up(62, '10.1.3.5', '5.188.86.12', 3_072 * MiB),
    // and 2 GiB to a new address of a rentable cloud where app-3 already uploads: stays per address
    up(3, '10.1.2.6', '34.1.1.1', 200 * MiB),
    up(27, '10.1.2.6', '34.1.1.1', 200 * MiB),
    up(63, '10.1.2.6', '34.9.9.9', 2_048 * MiB),
  ]);
});
afterAll(() => db.close());

describe('exfiltration destination groups on chDB (service tag, AS, address)', () => {
  it('40 Storage addresses a night are one usual destination; a new AS and a new cloud address still fire', async () => {
    const config = ExfiltrationConfigSchema.parse({});
    const rows = await executeQuery(db.client, exfiltrationQuery(config, WINDOW));
    const storage = rows.filter((r) => r.dest === 'tag:Storage.WestEurope');
    expect(storage.map((r) => [r.hour, r.remotes])).toEqual([
      ['2026-01-01T01:00:00.000Z', 40],
      ['2026-01-02T01:00:00.000Z', 40],
      ['2026-01-03T01:00:00.000Z', 40],
    ]);
    expect(rows.filter((r) => r.dest === 'asn:64501')).toHaveLength(3);
    const findings = detectExfiltration(rows, config, WINDOW, emptyContext());
    expect(findings.map((f) => [f.subject.ip, f.subject.remoteIp, f.severity, f.evidence.kind])).toEqual([
      ['10.1.2.6', '34.9.9.9', 'high', 'new-destination'],
      ['10.1.3.5', '5.188.86.12', 'high', 'new-destination'],
    ]);
    expect(findings[1]!.evidence.destinationGroup).toEqual({ kind: 'asn', name: '64500', addresses: 1 });
  });

  it('without grouping every Storage address of tonight is a new destination (what the groups prevent)', async () => {
    const config = ExfiltrationConfigSchema.parse({
      minBytes: 100 * MiB,
      destinationGroups: { serviceTags: false, asn: false },
    });
    const rows = await executeQuery(db.client, exfiltrationQuery(config, WINDOW));
    const findings = detectExfiltration(rows, config, WINDOW, emptyContext());
    const storage = findings.filter((f) => f.subject.remoteIp?.startsWith('20.60.42.'));
    expect(storage).toHaveLength(40);
    expect(storage.every((f) => f.evidence.kind === 'new-destination')).toBe(true);
  });
});
