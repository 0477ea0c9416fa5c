import { createReadStream, readFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync, symlinkSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import tar from 'tar-stream';
import yauzl from 'yauzl';

/** A submission the grader cannot use, with the reason and the fix in the student's terms. */
export class SubmissionError extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super(reason);
    this.name = 'SubmissionError';
  }
}

/** A submission unpacked into a folder the grader owns. */
export interface Submission {
  /** What the user named: a folder or an archive. */
  source: string;
  /** The folder holding the Dockerfile (inside `workDir` for archives). */
  dir: string;
  /** Files the lab's starter supplied because the submission lacked them. */
  filledFromStarter: string[];
  dispose(): void;
}

export interface OpenOptions {
  maxBytes: number;
  /** Files of the lab's starter; any the submission lacks are copied in. */
  starterDir?: string;
}

const MB = 1024 * 1024;

function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Validates an archive entry name and returns where it lands, or throws. */
function safeTarget(root: string, name: string): string {
  const clean = name.replace(/\\/g, '/');
  if (clean.startsWith('/') || /^[a-zA-Z]:/.test(clean)) {
    throw new SubmissionError(`the archive holds an absolute path (${name})`, 'Create the archive from inside your project folder, e.g. `tar -czf submission.tar.gz -C my-lab .`.');
  }
  const target = resolve(root, normalize(clean));
  if (!isInside(root, target)) {
    throw new SubmissionError(`the archive holds a path that escapes its folder (${name})`, 'Remove entries with `..` from the archive; pack only your project folder.');
  }
  return target;
}

function checkLink(root: string, target: string, linkname: string, entry: string): void {
  const dest = isAbsolute(linkname) ? linkname : resolve(dirname(target), linkname);
  if (isAbsolute(linkname) || !isInside(root, dest)) {
    throw new SubmissionError(`the archive holds a symlink that points outside the submission (${entry} -> ${linkname})`, 'Replace the symlink with the file it points to.');
  }
}

class Budget {
  used = 0;
  constructor(private readonly max: number) {}
  add(n: number) {
    this.used += n;
    if (this.used > this.max) {
      throw new SubmissionError(
        `the submission is larger than ${Math.round(this.max / MB)} MB unpacked`,
        'Leave build outputs, vendored toolchains and binaries out; add a .dockerignore for anything the build does not need.',
      );
    }
  }
}

async function extractTar(file: string, root: string, budget: Budget): Promise<void> {
  const extract = tar.extract();
  const gz = /\.(tgz|tar\.gz)$/i.test(file);
  const done = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const target = safeTarget(root, h.name);
      if (h.type === 'directory') mkdirSync(target, { recursive: true });
      else if (h.type === 'symlink') {
        checkLink(root, target, h.linkname ?? '', h.name);
        mkdirSync(dirname(target), { recursive: true });
        symlinkSync(h.linkname!, target);
      } else if (h.type === 'file' || h.type === 'contiguous-file') {
        budget.add(h.size ?? 0);
        mkdirSync(dirname(target), { recursive: true });
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        writeFileSync(target, Buffer.concat(chunks), { mode: (h.mode ?? 0o644) & 0o777 });
        continue;
      } else if (h.type === 'link') {
        throw new SubmissionError(`the archive holds a hard link (${h.name})`, 'Pack regular files only.');
      }
      entry.resume();
    }
  })();
  const source = createReadStream(file);
  try {
    await Promise.all([gz ? pipeline(source, createGunzip(), extract) : pipeline(source, extract), done]);
  } catch (err) {
    if (err instanceof SubmissionError) throw err;
    throw new SubmissionError(`the archive cannot be read (${(err as Error).message})`, 'Re-create it with `tar -czf` or `zip -r` and submit again.');
  }
}

