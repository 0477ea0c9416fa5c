import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadLab, type Lab } from '../../graders/lab/load';
import { SourceError, type SourceProblem } from '../../lib/yaml-schema';
import type { Book } from '../model/book';

/** Every lab's definition (labs/<id>/lab.yaml), for lab cards, handouts and the reading order. */
export function loadLabs(root: string, problems: SourceProblem[]): Map<string, Lab> {
  const labs = new Map<string, Lab>();
  const dir = join(root, 'labs');
  if (!existsSync(dir)) return labs;
  for (const d of readdirSync(dir).sort()) {
    if (!existsSync(join(dir, d, 'lab.yaml')) && !existsSync(join(dir, d, 'lab.yml'))) continue;
    try {
      const lab = loadLab(join(dir, d));
      if (lab.id !== d) problems.push({ file: `labs/${d}/lab.yaml`, line: 1, column: 1, message: `id "${lab.id}" must match the folder name "${d}"` });
      labs.set(lab.id, lab);
    } catch (err) {
      if (err instanceof SourceError) problems.push(...err.problems.map((p) => ({ ...p, file: `labs/${d}/${p.file.split('/').pop()}` })));
      else throw err;
    }
  }
  return labs;
}

/** The lab data preprocessor: the book's labs as the grader reads them (one source of truth). */
export const labData = {
  name: 'labs',
  run(book: Book) {
    book.labs = loadLabs(book.root, book.problems);
  },
};
