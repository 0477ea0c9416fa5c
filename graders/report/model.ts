import type { CheckResult } from '../checks/types';

/**
 * The one report model: what grading one submission produced, and the rules
 * every output (terminal, JSON, JUnit, gradebook, Gradescope, exit codes)
 * derives its status from.
 */
export interface Report {
  lab: string;
  submission: string;
  score: number;
  maxScore: number;
  durationMs: number;
  engine: { version: string; apiVersion: string; standIns: string[] };
  checks: CheckResult[];
  /** How grading ended, decided once from the checks; every output reads it. */
  outcome: ReportOutcome;
  /** Wall time of each phase, in the order they ran. */
  phases: { name: string; ms: number }[];
  /** Anything the grader changed or assumed, said plainly. */
  notes: string[];
  runId: string;
}

/**
 * How grading one submission ended: graded (the image built and every check
 * judged it), not built (the submission could not be opened, was refused or
 * failed to build: the build check's failure is the grade), or an
 * infrastructure error, which is never a grade.
 */
export type ReportOutcome = { kind: 'graded' } | { kind: 'not-built' } | { kind: 'infrastructure-error'; why: string };

/** The outcome the checks add up to: any `error` makes it an infrastructure error, the first one's words its reason. */
export function outcomeOf(checks: CheckResult[]): ReportOutcome {
  const error = checks.find((c) => c.status === 'error');
  if (error) return { kind: 'infrastructure-error', why: `${error.id}: ${error.summary}${error.evidence[0] ? ` (${error.evidence[0]})` : ''}` };
  return checks.find((c) => c.id === 'build')?.status === 'pass' ? { kind: 'graded' } : { kind: 'not-built' };
}

/** A report's outcome, also for reports written before the field existed. */
export const outcome = (r: Pick<Report, 'checks'> & { outcome?: ReportOutcome }): ReportOutcome => r.outcome ?? outcomeOf(r.checks);

/** Every format shows a check's evidence for the same statuses: all but a pass. */
export const showsEvidence = (c: CheckResult): boolean => c.status !== 'pass' && c.evidence.length > 0;
/** A fix and a link into the book are for what the student must change: a failure. */
export const showsFix = (c: CheckResult): boolean => c.status === 'fail';

/** How one student's grading ended, as the gradebook says it. */
export type StudentStatus = 'graded' | 'failed' | 'infrastructure error' | 'missing';

export interface StudentEntry {
  id: string;
  /** Folder or archive; absent for roster students who submitted nothing. */
  path?: string;
  name?: string;
  email?: string;
  /** Every roster column, by its lower-cased header: LMS identifiers, `extension`, `submitted_at`. */
  columns?: Record<string, string>;
}

/** An infrastructure error anywhere means no grade; otherwise the student was graded if the image built. */
export function studentStatus(r: Report): StudentStatus {
  const o = outcome(r);
  return o.kind === 'infrastructure-error' ? 'infrastructure error' : o.kind === 'graded' ? 'graded' : 'failed';
}

/** 0 every check passed, 1 a check failed, 2 an infrastructure error (never a grade). */
export function reportExitCode(r: Report): 0 | 1 | 2 {
  if (outcome(r).kind === 'infrastructure-error') return 2;
  return r.checks.every((c) => c.status === 'pass') ? 0 : 1;
}

/** Students per hour over a wall time: the one formula the summary, the CLI and the benchmarks use. */
export function studentsPerHour(students: number, wallMs: number): number {
  return wallMs > 0 ? Math.round((students / wallMs) * 3_600_000) : 0;
}
