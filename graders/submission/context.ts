import ignore from '@balena/dockerignore';
import { lstat, readlink, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PassThrough, pipeline, Readable } from 'node:stream';
import tarFs from 'tar-fs';
import { listTree } from '../../lib/tree';
import { existsInside, readInside } from './inside';

/** Files whose content the grader substitutes in the context (a stripped Dockerfile, a probed source file). */
export type Overrides = Record<string, string>;

/** Lists the context's files the way the Docker CLI would send them: .dockerignore applied, sorted. */
export function contextFiles(dir: string): string[] {
  const ig = ignore({ ignorecase: false });
  if (existsInside(dir, '.dockerignore')) ig.add(readInside(dir, '.dockerignore').toString('utf8'));
  const ignored = (rel: string) => rel !== 'Dockerfile' && rel !== '.dockerignore' && ig.ignores(rel);
  // Links are entries, never followed (a link to a folder is not a folder here);
  // a folder that is ignored is left whole, as the walk this replaces pruned it.
  const prunedDirs: string[] = [];
  const out: string[] = [];
  for (const { rel, entry } of listTree(dir)) {
    if (prunedDirs.some((d) => rel.startsWith(`${d}/`))) continue;
    if (ignored(rel)) {
      if (entry.isDirectory()) prunedDirs.push(rel);
      continue;
    }
    if (!entry.isDirectory()) out.push(rel);
  }
  return out;
}

/**
 * Streams the build context as a tar, packed by tar-fs. Links go in as links
 * (tar-fs lstats; BuildKit resolves them inside the context); the bytes of
 * every file come from readInside, never through a link: tar-fs is handed a
 * file system whose only way to read a file is readInside, and whose
 * answer for a substituted file is the substitute. Headers carry a fixed
 * mtime, no owner, and the file's permission bits (0644 for a link or a
 * substitute), so the same files always make the same bytes and BuildKit's
 * cache keys stay stable between the first build and the probe rebuild.
 */
export function contextTar(dir: string, overrides: Overrides = {}): Readable {
  const files = contextFiles(dir);
  for (const name of Object.keys(overrides)) if (!files.includes(name)) files.push(name);
  const substitute = (path: string) => overrides[relative(dir, path).split(sep).join('/')];
  // `umask` and `fs` are tar-fs's own options, missing from its type declarations.
  const options: tarFs.PackOptions & { umask: number; fs: PackFs } = {
    entries: files,
    // The modes are the files' own, not masked by this process's umask.
    umask: 0,
    fs: {
      lstat: (path: string, cb: (err: Error | null, st?: Stats) => void) => {
        const text = substitute(path);
        if (text === undefined) return lstat(path, cb);
        cb(null, substituteStats(Buffer.byteLength(text)));
      },
      readlink,
      // Every entry was listed as a file or a link: one that is now a folder changed under the grader.
      readdir: (path: string, cb: (err: Error) => void) => cb(new Error(`${relative(dir, path)} became a folder while the context was packed`)),
      createReadStream: (path: string) => {
        const text = substitute(path);
        if (text !== undefined) return Readable.from([Buffer.from(text)], { objectMode: false });
        try {
          return Readable.from([readInside(dir, relative(dir, path).split(sep).join('/'))], { objectMode: false });
        } catch (err) {
          return new Readable({ read() { this.destroy(err as Error); } });
        }
      },
    },
    map: (h) => ({
      name: h.name,
      type: h.type,
      size: h.size,
      mode: h.type === 'file' && substitute(join(dir, h.name)) === undefined ? h.mode & 0o777 : 0o644,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    }),
  };
  // tar-fs packs with tar-stream's streams; hand the HTTP client a plain Node
  // stream, failed when the pack fails (a file that changed under the grader).
  const out = new PassThrough();
  pipeline(tarFs.pack(dir, options), out, () => {});
  return out;
}

/** The file system calls tar-fs packs with, given `entries` (it lists no folder itself). */
interface PackFs {
  lstat(path: string, cb: (err: Error | null, st?: Stats) => void): void;
  readlink: typeof readlink;
  readdir(path: string, cb: (err: Error) => void): void;
  createReadStream(path: string): Readable;
}

/** What a substituted file looks like to the packer: a plain file of that size. */
function substituteStats(size: number): Stats {
  const no = () => false;
  return { size, mode: 0o100644, mtime: new Date(0), uid: 0, gid: 0, isFile: () => true, isDirectory: no, isSymbolicLink: no, isSocket: no } as unknown as Stats;
}
