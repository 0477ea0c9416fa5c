import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { esc } from '../../lib/html';
import type { Lab } from '../lab/load';
import { renderFeedbackHtml, renderFeedbackMarkdown } from '../report/feedback';
import { renderGradebook, type ExtraColumns } from '../report/gradebook';
import { renderGradescope } from '../report/gradescope';
import { renderJson } from '../report/json';
import { renderJunit } from '../report/junit';
import type { Report, StudentStatus } from '../report/model';
import { renderSummaryHtml, type SummaryExtras, type SummaryRow } from '../report/summary';
import { hashArchive, hashTree } from '../submission/open';
import type { StudentOutcome } from './outcome';
import { adjust, describeLate, hasPolicy, type Adjustment, type ClassPolicy } from './adjust';
import type { SubmissionTime } from './deadline';
import { renderChanges, studentChange, type StudentChange } from './changes';
import { LMS_FILES, renderLms, type LmsKind } from './lms';
import { renderSimilarity, similarPairs } from './similarity';

/** The Dockerfile each student submitted, kept for the similarity report (a merge carries it over). */
const DOCKERFILE_COPY = 'dockerfile.txt';
/** The state a regrade replaced, kept for the changes report until the student is graded again. */
const PREVIOUS_FILE = '.drydock-previous.json';

/** What the class outputs add beyond the grades: the class policy, LMS files, and reports that inform. */
export interface ClassOptions {
  policy?: ClassPolicy;
  lms?: LmsKind[];
  /** Dockerfiles everyone was given (starter, handout), left out of the similarity report. */
  given?: string[];
}

/**
 * The results folder of a class run (`--out`): one subfolder per student
 * (report.json, feedback.md/.html, results.json, build.log, and the state
 * file written last), the shard manifest, the orphans left on an engine
 * that stopped answering, and the class outputs (gradebook.csv, junit.xml,
 * summary.html). `drydock grade --batch` writes it, `drydock gradebook
 * merge` reads several and writes one; both go through this module only.
 */

/** Per student, written last: its presence means every other file of that student is complete. */
export const STATE_FILE = '.drydock-state.json';
/** What a batch's output folder holds, for `drydock gradebook merge`: shard, lab version, students. */
export const MANIFEST_FILE = 'shard.json';
/** Run ids left on an engine that stopped answering, removed when it answers again. */
const ORPHANS_FILE = '.drydock-orphans.json';
export const CLASS_OUTPUTS = { gradebook: 'gradebook.csv', junit: 'junit.xml', summary: 'summary.html' } as const;

const STATUSES = ['graded', 'failed', 'infrastructure error', 'missing'] as const satisfies readonly StudentStatus[];
const ShardSpecSchema = z.object({ index: z.number().int().min(1), count: z.number().int().min(1), source: z.string() });
const EngineThroughputSchema = z.object({
  name: z.string(),
  jobs: z.number(),
  graded: z.number(),
  requeued: z.number(),
  busyMs: z.number(),
  wallMs: z.number(),
  up: z.boolean(),
  notes: z.array(z.string()).optional(),
});

/** shard.json: read back by the merge, so it is validated, never trusted. */
export const ShardManifestSchema = z.object({
  format: z.literal(1),
  drydock: z.string(),
  shard: ShardSpecSchema.nullable(),
  lab: z.object({ id: z.string(), title: z.string(), hash: z.string().min(1), definition: z.string() }),
  /** The students of this shard, in the order an unsharded batch lists them (`order` counts the whole class). */
  students: z.array(
    z.object({
      id: z.string(),
      name: z.string().optional(),
      email: z.string().optional(),
      status: z.enum(STATUSES),
      order: z.number().int(),
      /** Why the student was graded again alone after the class. */
      retried: z.string().optional(),
    }),
  ),
  interrupted: z.boolean(),
  startedAt: z.string(),
  durationMs: z.number(),
  engines: z.array(EngineThroughputSchema),
  /** For a merged folder: the shard folders it combines. */
  merged: z.array(z.object({ dir: z.string(), shard: ShardSpecSchema })).optional(),
});
export type ShardManifest = z.infer<typeof ShardManifestSchema>;

/** What the state file keeps of a student: enough to skip them next time and to merge them. */
export interface StudentState {
  inputHash: string;
  status: StudentStatus;
  report: Report;
  retried?: string;
  time?: SubmissionTime;
}


/** The gradebook's columns for a class policy: when and how the time was read, lateness, penalty, overrides, final score. */
function policyColumns(adjustments: (Adjustment | undefined)[]): ExtraColumns {
  return {
    header: ['submitted_at', 'time_source', 'due', 'late', 'late_penalty', 'overrides', 'final'],
    cells: (i) => {
      const a = adjustments[i];
      const late = a?.late;
      const overrides = (a?.overrides ?? []).map((o) => `${o.check}=${o.points}${o.comment ? ` (${o.comment})` : ''}`).join('; ');
      return [late?.submittedAt ?? '', late?.source ?? '', late?.due ?? '', describeLate(late), late ? late.penalty : '', overrides, a ? a.final : ''];
    },
  };
}

