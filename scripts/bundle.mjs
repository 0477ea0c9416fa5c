// Bundles the CLI into dist/ with esbuild: one file loads in a fraction of
// the time tsx needs to compile ~60 modules on every start.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync, renameSync, rmSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export async function bundle() {
  // Built aside and renamed into place, so a process starting meanwhile never loads half a bundle.
  const tmp = join(root, `dist.tmp-${process.pid}`);
  await build({
    // Worker threads' scripts are entries of their own, found beside the chunks at run time.
    entryPoints: [join(root, 'cli/main.ts'), join(root, 'build/render-worker.ts')],
    outdir: tmp,
    entryNames: '[name]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    // Native or runtime-resolved packages stay outside the bundle.
    external: ['dockerode', 'ssh2', 'cpu-features', 'playwright-core', 'mermaid', 'esbuild', 'tsx', 'protobufjs', 'yauzl', 'yazl'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const old = join(root, `dist.old-${process.pid}`);
  if (existsSync(join(root, 'dist'))) renameSync(join(root, 'dist'), old);
  renameSync(tmp, join(root, 'dist'));
  rmSync(old, { recursive: true, force: true });
}
if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
