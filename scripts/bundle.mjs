// Bundles the CLI into dist/ with esbuild: one file loads in a fraction of
// the time tsx needs to compile ~60 modules on every start.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export async function bundle() {
  await build({
    entryPoints: [join(root, 'cli/main.ts')],
    outdir: join(root, 'dist'),
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
}
if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
