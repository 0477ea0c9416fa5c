import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT, packageVersion } from './paths';

let stamp: string | undefined;

/**
 * What identifies the code that is running, for cache keys: the bundle's
 * build id (scripts/bundle.mjs hashes every input of dist/), or, run from
 * the sources (tsx, the tests), a hash of those sources. Never a source read
 * from the installed package: it ships only dist/.
 */
export function codeStamp(): string {
  if (stamp) return stamp;
  const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
  const buildId = join(PACKAGE_ROOT, 'dist', 'build-id');
  if (!fromSource && existsSync(buildId)) return (stamp = readFileSync(buildId, 'utf8').trim());
  const h = createHash('sha256').update(packageVersion());
  if (fromSource) {
    for (const dir of ['build', 'lib', 'graders']) {
      for (const f of readdirSync(join(PACKAGE_ROOT, dir), { recursive: true, encoding: 'utf8' }).sort()) {
        if (f.endsWith('.ts')) h.update(f).update(readFileSync(join(PACKAGE_ROOT, dir, f)));
      }
    }
  }
  return (stamp = h.digest('hex'));
}
