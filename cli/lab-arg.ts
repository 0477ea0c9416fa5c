import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../lib/paths';

/**
 * A lab folder, or a lab id: a lab of the course in this folder (`labs/<id>`,
 * as `drydock init` lays a course out), else one that ships with Drydock
 * (`catalog-image`): an installed student copy has no course checkout to point at.
 */
export function labDirOf(arg: string): string {
  if (existsSync(arg)) return arg;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(arg)) return arg;
  for (const dir of [join('labs', arg), join(PACKAGE_ROOT, 'labs', arg)]) if (existsSync(join(dir, 'lab.yaml'))) return dir;
  return arg;
}

/** The course repository's `origin`, as an npm install spec (`git+https://…`). */
export function courseRemote(dir: string): string | undefined {
  const r = spawnSync('git', ['-C', dir, 'config', '--get', 'remote.origin.url'], { encoding: 'utf8' });
  const url = r.status === 0 ? r.stdout.trim() : '';
  if (!url) return undefined;
  return url.startsWith('git@') ? `git+ssh://${url.replace(':', '/')}` : `git+${url}`;
}
