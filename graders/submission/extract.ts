import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tar from 'tar';
import yauzl from 'yauzl';
import { Budget, changedWhile, PACK_ONLY_FILES, SubmissionError, unreadable } from './error';
import { isInside, readAtMost } from './inside';

/**
 * Writing a submission into the grader's private folder. Nothing here is
 * written through a link: node-tar refuses to (it lstat's every parent), and
 * the zip and folder writers below create each parent themselves, refuse a
 * parent that is a link, and create files with O_EXCL|O_NOFOLLOW. Where links
 * lead is judged afterwards, on the finished tree (audit.ts).
 */

const ABSOLUTE = (name: string) =>
  new SubmissionError(`the archive holds an absolute path (${name})`, 'Create the archive from inside your project folder, e.g. `tar -czf submission.tar.gz -C my-lab .`.');
const CLIMBS = (name: string) => new SubmissionError(`the archive holds a path that escapes its folder (${name})`, 'Remove entries with `..` from the archive; pack only your project folder.');
const THROUGH_LINK = (name: string, link: string) =>
  new SubmissionError(`the archive writes ${name} through the symlink ${link}`, 'Replace the symlink with a real folder, or leave the files under it out of the archive.');
const SPECIAL = (name: string, kind: string) => new SubmissionError(`the submission holds a ${kind} (${name})`, PACK_ONLY_FILES);

/** Folders below the submission's top, at most (node-tar's own default). */
const MAX_DEPTH = 64;

/** Checks an entry's name as text: the first gate; the tree on disk is the second. */
function checkName(name: string): string[] {
  const clean = name.replace(/\\/g, '/');
  if (clean.startsWith('/') || /^[a-zA-Z]:/.test(clean)) throw ABSOLUTE(name);
  if (clean.includes('\0')) throw new SubmissionError(`the archive holds a name with a NUL byte (${JSON.stringify(name)})`, 'Re-create the archive from your project folder.');
  const parts = clean.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw CLIMBS(name);
  if (parts.length > MAX_DEPTH) throw new SubmissionError(`the archive holds a path nested more than ${MAX_DEPTH} folders deep (${name.slice(0, 80)}…)`, 'Pack only your project folder; no lab needs folders that deep.');
  return parts;
}

const GZIP = [0x1f, 0x8b];
/** Compressed formats node-tar would unpack again, or cannot read: gzip, zstd, bzip2, xz. */
const COMPRESSED = [GZIP, [0x28, 0xb5, 0x2f, 0xfd], [0x42, 0x5a, 0x68], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]];
const startsWith = (b: Buffer, magic: number[]) => b.length >= magic.length && magic.every((x, i) => b[i] === x);

/**
 * The tar stream of a .tar or .tar.gz, read whole but bounded: the archive
 * on disk and what it inflates to may not pass budget.maxTarBytes, so a
 * small file that inflates to gigabytes is refused at the limit. A stream
 * that is itself compressed again is refused rather than unpacked by
 * node-tar's own, unbounded, second pass.
 */
