import { activity, DAY, daily, ephemeral, every, type GenContext, HOUR, MB } from './context.js';
import { ESTATE_HOSTS, type EstateHost, estateHost, hostsOf } from './topology.js';

const WINDOWS_ROLES = new Set(['dc', 'jump', 'files', 'build', 'web', 'app', 'sql']);
const tcp = 6 as const;
const udp = 17 as const;

/** DNS and NTP to the domain controllers; the DCs forward to public resolvers and NTP. */
export function dnsAndNtp(ctx: GenContext): void {
  const dcs = hostsOf('dc');
  for (const h of ESTATE_HOSTS) {
    if (h.role === 'dc') continue;
    every(
      ctx,
      300_000,
      (t) => {
        const dc = ctx.rng.pick(dcs);
        ctx.emit({ ...udpExchange(ctx, t, h.ip, dc.ip, 53, 80, 200), inRule: 'UserRule_AllowDnsFromVnet' });
      },
      30_000,
    );
    every(ctx, 1_024_000, (t) => {
      ctx.emit({
        ...udpExchange(ctx, t, h.ip, dcs[0]!.ip, 123, 90, 90),
        inRule: 'UserRule_AllowNtpFromVnet',
      });
    });
  }
  for (const dc of dcs) {
    every(ctx, 60_000, (t) => ctx.emit(udpExchange(ctx, t, dc.ip, '1.1.1.1', 53, 90, 300)), 10_000);
    every(ctx, 1_024_000, (t) => ctx.emit(udpExchange(ctx, t, dc.ip, '162.159.200.1', 123, 90, 90)));
  }
}

const udpExchange = (
  ctx: GenContext,
  t: number,
  src: string,
  dst: string,
  port: number,
  o: number,
  i: number,
) => ({
  startMs: t,
  durationMs: 1_000,
  src,
  dst,
  srcPort: ephemeral(ctx.rng),
  dstPort: port,
  protocol: udp,
  bytesOut: o,
  bytesIn: i,
});

const tcpSession = (
  ctx: GenContext,
  t: number,
  src: string,
  dst: string,
  port: number,
  bytesOut: number,
  bytesIn: number,
  durationMs = 2_000,
) => ({
  startMs: t,
  durationMs,
  src,
  dst,
  srcPort: ephemeral(ctx.rng),
  dstPort: port,
  protocol: tcp,
  bytesOut,
  bytesIn,
});

/**
 * AD DS from every Windows host (Kerberos, LDAP, SMB for Group Policy, RPC) roughly hourly, and
 * replication between the DCs every 15 minutes (RPC endpoint mapper + a dynamic port).
 */
export function activeDirectory(ctx: GenContext): void {
  const [dc1, dc2] = hostsOf('dc') as [EstateHost, EstateHost];
  for (const h of ESTATE_HOSTS.filter((x) => WINDOWS_ROLES.has(x.role) && x.role !== 'dc')) {
    every(
      ctx,
      HOUR,
      (t) => {
        const dc = ctx.rng.chance(0.5) ? dc1 : dc2;
        for (const port of [88, 389, 445, 135]) {
          ctx.emit({
            ...tcpSession(ctx, t + port, h.ip, dc.ip, port, 4_000, 12_000),
            inRule: 'UserRule_AllowAdDsFromVnet',
          });
        }
      },
      10 * 60_000,
    );
  }
  every(ctx, 15 * 60_000, (t) => {
    ctx.emit({
      ...tcpSession(ctx, t, dc1.ip, dc2.ip, 135, 2_000, 2_000),
      inRule: 'UserRule_AllowAdReplication',
    });
    const port = ctx.rng.int(49152, 65535);
    ctx.emit({
      ...tcpSession(ctx, t + 500, dc1.ip, dc2.ip, port, 200_000, 150_000, 20_000),
      inRule: 'UserRule_AllowAdReplication',
    });
  });
}

/** SMB to the file server during working hours (app hosts, jump hosts, build agent). */
export function fileShares(ctx: GenContext): void {
  const files = estateHost('files-1');
  const clients = [...hostsOf('app'), ...hostsOf('jump'), estateHost('build-1')];
  every(ctx, 10 * 60_000, (t) => {
    for (const c of clients) {
      if (!ctx.rng.chance(activity(t))) continue;
      ctx.emit({
        ...tcpSession(ctx, t, c.ip, files.ip, 445, ctx.rng.int(1, 20) * MB, ctx.rng.int(1, 50) * MB, 60_000),
        inRule: 'UserRule_AllowSmbFromVnet',
      });
    }
  });
}

/**
 * Application tiers: web → app 8080, app and AKS → SQL 1433; AKS nodes scrape node-exporter (9100)
 * on web, app and AKS hosts every 5 minutes from the node the Prometheus pod runs on that day.
 */
export function appTiers(ctx: GenContext): void {
  const apps = hostsOf('app');
  const sqls = hostsOf('sql');
  every(
    ctx,
    120_000,
    (t) => {
      const a = activity(t);
      for (const w of hostsOf('web')) {
        if (ctx.rng.chance(a))
          ctx.emit({
            ...tcpSession(ctx, t, w.ip, ctx.rng.pick(apps).ip, 8080, 20_000, 200_000),
            inRule: 'UserRule_AllowWebToApp',
          });
      }
      for (const src of [...apps, ...hostsOf('aks')]) {
        if (ctx.rng.chance(a))
          ctx.emit({
            ...tcpSession(ctx, t, src.ip, ctx.rng.pick(sqls).ip, 1433, 5_000, 80_000),
            inRule: 'UserRule_AllowSqlFromVnet',
          });
      }
    },
    20_000,
  );
  const targets = [...hostsOf('web'), ...hostsOf('app'), ...hostsOf('aks')];
  const aks = hostsOf('aks');
  every(ctx, 300_000, (t) => {
    const scraper = aks[Math.floor((t - ctx.startMs) / DAY) % aks.length]!;
    for (const h of targets) {
      if (h.ip !== scraper.ip)
        ctx.emit({
          ...tcpSession(ctx, t, scraper.ip, h.ip, 9100, 400, 30_000, 500),
          inRule: 'UserRule_AllowPrometheusFromAks',
        });
    }
  });
}

/** Nightly backups: SQL and the file server to a Recovery Services vault through the private endpoint. */
export function privateBackups(ctx: GenContext): void {
  daily(
    ctx,
    0,
    (t) => {
      ctx.emit({
        ...tcpSession(ctx, t, estateHost('files-1').ip, '10.0.9.4', 443, 1_500 * MB, 2 * MB, 40 * 60_000),
      });
    },
    20,
  );
}
