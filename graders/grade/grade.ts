import type Docker from 'dockerode';
import { runBuild } from '../observe/build';
import { isolateCacheMounts, type CacheMount } from '../dockerfile/cache-mounts';
import { removeCacheMounts } from '../engine/build-cache';
import { registryProblem } from '../engine/registry';
import { labInputs, labNeeds } from '../checks';
import type { CheckResult } from '../checks/types';
import { contextTar } from '../submission/context';
import { parseDockerfile, withoutSyntaxDirective } from '../dockerfile/parse';
import { judgeDockerfile } from '../dockerfile/policy';
import { verifyRemoteSources } from '../dockerfile/remote-sources';
import { describe, InfrastructureError, newRunId, removeRun, runLabels } from '../engine/connect';
import { prepareEngine, type EngineSetup } from '../engine/setup';
import { normalizeRef, type EnsuredImage } from '../engine/images';
import { type Lab, maxScore } from '../lab/load';
import { outcomeOf, type Report } from '../report/model';
import { judge, type Cutoff } from './judge';
import { observe, type Observations } from '../observe/driver';
import { openSubmission, SubmissionError, type Submission } from '../submission/open';

export { reportExitCode, type Report } from '../report/model';

export interface GradeOptions {
  docker: Docker;
  runId?: string;
  /** One line per phase for a human watching. */
  progress?: (line: string) => void;
  /** Called as each phase begins (open, rules, build, run, probe…), before it touches the engine. */
  onPhase?: (name: string) => void;
  /** Base URL or path of the built book for `learnMore` links. */
  bookBase?: string;
  /** Called with the run id before anything is created, so Ctrl-C handlers know what to remove. */
  onRunStart?: (runId: string) => void;
  /** Keeps the build log text for the batch grader. */
  onBuildLog?: (text: string) => void;
  /** Receives the Dockerfile as submitted (read without following links), for class reports such as similar submissions. */
  onDockerfile?: (text: string) => void;
  /** The engine prepared once for many students (graders/engine/setup.ts); prepared here when absent. */
  setup?: EngineSetup;
  /**
   * Interrupts the grading (Ctrl-C): the build or probe in flight is ended, no
   * further observation starts, and the report is an infrastructure error,
   * never a verdict. Its objects are removed after the engine was told.
   */
  signal?: AbortSignal;
}


const INTERRUPTED: Cutoff = { kind: 'infrastructure', why: 'the grading was interrupted (Ctrl-C) before it finished' };

/**
 * Grades one submission: open it, build it, observe the image and a running
 * container, rebuild after a source change, then let each check judge what
 * was observed. Everything created in the engine is removed before return.
 */
