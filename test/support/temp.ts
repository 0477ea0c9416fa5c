// Temporary folders a test file makes under the system's temp folder, and removes in its
// `afterAll`: a browser run used to leave drydock-e2e-*, drydock-nobrowser-* and
// drydock-mermaid-* behind in /tmp, one set per run.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDirs {
  /** A new empty folder `<tmp>/<prefix>XXXXXX`, remembered for `remove`. */
  make(prefix: string): string;
  /** Removes every folder `make` made (and what is in it); returns those still there after (none, normally). */
  remove(): string[];
}

export function tempDirs(): TempDirs {
  const made: string[] = [];
  return {
    make(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    remove() {
      for (const dir of made) rmSync(dir, { recursive: true, force: true });
      const left = made.filter((d) => existsSync(d));
      made.length = 0;
      return left;
    },
  };
}
