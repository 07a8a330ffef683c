import type { Command } from 'commander';
import { simulateToDirectory } from '../../simulator/index.js';

/** `flowlens simulate --out DIR`: writes a realistic scenario (flow logs, NSG definitions, ground truth). */
export function register(program: Command): void {
  program
    .command('simulate')
    .description(
      'write simulated NSG v2 and VNet flow logs (PT1H.json tree), NSG definitions and ground truth',
    )
    .requiredOption('--out <dir>', 'output directory')
    .option('--hours <n>', 'hours of traffic', '24')
    .option('--seed <n>', 'random seed (same seed, same traffic)', '7')
    .option('--start <time>', 'first simulated minute (ISO 8601, UTC)', '2026-11-02T00:00:00Z')
    .action((opts: { out: string; hours: string; seed: string; start: string }) => {
      const startMs = Date.parse(opts.start);
      const hours = Number(opts.hours);
      if (!Number.isFinite(startMs) || !(hours > 0)) {
        program.error('--start must be an ISO time and --hours a positive number', { exitCode: 2 });
      }
      const s = simulateToDirectory(opts.out, { hours, seed: Number(opts.seed), startMs });
      process.stdout.write(
        `wrote ${s.blobs.length} blobs with ${s.tuples} flow tuples to ${s.logsDir}\n` +
          `NSG definitions: ${s.nsgFile}\nground truth: ${s.groundTruthFile}\n`,
      );
    });
}
