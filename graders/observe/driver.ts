import type Docker from 'dockerode';
import type { ParsedDockerfile } from '../dockerfile/parse';
import type { PolicyViolation } from '../dockerfile/policy';
import { describe } from '../engine/connect';
import type { EnsuredImage } from '../engine/images';
import type { LabDefinition } from '../model/lab';
import { runBuild, type BuildOutcome } from './build';
import { cachePlan, cacheVerdictKnown, probeSteps, unexplainedReruns, type CacheProbe } from './cache-probe';
import {
  createProbeContainer,
  describeVariant,
  limitsOf,
  observeRun,
  readImageFiles,
  scanImageLayers,
  type ImageFiles,
  type LayerScan,
  type ProbeVariant,
  type RunObservation,
} from './runtime';
import { contextFiles, contextTar } from '../submission/context';
import { existsInside, readInside } from '../submission/inside';

/*
 * The observation driver: every observation a check can name, what it holds,
 * and the observer that makes it. A check that needs a new observation adds
 * a line to ObservationKinds and an observer to OBSERVERS, here, and names
 * the need in its own file; nothing else lists observations (the judge, the
 * check types and the lab's needs all derive from these two).
 */

/** The build context as sent to the engine. */
export interface ContextObservation {
  /** Every file sent, context-relative, `/`-separated. */
  files: string[];
  /** The submission has a .dockerignore. */
  hasDockerignore: boolean;
}

/** A second run of the image with changed settings (read-only root, extra arguments). */
export interface VariantRun {
  /** How it was run, in `docker run` terms, for the evidence. */
  how: string;
  run: RunObservation;
}

/** What the cache probe edits, and which step must come from the cache (the cache-hit check's `cache` section). */
export interface CacheRequest {
  sourceFile: string;
  dependencyStep?: string;
}

/**
 * Every observation, by the need a check names: the field of Observations
 * it fills (`key`), what that field holds, and, where the observation is
 * shaped by the check that asks for it, the `input` the check gives it from
 * its own lab section.
 */
export interface ObservationKinds {
  /** What the engine received as build context (dockerignore). */
  context: { key: 'context'; holds: ContextObservation };
  image: { key: 'image'; holds: Docker.ImageInspectInfo };
  files: { key: 'files'; holds: ImageFiles };
  run: { key: 'run'; holds: RunObservation };
  /** `docker save` of the final image, file contents scanned for credentials (no-secrets). */
  layers: { key: 'layerScan'; holds: LayerScan };
  /** The same pass, layer sizes only (size). */
  'layer-sizes': { key: 'layerScan'; holds: LayerScan };
  /** The image run with a read-only root filesystem (read-only-root). */
  'read-only-run': { key: 'readOnlyRun'; holds: VariantRun; input: ProbeVariant };
  /** The image run with the lab's extra arguments (cmd-args). */
  'args-run': { key: 'argsRun'; holds: VariantRun; input: ProbeVariant };
  /** The probe rebuild after a one-line source change (cache-hit). */
  cache: { key: 'cache'; holds: CacheProbe; input: CacheRequest };
}

/** What the grader can observe for a check, beyond the build itself. */
export type ObservationNeed = keyof ObservationKinds;
type KeyOf<N extends ObservationNeed> = ObservationKinds[N]['key'];
type Holds<N extends ObservationNeed> = ObservationKinds[N]['holds'];

/** The needs whose observation is shaped by the asking check, and what it gives. */
export type NeedWithInput = { [N in ObservationNeed]: ObservationKinds[N] extends { input: unknown } ? N : never }[ObservationNeed];
export type InputOf<N extends NeedWithInput> = ObservationKinds[N] extends { input: infer I } ? I : never;
export type ObservationInputs = { [N in NeedWithInput]?: InputOf<N> };

/** What the grader knows of a submission before any observer runs. */
interface Known {
  lab: LabDefinition;
  dockerfile?: ParsedDockerfile;
  /** Notes the grader wants in the report (syntax directive stripped, starter files filled in). */
  notes: string[];
  /** What the Dockerfile would make the grading host do that the rules forbid; nothing is built when non-empty. */
  policy?: PolicyViolation[];
  build?: BuildOutcome;
  history?: { CreatedBy: string; Size: number }[];
  /** Layers of each allowed base image present in the engine. */
  baseLayers: Map<string, string[]>;
  /** Infrastructure failures by observation; the judge turns them into `error` for every check that needs one. */
  infraErrors: Partial<Record<ObservationNeed, string>>;
}

type Made = { [N in ObservationNeed as KeyOf<N>]?: Holds<N> };

/**
 * Observations gathered from the engine for one submission. Checks only read
 * these: all engine traffic happens before, so each check is a pure
 * function of what was measured.
 */
export interface Observations extends Known, Made {}

/** The observations a check may rely on: every one it needs is present (the judge answers before it runs otherwise). */
export type Observed<N extends ObservationNeed> = Observations & { [K in N as KeyOf<K>]-?: Holds<K> };

