import type Docker from 'dockerode';
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { newRunId } from '../engine/connect';
import { answers, type EngineSlot } from '../engine/specs';
import { gradeSubmission } from '../grade/grade';
import { studentStatus, type Report } from '../report/model';
import type { Lab } from '../lab/load';
import { PACKAGE_ROOT } from '../../lib/paths';
import type { EngineThroughput } from '../report/summary';
import { inShard, type ShardSpec } from './shard';
import { classList } from './roster';
import { submissionTime, type SubmissionTime } from './deadline';
import { givenDockerfiles } from './similarity';
import type { ClassOptions } from './results';
import { inputHash, labHash, ResultsFolder, type ShardManifest } from './results';
import { EnginePool, type PooledEngine } from './pool';
import type { Attempt, StudentEntry, StudentOutcome } from './outcome';
import { afterRetry, retryReason } from './retry';

export type { StudentEntry, StudentStatus, StudentOutcome, Attempt } from './outcome';
export { listSubmissions, readRoster } from './roster';
export { labHash, MANIFEST_FILE, writeAtomic, type ShardManifest } from './results';

/** When a student submitted; a time that cannot be read is left out (the gradebook then shows none), never a crash. */
function timeOf(s: StudentEntry): SubmissionTime | undefined {
  try {
    return submissionTime(s);
  } catch {
    return undefined;
  }
}

export interface BatchOptions {
  /** After grading: a deadline and overrides, LMS import files (see results.ts). */
  classOptions?: ClassOptions;
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
  /** Called as each student's grading enters a phase (see gradeSubmission). */
  onPhase?: (s: StudentEntry, phase: string) => void;
  /** Called as students finish, for progress display. */
  onStudent?: (o: StudentOutcome, done: number, total: number) => void;
  onStart?: (total: number, toGrade: number) => void;
  /** Set by Ctrl-C: no new student starts; running ones finish their cleanup. */
  signal?: AbortSignal;
  /** Tracks run ids in flight, so an interrupt can remove what they created. */
  activeRuns?: Set<string>;
  /** A student's first grading is not final (an infrastructure error, a time limit hit beside others): graded again alone after the class. */
  onRetry?: (student: StudentEntry, why: string) => void;
}

export interface BatchResult {
  outcomes: StudentOutcome[];
  interrupted: boolean;
  durationMs: number;
  engines: EngineThroughput[];
}

export function defaultJobs(): number {
  return Math.max(1, Math.min(4, Math.floor(cpus().length)));
}

function asInfrastructureError(r: Report, why: string): Report {
  const checks = r.checks.map((c) => ({ ...c, status: 'error' as const, score: 0, summary: `infrastructure error: ${why}`, evidence: [] }));
  return { ...r, checks, score: 0, outcome: { kind: 'infrastructure-error', why } };
}

