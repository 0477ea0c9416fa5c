// Adding a check that needs a new observation touches the check's file and the
// observation driver only (graders/observe/driver.ts: a line in
// ObservationKinds and an observer in OBSERVERS). This file is that change,
// made from outside: the new kind is declared by augmenting ObservationKinds,
// as the driver's own line would, the observer is handed to the driver beside
// the real ones, and the check is typed against both with nothing else edited.
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { CHECKS, labInputs, labNeeds } from '../../graders/checks';
import { defineCheck } from '../../graders/checks/types';
import { parseDockerfile } from '../../graders/dockerfile/parse';
import { judgeCheck } from '../../graders/grade/judge';
import { loadLab } from '../../graders/lab/load';
import { NEED_KEY, observe, OBSERVERS, type ObservationNeed, type Observations, type Observer } from '../../graders/observe/driver';
import { LAB_DIR } from '../support/helpers';

declare module '../../graders/observe/driver' {
  interface ObservationKinds {
    /** Throwaway: how long the image says its service takes to warm up. */
    'warm-up': { key: 'warmUp'; holds: { seconds: number } };
  }
}

const warmUpObserver: Observer = {
  phase: 'warm-up',
  provides: { 'warm-up': 'warmUp' },
  after: 'image',
  async run({ obs }) {
    obs.warmUp = { seconds: Number(obs.image!.Config?.Labels?.['warm-up'] ?? NaN) };
  },
};

const warmUpCheck = defineCheck({
  id: 'warm-up',
  title: 'The image says how long its service warms up',
  anchor: 'production-notes',
  needs: ['warm-up'] as const,
  evaluate: (obs) =>
    Number.isFinite(obs.warmUp.seconds)
      ? { status: 'pass', summary: `warms up in ${obs.warmUp.seconds} s`, evidence: [] }
      : { status: 'fail', summary: 'no warm-up label', evidence: [], fix: 'Add `LABEL warm-up=5`.' },
});

const lab = loadLab(LAB_DIR);
const bare = (): Observations => ({ lab, notes: [], baseLayers: new Map(), infraErrors: {} });

async function observeWarmUp(docker: Docker, obs: Observations): Promise<void> {
  const ctx = {
    docker, lab, obs, needs: new Set<ObservationNeed>(['warm-up']), inputs: {}, submissionDir: '/nonexistent', dockerfileText: 'FROM scratch\n', df: parseDockerfile('FROM scratch\n'),
    build: { status: 'built' as const, imageId: 'sha256:x', steps: [], durationMs: 1 }, labImages: [], labels: {}, runId: 'r', tag: 't', buildTimeoutMs: 1000,
  };
  await observe(ctx, (_name, fn) => fn(), [...OBSERVERS, warmUpObserver]);
}

const engine = (labels: Record<string, string> | Error) =>
  ({ getImage: () => ({ inspect: () => (labels instanceof Error ? Promise.reject(labels) : Promise.resolve({ Config: { Labels: labels } })), history: () => Promise.resolve([]) }) }) as unknown as Docker;

describe('a check that needs a new observation', () => {
  it('is made by its observer after the one it waits for, and judged by the check alone', async () => {
    const obs = bare();
    await observeWarmUp(engine({ 'warm-up': '5' }), obs);
    expect(obs.warmUp).toEqual({ seconds: 5 });
    expect(warmUpCheck.evaluate(obs as never, undefined)).toMatchObject({ status: 'pass', summary: 'warms up in 5 s' });
    const none = bare();
    await observeWarmUp(engine({}), none);
    expect(warmUpCheck.evaluate(none as never, undefined)).toMatchObject({ status: 'fail', summary: 'no warm-up label' });
  });

  it('gets the driver\'s infrastructure error when what it waits for fails, without a line of its own', async () => {
    const obs = bare();
    await observeWarmUp(engine(new Error('connect ECONNREFUSED')), obs);
    expect(obs.infraErrors['warm-up']).toMatch(/image could not be observed: .*ECONNREFUSED/);
    expect(judgeCheck(warmUpCheck, obs)).toMatchObject({ status: 'error', summary: 'infrastructure error: the warm-up observation failed in the engine' });
  });
});

describe('the driver and the checks agree', () => {
  it('has an observer for every need a check names, filling the field the judge reads', () => {
    for (const check of CHECKS) for (const need of check.needs) expect(OBSERVERS.some((o) => need in o.provides), `${check.id}: ${need}`).toBe(true);
    expect(NEED_KEY).toMatchObject({ layers: 'layerScan', 'layer-sizes': 'layerScan', 'read-only-run': 'readOnlyRun', 'args-run': 'argsRun' });
  });

  it('gives the observations a check shapes their settings from the check\'s own section', () => {
    const shaped = { ...lab, points: { ...lab.points, 'read-only-root': 1, 'cmd-args': 1 }, readOnlyRoot: { tmpfs: ['/tmp'] }, cmdArgs: { extraArgs: ['--verbose'], requireSplit: true } };
    expect(labInputs(shaped)).toEqual({ cache: lab.cache, 'read-only-run': { readOnly: true, tmpfs: ['/tmp'] }, 'args-run': { args: ['--verbose'] } });
    expect([...labNeeds(shaped)]).toEqual(expect.arrayContaining(['cache', 'read-only-run', 'args-run']));
    // A section the lab must give and does not: no settings, so the observation is never made with guessed ones.
    expect(labInputs({ ...shaped, cmdArgs: undefined })).not.toHaveProperty('args-run');
  });
});
