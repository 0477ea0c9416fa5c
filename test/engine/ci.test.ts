// The generated GitHub, GitLab and Kubernetes jobs: they parse as YAML, and their own grading
// and merge commands, run here for 2 shards one after another, give one merged gradebook.
// What the schedulers do around the commands is emulated: the matrix value, GitLab's
// CI_NODE_INDEX, Kubernetes' JOB_COMPLETION_INDEX, the artifact hand-over. The daemon is this
// machine's engine (the jobs' own DOCKER_HOST, a dind service or sidecar, is left out here).
import { execSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../graders/engine/connect';
import { shardOf } from '../../graders/class/shard';
import { ENGINE_OFFLINE } from '../../graders/integrations/ci';
import { drydock, FIXTURES, LAB_DIR, ROOT } from '../support/helpers';
import { runObjects } from '../support/run-objects';

let repo: string;
let bin: string;
let earlier: string[]; // labelled leftovers of runs killed before this file began
const PACKAGE = 'git+https://example.invalid/course/drydock.git';
const STUDENTS = { ada: 'solution', eli: 'solution', cy: 'build-fails', hal: 'build-fails', fay: 'empty' } as const;

function newRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-ci-repo-'));
  mkdirSync(join(dir, 'labs'));
  cpSync(LAB_DIR, join(dir, 'labs/catalog-image'), { recursive: true });
  for (const [id, kind] of Object.entries(STUDENTS)) {
    const s = join(dir, 'submissions', id);
    if (kind === 'solution') {
      cpSync(join(LAB_DIR, 'starter'), s, { recursive: true });
      cpSync(join(LAB_DIR, 'solution/Dockerfile'), join(s, 'Dockerfile'));
    } else if (kind === 'build-fails') cpSync(join(FIXTURES, 'build-fails'), s, { recursive: true });
    else mkdirSync(s, { recursive: true });
  }
  return dir;
}

/** Runs a shell script in the repository as a job step would; fails the test on a non-zero exit. */
function sh(script: string, env: Record<string, string>, cwd = repo) {
  const pathEnv = `${bin}:${process.env.PATH}`;
  try {
    return execSync(script, { cwd, env: { ...process.env, DOCKER_HOST: '', FORCE_COLOR: '0', ...env, PATH: pathEnv }, encoding: 'utf8', shell: '/bin/bash', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new Error(`${script}\nexit ${(err as { status: number }).status}: ${(err as { stderr: string }).stderr}`);
  }
}

const gradebooks: Record<string, string> = {};

beforeAll(async () => {
  earlier = await runObjects(connect());
  repo = newRepo();
  bin = mkdtempSync(join(tmpdir(), 'drydock-bin-'));
  // Stand-in for the jobs' `npm install --global`: a `drydock` on PATH that runs this checkout.
  writeFileSync(join(bin, 'drydock'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/drydock.mjs')}" "$@"\n`);
  chmodSync(join(bin, 'drydock'), 0o755);
  expect(new Set(Object.keys(STUDENTS).map((id) => shardOf(id, 2)))).toEqual(new Set([1, 2]));
});

afterAll(async () => {
  expect(await runObjects(connect(), earlier)).toEqual([]);
  // The three schedulers' merged gradebooks agree.
  expect(Object.keys(gradebooks)).toEqual(['github', 'gitlab', 'kubernetes']);
  expect(gradebooks.gitlab).toBe(gradebooks.github);
  expect(gradebooks.kubernetes).toBe(gradebooks.github);
});

function expectClassGradebook(csv: string) {
  const rows = csv.trim().split('\n');
  expect(rows).toHaveLength(1 + 5);
  for (const id of ['ada', 'eli']) expect(rows).toContain(`${id},,,10,10,15,15,15,20,15,100,100,graded`);
  for (const id of ['cy', 'hal', 'fay']) expect(rows.find((r) => r.startsWith(`${id},`))).toMatch(/,failed$/);
}

interface GhStep { name?: string; uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, unknown>; if?: string }

describe('drydock ci github', () => {
  it('writes a dispatch workflow: a matrix of grading jobs, an artifact per shard, a merge job; its commands grade and merge', () => {
    const r = drydock(['ci', 'github', join(repo, 'labs/catalog-image'), '--shards', '2', '--out', repo, '--package', PACKAGE]);
    expect(r.code, r.stderr).toBe(0);
    const wf = parse(readFileSync(join(repo, '.github/workflows/drydock-grade.yml'), 'utf8'));
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
    expect(wf.on.workflow_dispatch.inputs.submissions.required).toBe(true);
    expect(wf.env).toEqual({ LAB: 'labs/catalog-image', SHARDS: '2' });
    expect(wf.jobs.grade.strategy).toEqual({ 'fail-fast': false, matrix: { shard: [1, 2] } });
    expect(wf.jobs.merge.needs).toBe('grade');
    const steps = wf.jobs.grade.steps as GhStep[];
    expect(steps.find((s) => s.name === 'Install the Drydock grader')!.run).toContain(PACKAGE);
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with).toMatchObject({ 'include-hidden-files': true });
    const merge = wf.jobs.merge.steps as GhStep[];
    const download = merge.find((s) => s.uses?.startsWith('actions/download-artifact'))!;

    const expr = (text: string, shard?: number) =>
      text.replace(/\$\{\{\s*matrix\.shard\s*\}\}/g, String(shard)).replace(/\$\{\{\s*inputs\.submissions\s*\}\}/g, 'submissions').replace(/\$\{\{\s*inputs\.roster\s*\}\}/g, '');
    const runStep = (step: GhStep, env: Record<string, string>, shard?: number) =>
      sh(expr(step.run!, shard), { ...env, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expr(String(v), shard)])) });
    for (const shard of [1, 2]) {
      const githubEnv = join(repo, `github-env-${shard}`);
      writeFileSync(githubEnv, '');
      const env: Record<string, string> = { ...wf.env, GITHUB_ENV: githubEnv };
      for (const name of ['Fetch the submissions', "Base images on this runner's engine", 'Grade this shard']) {
        runStep(steps.find((s) => s.name === name)!, env, shard);
        for (const line of readFileSync(githubEnv, 'utf8').split('\n').filter(Boolean)) env[line.split('=')[0]] = line.slice(line.indexOf('=') + 1);
      }
      // The artifact hand-over: upload this shard's path, download by pattern into shards/<artifact name>/.
      cpSync(join(repo, expr(String(upload.with!.path), shard)), join(repo, String(download.with!.path), expr(String(upload.with!.name), shard)), { recursive: true });
    }
    runStep(merge.find((s) => s.name === 'Merge the shards')!, { ...wf.env });
    gradebooks.github = readFileSync(join(repo, 'gradebook/gradebook.csv'), 'utf8');
    expectClassGradebook(gradebooks.github);
    expect(existsSync(join(repo, 'gradebook/ada/feedback.md'))).toBe(true);
  });
});

