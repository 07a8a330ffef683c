import { BlobServiceClient } from '@azure/storage-blob';
import { AzureLikeBlobWriter, CONTAINERS, ensureContainers, type Simulation } from '../../simulator/index.js';
import { phasedSimulation } from './phases.js';

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

/**
 * The alert-latency scenario shared by the blob e2e test and the detect-latency bench: an hour of
 * benign history (ending about an hour ago, recent enough for the analyzers' windows) committed in
 * 30-minute blocks, then `writeIncident()` appends the RDP brute force minute by minute.
 * `startTime` is where the blob source should start reading.
 */
export async function bruteForceBlobScenario(connectionString: string) {
  const start = Math.floor((Date.now() - 2 * 3_600_000) / 3_600_000) * 3_600_000;
  const incidents = start + 60 * 60_000;
  const sim = phasedSimulation({
    startMs: start,
    incidentsAtMs: incidents,
    incidentIds: ['rdp-brute-force'],
  });
  const blobs = await blobWriter(connectionString, sim.sim);
  await blobs.writeUntil(incidents, 30);
  return {
    startTime: new Date(start - 3_600_000).toISOString(),
    writeIncident: (minutes: number) => blobs.writeUntil(incidents + minutes * 60_000, 1),
  };
}
