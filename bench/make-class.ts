import { appendFileSync, cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = join(ROOT, 'labs/catalog-image');
const FIXTURES = join(ROOT, 'test/fixtures/submissions');
/** A realistic mix: mostly right, some classic mistakes. */
export const KINDS = ['solution', 'copy-before-download', 'solution', 'runs-as-root', 'solution', 'oversized'];

/**
 * A fresh class of n catalog submissions for one benchmark mode, each with a
 * unique line in main.go, so no mode profits from another's compiles.
 */
export function makeClass(prefix: string, mode: string, n: number): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-${mode}-`));
  for (let i = 0; i < n; i++) {
    const s = join(dir, `student${String(i).padStart(2, '0')}`);
    mkdirSync(s);
    cpSync(join(LAB, 'starter'), s, { recursive: true });
    const kind = KINDS[i % KINDS.length];
    cpSync(kind === 'solution' ? join(LAB, 'solution/Dockerfile') : join(FIXTURES, kind, 'Dockerfile'), join(s, 'Dockerfile'));
    appendFileSync(join(s, 'main.go'), `\n// ${mode} ${i} ${process.hrtime.bigint()}\n`);
  }
  return dir;
}
