import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

/**
 * Where CI jobs and student workflows install the grader from, when --package is not given.
 * A course made by `drydock init` pins Drydock in its package.json: that pin (`drydock@^0.1.0`,
 * or a `file:`/git/tarball spec as written). Only this repository (whose package *is* drydock)
 * installs from its own git remote; any other course's remote holds no grader, and installing
 * it globally gave jobs without a `drydock` command.
 */
export function graderPackageOf(labDir: string): string | undefined {
  for (let dir = resolve(labDir); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      let pkg: { name?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      try {
        pkg = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        return undefined;
      }
      if (pkg.name === 'drydock') return courseRemote(dir);
      const pin = pkg.devDependencies?.drydock ?? pkg.dependencies?.drydock;
      if (!pin) return undefined;
      // A version or range is a registry pin; anything else (file:, git+…, a URL, npm:) is a spec as it stands.
      return /^[\^~<>=v\d*x]|^latest$/.test(pin.trim()) ? `drydock@${pin.trim()}` : pin.trim();
    }
    if (dirname(dir) === dir) return courseRemote(resolve(labDir));
  }
}
