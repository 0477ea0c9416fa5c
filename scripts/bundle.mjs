// Bundles the CLI into dist/ with esbuild, at `npm ci` / `npm pack` time (the
// package's prepare script) and once per test run: one file loads in a fraction
// of the time tsx needs to compile ~60 modules. The installed bin only runs it.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export async function bundle() {
  // Built aside and renamed into place, so a process starting meanwhile never loads half a bundle.
  const tmp = join(root, `dist.tmp-${process.pid}`);
  const result = await build({
    absWorkingDir: root,
    // Worker threads' scripts are entries of their own, found beside the chunks at run time.
    entryPoints: [join(root, 'cli/main.ts'), join(root, 'build/render/render-worker.ts')],
    outdir: tmp,
    entryNames: '[name]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    metafile: true,
    // Native or runtime-resolved packages stay outside the bundle.
    external: ['dockerode', 'ssh2', 'cpu-features', 'playwright-core', 'mermaid', 'protobufjs', 'yauzl', 'yazl'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  // The build id: every byte that went into the bundle (our sources and the bundled packages).
  // Cache keys (rendered pages, the site stamp) come from it, so an upgrade re-renders and
  // nothing reads sources at run time (an installed package has none).
  const h = createHash('sha256');
  for (const input of Object.keys(result.metafile.inputs).sort()) h.update(input).update('\0').update(readFileSync(join(root, input))).update('\0');
  writeFileSync(join(tmp, 'build-id'), `${h.digest('hex')}\n`);
  const old = join(root, `dist.old-${process.pid}`);
  if (existsSync(join(root, 'dist'))) renameSync(join(root, 'dist'), old);
  renameSync(tmp, join(root, 'dist'));
  rmSync(old, { recursive: true, force: true });
}
if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
