import type { RegisteredAnalyzer } from '../analyzer.js';
import { beaconing } from './beaconing/index.js';
import { bruteForce } from './brute-force/index.js';
import { deniedRequiredFlow } from './denied-required-flow/index.js';
import { exfiltration } from './exfiltration/index.js';
import { exposedManagementPort } from './exposed-management-port/index.js';
import { lateralMovement } from './lateral-movement/index.js';
import { maliciousIp } from './malicious-ip/index.js';
import { nsgRuleHygiene } from './nsg-rule-hygiene/index.js';
import { overlyPermissiveRule } from './overly-permissive-rule/index.js';
import { paasOverPublicEndpoint } from './paas-over-public-endpoint/index.js';
import { portScan } from './port-scan/index.js';
import { portSweep } from './port-sweep/index.js';
import { unusedAllowRule } from './unused-allow-rule/index.js';

/** Every analyzer, one line each. Config lives under `analyze.analyzers.<id>`. */
export const ANALYZERS: readonly RegisteredAnalyzer[] = [
  exposedManagementPort,
  exfiltration,
  portScan,
  portSweep,
  bruteForce,
  beaconing,
  lateralMovement,
  deniedRequiredFlow,
  unusedAllowRule,
  overlyPermissiveRule,
  nsgRuleHygiene,
  maliciousIp,
  paasOverPublicEndpoint,
];