/** The adjustments to one student's score, in words. */
export function adjustmentLines(a: Adjustment): string[] {
  const out = [`score as graded: ${a.raw}`];
  if (a.late) out.push(`submitted ${a.late.submittedAt} (${a.late.source}), due ${a.late.due}: ${describeLate(a.late)}${a.late.penalty ? `, ${a.late.penalty} point(s) off` : ''}`);
  for (const o of a.overrides) out.push(`instructor override: ${o.check === 'total' ? 'total' : o.check} set to ${o.points}${o.comment ? ` (${o.comment})` : ''}`);
  out.push(`final score: ${a.final}`);
  return out;
}

/** A results folder that cannot be read as one, said plainly. */
export class ResultsError extends Error {}

/** Writes a file through a temporary name, so an interrupted run never leaves half a report. */
export function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** The lab version a result was graded against: the definition file's bytes. */
export const labHash = (definition: Buffer | string) => createHash('sha256').update(definition).digest('hex');

/**
 * What a student's result depends on: the lab definition and the submission's
 * bytes, read within the lab's size limit (a submission past it is refused
 * whatever it holds, so past it only sizes and times count).
 */
export function inputHash(labDefinition: Buffer, path: string, maxBytes: number, maxFiles?: number): string {
  const h = createHash('sha256');
  h.update(labDefinition);
  // An archive may hold a little more than its files (headers) and be a little larger compressed.
  h.update(statSync(path).isDirectory() ? hashTree(path, maxBytes, maxFiles) : hashArchive(path, 2 * maxBytes + 16 * 1024 * 1024));
  return h.digest('hex');
}

/** A row of the class outputs: the gradebook's fields and what the summary adds (a StudentOutcome is one). */
export type ClassRow = SummaryRow & { time?: SubmissionTime };

export class ResultsFolder {
  constructor(readonly dir: string) {}

  /** The folder, created when absent. */
  static open(dir: string): ResultsFolder {
    mkdirSync(dir, { recursive: true });
    return new ResultsFolder(dir);
  }

  studentDir(id: string): string {
    return join(this.dir, id);
  }

