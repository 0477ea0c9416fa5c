// A whole class graded on the real engine with -j 2: good, failing and hostile submissions.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeBatch, readRoster, type BatchResult } from '../../graders/class/batch';
import Docker from 'dockerode';
import { connect } from '../../graders/engine/connect';
import { gradeSubmission } from '../../graders/grade/grade';
import type { Lab } from '../../graders/lab/load';
import { engineInventory, expectEngineUnchanged, fastLab, FIXTURES, LAB_DIR, ROOT } from '../support/helpers';
import { runObjects } from '../support/run-objects';

const docker = connect();
const CLASS = join(ROOT, 'test/fixtures/class');
let classDir: string;
let outDir: string;
let result: BatchResult;
let lab: Lab;
let before: Awaited<ReturnType<typeof engineInventory>>;

/** The class: committed fixtures plus archives and oddities that are made here, not stored in git. */
function makeClass(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-class-'));
  cpSync(CLASS, dir, { recursive: true });
  mkdirSync(join(dir, 'alice'));
  cpSync(join(LAB_DIR, 'solution/Dockerfile'), join(dir, 'alice/Dockerfile'));
  for (const [id, fixture] of [['bob', 'copy-before-download'], ['carol', 'build-fails'], ['dave', 'shell-form-distroless']]) {
    cpSync(join(FIXTURES, fixture), join(dir, id), { recursive: true });
  }
  mkdirSync(join(dir, 'erin')); // an empty folder
  writeFileSync(join(dir, 'grace.tar.gz'), 'this is not a gzip stream');
  execFileSync('python3', ['-c', 'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1],"w");z.writestr("Dockerfile","FROM scratch");z.writestr("../../escaped","x");z.close()', join(dir, 'heidi.zip')]);
  mkdirSync(join(dir, 'ivan'));
  writeFileSync(join(dir, 'ivan/Dockerfile'), 'FROM scratch\n');
  symlinkSync('/etc/shadow', join(dir, 'ivan/secrets'));
  mkdirSync(join(dir, 'judy'));
  writeFileSync(join(dir, 'judy/Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(dir, 'judy/dataset.bin'), '');
  truncateSync(join(dir, 'judy/dataset.bin'), 80 * 1024 * 1024); // sparse: large on paper, cheap on disk
  execFileSync('tar', ['-czf', join(dir, 'victor.tar.gz'), '-C', join(dir, 'alice'), '.']);
  return dir;
}

beforeAll(async () => {
  before = await engineInventory(docker);
  const base = fastLab();
  lab = { ...base, thresholds: { ...base.thresholds, readiness: { ...base.thresholds.readiness, timeoutSeconds: 15 } }, limits: { ...base.limits, buildTimeoutSeconds: 150 } };
  classDir = makeClass();
  outDir = mkdtempSync(join(tmpdir(), 'drydock-results-'));
  const roster = join(outDir, '..', `roster-${process.pid}.csv`);
  writeFileSync(roster, 'id,name,email\nalice,Alice A,alice@example.edu\nbob,"Bob, Jr.",bob@example.edu\nwalter,Walter W,walter@example.edu\n');
  result = await gradeBatch(lab, classDir, outDir, { docker, jobs: 2, rosterFile: roster });
}, 1_500_000);

afterAll(async () => {
  expectEngineUnchanged(before, await engineInventory(docker));
});

const outcome = (id: string) => result.outcomes.find((o) => o.student.id === id)!;
const check = (id: string, checkId: string) => outcome(id).report!.checks.find((c) => c.id === checkId)!;

describe('a class of mixed submissions', () => {
  it('gives every student a verdict', () => {
    const verdicts = Object.fromEntries(result.outcomes.map((o) => [o.student.id, o.status]));
    expect(verdicts).toEqual({
      alice: 'graded', bob: 'graded', walter: 'missing',
      carol: 'failed', dave: 'graded', erin: 'failed', frank: 'failed', grace: 'failed', heidi: 'failed',
      ivan: 'failed', judy: 'failed', mallory: 'failed', oscar: 'graded', peggy: 'graded', trent: 'graded', victor: 'graded',
    });
  });

  it('says plainly why a bad submission could not be graded', () => {
    expect(check('erin', 'build').summary).toBe('the submission is empty');
    expect(check('frank', 'build').summary).toMatch(/no Dockerfile/);
    expect(check('grace', 'build').summary).toMatch(/archive cannot be read/);
    expect(check('heidi', 'build').summary).toMatch(/escapes its folder/);
    expect(check('ivan', 'build').summary).toMatch(/symlink that points outside/);
    expect(check('judy', 'build').summary).toMatch(/larger than 50 MB/);
    expect(check('mallory', 'build').summary).toBe('the build did not finish within the 150 s limit');
    // A limit hit while other students were grading is not final: graded again alone, it ran out of time again.
    expect(check('mallory', 'build').evidence.join('\n')).toMatch(/^graded alone after the class[\s\S]*still running: line 3: RUN while true/);
    for (const id of ['alice', 'bob', 'dave', 'oscar', 'peggy', 'trent', 'victor']) expect(check(id, 'build').status, id).toBe('pass');
  });

  it('contains a fork bomb, a service that never becomes ready and a log flood', () => {
    const bomb = check('oscar', 'graceful-stop');
    expect(bomb.status).toBe('fail');
    expect(outcome('oscar').report!.checks.every((c) => c.status !== 'error')).toBe(true);
    expect(check('peggy', 'graceful-stop').summary).toBe('GET /healthz on port 8080 did not answer within 15 s');
    expect(check('trent', 'graceful-stop').status).toBe('pass');
    expect(check('trent', 'graceful-stop').evidence.join('\n')).toContain('log flood');
  });

  it('writes a gradebook row per student with points per check, total and status', () => {
    const csv = readFileSync(join(outDir, 'gradebook.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('student_id,name,email,build,size,distroless,user,exec-entrypoint,graceful-stop,cache-hit,total,max,status');
    expect(csv).toContain('alice,Alice A,alice@example.edu,10,10,15,15,15,20,15,100,100,graded');
    expect(csv).toContain('bob,"Bob, Jr.",bob@example.edu,10,10,15,15,15,20,0,85,100,graded');
    expect(csv).toContain('walter,Walter W,walter@example.edu,,,,,,,,,100,missing');
    expect(csv.find((l) => l.startsWith('carol,'))).toMatch(/,failed$/);
    expect(csv).toHaveLength(1 + 16);
  });

  it('writes report, feedback, Gradescope results and build log for each graded student', () => {
    const dir = join(outDir, 'bob');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(['build', 'size', 'distroless', 'user', 'exec-entrypoint', 'graceful-stop', 'cache-hit']);
    expect(readFileSync(join(dir, 'feedback.md'), 'utf8')).toMatch(/## \[FAIL\] A source-only change rebuilds from cache \(0\/15\)[\s\S]*How to fix it:/);
    expect(readFileSync(join(dir, 'feedback.html'), 'utf8')).toContain('<h1>');
    const gs = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(gs.score).toBe(85);
    expect(gs.tests).toHaveLength(7);
    expect(gs.tests[6]).toMatchObject({ max_score: 15, score: 0, status: 'failed', output_format: 'md' });
    expect(readFileSync(join(dir, 'build.log'), 'utf8')).toMatch(/RUN go mod download/);
    expect(readFileSync(join(outDir, 'summary.html'), 'utf8')).toMatch(/<svg role="img" aria-label="Score distribution"/);
    expect(readFileSync(join(outDir, 'junit.xml'), 'utf8').match(/<testsuite /g)).toHaveLength(15);
  });

  it('matches what single grading says for the same submissions', async () => {
    for (const id of ['alice', 'bob', 'dave']) {
      const single = await gradeSubmission(lab, join(classDir, id), { docker });
      const batch = outcome(id).report!;
      expect(batch.checks.map((c) => [c.id, c.status, c.score]), id).toEqual(single.checks.map((c) => [c.id, c.status, c.score]));
    }
  });

  it('reads roster CSVs with quoted fields', () => {
    const file = join(outDir, 'r.csv');
    writeFileSync(file, 'Student ID,Name,Email\n"s1","Doe, Jane",jane@x.edu\n');
    expect(readRoster(file)).toEqual([{ id: 's1', name: 'Doe, Jane', email: 'jane@x.edu', columns: { 'student id': 's1', name: 'Doe, Jane', email: 'jane@x.edu' } }]);
  });
});

describe('infrastructure errors', () => {
  it('retries once, then marks the student as an infrastructure error, never a zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-infra-'));
    mkdirSync(join(dir, 'zed'));
    cpSync(join(LAB_DIR, 'solution/Dockerfile'), join(dir, 'zed/Dockerfile'));
    const out = mkdtempSync(join(tmpdir(), 'drydock-infra-out-'));
    const broken = new Docker({ socketPath: '/nonexistent/docker.sock' });
    const r = await gradeBatch(fastLab(), dir, out, { docker: broken, jobs: 1 });
    expect(r.outcomes[0]).toMatchObject({ status: 'infrastructure error', attempts: 2 });
    expect(readFileSync(join(out, 'gradebook.csv'), 'utf8')).toContain('zed,,,,,,,,,,,100,infrastructure error');
    expect(readFileSync(join(out, 'zed/feedback.md'), 'utf8')).toContain('This is not your grade');
    // Not saved as finished: the next run grades the student again.
    const again = await gradeBatch(fastLab(), dir, out, { docker: broken, jobs: 1 });
    expect(again.outcomes[0].reused).toBe(false);
  });
});

describe('resuming', () => {
  it('re-runs only what changed, and continues after Ctrl-C without regrading finished students', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-resume-'));
    for (const id of ['s1', 's2', 's3']) {
      mkdirSync(join(dir, id));
      cpSync(join(LAB_DIR, 'solution/Dockerfile'), join(dir, id, 'Dockerfile'));
    }
    const out = mkdtempSync(join(tmpdir(), 'drydock-resume-out-'));
    const cli = join(ROOT, 'bin/drydock.mjs');
    const earlier = await runObjects(docker); // leftovers of runs killed before this test: not this run's
    const child = spawn(process.execPath, [cli, 'grade', LAB_DIR, '--batch', dir, '--out', out, '-j', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Interrupt as soon as the first student is saved.
    while (!existsSync(join(out, 's1', '.drydock-state.json'))) await new Promise((r) => setTimeout(r, 200));
    const firstSaved = statSync(join(out, 's1', 'report.json')).mtimeMs;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, stderr).toBe(130);
    expect(await runObjects(docker, earlier)).toEqual([]);
    expect(existsSync(join(out, 's3', '.drydock-state.json'))).toBe(false);

    const again = execFileSync(process.execPath, [cli, 'grade', LAB_DIR, '--batch', dir, '--out', out, '-j', '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(again).toBe('');
    expect(statSync(join(out, 's1', 'report.json')).mtimeMs).toBe(firstSaved);
    const gradebook = readFileSync(join(out, 'gradebook.csv'), 'utf8');
    for (const id of ['s1', 's2', 's3']) expect(gradebook).toMatch(new RegExp(`^${id},,,10,10,15,15,15,20,15,100,100,graded$`, 'm'));

    // A changed submission is graded again; an unchanged one is kept.
    writeFileSync(join(dir, 's2', 'Dockerfile'), readFileSync(join(dir, 's2', 'Dockerfile'), 'utf8') + '\n# edited\n');
    const r = await gradeBatch(fastLab(), dir, out, { docker, jobs: 1 });
    expect(r.outcomes.map((o) => [o.student.id, o.reused])).toEqual([['s1', true], ['s2', false], ['s3', true]]);
  });
});
