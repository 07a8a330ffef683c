import type { Command } from 'commander';
import { register as analyze } from './analyze.js';
import { register as apiKey } from './api-key.js';
import { register as config } from './config.js';
import { register as demo } from './demo.js';
import { register as enrich } from './enrich.js';
import { register as findings } from './findings.js';
import { register as ingest } from './ingest.js';
import { register as publish } from './publish.js';
import { register as report } from './report.js';
import { register as rules } from './rules.js';
import { register as run } from './run.js';
import { register as serve } from './serve.js';
import { register as simulate } from './simulate.js';
import { register as stats } from './stats.js';

/** Each command is a file in this folder exporting `register(program)`; add one line here. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  ingest,
  rules,
  analyze,
  findings,
  report,
  serve,
  run,
  demo,
  stats,
  simulate,
  config,
  publish,
  apiKey,
  enrich,
];
