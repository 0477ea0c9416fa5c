import { stringify } from 'csv-stringify/sync';
import type { Report, StudentEntry, StudentStatus } from './model';
import { labChecks } from '../checks';
import { type Lab, maxScore } from '../lab/load';

export interface GradebookRow {
  student: StudentEntry;
  status: StudentStatus;
  report?: Report;
}


/** Columns a class adds after the grades (lateness, overrides, final score): a header and each row's cells. */
export interface ExtraColumns {
  header: string[];
  cells: (row: number) => (string | number)[];
}

/** One row per student, one column per check with its points, then total (as graded) and status, then any extra columns. */
export function renderGradebook(lab: Lab, rows: GradebookRow[], extra?: ExtraColumns): string {
  const ids = labChecks(lab).map((c) => c.id);
  const header = ['student_id', 'name', 'email', ...ids, 'total', 'max', 'status', ...(extra?.header ?? [])];
  const records = rows.map((row, i) => {
    const infra = row.status === 'infrastructure error' || row.status === 'missing';
    const points = ids.map((id) => (infra ? '' : (row.report?.checks.find((c) => c.id === id)?.score ?? '')));
    return [row.student.id, row.student.name, row.student.email, ...points, infra ? '' : row.report?.score, maxScore(lab), row.status, ...(extra?.cells(i) ?? [])];
  });
  // escape_formulas: a field a spreadsheet would run as a formula (= + - @, and a leading tab or CR) gets a leading quote.
  return stringify([header, ...records], { escape_formulas: true, record_delimiter: 'unix' });
}
