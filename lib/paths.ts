import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The Drydock package folder, found from this module's location. The code
 * runs from source (tsx) or from the dist/ bundle; both live inside it.
 */
function findPackageRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'build', 'assets'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the Drydock package above ${import.meta.dirname}`);
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot();

let version: string | undefined;
/** Drydock's version, from its package.json. */
export function packageVersion(): string {
  return (version ??= JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version as string);
}

/**
 * A link's path as files are named: its percent-escapes decoded, or the text as
 * written when it is not valid percent-encoding (`50%off.md`), which browsers and
 * mdBook also keep as it is. Author input must never throw here.
 */
export function decodePath(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}
