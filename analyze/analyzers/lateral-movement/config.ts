import { z } from 'zod';

/**
 * Internal management-protocol connections (RDP, SSH, WinRM, SMB, RPC endpoint mapper) between
 * two of our hosts that never used that port between them in the look-back (MITRE ATT&CK TA0008,
 * T1021 Remote Services). Tiers are inferred from the flows themselves, so no inventory is needed:
 * a web tier answers ≥ `webSources` internet clients on 80/443; a domain controller serves
 * Kerberos/LDAP (88/389) to ≥ `dcSources` hosts; a data tier serves a database port to ≥ 2 hosts.
 * @see https://attack.mitre.org/techniques/T1021/
 */
export const LateralMovementConfigSchema = z
  .object({
    ports: z.array(z.number().int().min(0).max(65535)).default([22, 135, 445, 3389, 5985, 5986]),
    lookbackHours: z.number().int().min(1).default(168),
    /** Look-back the data must cover before the window for a pair to count as new. */
    minHistoryHours: z.number().int().min(0).default(24),
    /** A pair that moved at least this many bytes (both ways) had a session, not just a probe. */
    sessionBytes: z.number().int().min(1).default(100_000),
    webSources: z.number().int().min(1).default(10),
    dcSources: z.number().int().min(1).default(3),
    dataPorts: z.array(z.number().int()).default([1433, 1521, 3306, 5432, 6379, 27017]),
    sampleFlows: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type LateralMovementConfig = z.infer<typeof LateralMovementConfigSchema>;
