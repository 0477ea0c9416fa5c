import type { Report, StudentEntry, StudentStatus } from '../report/model';
import type { SubmissionTime } from './deadline';

export type { StudentEntry, StudentStatus } from '../report/model';

/** One grading of a student in this run. */
export interface Attempt {
  status: StudentStatus;
  /** The engine it ran on (several engines only). */
  engine?: string;
  /** Whether it ran with nothing else grading beside it (the retry after the class). */
  alone: boolean;
  /** What went wrong when it is not the verdict that stands: the infrastructure error or the timeout. */
  why?: string;
  ms: number;
}

/**
 * How one student of the class ended: the single record every class output
 * (gradebook, summary, JUnit, shard manifest, progress lines) reads. Later
 * features add fields here, not parallel maps in the batch.
 */
export interface StudentOutcome {
  student: StudentEntry;
  status: StudentStatus;
  report?: Report;
  /** True when an earlier run's result was kept because nothing changed. */
  reused: boolean;
  /** Gradings of this student in this run (0 when kept or missing). */
  attempts: number;
  /** Each grading in this run, first to last. */
  tries?: Attempt[];
  /** Why the student was graded again alone after the rest of the class, when they were. */
  retried?: string;
  /** The engine that graded the student (several engines only). */
  engine?: string;
  /** Times the student was moved off an engine that stopped answering. */
  requeued?: number;
  /** When the student submitted, and where that was read from (for a deadline). */
  time?: SubmissionTime;
}