describe('drydock ci gitlab', () => {
  it('writes a parallel grading job with a dind service each and a merge job; its scripts grade and merge', () => {
    const r = drydock(['ci', 'gitlab', join(repo, 'labs/catalog-image'), '--shards', '2', '--out', repo, '--package', PACKAGE]);
    expect(r.code, r.stderr).toBe(0);
    const ci = parse(readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8'));
    const grade = ci['drydock-grade'];
    expect(grade.parallel).toBe(2);
    expect(grade.services[0]).toMatchObject({ name: 'docker:24-dind', alias: 'docker' });
    expect(grade.variables.DOCKER_HOST).toBe('tcp://docker:2375');
    expect(ci['drydock-merge'].needs).toEqual(['drydock-grade']);
    const vars = Object.fromEntries(Object.entries(ci.variables as Record<string, string | { value: string }>).map(([k, v]) => [k, typeof v === 'string' ? v : v.value]));
    const dir = join(repo, 'gitlab');
    mkdirSync(dir);
    cpSync(join(repo, 'labs'), join(dir, 'labs'), { recursive: true });
    cpSync(join(repo, 'submissions'), join(dir, 'submissions'), { recursive: true });
    // Each parallel job: its own checkout; artifacts (results/) are handed to the merge job.
    for (const shard of [1, 2]) {
      const job = join(dir, `job-${shard}`);
      cpSync(join(dir, 'labs'), join(job, 'labs'), { recursive: true });
      cpSync(join(dir, 'submissions'), join(job, 'submissions'), { recursive: true });
      sh(`set -e\n${(grade.script as string[]).join('\n')}`, { ...vars, CI_NODE_INDEX: String(shard), CI_NODE_TOTAL: '2' }, job);
      cpSync(join(job, 'results'), join(dir, 'results'), { recursive: true });
    }
    sh(`set -e\n${(ci['drydock-merge'].script as string[]).join('\n')}`, vars, dir);
    gradebooks.gitlab = readFileSync(join(dir, 'gradebook/gradebook.csv'), 'utf8');
    expectClassGradebook(gradebooks.gitlab);
    const shard2 = JSON.parse(readFileSync(join(dir, 'results/shard-2/shard.json'), 'utf8'));
    expect(shard2.shard).toMatchObject({ index: 2, count: 2, source: expect.stringMatching(/^CI_NODE_INDEX/) });
  });
});

interface K8sContainer { name: string; image: string; command: string[]; env?: { name: string; value: string }[]; securityContext?: { privileged?: boolean }; restartPolicy?: string; resources?: { limits?: Record<string, string> } }

describe('drydock ci kubernetes', () => {
  it('writes an Indexed Job whose pods each run their own dockerd sidecar, and a merge Job; their commands grade and merge', () => {
    const out = join(repo, 'k8s');
    const r = drydock(['ci', 'kubernetes', join(repo, 'labs/catalog-image'), '--shards', '2', '--out', out, '--package', PACKAGE]);
    expect(r.code, r.stderr).toBe(0);
    const doc = (f: string) => parse(readFileSync(join(out, f), 'utf8'));
    expect(doc('drydock-volume.yaml')).toMatchObject({ kind: 'PersistentVolumeClaim', spec: { accessModes: ['ReadWriteMany'] } });
    const job = doc('drydock-grade-job.yaml');
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 2, parallelism: 2 });
    const pod = job.spec.template.spec;
    const dind = (pod.initContainers as K8sContainer[]).find((c) => c.name === 'dockerd')!;
    expect(dind).toMatchObject({ restartPolicy: 'Always', securityContext: { privileged: true } });
    expect(dind.resources!.limits).toMatchObject({ cpu: '2', memory: '6Gi' });
    const grader = (pod.containers as K8sContainer[])[0];
    const env = Object.fromEntries(grader.env!.map((e) => [e.name, e.value]));
    // The engine is reached on a socket the two containers share, never on a TCP port a build's ADD could reach.
    expect(env.DOCKER_HOST).toBe('unix:///run/drydock/docker.sock');
    expect(dind.command.join(' ')).toContain('--host=unix:///run/drydock/docker.sock');
    expect(dind.command.join(' ')).not.toMatch(/tcp:\/\//);
    // The sidecar cuts the route once the grader signals (test/engine/pod-offline.test.ts runs the cut itself).
    expect(dind.command[2]).toContain(ENGINE_OFFLINE);
    expect(grader.command[2].indexOf('drydock images')).toBeLessThan(grader.command[2].indexOf('ENGINE_OFFLINE_SIGNAL'));
    expect(grader.command[2].indexOf('ENGINE_OFFLINE_SIGNAL')).toBeLessThan(grader.command[2].indexOf('drydock grade'));
    const merge = doc('drydock-merge-job.yaml').spec.template.spec.containers[0] as K8sContainer;

    // The volume, here: a folder with the lab, the submissions, the results.
    const volume = join(repo, 'volume');
    cpSync(join(repo, 'labs/catalog-image'), join(volume, 'lab'), { recursive: true });
    cpSync(join(repo, 'submissions'), join(volume, 'submissions'), { recursive: true });
    const paths = { LAB: join(volume, 'lab'), SUBMISSIONS: join(volume, 'submissions'), RESULTS: join(volume, 'results'), GRADEBOOK: join(volume, 'gradebook') };
    expect(env.LAB).toBe('/class/lab');
    // Playing the sidecar: the cut is acknowledged at once (no route to cut on this machine's engine).
    const signal = join(volume, 'engine-offline');
    writeFileSync(`${signal}.done`, '');
    for (const index of [0, 1]) {
      const [shell, flag, script] = grader.command;
      expect([shell, flag]).toEqual(['sh', '-c']);
      sh(script, { ...env, DOCKER_HOST: '', ENGINE_OFFLINE_SIGNAL: signal, ...paths, JOB_COMPLETION_INDEX: String(index) }, volume);
    }
    expect(existsSync(signal)).toBe(true);
    const menv = Object.fromEntries(merge.env!.map((e) => [e.name, e.value]));
    sh(merge.command[2], { ...menv, ...paths }, volume);
    gradebooks.kubernetes = readFileSync(join(volume, 'gradebook/gradebook.csv'), 'utf8');
    expectClassGradebook(gradebooks.kubernetes);
    const shard1 = JSON.parse(readFileSync(join(volume, 'results/shard-1/shard.json'), 'utf8'));
    expect(shard1.shard).toMatchObject({ index: 1, count: 2, source: expect.stringMatching(/^JOB_COMPLETION_INDEX/) });
  });
});
