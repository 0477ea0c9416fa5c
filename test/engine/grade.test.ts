// Every check against real images in a real Docker engine: one submission
// that passes it and at least one that fails it for the right reason.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, STAND_IN_LABEL } from '../../graders/engine/connect';
import { buildLimitFiles } from '../../graders/engine/build-limits';
import { ensureImages, normalizeRef } from '../../graders/engine/images';
import { gradeSubmission, reportExitCode, type Report } from '../../graders/grade/grade';
import { labBaseImages, type CheckId } from '../../graders/lab/load';
import { drydock, engineInventory, expectEngineUnchanged, fastLab, FIXTURES, LAB_DIR, solutionSubmission } from '../support/helpers';

const docker = connect();
const lab = fastLab();
const graded = new Map<string, Report>();
let before: Awaited<ReturnType<typeof engineInventory>>;

async function grade(name: string, source = join(FIXTURES, name)): Promise<Report> {
  if (!graded.has(name)) graded.set(name, await gradeSubmission(lab, source, { docker }));
  return graded.get(name)!;
}
const check = (r: Report, id: CheckId) => r.checks.find((c) => c.id === id)!;

beforeAll(async () => {
  await ensureImages(docker, labBaseImages(lab));
  before = await engineInventory(docker);
});

afterAll(async () => {
  // Nothing graded here may leave a container, image, volume or network behind.
  expectEngineUnchanged(before, await engineInventory(docker));
});

describe('reference solution', () => {
  it('scores full marks with every check passing', async () => {
    const r = await grade('solution', solutionSubmission());
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([
      ['build', 'pass'], ['size', 'pass'], ['distroless', 'pass'], ['user', 'pass'],
      ['exec-entrypoint', 'pass'], ['graceful-stop', 'pass'], ['cache-hit', 'pass'],
    ]);
    expect(r.score).toBe(r.maxScore);
    expect(reportExitCode(r)).toBe(0);
    expect(r.engine.apiVersion).toMatch(/^1\.\d+$/);
    expect(r.phases.map((p) => p.name)).toContain('build');
  });

  it('reports stand-in base images plainly, exactly when the engine holds them', async () => {
    const r = await grade('solution', solutionSubmission());
    const standIns: string[] = [];
    for (const ref of labBaseImages(lab).map(normalizeRef)) {
      if ((await docker.getImage(ref).inspect()).Config?.Labels?.[STAND_IN_LABEL]) standIns.push(ref);
    }
    expect(r.engine.standIns).toEqual(standIns);
    expect(/graded with local stand-ins/.test(r.notes.join('\n'))).toBe(standIns.length > 0);
  });

  it('ignores its # syntax= directive offline, in both builds, and says so', async () => {
    const r = await grade('solution', solutionSubmission());
    expect(r.notes.join('\n')).toMatch(/line 1: `# syntax=docker\/dockerfile:1` was ignored in both builds/);
  });
});

describe('the starter, as the handout describes it', () => {
  it('passes build and graceful-stop and fails the rest', async () => {
    const r = await grade('starter', join(LAB_DIR, 'starter'));
    expect(Object.fromEntries(r.checks.map((c) => [c.id, c.status]))).toEqual({
      build: 'pass', size: 'fail', distroless: 'fail', user: 'fail', 'exec-entrypoint': 'fail', 'graceful-stop': 'pass', 'cache-hit': 'fail',
    });
  });
});

describe('build', () => {
  it('fails on a broken step, names its Dockerfile line and shows the log, and skips the rest', async () => {
    const r = await grade('build-fails');
    const c = check(r, 'build');
    expect(c.status).toBe('fail');
    expect(c.summary).toContain('line 6: RUN go build -o /out/catalog ./cmd/catalog');
    expect(c.evidence.join('\n')).toMatch(/cmd\/catalog/);
    expect(r.checks.filter((x) => x.id !== 'build').every((x) => x.status === 'skipped')).toBe(true);
    expect(reportExitCode(r)).toBe(1);
  });

  it('survives a fork bomb in a RUN step: the process cap holds and a verdict comes back', async () => {
    const r = await grade('fork-bomb-build');
    expect(r.checks.every((c) => c.status !== 'error')).toBe(true);
    const [dir, file, value] = buildLimitFiles({ pids: lab.limits.pids * 8, memoryBytes: 0 })[0];
    expect(readFileSync(join(dir, file), 'utf8').trim()).toBe(value);
  });

});

