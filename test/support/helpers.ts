import type Docker from 'dockerode';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { MANAGED_LABEL, STAND_IN_LABEL } from '../../graders/engine/connect';
import { loadLab, type Lab } from '../../graders/lab/load';

export const ROOT = resolve(import.meta.dirname, '../..');
export const LAB_DIR = join(ROOT, 'labs/catalog-image');
export const FIXTURES = join(ROOT, 'test/fixtures/submissions');

/** The real lab with a shorter grace period, so a SIGKILL case costs 3 s instead of 10. */
export function fastLab(): Lab {
  const lab = loadLab(LAB_DIR);
  return { ...lab, thresholds: { ...lab.thresholds, gracePeriodSeconds: 3 } };
}

/** The reference solution as a student would submit it: the starter plus the solution Dockerfile. */
export function solutionSubmission(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-solution-'));
  cpSync(join(LAB_DIR, 'starter'), dir, { recursive: true });
  cpSync(join(LAB_DIR, 'solution/Dockerfile'), join(dir, 'Dockerfile'));
  return dir;
}

/** Everything in the engine that is not a stand-in base image, for before/after comparisons. */
export async function engineInventory(docker: Docker) {
  const [containers, images, volumes, networks] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listImages({ all: true }),
    docker.listVolumes(),
    docker.listNetworks(),
  ]);
  return {
    containers: containers.map((c) => c.Id).sort(),
    images: images.filter((i) => !i.Labels?.[STAND_IN_LABEL]).map((i) => i.Id).sort(),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name).sort(),
    networks: networks.map((n) => n.Id).sort(),
    managed: containers.filter((c) => c.Labels?.[MANAGED_LABEL]).length + images.filter((i) => i.Labels?.[MANAGED_LABEL] && !i.Labels?.[STAND_IN_LABEL]).length,
  };
}

export function drydock(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/drydock.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Everything Drydock made must be gone: the engine holds exactly what it held before
 * (which may include a run killed outright before the test began: not this test's).
 */
export function expectEngineUnchanged(before: Awaited<ReturnType<typeof engineInventory>>, after: Awaited<ReturnType<typeof engineInventory>>) {
  expect(after.containers).toEqual(before.containers);
  expect(after.images).toEqual(before.images);
  expect(after.volumes).toEqual(before.volumes);
  expect(after.networks).toEqual(before.networks);
  expect(after.managed).toBeLessThanOrEqual(before.managed);
}
