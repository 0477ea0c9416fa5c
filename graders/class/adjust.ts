import { maxScore, type Lab } from '../lab/load';
import type { Report, StudentEntry, StudentStatus } from '../report/model';
import { lateness, type Deadline, type Lateness, type SubmissionTime } from './deadline';
import type { Override } from './overrides';

/** What the class applies after grading: a deadline with its late policy, and the instructor's overrides. */
export interface ClassPolicy {
  deadline?: Deadline;
  overrides?: Override[];
}

/** A student's score as graded, and what the class policy made of it. */
export interface Adjustment {
  raw: number;
  late?: Lateness;
  /** Overrides applied, in file order. */
  overrides: Override[];
  final: number;
}

export const hasPolicy = (p: ClassPolicy | undefined): p is ClassPolicy => Boolean(p && (p.deadline || p.overrides?.length));

/**
 * The final score: the checks' points with any per-check override, minus the
 * late penalty (never below zero), then a `total` override if there is one.
 * A student without a grade (an infrastructure error, nothing submitted)
 * gets none: an override cannot turn a missing grade into a score by accident
 * unless it sets the total.
 */
export function adjust(lab: Lab, row: { student: StudentEntry; status: StudentStatus; report?: Report; time?: SubmissionTime }, policy: ClassPolicy): Adjustment | undefined {
  const mine = (policy.overrides ?? []).filter((o) => o.student === row.student.id);
  const graded = row.status === 'graded' || row.status === 'failed';
  const total = mine.filter((o) => o.check === 'total').at(-1);
  if (!graded && !total) return undefined;
  const raw = row.report?.score ?? 0;
  // A check override replaces that check's points: the score moves by the difference.
  const points = new Map((row.report?.checks ?? []).map((c) => [c.id, c.score]));
  let overridden = raw;
  for (const o of mine) {
    if (o.check === 'total') continue;
    overridden += o.points - (points.get(o.check) ?? 0);
    points.set(o.check, o.points);
  }
  const late = policy.deadline && graded ? lateness(policy.deadline, row.student, row.time, maxScore(lab)) : undefined;
  let final = Math.max(0, overridden - (late?.penalty ?? 0));
  if (total) final = total.points;
  return { raw, late, overrides: mine, final: Math.round(final * 100) / 100 };
}

/** `2d 3h late`, `on time`: lateness as a person reads it. */
export function describeLate(l: Lateness | undefined): string {
  if (!l) return '';
  if (l.lateMs === 0) return 'on time';
  const h = Math.ceil(l.lateMs / 3_600_000);
  return `${h >= 24 ? `${Math.floor(h / 24)}d ${h % 24}h` : `${h}h`} late`;
}
