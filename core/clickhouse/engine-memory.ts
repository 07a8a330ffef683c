import { createRequire } from 'node:module';

/**
 * How the embedded engine hands freed memory back to the system.
 *
 * chDB allocates through its own jemalloc, built with ClickHouse's options (`dirty_decay_ms:5000`,
 * `muzzy_decay_ms:0`; the table `system.jemalloc_stats` prints the options in effect). Freed pages
 * stay in the process for 5 s, so within one blob every insert's working set (the flows block, the
 * eight views' aggregates and sorted parts) piled on the pages the previous insert had freed. 200 ms
 * lets them go between two inserts. Measured with `npm run bench -- ingest` (51.4 MB blob, 2 cores,
 * 2026-12-07, docs/ingest.md "Engine memory"): flowlens's peak RSS above idle 9.7–10.2× → 7.6–7.7× the
 * blob in-thread and 10.4–11.0× → 8.4–8.6× with one worker, for 5–16 % more of its CPU (refaulting the
 * pages); a single 804 k-row insert (the bench's SQL explode and engine-only rows) pays 23–34 %.
 *
 * jemalloc reads `JE_MALLOC_CONF` once, when the engine's library loads, and ignores it afterwards
 * (measured: set after loading, peak RSS did not change). So {@link loadChdbConnection} sets it just
 * before loading chDB (the first embedded `openDb`; never in server mode), unless the operator gave it
 * a value: theirs always wins. An empty value counts as none (compose's `${VAR:-}` gives one). It must
 * run on the main thread: a worker thread's `process.env` is its own copy, which native code never sees.
 * Child processes inherit the setting; flowlens's own (Azurite, builds) are Node, which does not use it.
 * @see https://jemalloc.net/jemalloc.3.html#opt.dirty_decay_ms
 */
export const ENGINE_MALLOC_CONF = 'dirty_decay_ms:200';

/** The environment variable chDB's jemalloc reads its options from (its symbols carry a `je_` prefix). */
export const MALLOC_CONF_VARIABLE = 'JE_MALLOC_CONF';

/** The allocator options the engine will load with: the operator's, else {@link ENGINE_MALLOC_CONF}. */
export function engineMallocConf(env: NodeJS.ProcessEnv): string {
  const own = env[MALLOC_CONF_VARIABLE];
  return own !== undefined && own !== '' ? own : ENGINE_MALLOC_CONF;
}

type ChdbConnectionModule = typeof import('chdb/connection');

/**
 * Loads chDB's connection module on first use, after giving jemalloc its options. chDB loads its
 * native library when the module is evaluated, so a static import would load it before any flowlens
 * code could set them (and in every process that merely imports the client, server mode included).
 */
export function loadChdbConnection(env: NodeJS.ProcessEnv = process.env): ChdbConnectionModule {
  // Idempotent: once set, the value is the operator's as far as a later call can tell, and
  // `require` returns the module it loaded the first time.
  env[MALLOC_CONF_VARIABLE] = engineMallocConf(env);
  return createRequire(import.meta.url)('chdb/connection') as ChdbConnectionModule;
}
