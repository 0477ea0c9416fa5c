import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync, cpSync, closeSync, openSync, constants, fstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { createHash, type Hash } from 'node:crypto';
import { auditTree } from './audit';
import { Budget, MAX_FILES, SubmissionError } from './error';
import { copyFolder, extractTar, extractZip } from './extract';
import { existsInside, readAtMost, readInside } from './inside';
import { readDockerignore } from './context';

export { SubmissionError } from './error';

/** A submission unpacked into a folder the grader owns. */
export interface Submission {
  /** What the user named: a folder or an archive. */
  source: string;
  /** The folder holding the Dockerfile (inside `workDir` for archives). */
  dir: string;
  /** The Dockerfile's text, read without leaving the submission (inside.ts). */
  dockerfile: string;
  /** Files the lab's starter supplied because the submission lacked them. */
  filledFromStarter: string[];
  dispose(): void;
}

export interface OpenOptions {
  maxBytes: number;
  /** Files, folders and links it may hold (default MAX_FILES). */
  maxFiles?: number;
  /** Files of the lab's starter; any the submission lacks are copied in. */
  starterDir?: string;
}

/** Feeds at most `size` bytes of a file to the hash in chunks: never the whole file in memory (see readAtMost). */
function hashContent(h: Hash, fd: number, size: number): void {
  readAtMost(fd, size, 1024 * 1024, (chunk) => h.update(chunk));
}

/**
 * A digest of a submission as it stands, to tell whether it changed since an
 * earlier run. Links are hashed as their target text (never followed),
 * special files by kind (a FIFO never blocks), `.git` is left out as the copy
 * leaves it out. Read within the limits the grader opens it with: past
 * `maxBytes` of content, or `maxFiles` entries, the submission is refused
 * whatever else it holds, so the rest is hashed by size and time only (a
 * 10 GB sparse file or a million files cost a stat, not a read).
 */
export function hashTree(root: string, maxBytes = Number.POSITIVE_INFINITY, maxFiles = MAX_FILES): string {
  const h = createHash('sha256');
  let bytes = 0;
  let entries = 0;
  // A walk of its own, not lib/tree.ts's listing: it never enters .git and stops at the entry limit.
  const walk = (dir: string): boolean => {
    for (const name of readdirSync(dir).sort()) {
      if (dir === root && name === '.git') continue;
      if (++entries > maxFiles) {
        h.update('more entries than the limit\n');
        return false;
      }
      const p = join(dir, name);
      const st = lstatSync(p);
      const rel = relative(root, p).split(sep).join('/');
      if (st.isSymbolicLink()) h.update(`L ${rel} ${readlinkSync(p)}\n`);
      else if (st.isDirectory()) {
        h.update(`D ${rel}\n`);
        if (!walk(p)) return false;
      } else if (!st.isFile()) h.update(`S ${rel} ${st.mode & 0o170000}\n`);
      else if ((bytes += st.size) > maxBytes) h.update(`F ${rel} ${st.size} ${st.mtimeMs}\n`);
      else {
        h.update(`F ${rel} ${st.size}\n`);
        let fd: number;
        try {
          fd = openSync(p, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
        } catch {
          // Swapped for a link, removed or made unreadable since the lstat: a change, hashed as one.
          h.update(`X ${rel}\n`);
          continue;
        }
        try {
          // The file opened may not be the one lstat saw (a folder on its path swapped for a link to /dev):
          // only a regular file is read, and only as far as its size.
          const now = fstatSync(fd);
          if (!now.isFile()) h.update(`S ${rel} ${now.mode & 0o170000}\n`);
          else hashContent(h, fd, Math.min(now.size, st.size));
        } finally {
          closeSync(fd);
        }
      }
    }
    return true;
  };
  walk(root);
  return h.digest('hex');
}

/** A digest of an archive file: its bytes, or past `maxBytes` its size and time (it is refused unread then). */
export function hashArchive(file: string, maxBytes = Number.POSITIVE_INFINITY): string {
  const h = createHash('sha256');
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (st.size > maxBytes) h.update(`A ${st.size} ${st.mtimeMs}\n`);
    else hashContent(h, fd, st.size);
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** The folder that holds the Dockerfile: the root, or its only subfolder (archives often wrap one); a link is never taken for that subfolder. */
function findProjectDir(root: string): string | undefined {
  if (existsInside(root, 'Dockerfile')) return root;
  const entries = readdirSync(root).filter((n) => !n.startsWith('.') && n !== '__MACOSX');
  if (entries.length === 1 && lstatSync(join(root, entries[0])).isDirectory()) return findProjectDir(join(root, entries[0]));
  return undefined;
}

/**
 * Opens a submission (folder, .zip, .tar, .tar.gz/.tgz) into a private folder
 * (mkdtemp: mode 0700). Two gates: the writers never write through a link
 * (extract.ts), and the finished tree is audited on disk, where a chain of
 * links is resolved as the kernel would (audit.ts). Folders are copied first
 * and the copy audited, so what is checked is what is built.
 */
export async function openSubmission(source: string, opts: OpenOptions): Promise<Submission> {
  if (!existsSync(source)) {
    throw new SubmissionError(`${source} does not exist`, 'Pass the path of your lab folder or archive.');
  }
  const workDir = mkdtempSync(join(tmpdir(), 'drydock-sub-'));
  const dispose = () => rmSync(workDir, { recursive: true, force: true });
  try {
    const root = join(workDir, 'submission');
    mkdirSync(root);
    const budget = new Budget(opts.maxBytes, opts.maxFiles);
    const st = statSync(source);
    if (st.isDirectory()) {
      copyFolder(realpathSync(source), root, budget);
    } else if (/\.zip$/i.test(source)) {
      await extractZip(source, root, budget);
    } else if (/\.(tar|tgz|tar\.gz)$/i.test(source)) {
      extractTar(source, root, budget);
    } else {
      throw new SubmissionError(`${basename(source)} is neither a folder nor a .zip/.tar/.tar.gz archive`, 'Submit your lab folder, or pack it with `tar -czf submission.tar.gz .` or `zip -r submission.zip .`.');
    }
    auditTree(root);
    if (readdirSync(root).length === 0) {
      throw new SubmissionError('the submission is empty', 'Put your Dockerfile and the service source in the folder you submit.');
    }
    const dir = findProjectDir(root);
    if (!dir) {
      throw new SubmissionError('the submission has no Dockerfile at its top level', 'Name the file exactly `Dockerfile` (capital D, no extension) and put it next to go.mod.');
    }
    const dockerfile = readInside(dir, 'Dockerfile').toString('utf8');
    readDockerignore(dir);
    const filledFromStarter: string[] = [];
    if (opts.starterDir) {
      for (const name of readdirSync(opts.starterDir)) {
        // lstat, not exists: a dangling link of that name must not be copied through.
        if (!existsInside(dir, name)) {
          cpSync(join(opts.starterDir, name), join(dir, name), { recursive: true });
          filledFromStarter.push(name);
        }
      }
    }
    return { source, dir, dockerfile, filledFromStarter, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}
