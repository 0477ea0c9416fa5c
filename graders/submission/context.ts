import ignore from '@balena/dockerignore';
import { lstat, readlink, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PassThrough, pipeline, Readable } from 'node:stream';
import tarFs from 'tar-fs';
import { dockerignoreGlob, GlobSyntaxError } from '../../lib/linear-glob';
import { listTree } from '../../lib/tree';
import { SubmissionError } from './error';
import { existsInside, readInside } from './inside';

/** Files whose content the grader substitutes in the context (a stripped Dockerfile, a probed source file). */
export type Overrides = Record<string, string>;

type Ignore = ReturnType<typeof ignore>;
/** The library's rule after cleaning: the pattern Docker compiles, and where the compiled matcher is kept. */
interface IgnoreRule {
  pattern: string;
  regexp?: { test: (path: string) => boolean };
}

/**
 * The submission's .dockerignore, read by @balena/dockerignore (Docker's
 * cleaning, negation and parent-folder rules) but matched by a linear
 * automaton (lib/linear-glob.ts) instead of the RegExp the library builds: the
 * student writes both the patterns and the file names, and `*a*a*a*a*a*a*a*b`
 * against a long name made that RegExp run for minutes before the build.
 * A line the automaton does not read (regular-expression syntax) is refused
 * with the line; openSubmission reads it once, so that happens at the gate.
 */
export function readDockerignore(dir: string): Ignore {
  const ig = ignore({ ignorecase: false });
  if (!existsInside(dir, '.dockerignore')) return ig;
  (ig as unknown as { _compile: (rule: IgnoreRule) => IgnoreRule })._compile = (rule) => {
    rule.regexp ??= { test: dockerignoreGlob(rule.pattern) };
    return rule;
  };
  const lines = readInside(dir, '.dockerignore').toString('utf8').split(/\r?\n/);
  if (lines.length > MAX_IGNORE_LINES) {
    throw new SubmissionError(`.dockerignore has ${lines.length} lines; the grader reads at most ${MAX_IGNORE_LINES}`, 'Keep .dockerignore to the patterns your project needs (a folder name covers everything below it).');
  }
  ig.add(lines);
  // Compiled now, so a line the automaton cannot read is refused here, with the line, not midway through a build.
  for (const rule of (ig as unknown as { _rules: IgnoreRule[] })._rules) {
    try {
      (ig as unknown as { _compile: (rule: IgnoreRule) => IgnoreRule })._compile(rule);
    } catch (err) {
      if (!(err instanceof GlobSyntaxError)) throw err;
      throw new SubmissionError(`${err.message}, which the grader does not read`, 'Write .dockerignore lines with names, "/", "*", "?" and "**" only (list the files a [ ] class would match).');
    }
  }
  return ig;
}

/** More lines than any project's .dockerignore: each is tried on every file. */
const MAX_IGNORE_LINES = 1000;

/** Lists the context's files the way the Docker CLI would send them: .dockerignore applied, sorted. */
export function contextFiles(dir: string): string[] {
  const ig = readDockerignore(dir);
  const ignored = (rel: string) => rel !== 'Dockerfile' && rel !== '.dockerignore' && ig.ignores(rel);
  // Links are entries, never followed (a link to a folder is not a folder here).
  // An ignored folder is left whole, unmatched, as a walk that pruned it would:
  // in depth-first order all it holds comes right after it.
  let pruned: string | undefined;
  const out: string[] = [];
  for (const { rel, entry } of listTree(dir)) {
    if (pruned !== undefined && rel.startsWith(pruned)) continue;
    pruned = undefined;
    if (ignored(rel)) {
      if (entry.isDirectory()) pruned = `${rel}/`;
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
