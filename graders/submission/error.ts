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

/** Bytes a submission may hold once unpacked; every writer and the audit count against it. */
export class Budget {
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

export const PACK_ONLY_FILES = 'Pack only regular files, folders and symlinks that point inside your project: `tar -czf submission.tar.gz -C my-lab .`.';
