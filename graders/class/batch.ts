import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { newRunId, removeRun } from '../engine/connect';
import { answers, type EngineSlot } from '../engine/specs';
import { gradeSubmission } from '../grade/grade';
import { studentStatus, type Report, type StudentEntry, type StudentStatus } from '../report/model';
import { ensureImages } from '../engine/images';
import { labBaseImages, type Lab } from '../lab/load';
import { PACKAGE_ROOT } from '../../lib/paths';
import { renderJson } from '../report/json';
import { renderFeedbackHtml, renderFeedbackMarkdown } from '../report/feedback';
import { renderGradescope } from '../report/gradescope';
import { renderGradebook, type GradebookRow } from '../report/gradebook';
import { renderJunit } from '../report/junit';
import { renderSummaryHtml, type EngineThroughput } from '../report/summary';
import { inShard, type ShardSpec } from './shard';
import { hashTree } from '../submission/open';

export type { StudentEntry, StudentStatus } from '../report/model';

export interface StudentOutcome {
  student: StudentEntry;
  status: StudentStatus;
  report?: Report;
  /** True when an earlier run's result was kept because nothing changed. */
  reused: boolean;
  attempts: number;
  /** The engine that graded the student (several engines only). */
  engine?: string;
  /** Times the student was moved off an engine that stopped answering. */
  requeued?: number;
}

export interface BatchOptions {
  /** The one engine, `jobs` students at a time; or give `engines`. */
  docker?: Docker;
  jobs?: number;
  /** Several engines, each with its own concurrency: each student is graded wholly on one of them. */
  engines?: EngineSlot[];
  /** Grade only this shard of the class (see shard.ts); recorded in shard.json for the merge. */
  shard?: ShardSpec;
  /** An engine stopped answering (its students go back to the queue) or came back. */
  onEngine?: (name: string, event: 'down' | 'back', detail: string) => void;
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
  engines: EngineThroughput[];
}

const ARCHIVE = /\.(zip|tar|tgz|tar\.gz)$/i;
const STATE_FILE = '.drydock-state.json';
/** What a batch's output folder holds, for `drydock gradebook merge`: shard, lab version, students. */
export const MANIFEST_FILE = 'shard.json';
/** Run ids left on an engine that stopped answering, removed when it answers again. */
const ORPHANS_FILE = '.drydock-orphans.json';

export interface ShardManifest {
  format: 1;
  drydock: string;
  shard: ShardSpec | null;
  lab: { id: string; title: string; hash: string; definition: string };
  /** The students of this shard, in the order an unsharded batch lists them (`order` counts the whole class). */
  students: { id: string; name?: string; email?: string; status: StudentStatus; order: number }[];
  interrupted: boolean;
  startedAt: string;
  durationMs: number;
  engines: EngineThroughput[];
}

/** The lab version a result was graded against: the definition file's bytes. */
export const labHash = (definition: Buffer | string) => createHash('sha256').update(definition).digest('hex');

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

