#!/usr/bin/env node
// Runs the bundled CLI from dist/, rebuilding it first when any source file
// is newer (a few milliseconds to check). DRYDOCK_FROM_SOURCE=1 runs the
// TypeScript directly through tsx instead.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'main.js');

if (process.argv[2] === '--version' || process.argv[2] === '-V') {
  process.stdout.write(`drydock ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`);
  process.exit(0);
}
// A fresh clone has no node_modules: say what to do in one line, not with a module-loader stack trace.
try {
  createRequire(import.meta.url).resolve('dockerode');
} catch {
  process.stderr.write(`drydock: its dependencies are not installed; run \`npm ci\` in ${root} first\n`);
  process.exit(2);
}

function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'assets') walk(p); }
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['cli', 'graders', 'build', 'lib']) if (existsSync(join(root, d))) walk(join(root, d));
  return newest;
}

let main;
if (process.env.DRYDOCK_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(pathToFileURL(join(root, 'cli/main.ts')).href));
} else {
  if (!existsSync(dist) || statSync(dist).mtimeMs < newestSource()) {
    const { bundle } = await import(pathToFileURL(join(root, 'scripts/bundle.mjs')).href);
    await bundle();
  }
  ({ main } = await import(pathToFileURL(dist).href));
}
process.exitCode = await main(process.argv.slice(2));
