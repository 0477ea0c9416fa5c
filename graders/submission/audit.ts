import { lstatSync, readlinkSync } from 'node:fs';
import { listTree } from '../../lib/tree';
import { PACK_ONLY_FILES, SubmissionError } from './error';
import { clearSpecialModes } from './extract';
import { linkOutside, resolveInside } from './inside';

/**
 * The second gate, run on the unpacked tree as it stands on disk: every link
 * must resolve (through any chain of other links) to a place inside the
 * submission, and nothing but files, folders and links may be there.
 */
export function auditTree(root: string): void {
  for (const { rel, path } of listTree(root)) {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) {
      const target = readlinkSync(path);
      const from = rel.split('/').slice(0, -1);
      const res = target.startsWith('/') ? ({ inside: false, why: 'absolute' } as const) : resolveInside(root, [...from, target].join('/'));
      if (!res.inside) throw linkOutside(rel, target, res.why);
    } else if (st.isDirectory()) {
      clearSpecialModes(path, st.mode, true);
    } else if (st.isFile()) {
      if (st.nlink > 1) throw new SubmissionError(`the submission holds a hard link (${rel})`, PACK_ONLY_FILES);
      clearSpecialModes(path, st.mode);
    } else throw new SubmissionError(`the submission holds a special file (${rel})`, PACK_ONLY_FILES);
  }
}
