import { z } from 'zod';
import { SeveritySchema } from '../../finding.js';

const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only');

/** Generic webhook: JSON body signed with `X-Flowlens-Signature: sha256=<HMAC-SHA256 hex>` when `secret` is set. */
export const WebhookChannelSchema = z
  .object({
    type: z.literal('webhook'),
    name,
    url: z.url(),
    secret: z.string().optional(),
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();
/** Slack incoming webhook (Block Kit message). */
export const SlackChannelSchema = z.object({ type: z.literal('slack'), name, url: z.url() }).strict();
/** Microsoft Teams workflow ("Post to a channel when a webhook request is received") with an Adaptive Card. */
export const TeamsChannelSchema = z.object({ type: z.literal('teams'), name, url: z.url() }).strict();
/** Syslog RFC 5424 (message text or CEF) over UDP or TCP (RFC 6587 octet counting). */
export const SyslogChannelSchema = z
  .object({
    type: z.literal('syslog'),
    name,
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(514),
    transport: z.enum(['udp', 'tcp']).default('udp'),
    format: z.enum(['rfc5424', 'cef']).default('rfc5424'),
    /** Facility number; 16 = local0 (RFC 5424 §6.2.1 table 1). */
    facility: z.number().int().min(0).max(23).default(16),
    appName: z.string().default('flowlens'),
    hostname: z.string().optional(),
  })
  .strict();

export const ChannelSchema = z.discriminatedUnion('type', [
  WebhookChannelSchema,
  SlackChannelSchema,
  TeamsChannelSchema,
  SyslogChannelSchema,
]);
export type ChannelConfig = z.infer<typeof ChannelSchema>;

export const RouteSchema = z
  .object({
    /** Categories this route applies to; empty = every category. */
    categories: z.array(z.string()).default([]),
    minSeverity: SeveritySchema.default('medium'),
    /** Channel names; empty = every channel. */
    channels: z.array(z.string()).default([]),
  })
  .strict();
export type Route = z.infer<typeof RouteSchema>;

export const AlertsConfigSchema = z
  .object({
    channels: z.array(ChannelSchema).default([]),
    /** Empty = one route: every category at medium or above to every channel. */
    routes: z.array(RouteSchema).default([]),
    /** A finding already sent to a channel is sent again only after this long (or when its severity rises). */
    renotifyMinutes: z.number().int().min(0).default(240),
    /** Per channel; alerts over the limit go to the dead letter with reason `rate-limited`. */
    maxPerMinute: z.number().int().min(1).default(30),
    retry: z
      .object({
        attempts: z.number().int().min(1).default(5),
        baseDelayMs: z.number().int().min(0).default(500),
        maxDelayMs: z.number().int().min(0).default(30_000),
      })
      .strict()
      .prefault({}),
    /** Also append undeliverable alerts as JSON lines to this file (the table is always written). */
    deadLetterFile: z.string().optional(),
    /** Base URL of the dashboards, used for links in messages. */
    publicUrl: z.url().optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const names = new Set(cfg.channels.map((c) => c.name));
    if (names.size !== cfg.channels.length)
      ctx.addIssue({ code: 'custom', message: 'channel names must be unique', path: ['channels'] });
    cfg.routes.forEach((r, i) => {
      for (const c of r.channels) {
        if (!names.has(c))
          ctx.addIssue({ code: 'custom', message: `unknown channel ${c}`, path: ['routes', i, 'channels'] });
      }
    });
  });
export type AlertsConfig = z.infer<typeof AlertsConfigSchema>;
