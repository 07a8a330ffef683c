import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerSetup } from './protocol.js';

/**
 * Starts one normalizer worker thread. Built code (`dist/`, `.js`) runs `worker.js` directly. From the
 * TypeScript sources (tsx, vitest, `npx flowlens` in a checkout) a worker does not inherit the main
 * thread's loader hooks on Node 20, so a two-line bootstrap registers tsx in the worker first, then
 * imports `worker.ts`. tsx is a dev dependency: only the sources path, which needs it anyway, loads it.
 */
export function spawnNormalizerWorker(setup: WorkerSetup): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./worker.js', self), { workerData: setup });
  // The ESM build of tsx's API: its CommonJS build resolves its loader next to itself and fails here.
  const tsx = new URL(
    'dist/esm/api/index.mjs',
    pathToFileURL(createRequire(self).resolve('tsx/package.json')),
  ).href;
  const entry = new URL('./worker.ts', self).href;
  const code = `import { register } from ${JSON.stringify(tsx)};\nregister();\nawait import(${JSON.stringify(entry)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), {
    workerData: setup,
    // The parent's flags may name loaders (vitest, tsx's CLI) that must not run twice.
    execArgv: [],
  });
}

/** The module whose NORMALIZER_VARIANTS workers run by default, in the form this build loads. */
export function defaultVariantsModule(): string {
  const self = import.meta.url;
  return new URL(self.endsWith('.ts') ? './variants.ts' : './variants.js', self).href;
}
