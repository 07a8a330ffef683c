#!/usr/bin/env node
// Packaged entry point: runs the compiled CLI from dist/ (built by `npm run build` / prepack).
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => process.exit(code));
