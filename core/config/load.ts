import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { registerSecrets } from './redact.js';
import { type Config, ConfigSchema } from './schema.js';
import type { SourceEntry } from './sections/sources.js';

/**
 * What each `sources` entry must satisfy. Core knows only `{ type, name? }`; the composition root
 * passes the ingest source registry's schema (one schema per source kind) so a bad entry is reported
 * with every other problem.
 */
export type SourcesSchema = z.ZodType<SourceEntry>;

/**
 * Loads configuration: file (YAML or JSON) → environment overrides → one zod parse.
 * Every problem is reported at once (ConfigError lists them all).
 *
 * Environment: `FLOWLENS_<SECTION>_<KEY>` with `__` for deeper levels, e.g.
 * `FLOWLENS_DATABASE_URL`, `FLOWLENS_DATABASE_PASSWORD`, `FLOWLENS_DATABASE_RETENTION__RAW_DAYS=7`.
 * Values are parsed as JSON when they look like JSON (numbers, booleans, arrays), else strings.
 */
export function loadConfig(options: {
  file?: string;
  env?: Record<string, string | undefined>;
  overrides?: object;
  sources?: SourcesSchema;
}): Config {
  const fromFile = options.file ? readConfigFile(options.file) : {};
  const merged = deepMerge(deepMerge(fromFile, envOverrides(options.env ?? {})), options.overrides ?? {});
  return parseConfig(merged, options.sources);
}

export function parseConfig(input: unknown, sources?: SourcesSchema): Config {
  const schema = sources ? ConfigSchema.extend({ sources: z.array(sources).default([]) }) : ConfigSchema;
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues));
  // Logs and error messages mask this config's secret values wherever they turn up.
  registerSecrets(result.data);
  return result.data;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

function readConfigFile(file: string): object {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read config file ${file}: ${(err as Error).message}`]);
  }
  try {
    const value: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    if (value === null || value === undefined) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error('top level must be a mapping');
    return value;
  } catch (err) {
    throw new ConfigError([`config file ${file} is not valid: ${(err as Error).message}`]);
  }
}

/**
 * Environment overrides: `FLOWLENS_<SECTION>_<KEY>[__<KEY>…]` for the sections of the schema only.
 * Other `FLOWLENS_*` names are not config keys (the CLI's `FLOWLENS_CLICKHOUSE_*`, secrets that a
 * config names through `*Env` options such as `FLOWLENS_BLOB_SAS_URL`) and are left alone rather
 * than failing the whole config as an unknown section. A value for a string field stays a string
 * (a password `123456` or `true`); other values are parsed as JSON when they look like JSON.
 */
export function envOverrides(env: Record<string, string | undefined>): object {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(env)) {
    if (!key.startsWith('FLOWLENS_') || raw === undefined) continue;
    const path = key
      .slice('FLOWLENS_'.length)
      .split('__')
      .flatMap((part, i) => (i === 0 ? splitSection(part) : [camel(part)]));
    if (path.length < 2 || !Object.hasOwn(ConfigSchema.shape, path[0]!)) continue;
    setPath(out, path, isStringField(path) ? raw : parseEnvValue(raw));
  }
  return out;
}

/** Whether the schema has a string at `path` (through optional/default wrappers). */
function isStringField(path: readonly string[]): boolean {
  let node: z.core.$ZodType | undefined = ConfigSchema;
  for (const key of path) node = node && childSchema(unwrap(node), key);
  return node !== undefined && unwrap(node)._zod.def.type === 'string';
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  while ('innerType' in s._zod.def) s = s._zod.def.innerType as z.core.$ZodType;
  return s;
}

function childSchema(schema: z.core.$ZodType, key: string): z.core.$ZodType | undefined {
  const def = schema._zod.def;
  if (def.type !== 'object' || !('shape' in def)) return undefined;
  return (def.shape as Record<string, z.core.$ZodType>)[key];
}

/** `DATABASE_URL` → ['database', 'url']; `DATABASE_RETENTION` → ['database', 'retention']. */
function splitSection(part: string): string[] {
  const [section, ...rest] = part.split('_');
  return rest.length ? [camel(section!), camel(rest.join('_'))] : [camel(section!)];
}

function camel(s: string): string {
  return s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function parseEnvValue(raw: string): unknown {
  if (/^(true|false|null|-?\d+(\.\d+)?|\[.*\]|\{.*\})$/s.test(raw.trim())) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

export function deepMerge(base: object, over: object): object {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
