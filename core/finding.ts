import { z } from 'zod';

/**
 * The stable Finding contract: what `flowlens analyze --json` prints and the API serves.
 * Changing a field is a breaking change for users' scripts; add fields, never rename.
 */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

export const FINDING_STATUSES = ['open', 'acknowledged', 'resolved', 'suppressed'] as const;
export const FindingStatusSchema = z.enum(FINDING_STATUSES);
export type FindingStatus = z.infer<typeof FindingStatusSchema>;

export const SampleFlowSchema = z.object({
  time: z.string(),
  srcIp: z.string(),
  dstIp: z.string(),
  srcPort: z.number().int(),
  dstPort: z.number().int(),
  protocol: z.number().int(),
  direction: z.enum(['inbound', 'outbound']),
  action: z.enum(['allow', 'deny']),
  state: z.string(),
  packetsSent: z.number(),
  bytesSent: z.number(),
  packetsReceived: z.number(),
  bytesReceived: z.number(),
  nsg: z.string(),
  rule: z.string(),
  mac: z.string(),
  format: z.string(),
});
export type SampleFlow = z.infer<typeof SampleFlowSchema>;

export const FindingSubjectSchema = z.object({
  ip: z.string().optional(),
  port: z.number().int().optional(),
  protocol: z.number().int().optional(),
  remoteIp: z.string().optional(),
  nsg: z.string().optional(),
  rule: z.string().optional(),
});
export type FindingSubject = z.infer<typeof FindingSubjectSchema>;

export const FindingEvidenceSchema = z
  .object({
    flows: z.number().optional(),
    bytes: z.number().optional(),
    packets: z.number().optional(),
    distinctPeers: z.number().optional(),
    sampleFlows: z.array(SampleFlowSchema).default([]),
  })
  .catchall(z.unknown());

export const FindingSchema = z.object({
  /** Stable fingerprint: same category + subject → same id across runs. */
  id: z.string(),
  category: z.string(),
  severity: SeveritySchema,
  title: z.string(),
  /** Why this was flagged, in one or two sentences an analyst can check against the evidence. */
  reason: z.string().default(''),
  firstSeen: z.string(),
  lastSeen: z.string(),
  subject: FindingSubjectSchema,
  evidence: FindingEvidenceSchema,
  status: FindingStatusSchema.default('open'),
});
export type Finding = z.infer<typeof FindingSchema>;
