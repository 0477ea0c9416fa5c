import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** [kind, name, data]: data is a file's body or a link's target. */
export type Entry = ['file' | 'dir' | 'sym' | 'hard' | 'fifo' | 'chr' | 'blk', string, string];

/** Writes an archive holding exactly these entries, in this order (see hostile-archive.py). */
export function hostileArchive(format: 'tar' | 'tar.gz' | 'zip', file: string, entries: Entry[]): string {
  execFileSync('python3', [join(import.meta.dirname, 'hostile-archive.py'), format, file, JSON.stringify(entries)]);
  return file;
}
