import type Docker from 'dockerode';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBuild } from '../observe/build';
import { registryProblem } from '../engine/registry';
import { cachePlan, cacheVerdictKnown, probeSteps, unexplainedReruns } from '../observe/cache-probe';
import { labChecks, labNeeds } from '../checks';
import type { CheckResult, Observations } from '../checks/types';
import { contextFiles, contextTar } from '../submission/context';
import { parseDockerfile, stripSyntaxDirective } from '../dockerfile/parse';
import { checkDockerfilePolicy } from '../dockerfile/policy';
import { verifyRemoteSources } from '../dockerfile/remote-sources';
import { describe, InfrastructureError, newRunId, removeRun, runLabels } from '../engine/connect';
import { prepareEngine, type EngineSetup } from '../engine/setup';
import { normalizeRef, type EnsuredImage } from '../engine/images';
import { type Lab, maxScore } from '../lab/load';
import { createProbeContainer, describeVariant, limitsOf, observeRun, readImageFiles, scanImageLayers, type ProbeVariant } from '../observe/runtime';
import type { Report } from '../report/model';
import { openSubmission, SubmissionError, type Submission } from '../submission/open';

export { reportExitCode, type Report } from '../report/model';

export interface GradeOptions {
  docker: Docker;
  runId?: string;
  /** One line per phase for a human watching. */
  progress?: (line: string) => void;
  /** Base URL or path of the built book for `learnMore` links. */
  bookBase?: string;
  /** Called with the run id before anything is created, so Ctrl-C handlers know what to remove. */
  onRunStart?: (runId: string) => void;
  /** Keeps the build log text for the batch grader. */
  onBuildLog?: (text: string) => void;
  /** The engine prepared once for many students (graders/engine/setup.ts); prepared here when absent. */
  setup?: EngineSetup;
}


