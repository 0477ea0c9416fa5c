// The cache-hit verdict from made-up probe traces: every branch in
// milliseconds. The engine tests (test/engine/cold-cache.test.ts and
// test/engine/grade.test.ts) show the same verdicts on real builds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuildStep } from '../../graders/observe/buildkit-trace';
import { cachePlan, cacheVerdictKnown } from '../../graders/observe/cache-probe';
import { cacheHitCheck } from '../../graders/checks/cache-hit';
import { paramsOf } from '../../graders/checks/types';
import type { Observations } from '../../graders/observe/driver';
import { parseDockerfile } from '../../graders/dockerfile/parse';
import { loadLab } from '../../graders/lab/load';
import { LAB_DIR } from '../support/helpers';
import { judgeCheck } from '../../graders/grade/judge';

const lab = loadLab(LAB_DIR);
const SOLUTION = readFileSync(join(LAB_DIR, 'solution/Dockerfile'), 'utf8');

type S = [digest: string, name: string, state: 'C' | 'R' | '-'];
const steps = (list: S[]): BuildStep[] =>
  list.map(([digest, name, state]) => ({ digest, name, cached: state === 'C', started: state === '-' ? undefined : 1, completed: state === '-' ? undefined : 2, log: [], warnings: [] }));

// The solution's first build: WORKDIR is context-free (its digest recurs in every build); the rest read the context.
const FIRST: S[] = [
  ['from', '[build 1/6] FROM docker.io/library/golang:1.26-alpine', 'R'],
  ['workdir', '[build 2/6] WORKDIR /src', 'R'],
  ['mod1', '[build 3/6] COPY go.mod go.sum* ./', 'R'],
  ['dl1', '[build 4/6] RUN go mod download', 'R'],
  ['src1', '[build 5/6] COPY . .', 'R'],
];

function grade(dockerfile: string, probe: S[], extra: Partial<Observations> = {}, first: S[] = FIRST, status: 'stopped' | 'timed-out' | 'failed' = 'stopped') {
  const obs: Observations = {
    lab,
    notes: [],
    baseLayers: new Map(),
    infraErrors: {},
    dockerfile: parseDockerfile(dockerfile),
    build: { status: 'built', steps: steps(first), durationMs: 1 },
    cache: { outcome: { status, steps: steps(probe), durationMs: 1 }, probeComment: '// probe' },
    ...extra,
  };
  return judgeCheck(cacheHitCheck, obs);
}

describe('cache-hit', () => {
  it('passes when everything above the source copy came from cache and the copy re-ran', () => {
    const r = grade(SOLUTION, [FIRST[0], ['workdir', '[build 2/6] WORKDIR /src', 'C'], ['mod2', '[build 3/6] COPY go.mod go.sum* ./', 'C'], ['dl2', '[build 4/6] RUN go mod download', 'C'], ['src2', '[build 5/6] COPY . .', 'R']]);
    expect(r.status).toBe('pass');
  });

  it("never fails a student for a context-free step a neighbour's build ran (replayed under the neighbour's name)", () => {
    const r = grade(SOLUTION, [['workdir', '[build 2/7] WORKDIR /src', 'R'], ['mod2', '[build 3/6] COPY go.mod go.sum* ./', 'C'], ['dl2', '[build 4/6] RUN go mod download', 'C'], ['src2', '[build 5/6] COPY . .', 'R']]);
    expect(r.status).toBe('pass');
    expect(r.evidence.join('\n')).toMatch(/RAN {5}line 4: WORKDIR \/src \(shared: the same step as in the first build, reading nothing from the context; not judged\)/);
  });

  it("never fails a student for another build's record of a step merged into the probe's (BuildKit 0.2x, same cache key, another digest)", () => {
    // The probe's own vertex for the download is cached; a neighbour's, merged by cache key, replays its cold run.
    const r = grade(SOLUTION, [['mod2', '[build 3/6] COPY go.mod go.sum* ./', 'C'], ['dl2', '[build 4/6] RUN go mod download', 'C'], ['dlN', '[build 4/6] RUN go mod download', 'R'], ['src2', '[build 5/6] COPY . .', 'R']]);
    expect(r.status).toBe('pass');
    expect(r.evidence.filter((l) => l.includes('RUN go mod download'))).toEqual(['CACHED  line 8: RUN go mod download', 'RAN     line 8: RUN go mod download']);
  });

  it('is an infrastructure error when a step with unchanged inputs re-ran in both probes', () => {
    const r = grade(SOLUTION, [['dl3', '[build 4/6] RUN go mod download', 'R'], ['src3', '[build 5/6] COPY . .', 'R']]);
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(/line 8: RUN go mod download .*no honest verdict/);
  });

  it('is an infrastructure error when the probe stops short of the source copy', () => {
    const r = grade(SOLUTION, [['mod2', '[build 3/6] COPY go.mod go.sum* ./', 'C']], {}, FIRST, 'timed-out');
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(/ran out of time before reaching line 10: COPY \. \./);
  });

  it('fails when the source is copied before the download, naming both lines', () => {
    const df = SOLUTION.replace('COPY go.mod go.sum* ./\nRUN go mod download\n\nCOPY . .', 'COPY . .\nRUN go mod download');
    const r = grade(df, []);
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/line 7: COPY \. \. comes before line 8: RUN go mod download/);
  });

  it('fails when the download mounts the whole context', () => {
    const df = SOLUTION.replace('RUN go mod download', 'RUN --mount=type=bind,target=/src go mod download');
    const r = grade(df, []);
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/mounts main\.go from the context/);
  });

  it('fails when the source copy came from the cache (main.go left out of the context)', () => {
    const r = grade(SOLUTION, [['mod2', '[build 3/6] COPY go.mod go.sum* ./', 'C'], ['dl2', '[build 4/6] RUN go mod download', 'C'], ['src2', '[build 5/6] COPY . .', 'C']]);
    expect(r.status).toBe('fail');
    expect(r.fix).toMatch(/\.dockerignore/);
  });

  it('fails with no source copy, and with no dependency step', () => {
    expect(grade('FROM golang:1.26-alpine\nRUN true\n', []).summary).toMatch(/no COPY or ADD brings main\.go/);
    expect(grade('FROM golang:1.26-alpine\nCOPY . .\nRUN go build\n', []).summary).toMatch(/has no `go mod download` step/);
  });

  it('knows when to stop the probe: once the dependency step and the source copy have shown', () => {
    const df = parseDockerfile(SOLUTION);
    const plan = cachePlan(df, paramsOf(cacheHitCheck, lab));
    expect(cacheVerdictKnown(df, plan, steps([['dl', '[build 4/6] RUN go mod download', 'C']]))).toBe(false);
    expect(cacheVerdictKnown(df, plan, steps([['dl', '[build 4/6] RUN go mod download', 'C'], ['src', '[build 5/6] COPY . .', 'R']]))).toBe(true);
  });
});
