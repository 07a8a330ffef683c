/**
 * `npm run bench -- enrich [--rows N] [--rounds R]`: what enrichment costs, to decide where it
 * happens (docs/enrichment.md). Loads the full packaged ASN + country data into a fresh chDB, then,
 * in one run: first-start load time, dictionary memory, the insert cost of filling enrichment columns
 * at insert time (MATERIALIZED dictGet) against the same insert without them, and the query cost of
 * a top-N by country looked up at query time against a top-N by a plain column.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { ensurePackagedDatasets } from '../core/enrich/ranges.js';
import { enrichSql } from '../core/enrich/tables.js';
import { mdTable, median, parseFlags } from './util.js';

export async function run(args: string[]): Promise<void> {
  const flags = parseFlags(args, { rows: 2_000_000, rounds: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-enrich-'));
  const db = openDb({ kind: 'embedded', path: dir });
  const c = db.client;
  const timed = async (query: string) => {
    const t = performance.now();
    await c.command({ query });
    return performance.now() - t;
  };
  try {
    await migrate(c);
    let t = performance.now();
    await ensurePackagedDatasets(c, () => new Date());
    const loadMs = performance.now() - t;
    t = performance.now();
    await c.command({
      query: `SELECT ${enrichSql.country(`toIPv6('8.8.8.8')`)}, ${enrichSql.asn(`toIPv6('8.8.8.8')`)}`,
    });
    const dictMs = performance.now() - t;
    const dicts = await (
      await c.query({
        query: `SELECT name, bytes_allocated AS bytes, element_count AS n FROM system.dictionaries WHERE name LIKE 'enrich_%' ORDER BY name`,
        format: 'JSONEachRow',
      })
    ).json<{ name: string; bytes: number; n: number }>();
    const base = 'time DateTime, remote_ip IPv6, bytes UInt64';
    await c.command({ query: `CREATE TABLE b_plain (${base}) ENGINE = MergeTree ORDER BY time` });
    await c.command({
      query:
        `CREATE TABLE b_enriched (${base}, country LowCardinality(String) MATERIALIZED ${enrichSql.country()}, ` +
        `asn UInt32 MATERIALIZED ${enrichSql.asn()}) ENGINE = MergeTree ORDER BY time`,
    });
    // Public-looking IPv4 addresses spread over the whole space, as IPv4-mapped IPv6 like `flows`.
    const source = `SELECT toDateTime('2026-01-01 00:00:00') + number % 3600, toIPv6(IPv4NumToString(toUInt32(cityHash64(number) % 4294967296))), number % 1500 FROM numbers(${flags.rows})`;
    const plain: number[] = [];
    const enriched: number[] = [];
    for (let r = 0; r < flags.rounds; r++) {
      plain.push(await timed(`INSERT INTO b_plain (time, remote_ip, bytes) ${source}`));
      enriched.push(await timed(`INSERT INTO b_enriched (time, remote_ip, bytes) ${source}`));
    }
    const byIp: number[] = [];
    const byCountryQuery: number[] = [];
    const byCountryStored: number[] = [];
    for (let r = 0; r < flags.rounds; r++) {
      byIp.push(
        await timed(
          'SELECT remote_ip, sum(bytes) s FROM b_plain GROUP BY remote_ip ORDER BY s DESC LIMIT 10 FORMAT Null',
        ),
      );
      byCountryQuery.push(
        await timed(
          `SELECT ${enrichSql.country()} AS k, sum(bytes) s FROM b_plain GROUP BY k ORDER BY s DESC LIMIT 10 FORMAT Null`,
        ),
      );
      byCountryStored.push(
        await timed(
          'SELECT country AS k, sum(bytes) s FROM b_enriched GROUP BY k ORDER BY s DESC LIMIT 10 FORMAT Null',
        ),
      );
    }
    const rows = flags.rows * flags.rounds;
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    process.stdout.write(
      `## enrichment (${flags.rows} rows per round, ${flags.rounds} rounds, medians; ${rows} rows per table)\n\n` +
        mdTable(
          ['step', 'result'],
          [
            ['first-start load of the packaged data (convert + insert + dictionary reload)', ms(loadMs)],
            ['first lookup after load', ms(dictMs)],
            ...dicts.map((d) => [`${d.name}`, `${d.n} prefixes, ${(d.bytes / 1048576).toFixed(1)} MiB`]),
            ['insert, no enrichment', ms(median(plain))],
            [
              'insert, country + ASN MATERIALIZED at insert',
              `${ms(median(enriched))} (${(median(enriched) / median(plain)).toFixed(2)}×)`,
            ],
            ['top-10 by remote_ip', ms(median(byIp))],
            [
              'top-10 by country, looked up at query time',
              `${ms(median(byCountryQuery))} (${(median(byCountryQuery) / median(byIp)).toFixed(2)}× by-IP)`,
            ],
            ['top-10 by country, stored column', ms(median(byCountryStored))],
          ],
        ) +
        '\n',
    );
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
