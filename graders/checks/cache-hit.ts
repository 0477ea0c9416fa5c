import type { BuildStep } from '../buildkit-trace';
import { copiesFile, instructionForStep, type DockerfileInstruction, type ParsedDockerfile } from '../dockerfile';
import type { LabDefinition } from '../lab';
import type { Check } from './types';
import { where } from './util';

/** Which instructions matter for the cache verdict, read from the Dockerfile alone. */
export interface CachePlan {
  /** The first COPY/ADD that brings the changed source file into the build. */
  sourceCopy?: DockerfileInstruction;
  /** The dependency download step (e.g. `RUN go mod download`), when the lab names one. */
  dependencyStep?: DockerfileInstruction;
}

export function cachePlan(df: ParsedDockerfile, lab: LabDefinition): CachePlan {
  const all = df.stages.flatMap((s) => s.instructions);
  const sourceCopy = all.find((i) => copiesFile(i, lab.cache.sourceFile));
  const dep = lab.cache.dependencyStep;
  const dependencyStep = dep ? all.find((i) => i.keyword === 'RUN' && i.args.includes(dep)) : undefined;
  return { sourceCopy, dependencyStep };
}

const stepFor = (df: ParsedDockerfile, steps: BuildStep[], ins: DockerfileInstruction | undefined) =>
  ins ? steps.find((s) => instructionForStep(df, s.name) === ins) : undefined;

/**
 * True once the probe rebuild has shown enough: the source copy has started
 * (or came from cache), and so has every step the verdict depends on.
 */
export function cacheVerdictKnown(df: ParsedDockerfile, plan: CachePlan, steps: BuildStep[]): boolean {
  const watched = [plan.sourceCopy, plan.dependencyStep].filter(Boolean) as DockerfileInstruction[];
  if (watched.length === 0) return false;
  return watched.every((ins) => {
    const s = stepFor(df, steps, ins);
    return s !== undefined && (s.cached || s.started !== undefined);
  });
}

export const cacheHitCheck: Check = {
  id: 'cache-hit',
  title: 'A source-only change rebuilds from cache',
  anchor: 'the-catalog-dockerfile-line-by-line',
  evaluate(obs) {
    if (obs.infraErrors.cache) return { status: 'error', summary: 'the probe rebuild failed in the engine', evidence: [obs.infraErrors.cache] };
    const df = obs.dockerfile;
    const probe = obs.cache;
    if (obs.cacheProbeImpossible) {
      return { status: 'fail', summary: obs.cacheProbeImpossible, evidence: [], fix: `Keep ${obs.lab.cache.sourceFile} at the top of your submission, next to the Dockerfile.` };
    }
    if (!df || !probe) return { status: 'skipped', summary: 'no probe rebuild was made', evidence: [] };
    const file = obs.lab.cache.sourceFile;
    const plan = cachePlan(df, obs.lab);
    const orderFix = `Copy only the dependency manifests (\`COPY go.mod go.sum* ./\`), run \`${obs.lab.cache.dependencyStep ?? 'the dependency download'}\`, and only then \`COPY . .\`.`;
    const evidence = [`changed ${file} (added ${JSON.stringify(probe.probeComment)}) and rebuilt`];
    if (!plan.sourceCopy) {
      return { status: 'fail', summary: `no COPY or ADD brings ${file} into the build`, evidence, fix: orderFix };
    }
    const stage = plan.sourceCopy.stage;
    const relevant = probe.outcome.steps
      .map((step) => ({ step, ins: instructionForStep(df, step.name) }))
      .filter((s): s is { step: BuildStep; ins: DockerfileInstruction } => s.ins !== undefined && s.ins.stage === stage && s.ins.keyword !== 'FROM');
    for (const { step, ins } of relevant) {
      evidence.push(`${step.cached ? 'CACHED' : step.started ? 'RAN   ' : 'not reached'}  ${where(ins)}`);
    }
    const srcStep = relevant.find((s) => s.ins === plan.sourceCopy);
    if (obs.lab.cache.dependencyStep && !plan.dependencyStep) {
      return {
        status: 'fail',
        summary: `the Dockerfile has no \`${obs.lab.cache.dependencyStep}\` step, so dependencies are never cached on their own`,
        evidence,
        fix: orderFix,
      };
    }
    const dep = plan.dependencyStep;
    if (dep && dep.line > plan.sourceCopy.line && dep.stage === stage) {
      return {
        status: 'fail',
        summary: `${where(plan.sourceCopy)} comes before ${where(dep)}, so every source edit re-runs the download`,
        evidence,
        fix: orderFix,
      };
    }
    const broke = relevant.find((s) => s.ins.line < plan.sourceCopy!.line && !s.step.cached && s.step.started !== undefined);
    if (broke) {
      return {
        status: 'fail',
        summary: `${where(broke.ins)} did not come from the cache, although only ${file} changed`,
        evidence,
        fix: 'A step above the source copy must not depend on anything that changes between builds (build args, timestamps, downloads).',
      };
    }
    if (!srcStep) {
      return { status: 'fail', summary: `the probe rebuild never reached ${where(plan.sourceCopy)}`, evidence, fix: orderFix };
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
};
