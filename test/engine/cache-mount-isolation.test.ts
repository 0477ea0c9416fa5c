// One student's RUN --mount=type=cache directory must not reach the next student's build on the
// same engine (a poisoned Go build cache would make another student's binary), and a class must
// not leave one cache directory per student behind.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeBatch } from '../../graders/class/batch';
import { gradeSubmission } from '../../graders/grade/grade';
import { CACHE_ID_PREFIX } from '../../graders/dockerfile/cache-mounts';
import { buildCacheRecords } from '../../graders/engine/build-cache';
import { connect } from '../../graders/engine/connect';
import { fastLab, LAB_DIR } from '../support/helpers';

const docker = connect();

/** The solution with one more build-stage step, using a cache mount at /shared. */
function student(dir: string, id: string, step: string): void {
  mkdirSync(join(dir, id));
  cpSync(join(LAB_DIR, 'starter'), join(dir, id), { recursive: true });
  const solution = readFileSync(join(LAB_DIR, 'solution/Dockerfile'), 'utf8');
  writeFileSync(join(dir, id, 'Dockerfile'), solution.replace('WORKDIR /src\n', `WORKDIR /src\n${step}\n`));
}

/** The engine's cache mount records whose ids a grading gave (BuildKit 0.11+ names the id in the description). */
async function gradingCacheMounts(): Promise<string[]> {
  return (await buildCacheRecords(docker)).filter((r) => r.Type === 'exec.cachemount' && r.Description?.includes(`id "/${CACHE_ID_PREFIX}`)).map((r) => r.Description!);
}

describe('cache mounts between students', () => {
  it("a student's cache mount is not the next student's, and none is left behind", async () => {
    const marker = `poison-${Date.now()}`;
    const dir = mkdtempSync(join(tmpdir(), 'drydock-cachemount-'));
    // Graded first (-j 1, roster order): writes into a cache mount the next student also names.
    student(dir, 'amy', `RUN --mount=type=cache,target=/shared echo evil > /shared/${marker}`);
    // Fails to build if amy's file is there.
    student(dir, 'ben', `RUN --mount=type=cache,target=/shared test ! -e /shared/${marker}`);
    const before = await gradingCacheMounts();
    const r = await gradeBatch(fastLab(), dir, mkdtempSync(join(tmpdir(), 'drydock-cachemount-out-')), { docker, jobs: 1 });
    const [amy, ben] = ['amy', 'ben'].map((id) => r.outcomes.find((o) => o.student.id === id)!.report!);
    expect(amy.checks.find((c) => c.id === 'build')!.status).toBe('pass');
    const build = ben.checks.find((c) => c.id === 'build')!;
    expect(build.status, `${build.summary}\n${build.evidence.join('\n')}`).toBe('pass');
    expect(ben.score).toBe(ben.maxScore);
    expect(ben.notes.join('\n')).toMatch(/1 RUN --mount=type=cache mount\(s\) \(line 5\) were built with ids of this grading's own/);
    // Removed afterwards: on engines that name the id (Docker 23+), none of the grading ids is left.
    const left = (await gradingCacheMounts()).filter((d) => !before.includes(d));
    expect(left).toEqual([]);
  });

  it("the chapter's cache-mount Dockerfile gets full marks: its steps are matched through the rewritten ids", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-cachemount-chapter-'));
    cpSync(join(LAB_DIR, 'starter'), dir, { recursive: true });
    const solution = readFileSync(join(LAB_DIR, 'solution/Dockerfile'), 'utf8');
    // As chapter 1 writes it: both Go caches mounted, the download and the build each on their own step.
    const chapter = solution
      .replace('RUN go mod download', 'RUN --mount=type=cache,target=/go/pkg/mod go mod download')
      .replace(/RUN CGO_ENABLED=0 (.*)/, 'RUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build \\\n    CGO_ENABLED=0 $1');
    expect(chapter).toContain('--mount=type=cache,target=/root/.cache/go-build');
    writeFileSync(join(dir, 'Dockerfile'), chapter);
    const before = await gradingCacheMounts();
    const report = await gradeSubmission(fastLab(), dir, { docker });
    expect(report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.summary}\n${c.evidence.join('\n')}`)).toEqual([]);
    expect(report.notes.join('\n')).toMatch(/3 RUN --mount=type=cache mount\(s\) \(line 8, 12\)/);
    expect((await gradingCacheMounts()).filter((d) => !before.includes(d))).toEqual([]);
  });
});
