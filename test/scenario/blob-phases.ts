import { BlobServiceClient } from '@azure/storage-blob';
import { AzureLikeBlobWriter, CONTAINERS, ensureContainers, type Simulation } from '../../simulator/index.js';

/**
 * Writes simulated minutes into Blob Storage (Azurite) the way Azure does: one block per minute per
 * PT1H.json, committed before the 2-byte tail. `writeUntil` advances the simulation to `untilMs`,
 * batching `batchMinutes` minutes per block (history) or one minute per block (live).
 */
export async function blobWriter(connectionString: string, sim: Simulation) {
  const service = BlobServiceClient.fromConnectionString(connectionString);
  const containers = (name: string) => service.getContainerClient(name);
  await ensureContainers(containers, Object.values(CONTAINERS));
  const writer = new AzureLikeBlobWriter(containers);
  return {
    async writeUntil(untilMs: number, batchMinutes = 1): Promise<void> {
      let pending = [];
      let minutes = 0;
      while (sim.nextMinuteMs < untilMs) {
        pending.push(...sim.nextMinute());
        if (++minutes >= batchMinutes) {
          await writer.append(pending);
          pending = [];
          minutes = 0;
        }
      }
      if (pending.length) await writer.append(pending);
    },
  };
}
