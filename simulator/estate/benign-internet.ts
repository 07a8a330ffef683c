import {
  activity,
  DAY,
  daily,
  ephemeral,
  every,
  type GenContext,
  HOUR,
  MB,
  randomPublicIp,
} from './context.js';
import type { EstateConnection } from './rows.js';
import { ESTATE_HOSTS, EXTERNAL, estateHost, hostsOf } from './topology.js';

const out = (
  ctx: GenContext,
  t: number,
  src: string,
  dst: string,
  port: number,
  bytesOut: number,
  bytesIn: number,
  durationMs = 2_000,
): EstateConnection => ({
  startMs: t,
  durationMs,
  src,
  dst,
  srcPort: ephemeral(ctx.rng),
  dstPort: port,
  protocol: 6,
  bytesOut,
  bytesIn,
});

/** Azure Monitor agent on every host: a small upload every 5 minutes (fleet-wide heartbeat). */
export function monitoringAgents(ctx: GenContext): void {
  for (const h of ESTATE_HOSTS) {
    every(
      ctx,
      300_000,
      (t) =>
        ctx.emit(out(ctx, t, h.ip, ctx.rng.pick(EXTERNAL.monitor), 443, ctx.rng.int(20, 90) * 1024, 8_000)),
      5_000,
    );
  }
}

/**
 * Nightly backups to a Storage account's public endpoint: each SQL VM uploads 6–9 GB around 01:00
 * (sql-1 the largest), the DCs their system state. The largest hours of those hosts' week.
 */
export function storageBackups(ctx: GenContext): void {
  hostsOf('sql').forEach((h, i) => {
    daily(
      ctx,
      1,
      (t) => {
        const gb = (i === 0 ? 8 : 5) + ctx.rng.next();
        ctx.emit(
          out(ctx, t, h.ip, EXTERNAL.backupStorage, 443, Math.round(gb * 1024 * MB), 20 * MB, 55 * 60_000),
        );
      },
      10,
    );
  });
  for (const dc of hostsOf('dc')) {
    daily(
      ctx,
      2,
      (t) => ctx.emit(out(ctx, t, dc.ip, EXTERNAL.backupStorage, 443, 600 * MB, 2 * MB, 20 * 60_000)),
      30,
    );
  }
}

/** Update checks on every host every 6 h, with a large download (downloads are not egress). */
export function updates(ctx: GenContext): void {
  for (const h of ESTATE_HOSTS) {
    every(
      ctx,
      6 * HOUR,
      (t) =>
        ctx.emit(
          out(ctx, t, h.ip, ctx.rng.pick(EXTERNAL.updates), 443, 200_000, ctx.rng.int(5, 400) * MB, 120_000),
        ),
      HOUR,
    );
  }
}

/** app-1 delivers the nightly batch to a partner over SFTP (a large, regular, known destination). */
export function partnerTransfer(ctx: GenContext): void {
  daily(
    ctx,
    2,
    (t) =>
      ctx.emit(
        out(
          ctx,
          t,
          estateHost('app-1').ip,
          EXTERNAL.partner,
          22,
          ctx.rng.int(300, 500) * MB,
          1 * MB,
          15 * 60_000,
        ),
      ),
    15,
  );
}

/**
 * The build agent long-polls Azure DevOps (50 s), and on working days pushes container images to
 * the registry's storage (0.5–2 GB, several times a day).
 */
export function buildAgent(ctx: GenContext): void {
  const build = estateHost('build-1').ip;
  every(ctx, 50_000, (t) => ctx.emit(out(ctx, t, build, EXTERNAL.devops, 443, 3_000, 2_000, 49_000)), 500);
  every(
    ctx,
    2 * HOUR,
    (t) => {
      if (ctx.rng.chance(activity(t))) {
        ctx.emit(
          out(
            ctx,
            t,
            build,
            EXTERNAL.registryStorage,
            443,
            ctx.rng.int(500, 2_000) * MB,
            2 * MB,
            10 * 60_000,
          ),
        );
      }
    },
    30 * 60_000,
  );
}

