import { z } from 'zod';
import { chNumber } from '../../../core/clickhouse/query.js';
import type { ApiDeps } from '../../deps.js';
import type { FieldSpec } from '../../filter/fields.js';
import { ParamBag } from '../../query/params.js';
import { readRows } from '../../query/run.js';
import { chooseTable, fromSql, ipTextSql } from '../../query/source.js';
import { chTime } from '../../query/time.js';

/** Most frequent values of a whitelisted column in the window, starting with `prefix`. */
export async function topValues(
  deps: ApiDeps,
  spec: FieldSpec,
  prefix: string,
  w: { from: Date; to: Date },
): Promise<{ value: string; count: number }[]> {
  const { table } = chooseTable(w, [spec.name]);
  const p = new ParamBag();
  const column = spec.column;
  const expr =
    spec.type === 'ip' ? ipTextSql(column) : spec.array ? `arrayJoin(${column})` : `toString(${column})`;
  const count = table === 'flows' ? 'count()' : 'sum(flows)';
  const rows = await readRows(
    deps.db,
    `SELECT ${expr} AS v, ${count} AS n FROM ${fromSql(table, w, p)} WHERE time >= ${p.add('DateTime64(3)', chTime(w.from))} ` +
      `AND time < ${p.add('DateTime64(3)', chTime(w.to))} AND startsWith(v, ${p.add('String', prefix)}) ` +
      'GROUP BY v ORDER BY n DESC LIMIT 20',
    p.values,
    z.object({ v: z.string(), n: chNumber }),
  );
  return rows.map((r) => ({ value: r.v, count: r.n }));
}
