import { parse } from 'csv-parse/sync';
import { existsSync, readFileSync } from 'node:fs';

/**
 * An instructor's change to a grade, kept apart from the grading so that a
 * regrade or a merge never loses it: `student, check, points, comment`,
 * where `check` is a check id (its points are replaced) or `total` (the
 * final score is set). Applied after grading and after any late penalty.
 */
export interface Override {
  student: string;
  check: string;
  points: number;
  comment: string;
  /** Where it came from, for messages: `overrides.csv:4`. */
  at: string;
}

/** Reads overrides.csv; every problem names the file and line. */
export function readOverrides(file: string, knownChecks: readonly string[]): Override[] {
  if (!existsSync(file)) throw new Error(`${file}: no such overrides file`);
  const rows: string[][] = parse(readFileSync(file, 'utf8'), { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  const header = (rows[0] ?? []).map((h) => h.toLowerCase());
  const col = (name: string) => header.indexOf(name);
  for (const need of ['student', 'check', 'points']) if (col(need) < 0) throw new Error(`${file}:1: the header needs a "${need}" column (student, check, points, comment)`);
  return rows.slice(1).map((r, i) => {
    const at = `${file}:${i + 2}`;
    const check = r[col('check')];
    if (check !== 'total' && !knownChecks.includes(check)) throw new Error(`${at}: "${check}" is not a check this lab scores (${knownChecks.join(', ')}) nor "total"`);
    const points = Number(r[col('points')]);
    if (!Number.isFinite(points) || points < 0) throw new Error(`${at}: points "${r[col('points')]}" is not a number of points`);
    return { student: r[col('student')], check, points, comment: col('comment') >= 0 ? (r[col('comment')] ?? '') : '', at };
  });
}
