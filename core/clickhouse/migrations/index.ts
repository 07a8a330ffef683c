import { migration0001 } from './0001_flows.js';
import { migration0002 } from './0002_retention_from_arrival.js';
import { migration0003 } from './0003_ingested_at_index.js';
import { migration0200 } from './0200_findings.js';
import { migration0300 } from './0300_nsg_rules.js';
import { migration0400 } from './0400_api.js';
import { migration0401 } from './0401_api_audit.js';
import { migration0500 } from './0500_enrich.js';
import { migration0510 } from './0510_enrich_peerings.js';
import { migration0520 } from './0520_enrich_network_imports.js';
import { migration0600 } from './0600_ingest_batches.js';
import { migration0700 } from './0700_flows_remote.js';
import { migration0710 } from './0710_analyzer_rollups.js';
import { migration0720 } from './0720_flow_log_hours.js';
import { migration0730 } from './0730_internal_pairs_rollup.js';
import { migration0740 } from './0740_internal_pairs_daily.js';
import { migration0760 } from './0760_flows_remote_daily.js';
import { migration0770 } from './0770_rule_key_days.js';
import { migration0780 } from './0780_internal_pairs_per_day.js';
import type { Migration } from './types.js';

/**
 * Every migration in order. Append only. Number ranges keep parallel work from colliding:
 * 0001–0099 core and ingest, 0100–0199 ingest sources, 0200–0299 analyzers and findings,
 * 0300–0399 rules, 0400–0499 API, 0500–0599 enrichment, 0600–0699 ingest batching,
 * 0700–0799 rollups for reads (API peer queries, analyzers, ingest health).
 */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0200,
  migration0300,
  migration0400,
  migration0401,
  migration0500,
  migration0510,
  migration0520,
  migration0600,
  migration0700,
  migration0710,
  migration0720,
  migration0730,
  migration0740,
  migration0760,
  migration0770,
  migration0780,
];
