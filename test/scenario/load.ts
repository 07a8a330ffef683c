import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Db } from '../../core/clickhouse/client.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { type ScenarioFiles, simulateToDirectory } from '../../simulator/index.js';

/**
 * Writes a simulator scenario to `dir` and ingests every blob file through the real normalizer and
 * ClickHouse sink (what `flowlens ingest <dir>` does), so detections see exactly what production sees.
 */
export async function loadScenario(
  db: Db,
  dir: string,
  options: { hours: number; seed?: number; startMs?: number; incidentHoursBeforeEnd?: number },
): Promise<ScenarioFiles & { rows: number; rejects: number }> {
  const files = simulateToDirectory(dir, options);
  const sink = createClickHouseSink({ db });
  let rows = 0;
  let rejects = 0;
  try {
    for (const blob of files.blobs) {
      const body = readFileSync(blob);
      const blobName = relative(files.logsDir, blob).split('/').slice(1).join('/');
      const result = normalize(body, { source: blobName, blobName });
      const written = await sink.write(result.columns, result.rejects, {
        kind: 'file',
        key: blobName,
        start: 0,
        end: body.length,
      });
      rows += written.rows;
      rejects += written.rejects;
    }
  } finally {
    await sink.close();
  }
  return { ...files, rows, rejects };
}
