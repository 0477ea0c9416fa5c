import { cachePlan, probeSteps, unexplainedReruns, type ProbeStep } from '../observe/cache-probe';
import { z } from 'zod';
import { defineCheck } from './types';
import { where } from './util';

/** `cache`: the source file the probe edits, and the dependency step that must come from the cache. */
export const cacheParams = {
  key: 'cache',
  schema: z
    .object({
      sourceFile: z.string().min(1),
      dependencyStep: z.string().min(1).optional(),
      /** The files the dependency step reads (`go.mod go.sum*`, `requirements.txt`), named in the fix. */
      dependencyFiles: z.array(z.string().min(1)).optional(),
    })
    .strict(),
  required: 'a `cache` section naming the source file the probe edits (and the dependency step, if any)',
};
export type CacheParams = z.infer<typeof cacheParams.schema>;

const stateOf = (p: ProbeStep) => (p.step.cached ? 'CACHED' : p.step.started !== undefined ? 'RAN   ' : 'not reached');

export const cacheHitCheck = defineCheck({
  id: 'cache-hit',
  title: 'A source-only change rebuilds from cache',
  anchor: 'the-catalog-dockerfile-line-by-line',
  needs: ['cache'] as const,
  params: cacheParams,
  inputs: { cache: (params) => params },
  evaluate(obs, cache) {
    const df = obs.dockerfile;
    const probe = obs.cache;
    if ('impossible' in probe) {
      return { status: 'fail', summary: probe.impossible, evidence: [], fix: `Keep ${cache.sourceFile} at the top of your submission, next to the Dockerfile.` };
    }
    if (!df) return { status: 'skipped', summary: 'no probe rebuild was made', evidence: [] };
    const file = cache.sourceFile;
    const plan = cachePlan(df, cache);
    const manifests = cache.dependencyFiles?.length ? `\`COPY ${cache.dependencyFiles.join(' ')} ./\`` : 'the files that list them';
    const orderFix = `Copy only the dependency manifests (${manifests}), run \`${cache.dependencyStep ?? 'the dependency download'}\`, and only then the rest of the source.`;
    const evidence = [`changed ${file} (added ${JSON.stringify(probe.probeComment)}) and rebuilt`];
    if (!plan.sourceCopy) {
      return { status: 'fail', summary: `no COPY or ADD brings ${file} into the build`, evidence, fix: orderFix };
    }
    const steps = probeSteps(df, plan, obs.build?.steps ?? [], probe.outcome.steps);
    // In Dockerfile order: BuildKit 0.2x reports the probe's vertices in another order than 0.8.
    for (const p of [...steps].sort((a, b) => (a.ins?.line ?? 0) - (b.ins?.line ?? 0))) {
      // A shared step's flag may be a concurrent build's record (see cache-probe.ts): shown, never judged.
      evidence.push(p.shared ? `${stateOf(p)}  ${where(p.ins)} (shared: the same step as in the first build, reading nothing from the context; not judged)` : `${stateOf(p)}  ${where(p.ins)}`);
    }
    if (probe.earlier) {
      evidence.push(`the first probe reported ${probe.earlier.map((p) => where(p)).join(', ')} as re-run although nothing it reads had changed; probed again`);
    }
    const srcStep = steps.find((s) => s.ins === plan.sourceCopy && !s.shared);
    if (cache.dependencyStep && !plan.dependencyStep) {
      return {
        status: 'fail',
        summary: `the Dockerfile has no \`${cache.dependencyStep}\` step, so dependencies are never cached on their own`,
        evidence,
        fix: orderFix,
      };
    }
    const dep = plan.dependencyStep;
    if (dep && (dep === plan.sourceCopy || (dep.line > plan.sourceCopy.line && dep.stage === plan.sourceCopy.stage))) {
      return {
        status: 'fail',
        summary:
          dep === plan.sourceCopy
            ? `${where(dep)} mounts ${file} from the context, so every source edit re-runs the download`
            : `${where(plan.sourceCopy)} comes before ${where(dep)}, so every source edit re-runs the download`,
        evidence,
        fix: orderFix,
      };
    }
    const lost = unexplainedReruns(steps);
    if (lost.length) {
      return {
        status: 'error',
        summary: `the engine re-ran ${where(lost[0].ins)} in two probes although nothing it reads had changed: its build cache lost the step, so no honest verdict could be reached`,
        evidence,
      };
    }
    if (!srcStep) {
      // The first build ran every step above the source copy, so a probe that stops short of it is the engine's doing.
      const why = probe.outcome.status === 'timed-out' ? 'ran out of time' : probe.outcome.status === 'failed' ? `failed: ${probe.outcome.error ?? 'no message'}` : `ended (${probe.outcome.status})`;
      return { status: 'error', summary: `the probe rebuild ${why} before reaching ${where(plan.sourceCopy)}, which the first build passed`, evidence };
    }
    if (srcStep.step.cached) {
      return {
        status: 'fail',
        summary: `${where(plan.sourceCopy)} came from the cache although ${file} changed`,
        evidence,
        fix: `Make sure ${file} is not excluded by .dockerignore and is copied by this step.`,
      };
    }
    return {
      status: 'pass',
      summary: `every step above ${where(plan.sourceCopy)} came from the cache; the source copy re-ran`,
      evidence,
    };
  },
});
