import type { BuildOutcome } from './build';
import type { BuildStep } from './buildkit-trace';
import { copiesFile, instructionForStep, mountsOf, type DockerfileInstruction, type ParsedDockerfile } from '../dockerfile/parse';

/*
 * Why a neighbour's build could fail an honest student's cache check, and why
 * it cannot now. Reproduced on Docker 20.10 (BuildKit 0.8) with an empty build
 * cache: two submissions of the same lab built at once, then the first one's
 * probe rebuild while the second was still building.
 *
 * BuildKit keeps one solver state per vertex digest for as long as any job
 * that loaded it is running. A step that reads nothing from the build context
 * (WORKDIR, a RUN above the first COPY) has the same digest in every build
 * that shares the base image and the instructions above it: the student's
 * two builds, and any neighbour's. A step that reads the context, and every
 * step after it, has a digest unique to its build, because the uploaded
 * context is a local source bound to that build's session. When the probe
 * loads a step whose state a neighbour's running build holds, it is attached
 * to that state and BuildKit replays the progress the neighbour recorded:
 * on a cold cache "started, completed, not cached", even under the
 * neighbour's step name (`[build 2/7] WORKDIR /src` in a six-step file). The
 * probe re-ran nothing; the trace only says so. A warm cache hides it (the
 * record says cached), and so does grading one at a time (no neighbour holds
 * the state). Cancelling a probe early is safe: BuildKit cancels a shared
 * vertex only when every job waiting on it has gone.
 *
 * So the verdict reads only what belongs to the probe itself. A step whose
 * vertex digest is also in the first build's trace is context-free: the
 * source edit cannot reach it, and whatever the trace says of it is shown as
 * shared and never judged. The probe's own steps carry honest cache flags.
 * One of them above the source copy that still re-ran had unchanged inputs,
 * so the engine lost its cache record between the builds (a prune or garbage
 * collection): the grader probes once more, and a second such re-run is an
 * infrastructure error, never the student's fault.
 *
 * Checked again on Docker 28.5 (BuildKit 0.2x, containerd image store), where
 * the reviews lab's own solution got that error in two of three two-at-a-time
 * self-tests. The shared-state replay above still happens, and one more way
 * appears: BuildKit 0.2x keys a context-reading step by the content it reads
 * (a checksum of requirements.txt), not by the upload, so the same step in two
 * builds of identical manifests has different vertex digests but one cache
 * key, and the solver merges the probe's edge into the other build's. The
 * probe's trace then carries both vertices for the one instruction: its own
 * (cached) and the other build's under that build's digest, replayed as it
 * ran there ("started, not cached" while a neighbour ran it cold). Seen in a
 * self-test on 28.5: `RUN pip install` twice in the probe, one vertex from
 * neither of the solution's builds. So an instruction is judged by all its
 * vertices: one reported cached means the probe got the step from the cache,
 * whatever the merged record says; only an instruction none of whose vertices
 * came from the cache re-ran.
 */

/** The probe rebuild after a one-line source change. */
export type CacheProbe =
  | {
      outcome: BuildOutcome;
      probeComment: string;
      /** Steps a first probe reported as re-run with unchanged inputs, when the grader had to probe again. */
      earlier?: DockerfileInstruction[];
    }
  /** No probe could be made and the submission is to blame (the source file the probe edits is missing). */
  | { impossible: string };

/** Which instructions matter for the cache verdict, read from the Dockerfile alone. */
export interface CachePlan {
  /** The first instruction that reads the changed source file from the context (COPY/ADD, or a RUN bind mount). */
  sourceCopy?: DockerfileInstruction;
  /** The dependency download step (e.g. `RUN go mod download`), when the lab names one. */
  dependencyStep?: DockerfileInstruction;
}

/** Does a RUN mount the build context (type=bind without from=) over a path that holds the file? */
function mountsFile(ins: DockerfileInstruction, file: string): boolean {
  return mountsOf(ins).some((fields) => {
    if ((fields.get('type') ?? 'bind') !== 'bind' || fields.has('from')) return false;
    const source = (fields.get('source') ?? fields.get('src') ?? '.').replace(/^\.?\/*/, '').replace(/\/+$/, '');
    return source === '' || source === '.' || file === source || file.startsWith(`${source}/`);
  });
}

export function readsFile(ins: DockerfileInstruction, file: string): boolean {
  return copiesFile(ins, file) || mountsFile(ins, file);
}

export function cachePlan(df: ParsedDockerfile, cache: { sourceFile: string; dependencyStep?: string }): CachePlan {
  const all = df.stages.flatMap((s) => s.instructions);
  const sourceCopy = all.find((i) => readsFile(i, cache.sourceFile));
  const dep = cache.dependencyStep;
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

/** The stage and every stage it is built FROM. */
function stageChain(df: ParsedDockerfile, index: number): Set<number> {
  const chain = new Set<number>();
  for (let i: number | undefined = index; i !== undefined && !chain.has(i); ) {
    chain.add(i);
    i = df.stages[i].baseStage;
  }
  return chain;
}

/** One step of the probe rebuild that the verdict looks at. */
export interface ProbeStep {
  step: BuildStep;
  ins: DockerfileInstruction;
  /** Context-free: the same vertex as in the first build, so the edit cannot have touched it and its cache flag is not the probe's own. */
  shared: boolean;
  /** Comes before the source copy (in its stage, or in a stage that stage is built FROM). */
  above: boolean;
}

export function probeSteps(df: ParsedDockerfile, plan: CachePlan, firstBuild: BuildStep[], probe: BuildStep[]): ProbeStep[] {
  const src = plan.sourceCopy;
  if (!src) return [];
  const chain = stageChain(df, src.stage);
  const firstDigests = new Set(firstBuild.map((s) => s.digest));
  const out: ProbeStep[] = [];
  for (const step of probe) {
    const shared = firstDigests.has(step.digest);
    const ins = instructionForStep(df, step.name);
    // A shared step may carry a neighbour's name, so its instruction is only a best guess; it is never judged.
    if (!ins || ins.keyword === 'FROM' || !chain.has(ins.stage)) continue;
    out.push({ step, ins, shared, above: ins.stage !== src.stage || ins.line < src.line });
  }
  return out;
}

/**
 * The probe's own steps above the source copy that re-ran although nothing
 * they read had changed. An instruction with a vertex reported cached did not
 * re-run, whatever another vertex merged into it says (see the note above).
 */
export function unexplainedReruns(steps: ProbeStep[]): ProbeStep[] {
  const fromCache = new Set(steps.filter((s) => s.step.cached).map((s) => s.ins));
  return steps.filter((s) => s.above && !s.shared && !s.step.cached && s.step.started !== undefined && !fromCache.has(s.ins));
}
