import ignore from '@balena/dockerignore';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';
import { existsInside, readInside } from './inside';

/** Files whose content the grader substitutes in the context (a stripped Dockerfile, a probed source file). */
export type Overrides = Record<string, string>;

/** Lists the context's files the way the Docker CLI would send them: .dockerignore applied, sorted. */
export function contextFiles(dir: string): string[] {
  const ig = ignore({ ignorecase: false });
  if (existsInside(dir, '.dockerignore')) ig.add(readInside(dir, '.dockerignore').toString('utf8'));
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs).sort()) {
      const p = join(abs, name);
      const rel = relative(dir, p).split(sep).join('/');
      const isDockerMeta = rel === 'Dockerfile' || rel === '.dockerignore';
      if (!isDockerMeta && ig.ignores(rel)) continue;
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(rel);
    }
  };
  walk(dir);
  return out;
}

/**
 * Streams the build context as a tar. Links go in as links (BuildKit resolves
 * them inside the context); every file is read with readInside, never through
 * a link. Entries carry a fixed mtime so the same
 * files always make the same bytes, and BuildKit's cache keys stay stable
 * between the first build and the probe rebuild.
 */
export function contextTar(dir: string, overrides: Overrides = {}): Readable {
  const pack = tar.pack();
  const mtime = new Date(0);
  const files = contextFiles(dir);
  for (const name of Object.keys(overrides)) if (!files.includes(name)) files.push(name);
  for (const rel of files) {
    if (rel in overrides) {
      pack.entry({ name: rel, mode: 0o644, mtime }, overrides[rel]);
      continue;
    }
    const p = join(dir, rel);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) pack.entry({ name: rel, type: 'symlink', linkname: readlinkSync(p), mtime });
    else pack.entry({ name: rel, mode: st.mode & 0o777, mtime }, readInside(dir, rel));
  }
  pack.finalize();
  // tar-stream packs are streamx streams; hand the HTTP client a Node stream.
  return pack.pipe(new PassThrough());
}