function readTarStream(file: string, budget: Budget): Buffer {
  const cap = budget.maxTarBytes;
  const tooBig = () => budget.tooLarge('the archive unpacks to more than', cap);
  const fd = openSync(file, constants.O_RDONLY);
  let raw: Buffer;
  try {
    // A gzip of incompressible data is a little larger than its content: some slack before refusing.
    if (fstatSync(fd).size > cap + cap / 8) throw tooBig();
    raw = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  let tarBytes = raw;
  if (startsWith(raw, GZIP)) {
    try {
      tarBytes = gunzipSync(raw, { maxOutputLength: cap });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw tooBig();
      throw new SubmissionError(`the archive cannot be read (${(err as Error).message})`, 'Re-create it with `tar -czf` and submit again.');
    }
  } else if (raw.length > cap) throw tooBig();
  if (COMPRESSED.some((m) => startsWith(tarBytes, m))) {
    throw new SubmissionError('the archive is compressed twice, or in a format other than gzip', 'Pack it once: `tar -czf submission.tar.gz -C my-lab .`.');
  }
  return tarBytes;
}

const TAR_KINDS: Record<string, string> = {
  Link: 'hard link',
  CharacterDevice: 'character device',
  BlockDevice: 'block device',
  FIFO: 'FIFO (named pipe)',
};
const TAR_KEPT = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink']);

/**
 * node-tar with its protections on: no `..` in names, leading `/` refused
 * here (it would strip it), nothing written through a link already on disk,
 * owners never preserved. `strict` turns every one of its warnings into a
 * failure instead of a skipped entry, so a refused entry never leaves a
 * half-extracted submission that still grades.
 */
export function extractTar(file: string, root: string, budget: Budget): void {
  let refused: SubmissionError | undefined;
  const refuse = (e: SubmissionError) => {
    refused ??= e;
    return false;
  };
  const stream = readTarStream(file, budget);
  try {
    // Synchronous: on a refusal nothing is still being written when the caller removes the folder.
    new tar.UnpackSync({
      cwd: root,
      zstd: false,
      strict: true,
      preserveOwner: false,
      // chmod stays off (node-tar 7 default): modes are not forced past the umask.
      maxDepth: 64,
      filter: (path, entry) => {
        if (refused) return false;
        const e = entry as tar.ReadEntry;
        try {
          checkName(path);
          budget.entry();
          if (!TAR_KEPT.has(e.type)) return refuse(SPECIAL(path, TAR_KINDS[e.type] ?? `${e.type} entry`));
          if (e.type === 'SymbolicLink' && String(e.linkpath ?? '').startsWith('/')) {
            return refuse(new SubmissionError(`the submission holds a symlink that points outside the submission (${path} -> ${e.linkpath}, an absolute path)`, 'Replace the symlink with the file it points to, or make it a relative link to a file inside your project.'));
          }
          budget.add(e.size ?? 0);
          return true;
        } catch (err) {
          if (err instanceof SubmissionError) return refuse(err);
          throw err;
        }
      },
    }).end(stream);
  } catch (err) {
    if (refused) throw refused;
    const e = err as Error & { code?: string; path?: string; symlink?: string; entry?: { path?: string } };
    if (e.code === 'TAR_SYMLINK_ERROR' || e.name === 'SymlinkError') throw THROUGH_LINK(e.entry?.path ?? relative(root, e.path ?? '?'), relative(root, e.symlink ?? '?'));
    if (/contains '\.\.'|escapes extraction|escaped extraction/.test(e.message)) throw CLIMBS(e.entry?.path ?? e.path ?? '?');
    if (e.code && ['ENOTDIR', 'ENOTEMPTY', 'EISDIR', 'EEXIST'].includes(e.code)) {
      throw new SubmissionError(`the archive holds ${e.entry?.path ?? relative(root, e.path ?? '?')} both as a file and as a folder`, 'Re-create the archive from your project folder with `tar -czf submission.tar.gz -C my-lab .`.');
    }
    throw new SubmissionError(`the archive cannot be read (${e.message})`, 'Re-create it with `tar -czf` or `zip -r` and submit again.');
  }
  if (refused) throw refused;
}

/** Creates each missing folder of `parts` under root; a parent that exists as a link or a file is refused. */
function makeParents(root: string, parts: string[], entry: string): string {
  let dir = root;
  for (const p of parts) {
    const next = join(dir, p);
    let st;
    try {
      st = lstatSync(next);
    } catch {
      mkdirSync(next, { mode: 0o755 });
      dir = next;
      continue;
    }
    if (st.isSymbolicLink()) throw THROUGH_LINK(entry, parts.slice(0, parts.indexOf(p) + 1).join('/'));
    if (!st.isDirectory()) throw new SubmissionError(`the archive holds ${entry} under ${p}, which is a file`, 'Re-create the archive from your project folder.');
    dir = next;
  }
  return dir;
}

const twice = (name: string) => new SubmissionError(`the archive holds ${name} twice`, 'Re-create the archive from your project folder with `zip -r submission.zip .` so each file appears once.');

/** Creates a new file (never through a link, never over an existing name) and writes `body` in. */
function createFile(path: string, body: Buffer | ((fd: number) => void), mode: number, name: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw twice(name);
    throw err;
  }
  try {
    if (typeof body === 'function') body(fd);
    else writeSync(fd, body);
  } finally {
    closeSync(fd);
  }
}

