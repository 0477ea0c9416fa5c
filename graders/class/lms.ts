import { stringify } from 'csv-stringify/sync';
import { maxScore, type Lab } from '../lab/load';
import type { GradebookRow } from '../report/gradebook';
import { adjust, hasPolicy, type ClassPolicy } from './adjust';

/** The learning-management systems Drydock writes a grade import file for. */
export const LMS_KINDS = ['canvas', 'moodle', 'blackboard'] as const;
export type LmsKind = (typeof LMS_KINDS)[number];

export const LMS_FILES: Record<LmsKind, string> = { canvas: 'canvas-import.csv', moodle: 'moodle-import.csv', blackboard: 'blackboard-import.csv' };

/** A roster column by any of the names LMS exports give it. */
const column = (row: GradebookRow, ...names: string[]) => names.map((n) => row.student.columns?.[n]).find((v) => v !== undefined && v !== '') ?? '';

/** The score an LMS receives: the final one after the class policy; nothing for a student without a grade. */
function score(lab: Lab, row: GradebookRow, policy: ClassPolicy): string {
  const adjusted = hasPolicy(policy) ? adjust(lab, row, policy) : undefined;
  if (adjusted) return String(adjusted.final);
  return row.status === 'graded' || row.status === 'failed' ? String(row.report?.score ?? '') : '';
}

/**
 * An import file in the columns each system documents, mapped through the
 * roster (columns named as that system's own export names them):
 * - Canvas (Grades → Import): `Student, ID, SIS User ID, SIS Login ID, Section`,
 *   then one column per assignment, headed by its name; a `Points Possible`
 *   row under the header. Canvas matches a row by ID, else SIS User ID, else
 *   SIS Login ID (roster: `canvas_id`, `sis_user_id`, `sis_login_id`, `section`).
 * - Moodle (Grades → Import → CSV file): one identifier column the teacher maps
 *   to a user field (`Email address`, or `ID number`), a grade column and a
 *   feedback column mapped to the grade item.
 * - Blackboard Learn (Grade Center → Upload): `Last Name, First Name, Username,
 *   Student ID`, then `<column> [Total Pts: N Score]`; Username is the key
 *   (roster: `username`, else the student id).
 */
export function renderLms(kind: LmsKind, lab: Lab, rows: GradebookRow[], policy: ClassPolicy = {}): string {
  const max = maxScore(lab);
  const opts = { escape_formulas: true, record_delimiter: 'unix' as const };
  if (kind === 'canvas') {
    const header = ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', lab.title];
    const possible = ['Points Possible', '', '', '', '', String(max)];
    const records = rows.map((r) => [r.student.name ?? r.student.id, column(r, 'canvas_id', 'canvas id'), column(r, 'sis_user_id', 'sis user id') || r.student.id, column(r, 'sis_login_id', 'sis login id') || (r.student.email ?? ''), column(r, 'section'), score(lab, r, policy)]);
    return stringify([header, possible, ...records], opts);
  }
  if (kind === 'moodle') {
    const header = ['Email address', 'ID number', 'Full name', lab.title, 'Feedback'];
    const records = rows.map((r) => [r.student.email ?? column(r, 'email address'), column(r, 'id number', 'idnumber') || r.student.id, r.student.name ?? '', score(lab, r, policy), feedbackLine(r)]);
    return stringify([header, ...records], opts);
  }
  const header = ['Last Name', 'First Name', 'Username', 'Student ID', `${lab.title} [Total Pts: ${max} Score]`];
  const records = rows.map((r) => {
    const [first, ...rest] = (r.student.name ?? '').split(/\s+/).filter(Boolean);
    return [column(r, 'last name') || rest.join(' '), column(r, 'first name') || (first ?? ''), column(r, 'username') || r.student.id, column(r, 'student id') || r.student.id, score(lab, r, policy)];
  });
  return stringify([header, ...records], opts);
}

function feedbackLine(r: GradebookRow): string {
  if (r.status === 'missing') return 'no submission';
  if (r.status === 'infrastructure error') return 'not graded yet: the grader hit an infrastructure error';
  const failed = (r.report?.checks ?? []).filter((c) => c.status === 'fail').map((c) => c.id);
  return failed.length ? `failed: ${failed.join(', ')}` : 'every check passed';
}
