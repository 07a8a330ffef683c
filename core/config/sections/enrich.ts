import { z } from 'zod';

/** A configured threat-intel feed (docs/enrichment.md has examples for well-known free feeds). */
export const IntelFeedSchema = z
  .object({
    /** List name shown in findings and the `threat_list` filter field. */
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    /** A local file path or an http(s) URL. */
    location: z.string().min(1),
    /** `lines`: one IP/CIDR per line (`#`/`;` comments, text after the address ignored); `csv`: one column; `stix`: a STIX 2.1 bundle. */
    format: z.enum(['lines', 'csv', 'stix']).default('lines'),
    /** CSV column (name from the header, or 0-based index) holding the address. */
    column: z.union([z.string(), z.number().int().min(0)]).optional(),
    /** 0–100, carried into findings evidence. */
    confidence: z.number().int().min(0).max(100).default(80),
    refreshMinutes: z.number().int().min(1).default(60),
  })
  .strict();
export type IntelFeed = z.infer<typeof IntelFeedSchema>;

/** Address spaces for the flow-type classification (Traffic Analytics' definitions; docs/enrichment.md). */
export const NetworkInventorySchema = z
  .object({
    vnets: z
      .array(z.object({ name: z.string().min(1), prefixes: z.array(z.string()).min(1) }).strict())
      .default([]),
    /** Pairs of VNet names that are peered (connection type VNetPeering). */
    peerings: z.array(z.tuple([z.string(), z.string()])).default([]),
    /** On-premises prefixes reached through a site-to-site VPN gateway (flow type S2S, connection type VpnGateway). */
    siteToSite: z.array(z.string()).default([]),
    /** On-premises prefixes reached through an ExpressRoute gateway (flow type S2S, connection type ExpressRoute). */
    expressRoute: z.array(z.string()).default([]),
    /** Point-to-site VPN client address pools. */
    pointToSite: z.array(z.string()).default([]),
  })
  .strict();

export const EnrichConfigSchema = z
  .object({
    /**
     * `load`: the ASN and country data installed with flowlens is loaded at the first start of
     * `run`/`serve`/`demo`, and again when the installed package version changes. `off`: never
     * (air-gapped operators then load with `flowlens enrich update`).
     */
    packagedData: z.enum(['load', 'off']).default('load'),
    intel: z.array(IntelFeedSchema).default([]),
    networks: NetworkInventorySchema.prefault({}),
  })
  .strict();
export type EnrichConfig = z.infer<typeof EnrichConfigSchema>;
