import { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { startAzurite } from '../../core/azurite.js';

describe('Azurite harness', () => {
  it('starts on a free port, serves blobs, stops', async () => {
    const az = await startAzurite();
    try {
      const svc = BlobServiceClient.fromConnectionString(az.connectionString);
      const container = svc.getContainerClient('harness-check');
      await container.create();
      await container.getBlockBlobClient('a.json').upload('{"records":[]}', 14);
      const names: string[] = [];
      for await (const b of container.listBlobsFlat()) names.push(b.name);
      expect(names).toEqual(['a.json']);
    } finally {
      await az.stop();
    }
    expect(() => process.kill(az.pid, 0)).toThrow();
  });
});
