import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PACK_ONLY_FILES, SubmissionError } from './error';
import { clearSpecialModes } from './extract';
import { linkOutside, resolveInside } from './inside';

/**
 * The second gate, run on the unpacked tree as it stands on disk: every link
 * must resolve (through any chain of other links) to a place inside the
 * submission, and nothing but files, folders and links may be there.
 */
export function auditTree(root: string): void {
  const walk = (rel: string[]) => {
    for (const name of readdirSync(join(root, ...rel)).sort()) {
      const entry = [...rel, name];
      const path = join(root, ...entry);
      const st = lstatSync(path);
      if (st.isSymbolicLink()) {
        const target = readlinkSync(path);
        const res = target.startsWith('/') ? ({ inside: false, why: 'absolute' } as const) : resolveInside(root, [...rel, target].join('/'));
        if (!res.inside) throw linkOutside(entry.join('/'), target, res.why);
      } else if (st.isDirectory()) {
        clearSpecialModes(path, st.mode);
        walk(entry);
      } else if (st.isFile()) {
        if (st.nlink > 1) throw new SubmissionError(`the submission holds a hard link (${entry.join('/')})`, PACK_ONLY_FILES);
        clearSpecialModes(path, st.mode);
      } else throw new SubmissionError(`the submission holds a special file (${entry.join('/')})`, PACK_ONLY_FILES);
    }
  };
  walk([]);
}
