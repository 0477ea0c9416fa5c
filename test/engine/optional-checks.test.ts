// The optional checks (pinned-base, dockerignore, no-secrets, read-only-root,
// cmd-args) against real images in a real engine: each passes one submission
// and fails another for the reason it names. test/unit/checks-static.test.ts covers
// every verdict branch on made-up observations.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../graders/engine/connect';
import { gradeSubmission, type Report } from '../../graders/grade/grade';
import { ensureImages } from '../../graders/engine/images';
import { labBaseImages, type Lab } from '../../graders/lab/load';
import { engineInventory, expectEngineUnchanged, fastLab, FIXTURES, LAB_DIR } from '../support/helpers';

const docker = connect();
// The first grade of each submission builds it; on a busy shared engine that can take minutes.
const GRADE_TIMEOUT = 480_000;
const NEW = ['pinned-base', 'dockerignore', 'no-secrets', 'read-only-root', 'cmd-args'] as const;
let before: Awaited<ReturnType<typeof engineInventory>>;

// The catalog starter ships a .dockerignore, which the grader would fill into a submission
// that lacks one; this lab's starter holds only the sources.
const starter = mkdtempSync(join(tmpdir(), 'drydock-starter-'));
cpSync(join(LAB_DIR, 'starter/go.mod'), join(starter, 'go.mod'));
cpSync(join(LAB_DIR, 'starter/main.go'), join(starter, 'main.go'));

function testLab(checks: readonly (typeof NEW)[number][]): Lab {
  const lab = fastLab();
  return {
    ...lab,
    starterDir: starter,
    total: undefined,
    points: Object.fromEntries([['build', 10], ...checks.map((c) => [c, 10])]),
    readOnlyRoot: { tmpfs: ['/tmp'] },
    dockerignore: { exclude: ['.git', '*.env', 'bin/', 'deploy_key'] },
    cmdArgs: { extraArgs: ['--verbose'], requireSplit: false },
  };
}

const graded = new Map<string, Report>();
async function grade(name: string, checks: readonly (typeof NEW)[number][], source = join(FIXTURES, name)): Promise<Report> {
  if (!graded.has(name)) {
    const r = await gradeSubmission(testLab(checks), source, { docker });
    // Phase times, to tell a slow engine from a slow check.
    console.log(`${name}: ${r.phases.map((p) => `${p.name} ${(p.ms / 1000).toFixed(1)} s`).join(', ')}`);
    graded.set(name, r);
  }
  return graded.get(name)!;
}
const check = (r: Report, id: string) => {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`${id} not in the report: ${r.checks.map((x) => `${x.id}=${x.status} ${x.summary}`).join('; ')}`);
  return c;
};

beforeAll(async () => {
  await ensureImages(docker, labBaseImages(fastLab()));
  before = await engineInventory(docker);
});

afterAll(async () => {
  expectEngineUnchanged(before, await engineInventory(docker));
});