function drydockVersion(): string {
  try {
    return JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** One grading of one student on one engine, as the queue sees it. */
type Graded = { kind: 'graded'; report: Report; buildLog: string; dockerfile?: string } | { kind: 'lost' };

/**
 * Grades every submission in a folder, N at a time. Each student gets a
 * verdict whatever their submission does. A first grading that is not
 * final (an infrastructure error, or a time limit hit while others were
 * grading: see retry.ts) is graded again alone after the rest of the class;
 * a second failure alone stands, with both attempts in the evidence, and an
 * infrastructure error is never a zero. Results already
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
  const results = ResultsFolder.open(outDir);
  const slots: EngineSlot[] = opts.engines?.length ? opts.engines : opts.docker ? [{ name: 'engine', url: '', docker: opts.docker, jobs: opts.jobs ?? defaultJobs() }] : [];

  // One queue for every engine. Workers wait while students are in flight elsewhere,
  // because a lost engine puts its students back.
  let wake: () => void = () => {};
  let changed = new Promise<void>((r) => (wake = r));
  const notify = () => {
    wake();
    changed = new Promise<void>((r) => (wake = r));
  };
  const pool = new EnginePool(slots, lab, results, { onEngine: opts.onEngine, changed: notify, back: (e) => startWorkers(e) });
  const multi = pool.multi;

  const everyone = classList(submissionsDir, opts.rosterFile);
  const order = new Map(everyone.map((s, i) => [s.id, i]));
  const students = everyone.filter((s) => inShard(s.id, opts.shard));
  const outcomes: StudentOutcome[] = [];
  const definition = readFileSync(lab.definitionFile);
  const hashes = new Map(students.filter((s) => s.path).map((s) => [s.id, inputHash(definition, s.path!, lab.limits.contextMB * 1024 * 1024)]));
  const earlier = new Map(students.map((s) => [s.id, results.previous(s.id)]));
  const finished = (s: StudentEntry) => {
    const prev = earlier.get(s.id);
    return prev !== undefined && prev.inputHash === hashes.get(s.id) && prev.status !== 'infrastructure error';
  };
  const toGrade = students.filter((s) => s.path && (opts.regrade || !finished(s)));

  await pool.prepare();

  // Until this run ends, its record says "interrupted": a merge never takes a half-run shard for a whole one.
  const record = (list: StudentOutcome[], interrupted: boolean, durationMs: number, throughput: EngineThroughput[]) => {
    const manifest: ShardManifest = {
      format: 1,
      drydock: drydockVersion(),
      shard: opts.shard ?? null,
      lab: { id: lab.id, title: lab.title, hash: labHash(definition), definition: definition.toString('utf8') },
      students: list.map((o) => ({ id: o.student.id, name: o.student.name, email: o.student.email, status: o.status, order: order.get(o.student.id)!, ...(o.retried ? { retried: o.retried } : {}) })),
      interrupted,
      startedAt,
      durationMs,
      engines: throughput,
    };
    results.writeManifest(manifest);
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
      finish({ student: s, status: prev.status, report: prev.report, reused: true, attempts: 0, ...(prev.retried ? { retried: prev.retried } : {}), time: prev.time ?? timeOf(s) });
    }
  }

  const queue = [...toGrade];
  const requeues = new Map<string, number>();
  let inFlight = 0;

  /** Grades the student once on the engine; 'lost' when the engine stopped answering and another can take them. */
  const attempt = async (e: PooledEngine, s: StudentEntry): Promise<Graded> => {
    let buildLog = '';
    let dockerfile: string | undefined;
    const runId = newRunId();
    e.inFlight.add(runId);
    opts.activeRuns?.add(runId);
    if (!e.setup) await pool.setUp(e);
    const grading = gradeSubmission(lab, s.path!, {
      docker: e.slot.docker,
      runId,
      bookBase: opts.bookBase,
      signal: opts.signal,
      onPhase: opts.onPhase && ((name) => opts.onPhase!(s, name)),
      // Prepared once per engine; absent only when the engine could not be, and then each
      // grading tries again and reports the engine's error as an infrastructure error.
      setup: e.setup,
      onBuildLog: (text) => (buildLog = text),
      onDockerfile: (text) => (dockerfile = text),
    });
    // Several engines: a hung engine (a dead ssh or tcp host answers nothing) is declared lost by the
    // heartbeat, and its students move on without waiting for calls that may never return.
    const first = multi ? await Promise.race([grading, e.lost.then(() => undefined)]) : await grading;
    e.inFlight.delete(runId);
    opts.activeRuns?.delete(runId);
    const moveOff = () => {
      e.orphans.add(runId);
      e.requeued++;
      requeues.set(s.id, (requeues.get(s.id) ?? 0) + 1);
      return { kind: 'lost' } as const;
    };
    if (first === undefined && pool.othersUp(e) && !opts.signal?.aborted) {
      grading.catch(() => {}); // abandoned: whatever it says later is not a grade
      return moveOff();
    }
    let report = first ?? (await grading);
    // With other engines to go to, a result from an engine that no longer answers is not trusted,
    // whatever it says: a build cut off by a dying daemon reads like a failed build.
    if (multi && !opts.signal?.aborted && (!e.up || !(await answers(e.slot.docker)))) {
      pool.markDown(e, 'stopped answering');
      if (pool.othersUp(e)) return moveOff();
      e.orphans.add(runId);
      // No engine left to move to: an attempt like any engine error, and never a grade.
      report = asInfrastructureError(report, `the engine ${e.slot.name} stopped answering`);
    }
    return { kind: 'graded', report, buildLog, dockerfile };
  };

  /** A student whose first grading is not final: graded again alone after the class (see retry.ts). */
  const setAside: { s: StudentEntry; first: Extract<Graded, { kind: 'graded' }>; why: string; try: Attempt }[] = [];
  // How many other students were grading at some point during each first attempt: a time limit hit
  // beside them is not final.
  const grading = new Set<{ beside: number }>();
  const begin = () => {
    const me = { beside: grading.size };
    for (const other of grading) other.beside++;
    grading.add(me);
    return me;
  };

  const save = (e: PooledEngine, s: StudentEntry, g: Extract<Graded, { kind: 'graded' }>, extra: Pick<StudentOutcome, 'attempts' | 'tries' | 'retried'>) => {
    const report = g.report;
    report.submission = s.id;
    const o: StudentOutcome = { student: s, status: studentStatus(report), report, reused: false, ...extra, engine: multi ? e.slot.name : undefined, requeued: requeues.get(s.id), time: timeOf(s) };
    results.writeStudent(o, hashes.get(s.id)!, g.buildLog, lab, g.dockerfile);
    if (o.status !== 'infrastructure error') e.graded++;
    finish(o);
  };

  const gradeOne = async (e: PooledEngine, s: StudentEntry): Promise<'done' | 'lost'> => {
    const t = Date.now();
    const me = begin();
    let g: Graded;
    try {
      g = await attempt(e, s);
    } finally {
      grading.delete(me);
    }
    if (g.kind === 'lost') return 'lost';
    e.busyMs += Date.now() - t;
    const status = studentStatus(g.report);
    const first: Attempt = { status, engine: multi ? e.slot.name : undefined, alone: me.beside === 0, ms: Date.now() - t };
    const why = retryReason(g.report, me.beside);
    if (opts.signal?.aborted) {
      // Interrupted: an infrastructure error is not saved (the next run grades the student again).
      if (status !== 'infrastructure error') save(e, s, g, { attempts: 1, tries: [first] });
      return 'done';
    }
    if (why) {
      setAside.push({ s, first: g, why, try: { ...first, why } });
      opts.onRetry?.(s, why);
      return 'done';
    }
    save(e, s, g, { attempts: 1, tries: [first] });
    return 'done';
  };

  const worker = async (e: PooledEngine): Promise<void> => {
    e.workers++;
    try {
      for (;;) {
        // A lost engine's workers stop while another engine can take the queue; with none left, they go on
        // (each student then ends as an infrastructure error), so no student is ever left in the queue.
        if (opts.signal?.aborted || (!e.up && pool.othersUp(e))) return;
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
  function startWorkers(e: PooledEngine): void {
    for (let i = e.workers; i < e.slot.jobs; i++) {
      const p = worker(e).finally(() => running.delete(p));
      running.add(p);
    }
  }
  for (const e of pool.engines) if (e.up) startWorkers(e);
  pool.startMonitor(() => queue.length > 0 || inFlight > 0);
  while (running.size) await Promise.race([...running]);

  // The retry: each student set aside is graded again alone, on an engine that answers, before the batch reports.
  for (const { s, first, why, try: firstTry } of setAside) {
    if (opts.signal?.aborted) break;
    let second: Graded = { kind: 'lost' };
    let e = await pool.healthy();
    const t = Date.now();
    // An engine lost during the retry hands the student to another; with none left the error stands.
    for (let i = 0; i <= pool.engines.length && second.kind === 'lost'; i++) {
      e = await pool.healthy();
      second = await attempt(e, s);
    }
    if (opts.signal?.aborted) {
      // Interrupted: only a verdict is saved; an infrastructure error is graded again by the next run.
      if (second.kind === 'graded' && studentStatus(second.report) !== 'infrastructure error') save(e, s, second, { attempts: 2, tries: [firstTry], retried: why });
      continue;
    }
    if (second.kind === 'lost') {
      // Every engine was lost during the retry: the first result stands, never a dropped student.
      save(e, s, first, { attempts: 2, tries: [firstTry], retried: `${why}; no engine answered for the retry` });
      continue;
    }
    e.busyMs += Date.now() - t;
    const report = afterRetry(first.report, second.report, why, firstTry.alone ? 0 : 1);
    const again: Attempt = { status: studentStatus(report), engine: multi ? e.slot.name : undefined, alone: true, ms: Date.now() - t };
    save(e, s, { kind: 'graded', report, dockerfile: second.dockerfile, buildLog: `${second.buildLog}\n# first attempt${firstTry.alone ? '' : ', beside other students'} (${why}):\n${first.buildLog}` }, { attempts: 2, tries: [firstTry, again], retried: why });
  }
  // The heartbeat watched the retries too: a hung engine cannot hold the batch.
  await pool.stopMonitor();
  notify();
  await pool.close(opts.activeRuns ?? []);

  const durationMs = Date.now() - t0;
  outcomes.sort((a, b) => order.get(a.student.id)! - order.get(b.student.id)!);
  const all = pool.throughput(durationMs);
  const throughput = multi ? all : [];
  results.writeClassOutputs(lab, outcomes, durationMs, { shard: opts.shard, engines: throughput, engineNotes: multi ? [] : all[0].notes }, { ...opts.classOptions, policy: { deadline: lab.deadline, ...opts.classOptions?.policy }, given: opts.classOptions?.given ?? givenDockerfiles(lab) });
  const interrupted = Boolean(opts.signal?.aborted);
  record(outcomes, interrupted, durationMs, throughput);
  return { outcomes, interrupted, durationMs, engines: throughput };
}
