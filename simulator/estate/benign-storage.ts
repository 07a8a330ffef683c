import { DAY, daily, ephemeral, type GenContext, MB } from './context.js';
import { estateHost } from './topology.js';

/** 40 front-end addresses of the Storage region the backup accounts live in. */
const STORAGE_POOL = Array.from({ length: 40 }, (_, k) => `20.60.${128 + (k % 8)}.${10 + k}`);

/**
 * The file server's share backup to Blob Storage through AzCopy: every night at 03:00, 8 parallel
 * uploads of 600–900 MB, each to an address drawn from the region's 40 front-end addresses (the
 * draw changes night to night, as backup accounts and stamps do); the last night is the weekly full
 * backup, 1.6× the usual volume. Judged per address, every night brings several "new
 * destinations" far above 100 MiB; judged as the host's usual `Storage.WestEurope` tag, it is the
 * host's baseline (issue 13 §6). Eight, not 40, at a time: more than 20 addresses on one port in
 * an hour is a port sweep's shape (docs/detections.md).
 */
export function storageShareBackup(ctx: GenContext): void {
  const files = estateHost('files-1').ip;
  const lastDay = Math.floor((ctx.endMs - ctx.startMs) / DAY) - 1;
  daily(
    ctx,
    3,
    (t, day) => {
      const scale = day === lastDay ? 1.6 : 1;
      for (let k = 0; k < 8; k++) {
        ctx.emit({
          startMs: t + k * 1_000,
          durationMs: 30 * 60_000,
          src: files,
          dst: ctx.rng.pick(STORAGE_POOL),
          srcPort: ephemeral(ctx.rng),
          dstPort: 443,
          protocol: 6,
          bytesOut: Math.round(ctx.rng.int(600, 900) * MB * scale),
          bytesIn: 1 * MB,
        });
      }
    },
    20,
  );
}
