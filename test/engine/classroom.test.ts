// The GitHub Classroom workflow: its own commands, run here exactly as the workflow runs them.
import { execSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { labChecks } from '../../graders/checks';
import { loadLab } from '../../graders/lab/load';
import { drydock, FIXTURES, LAB_DIR, ROOT, solutionSubmission } from '../support/helpers';

// The workflow has one graded step per check the lab scores.
const SCORED = labChecks(loadLab(LAB_DIR)).map((c) => c.id);

/** A student repository made from the template (the starter) with the student's Dockerfile. */
function studentRepo(dockerfile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-student-'));
  cpSync(join(LAB_DIR, 'starter'), dir, { recursive: true });
  cpSync(dockerfile, join(dir, 'Dockerfile'));
  return dir;
}

interface Step { name?: string; id?: string; run?: string; uses?: string; with?: Record<string, string | number>; env?: Record<string, string> }

function setUpRepo(source: string) {
  const repo = mkdtempSync(join(tmpdir(), 'drydock-classroom-'));
  cpSync(source, repo, { recursive: true });
  const r = drydock(['classroom', LAB_DIR, '--out', repo, '--package', 'git+https://example.invalid/course/drydock.git']);
  expect(r.code, r.stderr).toBe(0);
  // Stand-in for the workflow's global install: a `drydock` on PATH that runs this checkout.
  const bin = mkdtempSync(join(tmpdir(), 'drydock-bin-'));
  writeFileSync(join(bin, 'drydock'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/drydock.mjs')}" "$@"\n`);
  chmodSync(join(bin, 'drydock'), 0o755);
  const steps = (parse(readFileSync(join(repo, '.github/workflows/classroom.yml'), 'utf8')).jobs.grade.steps as Step[]);
  const run = (cmd: string) => {
    try {
      return { code: 0, out: execSync(cmd, { cwd: repo, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8', shell: '/bin/bash' }) };
    } catch (err) {
      return { code: (err as { status: number }).status, out: String((err as { stdout: string }).stdout) };
    }
  };
  return { repo, steps, run };
}

describe('drydock classroom', () => {
  it('writes a workflow with one graded step per check and the Classroom reporter', () => {
    const { steps } = setUpRepo(solutionSubmission());
    const graders = steps.filter((s) => s.uses?.startsWith('classroom-resources/autograding-command-grader'));
    expect(graders.map((s) => s.with!['test-name'])).toEqual(SCORED);
    expect(graders.reduce((n, s) => n + Number(s.with!['max-score']), 0)).toBe(100);
    const reporter = steps.find((s) => s.uses?.startsWith('classroom-resources/autograding-grading-reporter'))!;
    expect(String(reporter.with!.runners).split(',')).toEqual(graders.map((s) => s.id));
    for (const s of graders) expect(reporter.env![`${s.id!.toUpperCase()}_RESULTS`]).toBe(`\${{steps.${s.id}.outputs.result}}`);
    expect(steps.find((s) => s.name === 'Install the Drydock grader')!.run).toContain('git+https://example.invalid/course/drydock.git');
  });

  it('runs the workflow\'s commands: all pass for the solution, cache-hit fails for a misordered Dockerfile', () => {
    const cases: [string, string, Record<string, number>][] = [
      ['solution', solutionSubmission(), Object.fromEntries(SCORED.map((id) => [id, 0]))],
      ['copy-before-download', studentRepo(join(FIXTURES, 'copy-before-download/Dockerfile')), { ...Object.fromEntries(SCORED.map((id) => [id, 0])), 'cache-hit': 1 }],
    ];
    for (const [name, source, expected] of cases) {
      const { steps, run } = setUpRepo(source);
      const grade = steps.find((s) => s.name === 'Build and grade the submission')!;
      expect(run(grade.run!).code, name).toBe(0);
      const codes = Object.fromEntries(steps.filter((s) => s.with?.command).map((s) => [s.with!['test-name'], run(String(s.with!.command)).code]));
      expect(codes, name).toEqual(expected);
    }
  });
});
