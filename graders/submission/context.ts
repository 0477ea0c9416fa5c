import ignore from '@balena/dockerignore';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';
import { dockerignoreGlob, GlobSyntaxError } from '../../lib/linear-glob';
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
