import { readdirSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** One entry below a folder: its path from the folder (`/`-separated), its full path, and its own type. */
export interface TreeEntry {
  rel: string;
  path: string;
  entry: Dirent;
}

/**
 * Everything below `root`, in the order a sorted depth-first walk meets it
 * (by path, component by component: a folder, then what it holds, then its
 * next sibling). Node's recursive readdir lists it; with `withFileTypes` each
 * entry's type is its own, as lstat tells it, so a link is an entry and never
 * followed, not even a link to a folder.
 */
export function listTree(root: string): TreeEntry[] {
  const parts = new Map<TreeEntry, string[]>();
  const out = readdirSync(root, { recursive: true, withFileTypes: true }).map((entry) => {
    const path = join(entry.parentPath, entry.name);
    const e = { rel: relative(root, path).split(sep).join('/'), path, entry };
    parts.set(e, e.rel.split('/'));
    return e;
  });
  return out.sort((a, b) => {
    const x = parts.get(a)!;
    const y = parts.get(b)!;
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return x.length - y.length;
  });
}
