import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groundTruth } from './incidents.js';
import { nsgDefinitions } from './nsg-definitions.js';
import { Simulation } from './simulation.js';
import { DirectoryWriter } from './writers/directory.js';

export interface ScenarioFiles {
  /** Root holding the two flow-log containers as folders. */
  logsDir: string;
  /** ARM JSON of the NSGs (`flowlens rules import`). */
  nsgFile: string;
  /** What the analyses should find. */
  groundTruthFile: string;
  blobs: string[];
  tuples: number;
  startMs: number;
  endMs: number;
  incidentsAtMs: number;
}

/**
 * Writes a whole scenario to disk: `hours` of traffic ending with the planted incidents
 * `incidentHoursBeforeEnd` before the end, the NSG definitions, and the ground truth.
 */
export function simulateToDirectory(
  dir: string,
  options: { hours: number; seed?: number; startMs?: number; incidentHoursBeforeEnd?: number },
): ScenarioFiles {
  const startMs = options.startMs ?? Date.UTC(2026, 10, 2, 0, 0, 0);
  const endMs = startMs + options.hours * 3_600_000;
  const incidentsAtMs = endMs - (options.incidentHoursBeforeEnd ?? 1) * 3_600_000;
  const sim = new Simulation({ startMs, seed: options.seed ?? 7, incidentsAtMs });
  const writer = new DirectoryWriter();
  while (sim.nextMinuteMs < endMs) writer.add(sim.nextMinute());
  const logsDir = join(dir, 'logs');
  const blobs = writer.flush(logsDir);
  mkdirSync(dir, { recursive: true });
  const nsgFile = join(dir, 'nsgs.json');
  writeFileSync(nsgFile, JSON.stringify({ value: nsgDefinitions() }, null, 2));
  const groundTruthFile = join(dir, 'ground-truth.json');
  writeFileSync(groundTruthFile, JSON.stringify(groundTruth(), null, 2));
  return {
    logsDir,
    nsgFile,
    groundTruthFile,
    blobs,
    tuples: sim.tuplesEmitted,
    startMs,
    endMs,
    incidentsAtMs,
  };
}
