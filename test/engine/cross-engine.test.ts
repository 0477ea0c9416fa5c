// The same verdicts on every supported engine: each lab's solution and broken
// variants graded on Docker 20.10 (overlay2, BuildKit 0.8) and on Docker 28
// (containerd image store, BuildKit 0.2x) get identical statuses and points,
// check by check. Both engines are named explicitly, so this file runs once.
// DRYDOCK_MORE_ENGINES (space-separated unix:// hosts) adds engines to compare with
// 20.10 the same way: how another release or image store is proven before it is listed
// as tested (README, "Engines tested").
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { selfTestLab, type SelfTestResult } from '../../graders/authoring/selftest';
import { engineInfo } from '../../graders/engine/connect';
import { engineProfile } from '../../graders/engine/profile';
import { loadLab } from '../../graders/lab/load';
import { join } from 'node:path';
import { ROOT } from '../support/helpers';

const socket = (url: string) => new Docker({ socketPath: url.replace(/^unix:\/\//, '') });
const OLD = socket(process.env.DRYDOCK_ENGINE20_HOST ?? 'unix:///var/run/docker.sock');
const NEW = socket(process.env.DRYDOCK_ENGINE28_HOST ?? 'unix:///run/drydock-engine28/docker.sock');
const MORE = (process.env.DRYDOCK_MORE_ENGINES ?? '').split(/\s+/).filter(Boolean);

/** `case check: status points` for every check of every case, in a stable order. */
const verdicts = (r: SelfTestResult) =>
  r.cases
    .flatMap((c) => c.report.checks.map((k) => `${c.name} ${k.id}: ${k.status} ${k.score}/${k.maxScore}`))
    .sort();

describe('the two engines', () => {
  it('are what this test is about: 20.10 on overlay2, 28 on the containerd store', async () => {
    const [old, neu] = await Promise.all([engineInfo(OLD), engineInfo(NEW)]);
    expect([old.version.slice(0, 5), engineProfile(old, false).imageStore]).toEqual(['20.10', 'overlay2 (graph driver)']);
    expect([neu.version.slice(0, 2), neu.containerdStore]).toEqual(['28', true]);
  });
});

describe.each(['catalog-image', 'reviews-image'])('%s graded on both engines', (id) => {
  it('gets identical statuses and points per check for the solution and every variant', async () => {
    const lab = loadLab(join(ROOT, 'labs', id));
    const old = await selfTestLab(lab, { docker: OLD, jobs: 2 });
    const neu = await selfTestLab(lab, { docker: NEW, jobs: 2 });
    const why = (r: SelfTestResult) => r.cases.flatMap((c) => c.report.checks.filter((k) => k.status === 'error').map((k) => `${c.name} ${k.id}: ${k.summary}`));
    expect(why(old), 'no infrastructure error on 20.10').toEqual([]);
    expect(why(neu), 'no infrastructure error on 28').toEqual([]);
    expect(verdicts(neu)).toEqual(verdicts(old));
    expect(old.ok && neu.ok).toBe(true);
    for (const host of MORE) {
      const other = await selfTestLab(lab, { docker: socket(host), jobs: 2 });
      const { version } = await engineInfo(socket(host));
      expect(why(other), `no infrastructure error on ${version}`).toEqual([]);
      expect(verdicts(other), `verdicts on ${version} (${host})`).toEqual(verdicts(old));
      expect(other.ok).toBe(true);
    }
  }, 2_400_000 * (1 + MORE.length));
});