/** What every observer may read: the submission, its first build, and where to put what it sees. */
export interface ObserveContext {
  docker: Docker;
  lab: LabDefinition;
  obs: Observations;
  /** The needs of the lab's scored checks: an observer providing several observations makes only these. */
  needs: Set<ObservationNeed>;
  /** What the asking checks give the observations they shape (checks/index.ts: labInputs). */
  inputs: ObservationInputs;
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
  /** The grading was interrupted: builds in flight end, and no observer starts after it. */
  signal?: AbortSignal;
}

/**
 * One way of looking at a built submission. It provides one or more
 * observations, may wait for another observer (the image must be inspected
 * before a container is made from it), and throws when the engine fails it:
 * the driver then records the failure against everything it provides.
 */
export interface Observer {
  /** The phase name in reports. */
  phase: string;
  /** Each need it satisfies, with the field of Observations it fills. */
  provides: { [N in ObservationNeed]?: KeyOf<N> };
  after?: ObservationNeed;
  run(ctx: ObserveContext): Promise<void>;
}

/** The input the asking check gave; an observation a check shapes is never made without it. */
function inputFor<N extends NeedWithInput>(ctx: ObserveContext, need: N): InputOf<N> {
  const input = ctx.inputs[need];
  if (input === undefined) throw new Error(`no check gave the ${need} observation its settings`);
  return input as InputOf<N>;
}

const variantRun = (need: 'read-only-run' | 'args-run') => async (ctx: ObserveContext) => {
  const { docker, lab, obs } = ctx;
  const v = inputFor(ctx, need);
  const container = await createProbeContainer(docker, obs.image!, lab, ctx.labels, limitsOf(lab), v);
  const run = await observeRun(docker, container, lab, { stop: 'kill' });
  obs[need === 'read-only-run' ? 'readOnlyRun' : 'argsRun'] = { how: describeVariant(v), run };
};

export const OBSERVERS: readonly Observer[] = [
  {
    phase: 'context',
    provides: { context: 'context' },
    async run({ obs, submissionDir }) {
      // What contextTar sends: contextFiles plus the Dockerfile the grader substitutes.
      const files = contextFiles(submissionDir);
      if (!files.includes('Dockerfile')) files.push('Dockerfile');
      obs.context = { files, hasDockerignore: existsInside(submissionDir, '.dockerignore') };
    },
  },
  {
    phase: 'inspect',
    provides: { image: 'image' },
    async run({ docker, obs, build }) {
      obs.image = await docker.getImage(build.imageId).inspect();
      obs.history = (await docker.getImage(build.imageId).history()) as { CreatedBy: string; Size: number }[];
    },
  },
  {
    phase: 'run',
    provides: { files: 'files', run: 'run' },
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
    provides: { layers: 'layerScan', 'layer-sizes': 'layerScan' },
    after: 'image',
    async run({ docker, obs, build, labImages, needs }) {
      // File contents are read only for a check that judges them (no-secrets); sizes come from the same pass.
      obs.layerScan = await scanImageLayers(docker, build.imageId, new Set(labImages.flatMap((e) => e.layers)), { contents: needs.has('layers') });
    },
  },
  {
    phase: 'read-only run',
    provides: { 'read-only-run': 'readOnlyRun' },
    after: 'image',
    run: variantRun('read-only-run'),
  },
  {
    phase: 'args run',
    provides: { 'args-run': 'argsRun' },
    after: 'image',
    run: variantRun('args-run'),
  },
  {
    phase: 'probe',
    provides: { cache: 'cache' },
    async run(ctx) {
      const { docker, obs, df, build, runId, submissionDir } = ctx;
      const cache = inputFor(ctx, 'cache');
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
          signal: ctx.signal,
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
export async function observe(ctx: ObserveContext, phase: <T>(name: string, fn: () => Promise<T>) => Promise<T>, observers: readonly Observer[] = OBSERVERS): Promise<void> {
  const wanted = observers.filter((o) => needsOf(o).some((p) => ctx.needs.has(p)));
  // An observation another waits for is made even when no check needs it directly.
  for (const o of wanted) if (o.after && !wanted.some((w) => needsOf(w).includes(o.after!))) wanted.push(...observers.filter((w) => needsOf(w).includes(o.after!)));
  const done = new Map<Observer, Promise<void>>();
  const start = (o: Observer): Promise<void> => {
    let p = done.get(o);
    if (p) return p;
    p = (async () => {
      if (o.after) {
        const first = wanted.find((w) => needsOf(w).includes(o.after!))!;
        await start(first);
        const failed = ctx.obs.infraErrors[o.after];
        if (failed) throw new Error(`${o.after} could not be observed: ${failed}`);
      }
      if (ctx.signal?.aborted) throw new Error('the grading was interrupted');
      await phase(o.phase, () => o.run(ctx));
    })().catch((err) => {
      for (const need of needsOf(o)) ctx.obs.infraErrors[need] = describe(err);
    });
    done.set(o, p);
    return p;
  };
  await Promise.all(wanted.map(start));
}

const needsOf = (o: Observer) => Object.keys(o.provides) as ObservationNeed[];

/** Where each observation lands in Observations, as the observers fill it: the judge reads it to tell a missing observation. */
export const NEED_KEY = Object.fromEntries(OBSERVERS.flatMap((o) => Object.entries(o.provides))) as { [N in ObservationNeed]: KeyOf<N> };
