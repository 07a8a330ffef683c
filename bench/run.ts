/**
 * `npm run bench -- <name> [args]`: runs `bench/<name>.bench.ts`, whose `run(args)` prints a markdown
 * report to stdout. Benchmarks report ratios to baselines measured in the same process and run
 * (docs/reference/performance-facts.md §5), because this class of machine is noisy.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchModule {
  run(args: string[]): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

export function benchNames(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .sort();
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const names = benchNames();
  if (!name || !names.includes(name)) {
    process.stderr.write(`usage: npm run bench -- <name> [args]\navailable: ${names.join(', ')}\n`);
    return 2;
  }
  const mod = (await import(`./${name}.bench.ts`)) as BenchModule;
  await mod.run(args);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(
        `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
