import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readlinkSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { changedWhile, SubmissionError, unreadable } from './error';

/**
 * Reading a submission as it stands on disk. A link's target text says
 * nothing about where it leads: `d/l -> ..` makes `d/l/d/l/../..` climb two
 * levels while looking like it stays put. So every question here is answered
 * by walking the real tree, one component at a time, the way the kernel does.
 */

/** The most links followed in one resolution, as Linux's own limit (ELOOP after 40). */
const MAX_HOPS = 40;

export function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel));
}

export type Resolution = { inside: true; parts: string[] } | { inside: false; why: 'absolute' | 'climbs' | 'loop' };

/**
 * Where `path` (relative to `root`, '/'-separated) leads inside `root`,
 * following links on disk. A component that does not exist is taken as
 * written, so a dangling link is judged by where it would land once its
 * target appeared, and a `..` after it climbs as the text says.
 */
export function resolveInside(root: string, path: string): Resolution {
  const stack: string[] = [];
  const queue = path.split('/');
  let hops = 0;
  let onDisk = true;
  while (queue.length) {
    const c = queue.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (!stack.length) return { inside: false, why: 'climbs' };
      stack.pop();
      continue;
    }
    if (onDisk) {
      let st;
      try {
        st = lstatSync(join(root, ...stack, c));
      } catch {
        onDisk = false;
      }
      if (st?.isSymbolicLink()) {
        if (++hops > MAX_HOPS) return { inside: false, why: 'loop' };
        const target = readlinkSync(join(root, ...stack, c));
        if (target.startsWith('/')) return { inside: false, why: 'absolute' };
        queue.unshift(...target.split('/'));
        continue;
      }
    }
    stack.push(c);
  }
  return { inside: true, parts: stack };
}

/** The plain words for a link that leads out of the submission. */
export function linkOutside(entry: string, target: string, why: 'absolute' | 'climbs' | 'loop'): SubmissionError {
  const how = why === 'loop' ? 'a symlink that loops (more than 40 links deep)' : 'a symlink that points outside the submission';
  return new SubmissionError(
    `the submission holds ${how} (${entry} -> ${target}${why === 'absolute' ? ', an absolute path' : ''})`,
    'Replace the symlink with the file it points to, or make it a relative link to a file inside your project.',
  );
}

/** Whether `rel` names anything (a link counts, whatever it points at). */
export function existsInside(root: string, rel: string): boolean {
  try {
    lstatSync(join(root, rel));
    return true;
  } catch {
    return false;
  }
}

const fdPath = (fd: number) => {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
};

/**
 * Reads a regular file of the submission. Links inside the submission are
 * followed as the Docker CLI would (a Dockerfile may be a link to a file next
 * to it), but the file opened is the resolved one, opened with O_NOFOLLOW and
 * O_NONBLOCK (a FIFO would otherwise hang the grader), checked to be a regular
 * file, and the path the kernel reports for the open descriptor must still be
 * inside the submission: nothing swapped in between is read.
 */
export function readInside(root: string, rel: string): Buffer {
  const res = resolveInside(root, rel);
  if (!res.inside) throw linkOutside(rel, readlinkSafe(join(root, rel)), res.why);
  const realRoot = realpathSync(root);
  const path = join(realRoot, ...res.parts);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw changedWhile(rel, 'changed into a symlink', 'read');
    if (code === 'EACCES') throw unreadable(rel);
    throw err;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new SubmissionError(`${rel} is not a regular file`, `Make ${rel} an ordinary file.`);
    const opened = fdPath(fd);
    if (opened !== undefined && !isInside(realRoot, opened)) throw linkOutside(rel, opened, 'climbs');
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readlinkSafe(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return '(a link on the way)';
  }
}

/**
 * Reads an open file in chunks of `chunkBytes`, handing each to `use`, and never
 * more than `size` bytes (what was counted or fstat said): a file that grows
 * while it is read, or a device swapped in, cannot keep the grader reading.
 */
export function readAtMost(fd: number, size: number, chunkBytes: number, use: (chunk: Buffer) => void): void {
  const buf = Buffer.alloc(Math.min(chunkBytes, Math.max(size, 1)));
  for (let left = size, n; left > 0 && (n = readSync(fd, buf, 0, Math.min(buf.length, left), null)) > 0; left -= n) use(buf.subarray(0, n));
}