function extractZip(file: string, root: string, budget: Budget): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const fail = (err: unknown) => {
      const msg = (err as Error)?.message ?? String(err);
      // yauzl checks names itself before we see the entry; keep our wording for the same fault.
      if (/invalid relative path|absolute path/.test(msg)) {
        return reject(new SubmissionError(`the archive holds a path that escapes its folder (${msg.replace(/^.*?: /, '')})`, 'Remove entries with `..` or absolute paths; pack only your project folder.'));
      }
      reject(err instanceof SubmissionError ? err : new SubmissionError(`the zip archive cannot be read (${msg})`, 'Re-create it with `zip -r submission.zip .` and submit again.'));
    };
    yauzl.open(file, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return fail(err);
      zip.on('error', fail);
      zip.on('end', () => resolvePromise());
      zip.on('entry', (entry: yauzl.Entry) => {
        try {
          const target = safeTarget(root, entry.fileName);
          const mode = (entry.externalFileAttributes >>> 16) & 0o170777;
          if (entry.fileName.endsWith('/')) {
            mkdirSync(target, { recursive: true });
            return zip.readEntry();
          }
          budget.add(entry.uncompressedSize);
          zip.openReadStream(entry, (e2, stream) => {
            if (e2 || !stream) return fail(e2);
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('error', fail);
            stream.on('end', () => {
              try {
                mkdirSync(dirname(target), { recursive: true });
                if ((mode & 0o170000) === 0o120000) {
                  const link = Buffer.concat(chunks).toString();
                  checkLink(root, target, link, entry.fileName);
                  symlinkSync(link, target);
                } else writeFileSync(target, Buffer.concat(chunks), { mode: mode & 0o777 || 0o644 });
                zip.readEntry();
              } catch (e3) {
                fail(e3);
              }
            });
          });
        } catch (e) {
          fail(e);
        }
      });
      zip.readEntry();
    });
  });
}

/** Walks a tree (not following symlinks) and checks that it stays inside its root and under budget. */
function auditTree(root: string, budget: Budget): void {
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) checkLink(root, p, readlinkSync(p), relative(root, p));
      else if (st.isDirectory()) walk(p);
      else budget.add(st.size);
    }
  };
  walk(root);
}

export function hashTree(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = lstatSync(p);
      const rel = relative(root, p).split(sep).join('/');
      if (st.isSymbolicLink()) h.update(`L ${rel} ${readlinkSync(p)}\n`);
      else if (st.isDirectory()) walk(p);
      else {
        h.update(`F ${rel} ${st.size}\n`);
        h.update(readFileSync(p));
      }
    }
  };
  walk(root);
  return h.digest('hex');
}

/** The folder that holds the Dockerfile: the root, or its only subfolder (archives often wrap one). */
function findProjectDir(root: string): string | undefined {
  if (existsSync(join(root, 'Dockerfile'))) return root;
  const entries = readdirSync(root).filter((n) => !n.startsWith('.') && n !== '__MACOSX');
  if (entries.length === 1 && statSync(join(root, entries[0])).isDirectory()) return findProjectDir(join(root, entries[0]));
  return undefined;
}

/**
 * Opens a submission (folder, .zip, .tar, .tar.gz/.tgz) into a private folder.
 * Archives are checked entry by entry before anything is written outside a
 * fresh temporary folder; folders are copied so the student's files are never
 * touched by the grader.
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
    const budget = new Budget(opts.maxBytes);
    const st = statSync(source);
    if (st.isDirectory()) {
      auditTree(realpathSync(source), budget);
      cpSync(source, root, { recursive: true, verbatimSymlinks: true, filter: (s) => basename(s) !== '.git' });
    } else if (/\.zip$/i.test(source)) {
      await extractZip(source, root, budget);
    } else if (/\.(tar|tgz|tar\.gz)$/i.test(source)) {
      await extractTar(source, root, budget);
    } else {
      throw new SubmissionError(`${basename(source)} is neither a folder nor a .zip/.tar/.tar.gz archive`, 'Submit your lab folder, or pack it with `tar -czf submission.tar.gz .` or `zip -r submission.zip .`.');
    }
    if (readdirSync(root).length === 0) {
      throw new SubmissionError('the submission is empty', 'Put your Dockerfile and the service source in the folder you submit.');
    }
    const dir = findProjectDir(root);
    if (!dir) {
      throw new SubmissionError('the submission has no Dockerfile at its top level', 'Name the file exactly `Dockerfile` (capital D, no extension) and put it next to go.mod.');
    }
    const filledFromStarter: string[] = [];
    if (opts.starterDir) {
      for (const name of readdirSync(opts.starterDir)) {
        if (!existsSync(join(dir, name))) {
          cpSync(join(opts.starterDir, name), join(dir, name), { recursive: true });
          filledFromStarter.push(name);
        }
      }
    }
    return { source, dir, filledFromStarter, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}