/** A cron job on app-2 polls a SaaS API every 300 s, every day. */
export function cronPolling(ctx: GenContext): void {
  every(
    ctx,
    300_000,
    (t) => ctx.emit(out(ctx, t, estateHost('app-2').ip, EXTERNAL.saasApi, 443, 1_500, 6_000)),
    1_000,
  );
}

/** Load-balancer health probes from the Azure platform address every 60 s on web and AKS nodes. */
export function lbProbes(ctx: GenContext): void {
  for (const h of [...hostsOf('web'), ...hostsOf('aks')]) {
    every(ctx, 60_000, (t) =>
      ctx.emit({
        ...out(ctx, t, '168.63.129.16', h.ip, h.role === 'web' ? 443 : 10256, 60, 200, 200),
        inRule: 'DefaultRule_AllowAzureLoadBalancerInBound',
      }),
    );
  }
}

/**
 * Internet clients of the web tier (diurnal), answered with 50 KB–4 MB each: the web servers'
 * largest egress, on connections the clients opened.
 */
export function webClients(ctx: GenContext): void {
  const clients = Array.from({ length: 3_000 }, () => randomPublicIp(ctx.rng));
  every(ctx, 60_000, (t) => {
    for (const w of hostsOf('web')) {
      const n = ctx.rng.poisson(4 * activity(t));
      for (let i = 0; i < n; i++) {
        const c = {
          ...out(
            ctx,
            t + i * 1_000,
            ctx.rng.pick(clients),
            w.ip,
            443,
            3_000,
            ctx.rng.int(50, 4_000) * 1024,
            5_000,
          ),
        };
        ctx.emit({ ...c, inRule: 'UserRule_AllowHttpsInbound' });
      }
    }
  });
}

/** Admins RDP to the jump hosts from two corporate addresses; the session output flows back to them. */
export function jumpSessions(ctx: GenContext): void {
  for (const j of hostsOf('jump')) {
    every(
      ctx,
      3 * HOUR,
      (t) => {
        if (!ctx.rng.chance(activity(t))) return;
        const admin = ctx.rng.pick(EXTERNAL.corpAdmins);
        const c = out(
          ctx,
          t,
          admin,
          j.ip,
          3389,
          30 * MB,
          ctx.rng.int(200, 1_500) * MB,
          ctx.rng.int(30, 150) * 60_000,
        );
        ctx.emit({ ...c, inRule: 'UserRule_AllowRdpFromCorp' });
      },
      HOUR,
    );
  }
  for (const d of hostsOf('dev').slice(0, 2)) {
    every(
      ctx,
      DAY / 3,
      (t) => {
        const c = out(ctx, t, ctx.rng.pick(EXTERNAL.corpAdmins), d.ip, 22, 2 * MB, 20 * MB, 30 * 60_000);
        ctx.emit({ ...c, inRule: 'UserRule_AllowSshFromCorp' });
      },
      2 * HOUR,
    );
  }
}

/** Background radiation: random internet sources probing 1–3 common ports on exposed hosts, denied. */
export function backgroundRadiation(ctx: GenContext): void {
  const exposed = [...hostsOf('web'), ...hostsOf('jump'), ...hostsOf('dev')];
  const ports = [22, 23, 445, 3389, 1433, 3306, 5900, 8080, 8443, 6379, 2375, 5985];
  every(ctx, 60_000, (t) => {
    for (let i = ctx.rng.poisson(3); i > 0; i--) {
      const src = randomPublicIp(ctx.rng);
      const target = ctx.rng.pick(exposed);
      for (let k = ctx.rng.int(1, 3); k > 0; k--) {
        const c = out(ctx, t + k * 300, src, target.ip, ctx.rng.pick(ports), 0, 0, 0);
        ctx.emit({ ...c, inRule: 'DefaultRule_DenyAllInBound', deniedAt: 'inbound' });
      }
    }
  });
}
