import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { removeRun } from './engine';
import { gradeSubmission, type Report } from './grade';
import type { Lab } from './lab';
import { renderJson } from './report/json';
import { renderFeedbackHtml, renderFeedbackMarkdown } from './report/feedback';
import { renderGradescope } from './report/gradescope';
import { renderGradebook, type GradebookRow } from './report/gradebook';
import { renderJunit } from './report/junit';
import { renderSummaryHtml } from './report/summary';
import { hashTree } from './submission';

/** How one student's grading ended, as the gradebook says it. */
export type StudentStatus = 'graded' | 'failed' | 'infrastructure error' | 'missing';

export interface StudentEntry {
  id: string;
  /** Folder or archive; absent for roster students who submitted nothing. */
  path?: string;
  name?: string;
  email?: string;
}

export interface StudentOutcome {
  student: StudentEntry;
  status: StudentStatus;
  report?: Report;
  /** True when an earlier run's result was kept because nothing changed. */
  reused: boolean;
  attempts: number;
}

export interface BatchOptions {
  docker: Docker;
  jobs?: number;
  regrade?: boolean;
  rosterFile?: string;
  bookBase?: string;
  /** Called as students finish, for progress display. */
  onStudent?: (o: StudentOutcome, done: number, total: number) => void;
  onStart?: (total: number, toGrade: number) => void;
  /** Set by Ctrl-C: no new student starts; running ones finish their cleanup. */
  signal?: AbortSignal;
  /** Tracks run ids in flight, so an interrupt can remove what they created. */
  activeRuns?: Set<string>;
}

export interface BatchResult {
  outcomes: StudentOutcome[];
  interrupted: boolean;
  durationMs: number;
}

const ARCHIVE = /\.(zip|tar|tgz|tar\.gz)$/i;
const STATE_FILE = '.drydock-state.json';

export function defaultJobs(): number {
  return Math.max(1, Math.min(4, Math.floor(cpus().length)));
}

/** Reads a roster CSV with a header naming `id` (or `student_id`), and optionally `name` and `email`. */
export function readRoster(file: string): StudentEntry[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim());
  const split = (l: string) => (l.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"').trim()).slice(0, -1);
  const header = split(lines[0]).map((h) => h.toLowerCase());
  const col = (names: string[]) => header.findIndex((h) => names.includes(h));
  const [idCol, nameCol, emailCol] = [col(['id', 'student_id', 'student id', 'sid']), col(['name', 'full name']), col(['email', 'e-mail'])];
  if (idCol < 0) throw new Error(`${file}: the header needs an "id" column (found: ${header.join(', ')})`);
  return lines.slice(1).map((l) => {
    const c = split(l);
    return { id: c[idCol], name: nameCol >= 0 ? c[nameCol] : undefined, email: emailCol >= 0 ? c[emailCol] : undefined };
  });
}

/** One student per entry of the folder: a subfolder or an archive, named by the student id. */
export function listSubmissions(dir: string): StudentEntry[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .filter((n) => statSync(join(dir, n)).isDirectory() || ARCHIVE.test(n))
    .sort()
    .map((n) => ({ id: n.replace(ARCHIVE, ''), path: join(dir, n) }));
}

function inputHash(labDefinition: Buffer, path: string): string {
  const h = createHash('sha256');
  h.update(labDefinition);
  h.update(statSync(path).isDirectory() ? hashTree(path) : readFileSync(path));
  return h.digest('hex');
}

function studentStatus(r: Report): StudentStatus {
  if (r.checks.some((c) => c.status === 'error')) return 'infrastructure error';
  return r.checks[0].status === 'pass' ? 'graded' : 'failed';
}

/** Writes a file through a temporary name, so an interrupted run never leaves half a report. */
function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

function writeStudent(outDir: string, o: StudentOutcome, hash: string, buildLog: string, lab: Lab): void {
  const dir = join(outDir, o.student.id);
  mkdirSync(dir, { recursive: true });
  const r = o.report!;
  writeAtomic(join(dir, 'report.json'), renderJson(r));
  writeAtomic(join(dir, 'feedback.md'), renderFeedbackMarkdown(r, lab));
  writeAtomic(join(dir, 'feedback.html'), renderFeedbackHtml(r, lab));
  writeAtomic(join(dir, 'results.json'), renderGradescope(r));
  writeAtomic(join(dir, 'build.log'), buildLog);
  // Written last: its presence means every other file of this student is complete.
  writeAtomic(join(dir, STATE_FILE), JSON.stringify({ inputHash: hash, status: o.status, report: r }));
}

