#!/usr/bin/env node
// Entry point. In a checkout (the TypeScript sources beside bin/, the dev dependency tsx installed)
// it runs the sources through tsx, so `npx flowlens` works right after `npm ci` and never runs a
// stale dist/. The published package and the Docker image ship no sources: they run dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sources = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

function tsxAvailable() {
  try {
    import.meta.resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

async function load() {
  if (existsSync(sources) && tsxAvailable()) {
    const { register } = await import('tsx/esm/api');
    register();
    return import('../cli/main.ts');
  }
  if (existsSync(compiled)) return import('../dist/cli/main.js');
  process.stderr.write(
    'flowlens: no compiled CLI (dist/) and no tsx to run the TypeScript sources.\n' +
      'In a clone run `npm ci` first; to run compiled code, `npm run build`.\n',
  );
  process.exit(1);
}

const { main } = await load();
main(process.argv).then((code) => process.exit(code));