describe('a hardened submission', () => {
  it('passes dockerignore, no-secrets, read-only-root and cmd-args, and fails pinned-base on :nonroot', { timeout: GRADE_TIMEOUT }, async () => {
    const r = await grade('hardened', NEW);
    expect(Object.fromEntries(r.checks.map((c) => [c.id, c.status])), JSON.stringify(r.checks, null, 1)).toEqual({
      build: 'pass', 'pinned-base': 'fail', dockerignore: 'pass', 'no-secrets': 'pass', 'read-only-root': 'pass', 'cmd-args': 'pass',
    });
    expect(check(r, 'pinned-base').summary).toBe('a base image is not pinned: line 11: gcr.io/distroless/static:nonroot (the tag "nonroot" names no version)');
    expect(check(r, 'dockerignore').evidence).toEqual(expect.arrayContaining(['.dockerignore: present', '*.env: left out', 'deploy_key: left out']));
    expect(check(r, 'read-only-root').evidence[0]).toBe('run as `docker run --read-only --tmpfs /tmp IMAGE`');
    expect(check(r, 'cmd-args').summary).toBe('PID 1 received `--verbose`: /catalog --verbose');
    expect(check(r, 'no-secrets').evidence.join('\n')).toMatch(/^scanned 1 layer of yours \(1 of the lab's base images not judged\)/);
  });
});

describe('a leaky submission', () => {
  it('fails dockerignore, naming the files the engine received', { timeout: GRADE_TIMEOUT }, async () => {
    const c = check(await grade('leaky-context', NEW), 'dockerignore');
    expect(c.status).toBe('fail');
    expect(c.summary).toBe('the build context sent 3 files that must stay out: .env, bin/catalog, deploy_key');
    expect(c.fix).toMatch(/^Create a \.dockerignore next to the Dockerfile with the lines `\*\.env`, `bin`, `deploy_key`/);
  });

  it('fails no-secrets on the key in a layer and the access key in ENV, naming the step and the path, never the secret', { timeout: GRADE_TIMEOUT }, async () => {
    const c = check(await grade('leaky-context', NEW), 'no-secrets');
    expect(c.status).toBe('fail');
    expect(c.summary).toBe('the image carries 2 credentials: /home/nonroot/.ssh/id_ed25519 holds: SSH private key, private key (PEM) (-----BEGIN OPENSSH PRIVATE KEY-----)');
    expect(c.evidence.join('\n')).toMatch(/^layer \d\/\d, made by `COPY deploy_key \/home\/nonroot\/\.ssh\/id_ed25519`: \/home/);
    expect(c.evidence).toContain('ENV AWS_ACCESS_KEY_ID in the image config holds a AWS access key id (AKIA…(20 chars))');
    expect(JSON.stringify(c)).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('sends a .git folder from an archive, and dockerignore names it', { timeout: GRADE_TIMEOUT }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-git-'));
    cpSync(join(FIXTURES, 'hardened'), join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src/.dockerignore'), 'bin/\n.env\ndeploy_key\n');
    mkdirSync(join(dir, 'src/.git'));
    writeFileSync(join(dir, 'src/.git/HEAD'), 'ref: refs/heads/main\n');
    const archive = join(dir, 'with-git.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', join(dir, 'src'), '.']);
    const c = check(await grade('with-git', ['dockerignore'], archive), 'dockerignore');
    expect(c.status).toBe('fail');
    expect(c.summary).toBe('the build context sent 1 file that must stay out: .git/HEAD');
    expect(c.fix).toMatch(/^Add to your \.dockerignore the lines `\.git`/);
  });
});

describe('a wrapper that writes at start and drops its arguments', () => {
  it('fails read-only-root with the write that failed', { timeout: GRADE_TIMEOUT }, async () => {
    const c = check(await grade('writes-at-start', ['read-only-root', 'cmd-args']), 'read-only-root');
    expect(c.status).toBe('fail');
    expect(c.summary).toMatch(/^with a read-only root the container exited \(code \d+\) before GET \/healthz answered: it writes to its filesystem$/);
    expect(c.evidence.join('\n')).toMatch(/the write that failed: .*\/catalog\.pid: Read-only file system/);
  });

  it('fails cmd-args: the catalog is PID 1 without the argument', { timeout: GRADE_TIMEOUT }, async () => {
    const c = check(await grade('writes-at-start', ['read-only-root', 'cmd-args']), 'cmd-args');
    expect(c.status).toBe('fail');
    expect(c.summary).toBe('the arguments did not reach the program: PID 1 is `/catalog`');
  });
});

describe('the starter (one stage, CMD only)', () => {
  it('passes pinned-base: golang:1.26-alpine names a version', { timeout: GRADE_TIMEOUT }, async () => {
    const c = check(await grade('starter', ['pinned-base', 'cmd-args', 'no-secrets'], join(LAB_DIR, 'starter')), 'pinned-base');
    expect(c.status).toBe('pass');
    expect(c.evidence[0]).toBe('line 4: FROM golang:1.26-alpine: pinned, version 1.26');
  });

  it('fails cmd-args: with no ENTRYPOINT the argument is run as the program', { timeout: GRADE_TIMEOUT }, async () => {
    const c = check(await grade('starter', ['pinned-base', 'cmd-args', 'no-secrets'], join(LAB_DIR, 'starter')), 'cmd-args');
    expect(c.status).toBe('fail');
    expect(c.summary).toMatch(/^`docker run IMAGE --verbose` cannot start: .*--verbose/);
    expect(c.fix).toMatch(/^Without an ENTRYPOINT the engine tried to run `--verbose` as the program/);
  });

  it("passes no-secrets on a toolchain image: the lab's own layers (Go's test keys) are not judged", { timeout: GRADE_TIMEOUT }, async () => {
    const c = check(await grade('starter', ['pinned-base', 'cmd-args', 'no-secrets'], join(LAB_DIR, 'starter')), 'no-secrets');
    expect(c.status).toBe('pass');
    expect(c.evidence[0]).toMatch(/^scanned \d+ layers? of yours \(\d+ of the lab's base images not judged\)/);
  });
});