function learnMoreFor(lab: Lab, anchor: string, bookBase?: string): string | undefined {
  if (!lab.chapter) return undefined;
  const page = lab.chapter.replace(/^chapters\//, '').replace(/\.md$/, '.html');
  return `${bookBase ? bookBase.replace(/\/$/, '') + '/' : ''}${page}#${anchor}`;
}

function verdicts(lab: Lab, obs: Observations, bookBase?: string, only?: 'build-failed' | 'infra' , infraMessage?: string): CheckResult[] {
  return labChecks(lab).map((check) => {
    const max = lab.points[check.id] ?? 0;
    const base = { id: check.id, title: check.title, maxScore: max, learnMore: learnMoreFor(lab, check.anchor, bookBase) };
    if (only === 'infra') return { ...base, status: 'error' as const, score: 0, summary: `infrastructure error: ${infraMessage}`, evidence: [] };
    if (only === 'build-failed' && check.id !== 'build') {
      return { ...base, status: 'skipped' as const, score: 0, summary: 'skipped: the image did not build', evidence: [] };
    }
    const v = check.evaluate(obs);
    return { ...base, ...v, score: v.status === 'pass' ? max : 0 };
  });
}

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
    phases,
    notes: [],
    runId,
  };
  const finish = (checks: CheckResult[]) => {
    report.checks = checks;
    report.notes = [...obs.notes];
    report.score = checks.reduce((s, c) => s + c.score, 0);
    report.durationMs = Date.now() - t0;
    return report;
  };

  let submission: Submission | undefined;
  let labImages: EnsuredImage[] = [];
  opts.onRunStart?.(runId);
  try {
    try {
      const setup = opts.setup ?? (await phase('engine setup', () => prepareEngine(docker, lab, progress)));
      report.engine.version = setup.info.version;
      report.engine.apiVersion = setup.info.apiVersion;
      labImages = setup.images;
      report.engine.standIns = labImages.filter((e) => e.standIn).map((e) => e.ref);
      const allowed = lab.images.allowedBases.map(normalizeRef);
      for (const e of labImages) if (allowed.includes(e.ref)) obs.baseLayers.set(e.ref, e.layers);
      obs.notes.push(...setup.notes);
    } catch (err) {
      return finish(verdicts(lab, obs, opts.bookBase, 'infra', err instanceof InfrastructureError ? err.message : describe(err)));
    }

    try {
      submission = await phase('open submission', () => openSubmission(source, { maxBytes: lab.limits.contextMB * 1024 * 1024, starterDir: lab.starterDir }));
    } catch (err) {
      if (!(err instanceof SubmissionError)) throw err;
      const results = verdicts(lab, obs, opts.bookBase, 'build-failed').map((r) =>
        r.id === 'build' ? { ...r, status: 'fail' as const, score: 0, summary: err.reason, evidence: [], fix: err.fix } : r,
      );
      return finish(results);
    }
    if (submission.filledFromStarter.length) obs.notes.push(`taken from the lab's starter because the submission lacks them: ${submission.filledFromStarter.join(', ')}`);

    let dockerfileText = readFileSync(join(submission.dir, 'Dockerfile'), 'utf8');
    const df = parseDockerfile(dockerfileText);
    obs.dockerfile = df;
    // Judged before anything reaches the engine: see dockerfile-policy.ts for what the engine would do otherwise.
    obs.policy = checkDockerfilePolicy(dockerfileText, {
      images: labImages.map((e) => ({ ref: e.ref, digests: e.repoDigests })),
      remoteSources: lab.images.remoteSources,
    });
    if (obs.policy.length) return finish(verdicts(lab, obs, opts.bookBase, 'build-failed'));
    await phase('remote sources', () => verifyRemoteSources(lab.images.remoteSources, dockerfileText));
    if (df.syntax) {
      const frontend = await docker.getImage(normalizeRef(df.syntax.value)).inspect().catch(() => undefined);
      if (!frontend && (await registryProblem())) {
        dockerfileText = stripSyntaxDirective(dockerfileText, df.syntax.line);
        obs.notes.push(`line ${df.syntax.line}: \`# syntax=${df.syntax.value}\` was ignored in both builds: the frontend image cannot be fetched offline, so BuildKit's built-in Dockerfile frontend was used`);
      }
    }
    if (labNeeds(lab).has('context')) {
      // What contextTar sends: contextFiles plus the Dockerfile the grader substitutes.
      const files = contextFiles(submission.dir);
      if (!files.includes('Dockerfile')) files.push('Dockerfile');
      obs.context = { files, hasDockerignore: existsSync(join(submission.dir, '.dockerignore')) };
    }
    const tag = `drydock-grade/${runId}`;
    const buildTimeoutMs = lab.limits.buildTimeoutSeconds * 1000;
    const build = await phase('build', () =>
      runBuild(docker, { context: contextTar(submission!.dir, { Dockerfile: dockerfileText }), tag: `${tag}:build`, labels, timeoutMs: buildTimeoutMs }),
    );
    obs.build = build;
    opts.onBuildLog?.(build.steps.map((s) => [`#${s.cached ? ' CACHED' : ''} ${s.name}${s.error ? `  ERROR: ${s.error}` : ''}`, ...s.log].join('\n')).join('\n') + (build.error ? `\n${build.error}\n` : '\n'));
    if (build.status !== 'built' || !build.imageId) return finish(verdicts(lab, obs, opts.bookBase, 'build-failed'));

    const imageId = build.imageId;
    const needs = labNeeds(lab);

    // The image probes and the cache rebuild are independent: run them side by side.
    const inspectAndRun = phase('inspect and run', async () => {
      if (!needs.has('image') && !needs.has('files') && !needs.has('run') && !needs.has('layers') && !needs.has('read-only-run') && !needs.has('args-run')) return;
      try {
        obs.image = await docker.getImage(imageId).inspect();
        obs.history = (await docker.getImage(imageId).history()) as { CreatedBy: string; Size: number }[];
      } catch (err) {
        obs.infraErrors.inspect = describe(err);
        return;
      }
      const image = obs.image;
      // The probes below are independent; each runs only when a scored check needs it.
      const firstRun = async () => {
        if (!needs.has('files') && !needs.has('run')) return;
        try {
          const container = await createProbeContainer(docker, image, lab, labels, limitsOf(lab));
          obs.files = await readImageFiles(container);
          if (needs.has('run')) obs.run = await observeRun(docker, container, lab);
        } catch (err) {
          obs.infraErrors.run = describe(err);
        }
      };
      const layerScan = async () => {
        if (!needs.has('layers')) return;
        try {
          obs.layerScan = await scanImageLayers(docker, imageId, new Set(labImages.flatMap((e) => e.layers)));
        } catch (err) {
          obs.infraErrors.layers = describe(err);
        }
      };
      const variantRun = async (need: 'read-only-run' | 'args-run', variant: ProbeVariant) => {
        if (!needs.has(need)) return;
        try {
          const container = await createProbeContainer(docker, image, lab, labels, limitsOf(lab), variant);
          const run = await observeRun(docker, container, lab, { stop: 'kill' });
          obs[need === 'read-only-run' ? 'readOnlyRun' : 'argsRun'] = { how: describeVariant(variant), run };
        } catch (err) {
          obs.infraErrors[need] = describe(err);
        }
      };
      await Promise.all([
        firstRun(),
        layerScan(),
        variantRun('read-only-run', { readOnly: true, tmpfs: lab.readOnlyRoot?.tmpfs ?? [] }),
        variantRun('args-run', { args: lab.cmdArgs?.extraArgs ?? [] }),
      ]);
    });
    const cache = lab.cache;
    const rebuild = phase('cache probe rebuild', async () => {
      if (!needs.has('cache') || !cache) return;
      let sourceText: string;
      try {
        sourceText = readFileSync(join(submission!.dir, cache.sourceFile), 'utf8');
      } catch {
        obs.cacheProbeImpossible = `${cache.sourceFile} is not in the submission, so the cache probe had no source file to change`;
        return;
      }
      const plan = cachePlan(df, cache);
      const probeBuild = (comment: string) =>
        runBuild(docker, {
          context: contextTar(submission!.dir, { Dockerfile: dockerfileText, [cache.sourceFile]: `${sourceText}\n${comment}\n` }),
          tag: `${tag}:probe`,
          labels,
          timeoutMs: buildTimeoutMs,
          stopWhen: (steps) => cacheVerdictKnown(df, plan, steps),
        });
      const probeComment = `// drydock cache probe ${runId}`;
      try {
        const outcome = await probeBuild(probeComment);
        obs.cache = { outcome, probeComment };
        // A step above the source copy with unchanged inputs cannot honestly re-run (see cache-probe.ts): look once more.
        const lost = unexplainedReruns(probeSteps(df, plan, build.steps, outcome.steps));
        if (lost.length) {
          const again = `${probeComment} (second probe)`;
          obs.cache = { outcome: await probeBuild(again), probeComment: again, earlier: lost.map((l) => l.ins) };
        }
      } catch (err) {
        obs.infraErrors.cache = describe(err);
      }
    });
    await Promise.all([inspectAndRun, rebuild]);
    return finish(verdicts(lab, obs, opts.bookBase));
  } catch (err) {
    return finish(verdicts(lab, obs, opts.bookBase, 'infra', describe(err)));
  } finally {
    const s = Date.now();
    const problems = await removeRun(docker, runId);
    phases.push({ name: 'cleanup', ms: Date.now() - s });
    if (problems.length) report.notes.push(`cleanup left: ${problems.join('; ')}`);
    submission?.dispose();
    report.durationMs = Date.now() - t0;
  }
}
