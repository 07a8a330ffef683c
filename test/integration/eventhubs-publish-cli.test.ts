import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';
import { type EventHubsTestDouble, startEventHubsTestDouble } from '../harness/eventhubs-server/server.js';
import { fixture } from '../harness/fixtures.js';

// `flowlens publish --event-hubs` (real CLI process, real EventHubProducerClient) into the Event
// Hubs test double (not an emulator).
let double: EventHubsTestDouble;
let dir: string;

beforeAll(async () => {
  double = await startEventHubsTestDouble({ hubs: { flowlogs: 2 } });
  dir = mkdtempSync(join(tmpdir(), 'flowlens-eh-publish-'));
});
afterAll(async () => {
  await double?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('flowlens publish --event-hubs', () => {
  it('sends files as events, connection string from the named env var', async () => {
    const file = join(dir, 'PT1H.json');
    writeFileSync(file, fixture('msdocs_nsg-flowlog-v2_sample.json'));
    const r = await runCli(
      ['publish', '--event-hubs', 'EH_CS', '--mode', 'record', '--partition', '1', file],
      {
        env: { EH_CS: double.connectionString('flowlogs') },
      },
    );
    expect(r.code).toBe(0);
    const m = /event-hubs: published (\d+) messages/.exec(r.stdout);
    expect(Number(m?.[1])).toBeGreaterThan(0);
    expect(double.partitionProperties('1').lastSequenceNumber + 1).toBe(Number(m?.[1]));
    expect(double.partitionProperties('0').isEmpty).toBe(true);
  });

  it('fails with the variable name when it is not set', async () => {
    const r = await runCli(['publish', '--event-hubs', 'EH_MISSING', join(dir, 'PT1H.json')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('EH_MISSING');
  });
});
