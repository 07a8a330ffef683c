import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import { AzureBlobWriter, type FlowLogStream } from '../harness/azure-blob-writer.js';
import { runCli } from '../harness/cli.js';

const streams: FlowLogStream[] = [
  { kind: 'nsg', subscription: '1234-abcd', resourceGroup: 'rg', name: 'nsg-1' },
  { kind: 'vnet', subscription: '1234-abcd', resourceGroup: 'rg', name: 'fl-1' },
];

let az: AzuriteHandle;
let dir: string;

beforeAll(async () => {
  az = await startAzurite();
  dir = mkdtempSync(join(tmpdir(), 'flowlens-ingest-blob-'));
});
afterAll(async () => {
  await az?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('flowlens ingest --blob', () => {
  it('backfills every hour once; a second pass adds nothing', { timeout: 180_000 }, async () => {
    const writer = new AzureBlobWriter(BlobServiceClient.fromConnectionString(az.connectionString));
    await writer.ensureContainers();
    const start = Date.UTC(2025, 5, 1, 22, 50);
    for (let m = 0; m < 30; m += 5)
      for (const s of streams) await writer.append(s, '000D3A123456', start + m * 60_000);
    const args = ['ingest', '--blob', 'env:TEST_BLOB', '--db', join(dir, 'db'), '--json'];
    const env = { TEST_BLOB: az.connectionString };
    const first = await runCli(args, { env });
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as { tuples: number; blobs: number; rejects: number };
    expect(summary).toMatchObject({ tuples: writer.totalTuples, blobs: 4, rejects: 0 }); // 2 streams × 2 hours
    const second = await runCli(args, { env });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ tuples: 0, blobs: 0 });
  });

  it('refuses files and --blob together, and nothing at all', async () => {
    expect((await runCli(['ingest', '--blob', 'UseDevelopmentStorage=true', 'x.json'])).code).toBe(2);
    expect((await runCli(['ingest'])).code).toBe(2);
  });
});
