import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Lab } from '../lab/load';
import { renderFeedbackHtml, renderFeedbackMarkdown } from '../report/feedback';
import { renderGradebook } from '../report/gradebook';
import { renderGradescope } from '../report/gradescope';
import { renderJson } from '../report/json';
import { renderJunit } from '../report/junit';
import type { Report, StudentStatus } from '../report/model';
import { renderSummaryHtml, type SummaryExtras, type SummaryRow } from '../report/summary';
import { hashTree } from '../submission/open';
import type { StudentOutcome } from './outcome';

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

/** What a student's result depends on: the lab definition and the submission's bytes. */
export function inputHash(labDefinition: Buffer, path: string): string {
  const h = createHash('sha256');
  h.update(labDefinition);
  h.update(statSync(path).isDirectory() ? hashTree(path) : readFileSync(path));
  return h.digest('hex');
}

/** A row of the class outputs: the gradebook's fields and what the summary adds (a StudentOutcome is one). */
export type ClassRow = SummaryRow;

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

  writeStudent(o: StudentOutcome, hash: string, buildLog: string, lab: Lab): void {
    const dir = this.studentDir(o.student.id);
    mkdirSync(dir, { recursive: true });
    const r = o.report!;
    writeAtomic(join(dir, 'report.json'), renderJson(r));
    writeAtomic(join(dir, 'feedback.md'), renderFeedbackMarkdown(r, lab));
    writeAtomic(join(dir, 'feedback.html'), renderFeedbackHtml(r, lab));
    writeAtomic(join(dir, 'results.json'), renderGradescope(r));
    writeAtomic(join(dir, 'build.log'), buildLog);
    const state: StudentState = { inputHash: hash, status: o.status, report: r, ...(o.retried ? { retried: o.retried } : {}) };
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

  /** gradebook.csv, junit.xml and summary.html, from one list of rows: the only place they are written. */
  writeClassOutputs(lab: Lab, rows: ClassRow[], durationMs: number, extras: SummaryExtras = {}): void {
    writeAtomic(join(this.dir, CLASS_OUTPUTS.gradebook), renderGradebook(lab, rows));
    writeAtomic(join(this.dir, CLASS_OUTPUTS.junit), renderJunit(rows.filter((r) => r.report).map((r) => r.report!)));
    writeAtomic(join(this.dir, CLASS_OUTPUTS.summary), renderSummaryHtml(lab, rows, durationMs, extras));
  }
}
