import type Docker from 'dockerode';
import { cacheHitCheck } from '../checks/cache-hit';
import { cmdArgsCheck } from '../checks/cmd-args';
import { readOnlyRootCheck } from '../checks/read-only-root';
import { paramsOf, type ObservationNeed, type Observations } from '../checks/types';
import type { ParsedDockerfile } from '../dockerfile/parse';
import { describe } from '../engine/connect';
import type { EnsuredImage } from '../engine/images';
import type { Lab } from '../lab/load';
import { runBuild, type BuildOutcome } from '../observe/build';
import { cachePlan, cacheVerdictKnown, probeSteps, unexplainedReruns } from '../observe/cache-probe';
import { createProbeContainer, describeVariant, limitsOf, observeRun, readImageFiles, scanImageLayers, type ProbeVariant } from '../observe/runtime';
import { contextFiles, contextTar } from '../submission/context';
import { existsInside, readInside } from '../submission/inside';

/** What every observer may read: the submission, its first build, and where to put what it sees. */
export interface ObserveContext {
  docker: Docker;
  lab: Lab;
  obs: Observations;
  /** The needs of the lab's scored checks: an observer providing several observations makes only these. */
  needs: Set<ObservationNeed>;
  submissionDir: string;
  /** The Dockerfile text as built (a `# syntax` line may have been blanked). */
  dockerfileText: string;
  df: ParsedDockerfile;
  build: BuildOutcome & { imageId: string };
  labImages: EnsuredImage[];
  labels: Record<string, string>;
  runId: string;
  tag: string;
  buildTimeoutMs: number;
}

/**
 * One way of looking at a built submission. It provides one or more
 * observations, may wait for another observer (the image must be inspected
 * before a container is made from it), and throws when the engine fails it:
 * the driver then records the failure against everything it provides.
 */
interface Observer {
  /** The phase name in reports. */
  phase: string;
  provides: ObservationNeed[];
  after?: ObservationNeed;
  run(ctx: ObserveContext): Promise<void>;
}

const variantRun = (need: 'read-only-run' | 'args-run', variant: (lab: Lab) => ProbeVariant) => async (ctx: ObserveContext) => {
  const { docker, lab, obs } = ctx;
  const v = variant(lab);
  const container = await createProbeContainer(docker, obs.image!, lab, ctx.labels, limitsOf(lab), v);
  const run = await observeRun(docker, container, lab, { stop: 'kill' });
  obs[need === 'read-only-run' ? 'readOnlyRun' : 'argsRun'] = { how: describeVariant(v), run };
};

const OBSERVERS: Observer[] = [
  {
    phase: 'context',
    provides: ['context'],
    async run({ obs, submissionDir }) {
      // What contextTar sends: contextFiles plus the Dockerfile the grader substitutes.
      const files = contextFiles(submissionDir);
      if (!files.includes('Dockerfile')) files.push('Dockerfile');
      obs.context = { files, hasDockerignore: existsInside(submissionDir, '.dockerignore') };
    },
  },
  {
    phase: 'inspect',
    provides: ['image'],
    async run({ docker, obs, build }) {
      obs.image = await docker.getImage(build.imageId).inspect();
      obs.history = (await docker.getImage(build.imageId).history()) as { CreatedBy: string; Size: number }[];
    },
  },
  {
    phase: 'run',
    provides: ['files', 'run'],
    after: 'image',
    async run(ctx) {
      const { docker, lab, obs } = ctx;
      const container = await createProbeContainer(docker, obs.image!, lab, ctx.labels, limitsOf(lab));
      obs.files = await readImageFiles(container);
      if (ctx.needs.has('run')) obs.run = await observeRun(docker, container, lab);
    },
  },
  {
    phase: 'layers',
    provides: ['layers', 'layer-sizes'],
    after: 'image',
    async run({ docker, obs, build, labImages, needs }) {
      // File contents are read only for a check that judges them (no-secrets); sizes come from the same pass.
      obs.layerScan = await scanImageLayers(docker, build.imageId, new Set(labImages.flatMap((e) => e.layers)), { contents: needs.has('layers') });
    },
  },
  {
    phase: 'read-only run',
    provides: ['read-only-run'],
    after: 'image',
    run: variantRun('read-only-run', (lab) => ({ readOnly: true, tmpfs: paramsOf(readOnlyRootCheck, lab).tmpfs })),
  },
  {
    phase: 'args run',
    provides: ['args-run'],
    after: 'image',
    run: variantRun('args-run', (lab) => ({ args: paramsOf(cmdArgsCheck, lab).extraArgs })),
  },
  {
    phase: 'probe',
    provides: ['cache'],
    async run(ctx) {
      const { docker, lab, obs, df, build, runId, submissionDir } = ctx;
      const cache = paramsOf(cacheHitCheck, lab);
      let sourceText: string;
      try {
        sourceText = readInside(submissionDir, cache.sourceFile).toString('utf8');
      } catch {
        obs.cache = { impossible: `${cache.sourceFile} is not in the submission, so the cache probe had no source file to change` };
        return;
      }
      const plan = cachePlan(df, cache);
      const probeBuild = (comment: string) =>
        runBuild(docker, {
          context: contextTar(submissionDir, { Dockerfile: ctx.dockerfileText, [cache.sourceFile]: `${sourceText}\n${comment}\n` }),
          tag: `${ctx.tag}:probe`,
          labels: ctx.labels,
          timeoutMs: ctx.buildTimeoutMs,
          stopWhen: (steps) => cacheVerdictKnown(df, plan, steps),
        });
      const probeComment = `// drydock cache probe ${runId}`;
      const outcome = await probeBuild(probeComment);
      obs.cache = { outcome, probeComment };
      // A step above the source copy with unchanged inputs cannot honestly re-run (see cache-probe.ts): look once more.
      const lost = unexplainedReruns(probeSteps(df, plan, build.steps, outcome.steps));
      if (lost.length) {
        const again = `${probeComment} (second probe)`;
        obs.cache = { outcome: await probeBuild(again), probeComment: again, earlier: lost.map((l) => l.ins) };
      }
    },
  },
];

/**
 * Makes every observation the lab's checks need, each observer once, side by
 * side where nothing orders them. A failed observer's error is recorded
 * against each observation it provides (and those waiting on it); the checks
 * never see a half-made observation.
 */
export async function observe(ctx: ObserveContext, phase: <T>(name: string, fn: () => Promise<T>) => Promise<T>): Promise<void> {
  const wanted = OBSERVERS.filter((o) => o.provides.some((p) => ctx.needs.has(p)));
  // An observation another waits for is made even when no check needs it directly.
  for (const o of wanted) if (o.after && !wanted.some((w) => w.provides.includes(o.after!))) wanted.push(...OBSERVERS.filter((w) => w.provides.includes(o.after!)));
  const done = new Map<Observer, Promise<void>>();
  const start = (o: Observer): Promise<void> => {
    let p = done.get(o);
    if (p) return p;
    p = (async () => {
      if (o.after) {
        const first = wanted.find((w) => w.provides.includes(o.after!))!;
        await start(first);
        const failed = ctx.obs.infraErrors[o.after];
        if (failed) throw new Error(`${o.after} could not be observed: ${failed}`);
      }
      await phase(o.phase, () => o.run(ctx));
    })().catch((err) => {
      for (const need of o.provides) ctx.obs.infraErrors[need] = describe(err);
    });
    done.set(o, p);
    return p;
  };
  await Promise.all(wanted.map(start));
}