describe('size', () => {
  it('fails an image over the limit and names the layer that made it big', async () => {
    const c = check(await grade('oversized'), 'size');
    expect(c.status).toBe('fail');
    expect(c.summary).toMatch(/^\d+\.\d MB is over the 25\.0 MB limit$/);
    expect(Number(c.summary.split(' ')[0])).toBeGreaterThan(30);
    expect(c.evidence.join('\n')).toMatch(/30\.0 MB\s+COPY \/out\/seed-data/);
  });
  it('fails a single-stage toolchain image by hundreds of MB', async () => {
    const c = check(await grade('single-stage-root'), 'size');
    expect(c.status).toBe('fail');
    expect(Number(c.summary.split(' ')[0])).toBeGreaterThan(300);
  });
});

describe('distroless', () => {
  it('fails an image from scratch even though it runs as 65532', async () => {
    const r = await grade('scratch-lookalike');
    expect(check(r, 'distroless').status).toBe('fail');
    expect(check(r, 'distroless').summary).toMatch(/not built on an allowed distroless base/);
    // Its USER names "nonroot": UID 65532 through its own passwd, but not a number.
    expect(check(r, 'user').summary).toMatch(/^the user is the name "nonroot"/);
  });
  it('fails a distroless image that has a shell copied in', async () => {
    const c = check(await grade('copied-shell'), 'distroless');
    expect(c.status).toBe('fail');
    expect(c.summary).toContain('/bin/sh');
    expect(c.evidence[0]).toMatch(/match gcr\.io\/distroless\/static:nonroot/);
  });
  it('fails the toolchain image', async () => {
    expect(check(await grade('single-stage-root'), 'distroless').status).toBe('fail');
  });
});

describe('user', () => {
  it('fails USER 0:0 on distroless :latest', async () => {
    const c = check(await grade('runs-as-root'), 'user');
    expect(c.status).toBe('fail');
    expect(c.summary).toBe('the image runs as root');
    expect(c.evidence.join('\n')).toMatch(/line \d+: USER 0:0/);
  });
  it('fails an image with no USER at all', async () => {
    const c = check(await grade('single-stage-root'), 'user');
    expect(c.status).toBe('fail');
    expect(c.evidence[0]).toContain('(none, so root)');
  });
  it('resolves a user name through the image\'s /etc/passwd, and fails it: runAsNonRoot needs the number', async () => {
    const c = check(await grade('scratch-lookalike'), 'user');
    expect(c.status).toBe('fail');
    expect(c.evidence.join('\n')).toMatch(/"nonroot" = UID 65532/);
    expect(c.fix).toBe('Write the number: `USER 65532:65532`.');
  });
});

describe('exec-entrypoint', () => {
  it('fails when a shell stays PID 1', async () => {
    const c = check(await grade('shell-wrapper'), 'exec-entrypoint');
    expect(c.status).toBe('fail');
    expect(c.summary).toMatch(/^PID 1 is a shell \(sh\)/);
  });
  it('explains a shell-form entrypoint on an image without a shell', async () => {
    const r = await grade('shell-form-distroless');
    const c = check(r, 'exec-entrypoint');
    expect(c.status).toBe('fail');
    expect(c.summary).toContain('this image has no /bin/sh');
    expect(check(r, 'graceful-stop').status).toBe('skipped');
  });
});

