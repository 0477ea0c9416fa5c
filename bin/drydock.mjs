#!/usr/bin/env node
// Runs the CLI bundled into dist/ when the package was made (npm pack, or npm ci
// in a checkout: the prepare script). It never rebuilds the bundle: rebuilding
// under a running drydock deleted chunks another process was still loading.
// Development runs the sources: `npm run drydock -- <command>` (tsx).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'main.js');

// A fresh clone has no node_modules and no bundle: say what to do in one line, not with a module-loader stack trace.
try {
  createRequire(import.meta.url).resolve('dockerode');
} catch {
  process.stderr.write(`drydock: its dependencies are not installed; run \`npm ci\` in ${root} first\n`);
  process.exit(2);
}
if (!existsSync(dist)) {
  process.stderr.write(`drydock: ${join(root, 'dist')} is missing; run \`npm ci\` (or \`node scripts/bundle.mjs\`) in ${root}, or \`npm run drydock -- <command>\` to run the sources\n`);
  process.exit(2);
}
const { main } = await import(pathToFileURL(dist).href);
process.exitCode = await main(process.argv.slice(2));
