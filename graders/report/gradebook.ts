import type { Report, StudentEntry, StudentStatus } from './model';
import { labChecks } from '../checks';
import { type Lab, maxScore } from '../lab/load';

export interface GradebookRow {
  student: StudentEntry;
  status: StudentStatus;
  report?: Report;
}

/** Quotes a CSV field when it needs it, and defuses leading formula characters for spreadsheets. */
export function csvField(v: string | number | undefined): string {
  let s = v === undefined ? '' : String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per student, one column per check with its points, then total and status. */
export function renderGradebook(lab: Lab, rows: GradebookRow[]): string {
  const ids = labChecks(lab).map((c) => c.id);
  const header = ['student_id', 'name', 'email', ...ids, 'total', 'max', 'status'];
  const lines = rows.map((row) => {
    const infra = row.status === 'infrastructure error' || row.status === 'missing';
    const points = ids.map((id) => (infra ? '' : (row.report?.checks.find((c) => c.id === id)?.score ?? '')));
    return [row.student.id, row.student.name, row.student.email, ...points, infra ? '' : row.report?.score, maxScore(lab), row.status].map(csvField).join(',');
  });
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
