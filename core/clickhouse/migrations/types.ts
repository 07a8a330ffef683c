/**
 * A numbered, immutable schema change. `up` returns statements; it may read the options to render
 * TTLs and cluster clauses, but must never depend on anything else (data, time, environment).
 */
export interface Migration {
  /** Unique, ordered: `0001`, `0002`, … Never renumber or edit an applied migration; add a new one. */
  version: string;
  name: string;
  up(opts: SchemaOptions): string[];
}

export interface SchemaOptions {
  /** Raw `flows` retention in days (0 = keep forever). */
  rawTtlDays: number;
  /** Per-minute rollup retention in days. */
  minuteTtlDays: number;
  /** Per-hour rollup retention in days. */
  hourTtlDays: number;
  /** When set, DDL runs `ON CLUSTER` with Replicated engines and Distributed tables. */
  cluster?: string;
}

export const DEFAULT_SCHEMA_OPTIONS: SchemaOptions = { rawTtlDays: 30, minuteTtlDays: 90, hourTtlDays: 730 };