function previous(outDir: string, id: string): { inputHash: string; status: StudentStatus; report: Report } | undefined {
  try {
    return JSON.parse(readFileSync(join(outDir, id, STATE_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Grades every submission in a folder, N at a time. Each student gets a
 * verdict whatever their submission does; an infrastructure error is
 * retried once and then reported as such, never as a zero. Results already
 * on disk for unchanged input are kept unless `regrade` is set, so an
 * interrupted run continues where it stopped.
 */
export async function gradeBatch(lab: Lab, submissionsDir: string, outDir: string, opts: BatchOptions): Promise<BatchResult> {
  const t0 = Date.now();
  mkdirSync(outDir, { recursive: true });
  const found = listSubmissions(submissionsDir);
  const roster = opts.rosterFile ? readRoster(opts.rosterFile) : undefined;
  const students: StudentEntry[] = roster
    ? [
        ...roster.map((r) => ({ ...r, path: found.find((f) => f.id === r.id)?.path })),
        ...found.filter((f) => !roster.some((r) => r.id === f.id)),
      ]
    : found;
  const outcomes: StudentOutcome[] = [];
  const definition = readFileSync(lab.definitionFile);
  const hashes = new Map(students.filter((s) => s.path).map((s) => [s.id, inputHash(definition, s.path!)]));
  const earlier = new Map(students.map((s) => [s.id, previous(outDir, s.id)]));
  const finished = (s: StudentEntry) => {
    const prev = earlier.get(s.id);
    return prev !== undefined && prev.inputHash === hashes.get(s.id) && prev.status !== 'infrastructure error';
  };
  const toGrade = students.filter((s) => s.path && (opts.regrade || !finished(s)));
  opts.onStart?.(students.length, toGrade.length);
  let done = 0;
  const finish = (o: StudentOutcome) => {
    outcomes.push(o);
    opts.onStudent?.(o, ++done, students.length);
  };
  for (const s of students) {
    if (!s.path) finish({ student: s, status: 'missing', reused: false, attempts: 0 });
    else if (!toGrade.includes(s)) {
      const prev = earlier.get(s.id)!;
      finish({ student: s, status: prev.status, report: prev.report, reused: true, attempts: 0 });
    }
  }
  const limit = pLimit(opts.jobs ?? defaultJobs());
  await Promise.all(
    toGrade.map((s) =>
      limit(async () => {
        if (opts.signal?.aborted) return;
        let report: Report | undefined;
        let buildLog = '';
        let attempts = 0;
        // An engine hiccup gets one more try; a second failure is reported, not scored.
        while (attempts < 2) {
          attempts++;
          buildLog = '';
          report = await gradeSubmission(lab, s.path!, {
            docker: opts.docker,
            bookBase: opts.bookBase,
            onRunStart: (id) => opts.activeRuns?.add(id),
            onBuildLog: (text) => (buildLog = text),
          });
          opts.activeRuns?.delete(report.runId);
          if (studentStatus(report) !== 'infrastructure error' || opts.signal?.aborted) break;
        }
        if (opts.signal?.aborted && report && studentStatus(report) === 'infrastructure error') return;
        report!.submission = s.id;
        const o: StudentOutcome = { student: s, status: studentStatus(report!), report, reused: false, attempts };
        writeStudent(outDir, o, hashes.get(s.id)!, buildLog, lab);
        finish(o);
      }),
    ),
  );
  for (const id of opts.activeRuns ?? []) await removeRun(opts.docker, id);

  const order = new Map(students.map((s, i) => [s.id, i]));
  outcomes.sort((a, b) => order.get(a.student.id)! - order.get(b.student.id)!);
  const rows: GradebookRow[] = outcomes.map((o) => ({ student: o.student, status: o.status, report: o.report }));
  writeAtomic(join(outDir, 'gradebook.csv'), renderGradebook(lab, rows));
  writeAtomic(join(outDir, 'junit.xml'), renderJunit(outcomes.filter((o) => o.report).map((o) => o.report!)));
  writeAtomic(join(outDir, 'summary.html'), renderSummaryHtml(lab, rows, Date.now() - t0));
  return { outcomes, interrupted: Boolean(opts.signal?.aborted), durationMs: Date.now() - t0 };
}

