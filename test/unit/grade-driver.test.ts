// The observation driver and the judge: a failed or missing observation is the
// driver's to report (error), a submission that did not build skips every
// other check, and an observer that fails takes down those waiting on it.
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { labInputs, labNeeds } from '../../graders/checks';
import type { Observations } from '../../graders/observe/driver';
import { parseDockerfile } from '../../graders/dockerfile/parse';
import { judge } from '../../graders/grade/judge';
import { observe } from '../../graders/observe/driver';
import { LabSchema, loadLab } from '../../graders/lab/load';
import { outcomeOf } from '../../graders/report/model';
import { LAB_DIR } from '../support/helpers';

const lab = loadLab(LAB_DIR);
const bare = (): Observations => ({ lab, notes: [], baseLayers: new Map(), infraErrors: {} });

describe('the judge', () => {
  it('turns a failed observation into an error for every check that needs it, and only those', () => {
    const obs = { ...bare(), dockerfile: parseDockerfile('FROM scratch\n'), build: { status: 'built' as const, imageId: 'sha256:x', steps: [], durationMs: 1 } };
    obs.infraErrors = { image: 'engine hung up', files: 'engine hung up', run: 'engine hung up' };
    const results = judge(lab, obs);
    const status = Object.fromEntries(results.map((r) => [r.id, r.status]));
    expect(status.build).toBe('pass');
    for (const id of ['size', 'distroless', 'user', 'exec-entrypoint', 'graceful-stop']) expect(status[id], id).toBe('error');
    expect(results.find((r) => r.id === 'size')!.evidence).toEqual(['engine hung up']);
    // cache-hit needs only the probe, which was not made: an error too, but its own.
    expect(results.find((r) => r.id === 'cache-hit')!.summary).toMatch(/cache observation was not made/);
    expect(outcomeOf(results)).toMatchObject({ kind: 'infrastructure-error' });
  });

  it('skips every check but build when the image did not build, and says so once', () => {
    const results = judge(lab, { ...bare(), build: { status: 'failed', steps: [], durationMs: 1, error: 'exit code: 1' } }, { cutoff: { kind: 'not-built' } });
    expect(results.filter((r) => r.id !== 'build').every((r) => r.status === 'skipped')).toBe(true);
    expect(results.find((r) => r.id === 'build')!.status).toBe('fail');
    expect(outcomeOf(results)).toEqual({ kind: 'not-built' });
  });

  it('gives every check the same infrastructure error when the engine could not be prepared', () => {
    const results = judge(lab, bare(), { cutoff: { kind: 'infrastructure', why: 'no engine' } });
    expect(new Set(results.map((r) => r.summary))).toEqual(new Set(['infrastructure error: no engine']));
    expect(results.every((r) => r.score === 0)).toBe(true);
  });
});

describe('the observation driver', () => {
  it('records an observer failure against what it provides and what waits on it, never throwing', async () => {
    const docker = { getImage: () => ({ inspect: () => Promise.reject(new Error('connect ECONNREFUSED')), history: () => Promise.resolve([]) }) } as unknown as Docker;
    const obs = bare();
    const phases: string[] = [];
    await observe(
      {
        docker, lab, obs, needs: labNeeds(lab), inputs: labInputs(lab), submissionDir: '/nonexistent', dockerfileText: 'FROM scratch\n', df: parseDockerfile('FROM scratch\n'),
        build: { status: 'built', imageId: 'sha256:x', steps: [], durationMs: 1 }, labImages: [], labels: {}, runId: 'r', tag: 't', buildTimeoutMs: 1000,
      },
      async (name, fn) => (phases.push(name), fn()),
    );
    expect(obs.infraErrors.image).toMatch(/ECONNREFUSED/);
    expect(obs.infraErrors.files).toMatch(/image could not be observed/);
    expect(obs.infraErrors.run).toMatch(/image could not be observed/);
    // The probe does not wait for the image; with no main.go to edit it is the submission's doing, not an error.
    expect(obs.cache).toEqual({ impossible: 'main.go is not in the submission, so the cache probe had no source file to change' });
    expect(phases).toEqual(expect.arrayContaining(['inspect', 'probe']));
    expect(phases).not.toContain('run');
  });
});

describe('check-owned lab sections', () => {
  it('validates each section with its check\'s schema, at its path', () => {
    const def = { id: 'x', title: 'X', images: { allowedBases: ['scratch'] }, thresholds: lab.thresholds, points: { build: 1, 'cache-hit': 1 } };
    const r = LabSchema.safeParse({ ...def, cache: { sourceFile: 'main.go', colour: 'blue' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['cache']);
    expect(LabSchema.safeParse(def).error!.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^cache-hit needs a `cache` section/)]);
    expect(LabSchema.safeParse({ ...def, cache: { sourceFile: 'main.go' } }).success).toBe(true);
  });
});