describe('graceful-stop', () => {
  it('fails when SIGTERM never reaches the app and it is killed at the deadline', async () => {
    const c = check(await grade('shell-wrapper'), 'graceful-stop');
    expect(c.status).toBe('fail');
    expect(c.summary).toMatch(/killed with SIGKILL \(exit 137\) after 3\.\d\d s/);
    expect(c.evidence.join('\n')).toContain('catalog listening on :8080');
  });
  it('passes the solution, whose logs show the drain', async () => {
    const c = check(await grade('solution', solutionSubmission()), 'graceful-stop');
    expect(c.status).toBe('pass');
    expect(c.evidence.join('\n')).toMatch(/shutdown signal received[\s\S]*shutdown complete/);
  });
});

describe('cache-hit', () => {
  it('fails when the source copy comes before the dependency download, naming the line', async () => {
    const c = check(await grade('copy-before-download'), 'cache-hit');
    expect(c.status).toBe('fail');
    expect(c.summary).toBe('line 3: COPY . . comes before line 4: RUN go mod download, so every source edit re-runs the download');
  });
  it('fails a Dockerfile with no dependency step', async () => {
    const c = check(await grade('single-stage-root'), 'cache-hit');
    expect(c.status).toBe('fail');
    expect(c.summary).toContain('no `go mod download` step');
  });
  it('passes the solution with the download cached and the copy re-run', async () => {
    const c = check(await grade('solution', solutionSubmission()), 'cache-hit');
    expect(c.evidence.join('\n')).toMatch(/CACHED\s+line 8: RUN go mod download[\s\S]*RAN\s+line 10: COPY \. \./);
  });
});

describe('command line', () => {
  it('grades a .tar.gz submission, writes JSON and exits 0', () => {
    const dir = solutionSubmission();
    const archive = join(dir, '..', `sol-${Date.now()}.tar.gz`);
    execFileSync('tar', ['-czf', archive, '-C', dir, '.']);
    const out = join(dir, '..', `report-${Date.now()}.json`);
    const r = drydock(['grade', '-q', LAB_DIR, archive, '--format', 'json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['lab', 'submission', 'score', 'maxScore', 'durationMs', 'engine', 'checks']));
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(['build', 'size', 'distroless', 'user', 'exec-entrypoint', 'graceful-stop', 'cache-hit']);
    expect(report.score).toBe(100);
  });

  it('exits 1 with a JUnit report when a check fails', () => {
    const r = drydock(['grade', '-q', LAB_DIR, join(FIXTURES, 'build-fails'), '--format', 'junit']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/<testcase classname="catalog-image\.[^"]+" name="build"><failure message="step failed at line 6/);
    expect(r.stdout).toMatch(/<testcase [^>]+name="size"><skipped/);
  });

  it('exits 2 with an infrastructure error, not a zero, when the engine does not answer', () => {
    const r = drydock(['grade', '-q', LAB_DIR, join(FIXTURES, 'build-fails'), '--format', 'json'], { DOCKER_HOST: 'unix:///tmp/drydock-no-such-engine.sock' });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.checks.every((c: { status: string }) => c.status === 'error')).toBe(true);
    expect(report.checks[0].summary).toMatch(/infrastructure error: the Docker engine does not answer/);
  });

  it('doctor reports the engine and the lab\'s base images', () => {
    const r = drydock(['doctor', LAB_DIR]);
    expect(r.stdout).toMatch(/engine\s+Docker \d+\.\d+/);
    expect(r.stdout).toMatch(/image store\s+(containerd \(\w+ snapshotter\)|\w+ \(graph driver\))\n/);
    expect(r.stdout).toMatch(/BuildKit\s+0\.\d+\.\d+(-pre)? \(as Docker \d+\.\d+\.\d+'s source pins it\)\n/);
    expect(r.stdout).toMatch(/cgroup\s+v[12]\n/);
    expect(r.stdout).toMatch(/gcr\.io\/distroless\/static:nonroot\s+present/);
    expect(r.code).toBe(0);
  });
});
