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
  /** Wall time of each phase, in the order they ran. */
  phases: { name: string; ms: number }[];
  /** Anything the grader changed or assumed, said plainly. */
  notes: string[];
  runId: string;
}

/** How one student's grading ended, as the gradebook says it. */
export type StudentStatus = 'graded' | 'failed' | 'infrastructure error' | 'missing';

export interface StudentEntry {
  id: string;
  /** Folder or archive; absent for roster students who submitted nothing. */
  path?: string;
  name?: string;
  email?: string;
}

/** An infrastructure error anywhere means no grade; otherwise the student was graded if the image built. */
export function studentStatus(r: Report): StudentStatus {
  if (r.checks.some((c) => c.status === 'error')) return 'infrastructure error';
  return r.checks.find((c) => c.id === 'build')?.status === 'pass' ? 'graded' : 'failed';
}

/** 0 every check passed, 1 a check failed, 2 an infrastructure error (never a grade). */
export function reportExitCode(r: Report): 0 | 1 | 2 {
  if (r.checks.some((c) => c.status === 'error')) return 2;
  return r.checks.every((c) => c.status === 'pass') ? 0 : 1;
}

/** Students per hour over a wall time: the one formula the summary, the CLI and the benchmarks use. */
export function studentsPerHour(students: number, wallMs: number): number {
  return wallMs > 0 ? Math.round((students / wallMs) * 3_600_000) : 0;
}