function placeSymlink(path: string, target: string, name: string): void {
  try {
    symlinkSync(target, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw twice(name);
    throw err;
  }
}

const ZIP_KINDS: Record<number, string> = { 0o010000: 'FIFO (named pipe)', 0o020000: 'character device', 0o060000: 'block device', 0o140000: 'socket' };

/**
 * yauzl reads the zip (it refuses `..` and absolute names itself and turns
 * backslashes into slashes); the entries are written by hand with the same
 * rules node-tar applies to a tar, and a name that appears twice is refused
 * (zip has no append mode that would make that legitimate).
 */
export function extractZip(file: string, root: string, budget: Budget): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let failed = false;
    let open: yauzl.ZipFile | undefined;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      // A refusal of ours stops reading: the zip's descriptor is closed now, not leaked (one per refused zip).
      try {
        open?.close();
      } catch {
        // already closed by yauzl
      }
      const msg = (err as Error)?.message ?? String(err);
      if (err instanceof SubmissionError) return reject(err);
      if (/invalid relative path/.test(msg)) return reject(CLIMBS(msg.replace(/^.*?: /, '')));
      if (/absolute path/.test(msg)) return reject(ABSOLUTE(msg.replace(/^.*?: /, '')));
      reject(new SubmissionError(`the zip archive cannot be read (${msg})`, 'Re-create it with `zip -r submission.zip .` and submit again.'));
    };
    yauzl.open(file, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true, decodeStrings: true }, (err, zip) => {
      if (err || !zip) return fail(err);
      open = zip;
      // The central directory says how many entries follow: too many is refused before any is written.
      if (zip.entryCount > budget.maxFiles) {
        zip.close();
        budget.entries = budget.maxFiles;
        try {
          budget.entry();
        } catch (e) {
          return fail(e);
        }
      }
      zip.on('error', fail);
      zip.on('end', () => failed || resolvePromise());
      zip.on('entry', (entry: yauzl.Entry) => {
        try {
          const name = entry.fileName;
          const parts = checkName(name);
          budget.entry();
          const unixMode = entry.versionMadeBy >> 8 === 3 ? entry.externalFileAttributes >>> 16 : 0;
          const kind = unixMode & 0o170000;
          if (ZIP_KINDS[kind]) throw SPECIAL(name, ZIP_KINDS[kind]);
          if (name.endsWith('/') || kind === 0o040000) {
            makeParents(root, parts, name);
            return zip.readEntry();
          }
          if (!parts.length) throw CLIMBS(name);
          const isLink = kind === 0o120000;
          if (isLink && entry.uncompressedSize > 4096) throw new SubmissionError(`the archive holds a symlink with a ${entry.uncompressedSize}-byte target (${name})`, PACK_ONLY_FILES);
          budget.add(entry.uncompressedSize);
          const dir = makeParents(root, parts.slice(0, -1), name);
          const path = join(dir, parts[parts.length - 1]);
          zip.openReadStream(entry, (e2, stream) => {
            if (e2 || !stream) return fail(e2);
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('error', fail);
            stream.on('end', () => {
              try {
                const body = Buffer.concat(chunks);
                if (isLink) {
                  const target = body.toString();
                  if (target.startsWith('/')) throw new SubmissionError(`the submission holds a symlink that points outside the submission (${name} -> ${target}, an absolute path)`, 'Replace the symlink with the file it points to, or make it a relative link to a file inside your project.');
                  placeSymlink(path, target, name);
                } else createFile(path, body, unixMode ? readableMode(unixMode) : 0o644, name);
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

/**
 * Copies a folder submission into the grader's folder, so the checks run on a
 * copy the student cannot change mid-grade. Each file is opened with
 * O_NOFOLLOW|O_NONBLOCK and checked with fstat, and the kernel's name for the
 * open descriptor must lie inside the source: a folder swapped for a link
 * while the copy runs is not followed out. `.git` is left behind.
 *
 * A walk of its own, not a recursive readdir (lib/tree.ts): it reads the
 * student's live folder, and must decide to descend from its own lstat of
 * each entry, just before reading it. A listing made up front could hold
 * entries read through a folder since swapped for a link, which this copy
 * would then write below the link it placed; and it skips `.git` unread.
 */
export function copyFolder(source: string, root: string, budget: Budget): void {
  const walk = (rel: string[]) => {
    const from = join(source, ...rel);
    if (rel.length > MAX_DEPTH) throw new SubmissionError(`the folder nests more than ${MAX_DEPTH} folders deep (${rel.slice(0, 4).join('/')}/…)`, 'Submit only your project folder; no lab needs folders that deep.');
    let names: string[];
    try {
      names = readdirSync(from).sort();
    } catch (err) {
      // The grader's user cannot list it: the student's to fix, not an infrastructure failure.
      if ((err as NodeJS.ErrnoException).code === 'EACCES') throw new SubmissionError(`the grader may not read the folder ${rel.join('/') || '.'}`, 'Make every file and folder of the submission readable (`chmod -R a+rX my-lab`).');
      throw err;
    }
    for (const name of names) {
      if (name === '.git') continue;
      const entry = [...rel, name];
      const shown = entry.join('/');
      budget.entry();
      const src = join(from, name);
      const dest = join(root, ...entry);
      const st = lstatSync(src);
      if (st.isSymbolicLink()) placeSymlink(dest, readlinkSync(src), shown);
      else if (st.isDirectory()) {
        mkdirSync(dest, { mode: 0o755 });
        walk(entry);
      } else if (st.isFile()) {
        if (st.nlink > 1) throw SPECIAL(shown, `hard link (one of ${st.nlink} names of the same file)`);
        budget.add(st.size);
        copyFile(src, dest, source, shown, st.size);
      } else throw SPECIAL(shown, st.isFIFO() ? 'FIFO (named pipe)' : st.isSocket() ? 'socket' : st.isCharacterDevice() ? 'character device' : st.isBlockDevice() ? 'block device' : 'special file');
    }
  };
  walk([]);
}

/**
 * Copies one file of a live folder: exactly the `size` bytes counted against
 * the budget. A file that grows after that check (another process truncating
 * it to gigabytes the moment the grader opens it) is refused, and nothing past
 * `size` is ever read, so the copy stays within the budget.
 */
function copyFile(src: string, dest: string, source: string, shown: string, size: number): void {
  let fd: number;
  try {
    fd = openSync(src, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw unreadable(shown);
    if (code === 'ELOOP') throw changedWhile(shown, 'changed into a symlink', 'copied');
    if (code === 'ENOENT' || code === 'ENOTDIR') throw changedWhile(shown, 'disappeared', 'copied');
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw SPECIAL(shown, 'special file');
    if (st.size !== size) throw changedWhile(shown, `changed size (${size} bytes, then ${st.size})`, 'copied');
    let opened: string | undefined;
    try {
      opened = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      opened = undefined;
    }
    if (opened !== undefined && !isInside(source, opened)) {
      throw changedWhile(shown, `changed into a link to ${opened}`, 'copied');
    }
    createFile(dest, (out) => readAtMost(fd, size, 64 * 1024, (chunk) => writeSync(out, chunk)), readableMode(st.mode), shown);
  } finally {
    closeSync(fd);
  }
}

/** A submitted file's permission bits as the zip and folder writers keep them: no set-id bits, no write for others, always readable by the grader's user. */
export function readableMode(mode: number): number {
  return (mode & 0o755) | 0o400;
}

/**
 * Strips set-id and sticky bits node-tar keeps from the archive's modes (no
 * file the grader owns should carry them), and gives the grader's user read
 * access to every file and folder: an archive's `0000` or `0200` Dockerfile
 * would otherwise stop a grader that does not run as root with EACCES, an
 * infrastructure error instead of a verdict.
 */
export function clearSpecialModes(path: string, mode: number, dir = false): void {
  const want = (mode & 0o777) | (dir ? 0o700 : 0o400);
  if ((mode & 0o7777) !== want) chmodSync(path, want);
}