/** Writes a file through a temporary name, so an interrupted run never leaves half a report. */
export function writeAtomic(file: string, text: string): void {
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

interface EngineState {
  slot: EngineSlot;
  up: boolean;
  workers: number;
  /** Run ids being graded on it now. */
  inFlight: Set<string>;
  /** Run ids it was grading when it stopped answering: removed when it answers again. */
  orphans: Set<string>;
  graded: number;
  requeued: number;
  busyMs: number;
  /** Settles when the engine is declared lost, so students waiting on a hung engine move at once. */
  lost: Promise<void>;
  loseNow: () => void;
  /** Heartbeat pings in a row it did not answer while grading. */
  misses: number;
  lastPing: number;
}

function arm(e: EngineState): void {
  e.lost = new Promise<void>((r) => (e.loseNow = r));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function asInfrastructureError(r: Report, why: string): Report {
  const checks = r.checks.map((c) => ({ ...c, status: 'error' as const, score: 0, summary: `infrastructure error: ${why}`, evidence: [] }));
  return { ...r, checks, score: 0, outcome: { kind: 'infrastructure-error', why } };
}

function readOrphans(outDir: string): Record<string, string[]> {
  try {
    return JSON.parse(readFileSync(join(outDir, ORPHANS_FILE), 'utf8'));
  } catch {
    return {};
  }
}

function drydockVersion(): string {
  try {
    return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Grades every submission in a folder, N at a time. Each student gets a
 * verdict whatever their submission does; an infrastructure error is
 * retried once and then reported as such, never as a zero. Results already
 * on disk for unchanged input are kept unless `regrade` is set, so an
 * interrupted run continues where it stopped.
 *
 * With `shard`, only that shard's students are graded (and listed); with
 * several `engines`, each engine runs its own number of students at once
 * from one queue. A student whose engine stops answering goes back to the
 * queue for another engine: the result from a lost engine is never scored,
 * and the student is never dropped.
 */
export async function gradeBatch(lab: Lab, submissionsDir: string, outDir: string, opts: BatchOptions): Promise<BatchResult> {
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  mkdirSync(outDir, { recursive: true });
  const slots: EngineSlot[] = opts.engines?.length ? opts.engines : opts.docker ? [{ name: 'engine', url: '', docker: opts.docker, jobs: opts.jobs ?? defaultJobs() }] : [];
  if (!slots.length) throw new Error('gradeBatch needs an engine (docker or engines)');
  const multi = slots.length > 1;
  const found = listSubmissions(submissionsDir);
  const roster = opts.rosterFile ? readRoster(opts.rosterFile) : undefined;
  const everyone: StudentEntry[] = roster
    ? [
        ...roster.map((r) => ({ ...r, path: found.find((f) => f.id === r.id)?.path })),
        ...found.filter((f) => !roster.some((r) => r.id === f.id)),
      ]
    : found;
  const order = new Map(everyone.map((s, i) => [s.id, i]));
  const students = everyone.filter((s) => inShard(s.id, opts.shard));
  const outcomes: StudentOutcome[] = [];
  const definition = readFileSync(lab.definitionFile);
  const hashes = new Map(students.filter((s) => s.path).map((s) => [s.id, inputHash(definition, s.path!)]));
  const earlier = new Map(students.map((s) => [s.id, previous(outDir, s.id)]));
  const finished = (s: StudentEntry) => {
    const prev = earlier.get(s.id);
    return prev !== undefined && prev.inputHash === hashes.get(s.id) && prev.status !== 'infrastructure error';
  };
  const toGrade = students.filter((s) => s.path && (opts.regrade || !finished(s)));
  const engines: EngineState[] = slots.map((slot) => {
    const e = { slot, up: true, workers: 0, inFlight: new Set(), orphans: new Set(), graded: 0, requeued: 0, busyMs: 0, misses: 0, lastPing: 0 } as unknown as EngineState;
    arm(e);
    return e;
  });

  // What an engine that stopped answering in an earlier run left behind, now that it may answer again.
  const leftOver = readOrphans(outDir);
  const cleanOrphans = async (e: EngineState, ids: Iterable<string>) => {
    for (const id of ids) await removeRun(e.slot.docker, id);
  };
  for (const e of engines) {
    const ids = leftOver[e.slot.url || e.slot.name];
    if (ids?.length && (await answers(e.slot.docker))) {
      await cleanOrphans(e, ids);
      delete leftOver[e.slot.url || e.slot.name];
    }
  }
  // Base images on every engine before any student starts, so stand-ins are not built twice at once.
  if (multi) {
    for (const e of engines) {
      try {
        await ensureImages(e.slot.docker, labBaseImages(lab));
      } catch (err) {
        e.up = false;
        opts.onEngine?.(e.slot.name, 'down', `base images: ${(err as Error).message}`);
      }
    }
    if (engines.every((e) => !e.up)) engines[0].up = true; // its students then end as infrastructure errors, never lost
  }

  // Until this run ends, its record says "interrupted": a merge never takes a half-run shard for a whole one.
  const record = (list: StudentOutcome[], interrupted: boolean, durationMs: number, throughput: EngineThroughput[]) => {
    const manifest: ShardManifest = {
      format: 1,
      drydock: drydockVersion(),
      shard: opts.shard ?? null,
      lab: { id: lab.id, title: lab.title, hash: labHash(definition), definition: definition.toString('utf8') },
      students: list.map((o) => ({ id: o.student.id, name: o.student.name, email: o.student.email, status: o.status, order: order.get(o.student.id)! })),
      interrupted,
      startedAt,
      durationMs,
      engines: throughput,
    };
    writeAtomic(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  };
  record([], true, 0, []);
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

  // One queue for every engine. Workers wait while students are in flight elsewhere,
  // because a lost engine puts its students back.
  const queue = [...toGrade];
  const requeues = new Map<string, number>();
  let inFlight = 0;
  let wake: () => void = () => {};
  let changed = new Promise<void>((r) => (wake = r));
  const notify = () => {
    wake();
    changed = new Promise<void>((r) => (wake = r));
  };
  const othersUp = (e: EngineState) => engines.some((x) => x !== e && x.up);
  const markDown = (e: EngineState, why: string) => {
    if (!e.up) return;
    e.up = false;
    e.loseNow();
    opts.onEngine?.(e.slot.name, 'down', why);
    notify();
  };

  const gradeOne = async (e: EngineState, s: StudentEntry): Promise<'done' | 'lost'> => {
    let report: Report | undefined;
    let buildLog = '';
    let attempts = 0;
    const t = Date.now();
    // An engine hiccup gets one more try; a second failure is reported, not scored.
    while (attempts < 2) {
      attempts++;
      buildLog = '';
      const runId = newRunId();
      e.inFlight.add(runId);
      opts.activeRuns?.add(runId);
      const grading = gradeSubmission(lab, s.path!, {
        docker: e.slot.docker,
        runId,
        bookBase: opts.bookBase,
        onBuildLog: (text) => (buildLog = text),
      });
      // Several engines: a hung engine (a dead ssh or tcp host answers nothing) is declared lost by the
      // heartbeat, and its students move on without waiting for calls that may never return.
      const first = multi ? await Promise.race([grading, e.lost.then(() => undefined)]) : await grading;
      e.inFlight.delete(runId);
      opts.activeRuns?.delete(runId);
      if (first === undefined && othersUp(e) && !opts.signal?.aborted) {
        grading.catch(() => {}); // abandoned: whatever it says later is not a grade
        e.orphans.add(runId);
        e.requeued++;
        requeues.set(s.id, (requeues.get(s.id) ?? 0) + 1);
        return 'lost';
      }
      report = first ?? (await grading);
      // With other engines to go to, a result from an engine that no longer answers is not trusted,
      // whatever it says: a build cut off by a dying daemon reads like a failed build.
      if (multi && !opts.signal?.aborted && (!e.up || !(await answers(e.slot.docker)))) {
        e.orphans.add(runId);
        markDown(e, 'stopped answering');
        if (othersUp(e)) {
          e.requeued++;
          requeues.set(s.id, (requeues.get(s.id) ?? 0) + 1);
          return 'lost';
        }
        // No engine left to move to: an attempt like any engine error, and never a grade.
        report = asInfrastructureError(report, `the engine ${e.slot.name} stopped answering`);
      }
      if (studentStatus(report) !== 'infrastructure error' || opts.signal?.aborted) break;
    }
    e.busyMs += Date.now() - t;
    if (opts.signal?.aborted && report && studentStatus(report) === 'infrastructure error') return 'done';
    report!.submission = s.id;
    const o: StudentOutcome = { student: s, status: studentStatus(report!), report, reused: false, attempts, engine: multi ? e.slot.name : undefined, requeued: requeues.get(s.id) };
    writeStudent(outDir, o, hashes.get(s.id)!, buildLog, lab);
    if (o.status !== 'infrastructure error') e.graded++;
    finish(o);
    return 'done';
  };

  const worker = async (e: EngineState): Promise<void> => {
    e.workers++;
    try {
      for (;;) {
        // A lost engine's workers stop while another engine can take the queue; with none left, they go on
        // (each student then ends as an infrastructure error), so no student is ever left in the queue.
        if (opts.signal?.aborted || (!e.up && othersUp(e))) return;
        const s = queue.shift();
        if (!s) {
          if (inFlight === 0) return;
          await changed;
          continue;
        }
        inFlight++;
        let result: 'done' | 'lost' = 'done';
        try {
          result = await gradeOne(e, s);
        } finally {
          if (result === 'lost') queue.unshift(s);
          inFlight--;
          notify();
        }
      }
    } finally {
      e.workers--;
    }
  };

  const running = new Set<Promise<void>>();
  const startWorkers = (e: EngineState) => {
    for (let i = e.workers; i < e.slot.jobs; i++) {
      const p = worker(e).finally(() => running.delete(p));
      running.add(p);
    }
  };
  for (const e of engines) if (e.up) startWorkers(e);
  // A lost engine is asked every few seconds whether it is back: its leftovers are removed, then it takes students again.
  let monitoring = multi;
  const monitor = (async () => {
    while (monitoring) {
      await Promise.race([sleep(2000), changed]);
      for (const e of engines) {
        if (e.up) {
          // Heartbeat of an engine that is grading: two pings in a row unanswered (5 s each) and it is lost.
          if (!e.inFlight.size || Date.now() - e.lastPing < 3000) continue;
          e.lastPing = Date.now();
          if (await answers(e.slot.docker)) e.misses = 0;
          else if (++e.misses >= 2) markDown(e, 'stopped answering (two heartbeat pings unanswered)');
          continue;
        }
        if (!monitoring || !(await answers(e.slot.docker))) continue;
        await cleanOrphans(e, e.orphans);
        e.orphans.clear();
        e.misses = 0;
        arm(e);
        e.up = true;
        opts.onEngine?.(e.slot.name, 'back', 'answers again; its leftovers were removed');
        if (queue.length || inFlight) startWorkers(e);
      }
    }
  })();
  while (running.size) await Promise.race([...running]);
  monitoring = false;
  notify();
  await monitor;
  for (const id of opts.activeRuns ?? []) for (const e of engines) if (e.up) await removeRun(e.slot.docker, id);
  const orphans = Object.fromEntries(Object.entries(leftOver).filter(([, ids]) => ids.length));
  for (const e of engines) if (e.orphans.size) orphans[e.slot.url || e.slot.name] = [...(orphans[e.slot.url || e.slot.name] ?? []), ...e.orphans];
  if (Object.keys(orphans).length) writeAtomic(join(outDir, ORPHANS_FILE), JSON.stringify(orphans));
  else rmSync(join(outDir, ORPHANS_FILE), { force: true });

  const durationMs = Date.now() - t0;
  outcomes.sort((a, b) => order.get(a.student.id)! - order.get(b.student.id)!);
  const throughput: EngineThroughput[] = multi
    ? engines.map((e) => ({ name: e.slot.name, jobs: e.slot.jobs, graded: e.graded, requeued: e.requeued, busyMs: e.busyMs, wallMs: durationMs, up: e.up }))
    : [];
  const rows: GradebookRow[] = outcomes.map((o) => ({ student: o.student, status: o.status, report: o.report }));
  writeAtomic(join(outDir, 'gradebook.csv'), renderGradebook(lab, rows));
  writeAtomic(join(outDir, 'junit.xml'), renderJunit(outcomes.filter((o) => o.report).map((o) => o.report!)));
  writeAtomic(join(outDir, 'summary.html'), renderSummaryHtml(lab, rows, durationMs, { shard: opts.shard, engines: throughput }));
  const interrupted = Boolean(opts.signal?.aborted);
  record(outcomes, interrupted, durationMs, throughput);
  return { outcomes, interrupted, durationMs, engines: throughput };
}
