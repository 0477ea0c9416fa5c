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

const MB = 1024 * 1024;

/** The most files, folders and links a submission may hold, unless the caller says otherwise: a lab project has dozens. */
export const MAX_FILES = 10_000;

const LEAVE_OUT = 'Leave build outputs, vendored toolchains, .git and binaries out of what you submit.';

/**
 * What a submission may hold once unpacked, in bytes and in entries; every
 * writer counts against it, so a hostile archive is stopped by the first
 * entry past a limit, not after unpacking all of it.
 */
export class Budget {
  used = 0;
  entries = 0;
  constructor(
    readonly max: number,
    readonly maxFiles = MAX_FILES,
  ) {}
  add(n: number) {
    this.used += n;
    if (this.used > this.max) throw this.tooLarge();
  }
  /** One more file, folder or link. */
  entry() {
    if (++this.entries > this.maxFiles) {
      throw new SubmissionError(`the submission holds more than ${this.maxFiles} files and folders`, `${LEAVE_OUT} A lab project has a few dozen files.`);
    }
  }
  tooLarge(what = 'the submission is larger than', bytes = this.max) {
    return new SubmissionError(`${what} ${Math.round(bytes / MB)} MB${bytes === this.max ? ' unpacked' : ''}`, `${LEAVE_OUT} Add a .dockerignore for anything the build does not need.`);
  }
  /**
   * The most bytes a tar of this budget can take: the files, a header and a
   * long-name record for each entry, and slack. A stream past it is refused
   * before node-tar reads it (it would otherwise read, say, gigabytes of
   * zeros after the end of the archive).
   */
  get maxTarBytes(): number {
    return this.max + this.maxFiles * 1536 + MB;
  }
}

/** A submitted file the grader's user may not read: the student's to fix, never an infrastructure error. */
export const unreadable = (shown: string) => new SubmissionError(`the grader may not read ${shown}`, 'Make every file and folder of the submission readable (`chmod -R a+rX my-lab`).');

/** A submitted file that changed while the grader read or copied it (a race by whoever can write the folder). */
export const changedWhile = (shown: string, how: string, doing: 'read' | 'copied') =>
  new SubmissionError(`${shown} ${how} while the grader ${doing} it`, 'Submit again without changing the files during grading.');

export const PACK_ONLY_FILES = 'Pack only regular files, folders and symlinks that point inside your project: `tar -czf submission.tar.gz -C my-lab .`.';
