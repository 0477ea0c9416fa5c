import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Deadline } from '../model/deadline';
import type { StudentEntry } from '../report/model';

export type { Deadline } from '../model/deadline';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `15m`, `36h`, `2d` in milliseconds. */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([mhd])$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration (write 15m, 36h or 2d)`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** Where a submission's time was read from, as the gradebook says it. */
export type TimeSource = 'roster column submitted_at' | 'last commit' | 'file time';

export interface SubmissionTime {
  /** ISO 8601, UTC. */
  at: string;
  source: TimeSource;
}

/** The newest modification time under a folder, without following links and without `.git`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath, e.name);
    if (p.split('/').includes('.git')) continue;
    if (e.isFile()) newest = Math.max(newest, lstatSync(p).mtimeMs);
  }
  return newest;
}

/**
 * When a student submitted: the roster's `submitted_at` column (an LMS
 * export's time) when given, else the last commit of a cloned repository
 * (GitHub Classroom), else the archive's or the newest file's modification
 * time. Undefined for a student without a submission.
 */
export function submissionTime(student: StudentEntry): SubmissionTime | undefined {
  const column = student.columns?.submitted_at;
  if (column) {
    const at = new Date(column);
    if (Number.isNaN(at.getTime())) throw new Error(`roster: ${student.id}: submitted_at "${column}" is not a date and time`);
    return { at: at.toISOString(), source: 'roster column submitted_at' };
  }
  if (!student.path) return undefined;
  if (statSync(student.path).isDirectory()) {
    if (existsSync(join(student.path, '.git'))) {
      try {
        const iso = execFileSync('git', ['-C', student.path, 'log', '-1', '--format=%cI'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
        if (iso) return { at: new Date(iso).toISOString(), source: 'last commit' };
      } catch {
        // Not a readable repository: fall back to the files' times.
      }
    }
    return { at: new Date(newestMtime(student.path)).toISOString(), source: 'file time' };
  }
  return { at: lstatSync(student.path).mtime.toISOString(), source: 'file time' };
}

/** The student's due time: the deadline, moved by the roster's `extension` column. */
export function dueFor(deadline: Deadline, student: StudentEntry): Date {
  const due = new Date(deadline.due);
  const ext = student.columns?.extension?.trim();
  if (!ext) return due;
  if (/^\d+(?:\.\d+)?[mhd]$/.test(ext)) return new Date(due.getTime() + durationMs(ext));
  const until = new Date(ext);
  if (Number.isNaN(until.getTime())) throw new Error(`roster: ${student.id}: extension "${ext}" is neither a duration (2d, 36h) nor a date and time`);
  return until;
}

export interface Lateness {
  submittedAt: string;
  source: TimeSource;
  due: string;
  /** Milliseconds after the due time plus grace; 0 when on time. */
  lateMs: number;
  /** Started units (days or hours) late, as the penalty counts them. */
  units: number;
  penalty: number;
}

/** How late a submission made at `time` is and what it costs, out of `max` points. */
export function lateness(deadline: Deadline, student: StudentEntry, time: SubmissionTime | undefined, max: number): Lateness | undefined {
  if (!time) return undefined;
  const due = dueFor(deadline, student);
  const lateMs = Math.max(0, new Date(time.at).getTime() - due.getTime() - durationMs(deadline.grace));
  const p = deadline.penalty;
  const units = p && lateMs > 0 ? Math.ceil(lateMs / (p.per === 'day' ? UNIT_MS.d : UNIT_MS.h)) : 0;
  const points = (v: number | string) => (typeof v === 'number' ? v : (Number(v.slice(0, -1)) / 100) * max);
  let penalty = p ? units * points(p.amount) : 0;
  if (p?.max !== undefined) penalty = Math.min(penalty, points(p.max));
  return { submittedAt: time.at, source: time.source, due: due.toISOString(), lateMs, units, penalty: Math.round(penalty * 100) / 100 };
}