  /** The student's state from an earlier run, if it finished writing. */
  previous(id: string): StudentState | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, id, STATE_FILE), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** The student's state, or why it cannot be read (for the merge, which needs every listed student). */
  readState(id: string): StudentState {
    const file = join(this.dir, id, STATE_FILE);
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new ResultsError(`${file} is missing or unreadable`);
    }
  }

  writeStudent(o: StudentOutcome, hash: string, buildLog: string, lab: Lab, dockerfile?: string): void {
    const dir = this.studentDir(o.student.id);
    mkdirSync(dir, { recursive: true });
    // A regrade keeps what it replaces, so the changes report can show before and after.
    const before = this.previous(o.student.id);
    if (before) writeAtomic(join(dir, PREVIOUS_FILE), JSON.stringify(before));
    else rmSync(join(dir, PREVIOUS_FILE), { force: true });
    if (dockerfile !== undefined) writeAtomic(join(dir, DOCKERFILE_COPY), dockerfile);
    else rmSync(join(dir, DOCKERFILE_COPY), { force: true });
    const r = o.report!;
    writeAtomic(join(dir, 'report.json'), renderJson(r));
    writeAtomic(join(dir, 'feedback.md'), renderFeedbackMarkdown(r, lab));
    writeAtomic(join(dir, 'feedback.html'), renderFeedbackHtml(r, lab));
    writeAtomic(join(dir, 'results.json'), renderGradescope(r));
    writeAtomic(join(dir, 'build.log'), buildLog);
    const state: StudentState = { inputHash: hash, status: o.status, report: r, ...(o.retried ? { retried: o.retried } : {}), ...(o.time ? { time: o.time } : {}) };
    writeAtomic(join(dir, STATE_FILE), JSON.stringify(state));
  }

  /** Copies a student's files from another results folder (a shard, into the merged folder). */
  copyStudentFrom(other: ResultsFolder, id: string): void {
    if (existsSync(other.studentDir(id))) cpSync(other.studentDir(id), this.studentDir(id), { recursive: true });
  }

  removeStudent(id: string): void {
    rmSync(this.studentDir(id), { recursive: true, force: true });
  }

  hasManifest(): boolean {
    return existsSync(join(this.dir, MANIFEST_FILE));
  }

  /** shard.json, validated; throws ResultsError saying what is wrong. */
  readManifest(): ShardManifest {
    const file = join(this.dir, MANIFEST_FILE);
    if (!existsSync(file)) throw new ResultsError(`${this.dir}: not a Drydock batch result (no ${MANIFEST_FILE}); give the --out folder of each \`drydock grade --batch\` run`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ResultsError(`${file}: cannot be read (${(err as Error).message})`);
    }
    const parsed = ShardManifestSchema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ResultsError(`${file}: not a shard record this version of Drydock reads (${first.path.join('.') || 'top level'}: ${first.message})`);
    }
    return parsed.data;
  }

  writeManifest(m: ShardManifest): void {
    writeAtomic(join(this.dir, MANIFEST_FILE), `${JSON.stringify(m, null, 2)}\n`);
  }

  /** Run ids an engine that stopped answering still holds, by engine URL. */
  readOrphans(): Record<string, string[]> {
    try {
      return JSON.parse(readFileSync(join(this.dir, ORPHANS_FILE), 'utf8'));
    } catch {
      return {};
    }
  }

  writeOrphans(orphans: Record<string, string[]>): void {
    const left = Object.fromEntries(Object.entries(orphans).filter(([, ids]) => ids.length));
    if (Object.keys(left).length) writeAtomic(join(this.dir, ORPHANS_FILE), JSON.stringify(left));
    else rmSync(join(this.dir, ORPHANS_FILE), { force: true });
  }

  /**
   * gradebook.csv, junit.xml and summary.html, from one list of rows: the only
   * place they are written. With a class policy, the gradebook also shows each
   * student's submission time, lateness and final score, and the feedback of
   * a student it changed says how; LMS import files, the regrade's changes and
   * the similar-submissions report are written beside them.
   */
  writeClassOutputs(lab: Lab, rows: ClassRow[], durationMs: number, extras: SummaryExtras = {}, opts: ClassOptions = {}): void {
    const policy = hasPolicy(opts.policy) ? opts.policy : undefined;
    const adjusted = rows.map((r) => ({ ...r, adjustment: policy ? adjust(lab, r, policy) : undefined }));
    writeAtomic(join(this.dir, CLASS_OUTPUTS.gradebook), renderGradebook(lab, rows, policy ? policyColumns(adjusted.map((r) => r.adjustment)) : undefined));
    writeAtomic(join(this.dir, CLASS_OUTPUTS.junit), renderJunit(rows.filter((r) => r.report).map((r) => r.report!)));
    writeAtomic(join(this.dir, CLASS_OUTPUTS.summary), renderSummaryHtml(lab, rows, durationMs, extras));
    for (const r of adjusted) if (r.report && r.adjustment) this.writeFeedback(r.student.id, lab, r.report, r.adjustment);
    for (const kind of opts.lms ?? []) writeAtomic(join(this.dir, LMS_FILES[kind]), renderLms(kind, lab, rows, policy));
    this.writeChanges(rows);
    this.writeSimilarity(rows, opts.given ?? []);
  }

  private writeFeedback(id: string, lab: Lab, report: Report, a: Adjustment): void {
    const dir = this.studentDir(id);
    if (!existsSync(dir)) return;
    const lines = adjustmentLines(a);
    writeAtomic(join(dir, 'feedback.md'), renderFeedbackMarkdown(report, lab) + ['', '## Adjustments', '', ...lines.map((l) => `- ${l}`), ''].join('\n'));
    writeAtomic(join(dir, 'feedback.html'), renderFeedbackHtml(report, lab).replace('</body>', `<h2>Adjustments</h2><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></body>`));
  }

  /** changes.md and changes.json: students graded again in this run whose result differs from the one it replaced. */
  private writeChanges(rows: ClassRow[]): void {
    const changes: StudentChange[] = [];
    let regraded = 0;
    for (const r of rows) {
      if (!r.report) continue;
      let before: StudentState | undefined;
      try {
        before = JSON.parse(readFileSync(join(this.studentDir(r.student.id), PREVIOUS_FILE), 'utf8'));
      } catch {
        continue;
      }
      if (!before || before.report.runId === r.report.runId) continue;
      regraded++;
      const change = studentChange(r.student.id, before, { status: r.status, report: r.report });
      if (change) changes.push(change);
    }
    for (const f of ['changes.md', 'changes.json']) rmSync(join(this.dir, f), { force: true });
    if (!regraded) return;
    writeAtomic(join(this.dir, 'changes.md'), renderChanges(changes, regraded));
    writeAtomic(join(this.dir, 'changes.json'), `${JSON.stringify({ regraded, changes }, null, 2)}\n`);
  }

  /** similarity.md and similarity.json: pairs of Dockerfiles more alike than independent work tends to be. */
  private writeSimilarity(rows: ClassRow[], given: string[]): void {
    const files = new Map<string, string>();
    for (const r of rows) {
      try {
        files.set(r.student.id, readFileSync(join(this.studentDir(r.student.id), DOCKERFILE_COPY), 'utf8'));
      } catch {
        // No Dockerfile kept (nothing submitted, or the submission could not be opened).
      }
    }
    const pairs = similarPairs(files, given);
    writeAtomic(join(this.dir, 'similarity.md'), renderSimilarity(pairs, files.size));
    writeAtomic(join(this.dir, 'similarity.json'), `${JSON.stringify({ compared: files.size, pairs }, null, 2)}\n`);
  }
}