export async function gradeSubmission(lab: Lab, source: string, opts: GradeOptions): Promise<Report> {
  const { docker } = opts;
  const runId = opts.runId ?? newRunId();
  const labels = runLabels(runId);
  const progress = opts.progress ?? (() => {});
  const t0 = Date.now();
  const phases: Report['phases'] = [];
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const s = Date.now();
    progress(`${name}…`);
    opts.onPhase?.(name);
    try {
      return await fn();
    } finally {
      phases.push({ name, ms: Date.now() - s });
    }
  };
  const obs: Observations = { lab, notes: [], baseLayers: new Map(), infraErrors: {} };
  const report: Report = {
    lab: lab.id,
    submission: source,
    score: 0,
    maxScore: maxScore(lab),
    durationMs: 0,
    engine: { version: 'unknown', apiVersion: 'unknown', standIns: [] },
    checks: [],
    outcome: { kind: 'not-built' },
    phases,
    notes: [],
    runId,
  };
  // Every way out: the checks judge what was observed, or all get the status the cutoff dictates.
  const finish = (cutoff?: Cutoff, buildResult?: Partial<CheckResult>) => {
    const checks = judge(lab, obs, { bookBase: opts.bookBase, cutoff }).map((r) => (r.id === 'build' && buildResult ? { ...r, ...buildResult } : r));
    report.checks = checks;
    report.outcome = outcomeOf(checks);
    report.notes = [...obs.notes];
    report.score = checks.reduce((s, c) => s + c.score, 0);
    report.durationMs = Date.now() - t0;
    return report;
  };

  let submission: Submission | undefined;
  let labImages: EnsuredImage[] = [];
  let cacheMounts: CacheMount[] = [];
  let enginePlatform: string | undefined;
  opts.onRunStart?.(runId);
  try {
    try {
      const setup = opts.setup ?? (await phase('engine setup', () => prepareEngine(docker, lab, progress)));
      report.engine.version = setup.info.version;
      report.engine.apiVersion = setup.info.apiVersion;
      enginePlatform = setup.info.os;
      labImages = setup.images;
      report.engine.standIns = labImages.filter((e) => e.standIn).map((e) => e.ref);
      const allowed = lab.images.allowedBases.map(normalizeRef);
      for (const e of labImages) if (allowed.includes(e.ref)) obs.baseLayers.set(e.ref, e.layers);
      obs.notes.push(...setup.notes);
    } catch (err) {
      return finish({ kind: 'infrastructure', why: err instanceof InfrastructureError ? err.message : describe(err) });
    }

    try {
      submission = await phase('open', () => openSubmission(source, { maxBytes: lab.limits.contextMB * 1024 * 1024, starterDir: lab.starterDir }));
    } catch (err) {
      if (!(err instanceof SubmissionError)) throw err;
      return finish({ kind: 'not-built' }, { status: 'fail', score: 0, summary: err.reason, evidence: [], fix: err.fix });
    }
    if (submission.filledFromStarter.length) obs.notes.push(`taken from the lab's starter because the submission lacks them: ${submission.filledFromStarter.join(', ')}`);

    // Read once: the rules, the checks, the cache probe and the build all use this model and its text.
    opts.onDockerfile?.(submission.dockerfile);
    const df = parseDockerfile(submission.dockerfile);
    let dockerfileText = df.text;
    obs.dockerfile = df;
    // Judged before anything reaches the engine: see dockerfile/policy.ts for what the engine would do otherwise.
    obs.policy = await phase('rules', async () =>
      judgeDockerfile(df, {
        images: labImages.map((e) => ({ ref: e.ref, digests: e.repoDigests })),
        remoteSources: lab.images.remoteSources,
        platform: enginePlatform,
      }),
    );
    if (obs.policy.length) return finish({ kind: 'not-built' });
    await phase('remote sources', () => verifyRemoteSources(lab.images.remoteSources, df));
    if (df.syntax) {
      const frontend = await docker.getImage(normalizeRef(df.syntax.value)).inspect().catch(() => undefined);
      if (!frontend && (await registryProblem())) {
        dockerfileText = withoutSyntaxDirective(df);
        obs.notes.push(`line ${df.syntax.line}: \`# syntax=${df.syntax.value}\` was ignored in both builds: the frontend image cannot be fetched offline, so BuildKit's built-in Dockerfile frontend was used`);
      }
    }
    const isolated = isolateCacheMounts(df, dockerfileText, runId);
    dockerfileText = isolated.text;
    cacheMounts = isolated.mounts;
    if (cacheMounts.length) {
      obs.notes.push(
        `${cacheMounts.length} RUN --mount=type=cache mount(s) (line ${[...new Set(cacheMounts.map((m) => m.line))].join(', ')}) were built with ids of this grading's own, so no other student's build shares their contents; they were removed afterwards`,
      );
    }
    const tag = `drydock-grade/${runId}`;
    const buildTimeoutMs = lab.limits.buildTimeoutSeconds * 1000;
    const build = await phase('build', () =>
      runBuild(docker, { context: contextTar(submission!.dir, { Dockerfile: dockerfileText }), tag: `${tag}:build`, labels, timeoutMs: buildTimeoutMs, signal: opts.signal }),
    );
    if (opts.signal?.aborted) return finish(INTERRUPTED);
    obs.build = build;
    opts.onBuildLog?.(build.steps.map((s) => [`#${s.cached ? ' CACHED' : ''} ${s.name}${s.error ? `  ERROR: ${s.error}` : ''}`, ...s.log].join('\n')).join('\n') + (build.error ? `\n${build.error}\n` : '\n'));
    if (build.status !== 'built' || !build.imageId) return finish({ kind: 'not-built' });
    const needs = labNeeds(lab);

    await observe(
      { docker, lab, obs, needs, inputs: labInputs(lab), submissionDir: submission.dir, dockerfileText, df, build: { ...build, imageId: build.imageId }, labImages, labels, runId, tag, buildTimeoutMs, signal: opts.signal },
      phase,
    );
    return finish(opts.signal?.aborted ? INTERRUPTED : undefined);
  } catch (err) {
    return finish({ kind: 'infrastructure', why: describe(err) });
  } finally {
    const s = Date.now();
    const problems = await removeRun(docker, runId);
    problems.push(...(await removeCacheMounts(docker, cacheMounts.map((m) => m.isolated), cacheMounts.map((m) => m.target), t0)));
    phases.push({ name: 'clean', ms: Date.now() - s });
    if (problems.length) report.notes.push(`cleanup left: ${problems.join('; ')}`);
    submission?.dispose();
    report.durationMs = Date.now() - t0;
  }
}
