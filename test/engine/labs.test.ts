// Each lab proves itself: `drydock lab test` grades the reference solution
// (full marks) and every broken variant (fails exactly what it declares), and
// a batch of the Python lab grades with its own checks in the gradebook.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeBatch } from '../../graders/class/batch';
import { connect } from '../../graders/engine/connect';
import { loadLab } from '../../graders/lab/load';
import { drydock, engineInventory, expectEngineUnchanged, ROOT } from '../support/helpers';

const docker = connect();
let before: Awaited<ReturnType<typeof engineInventory>>;
beforeAll(async () => {
  before = await engineInventory(docker);
});
afterAll(async () => {
  expectEngineUnchanged(before, await engineInventory(docker));
});

describe('drydock lab test', () => {
  // Both labs' full self-tests (solution and every variant) run in test/engine/cross-engine.test.ts, on both engines.
  it('reports a variant that does not fail what it declares (exit 1) and warns about a check no variant covers', () => {
    const lab = mkdtempSync(join(tmpdir(), 'drydock-weak-lab-'));
    cpSync(join(ROOT, 'labs/reviews-image'), lab, { recursive: true, filter: (src) => !src.includes('/variants/') || src.includes('/runs-as-root') || src.endsWith('/variants') });
    // The "runs as root" variant now declares a check it cannot fail.
    cpSync(join(lab, 'variants/runs-as-root'), join(lab, 'variants/claims-too-much'), { recursive: true });
    writeFileSync(join(lab, 'variants/claims-too-much/expect.yaml'), 'mistake: "runs as root"\nfails: [user, size]\n');
    const r = drydock(['lab', 'test', lab]);
    r.stdout = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/claims-too-much .*\n.*size should fail but is pass: the check did not tell this mistake apart/);
    for (const id of ['build', 'exec-entrypoint', 'graceful-stop', 'cache-hit']) expect(r.stdout).toMatch(new RegExp(`warn ${id}: no variant fails this check`));
  }, 600_000);
});

describe('drydock lab new', () => {
  it('scaffolds a lab that passes drydock lab test as written', () => {
    const parent = mkdtempSync(join(tmpdir(), 'drydock-new-lab-'));
    expect(drydock(['lab', 'new', 'orders-image', '--dir', parent]).code).toBe(0);
    expect(drydock(['lab', 'new', 'orders-image', '--dir', parent]).stderr).toMatch(/already exists/);
    const r = drydock(['lab', 'test', join(parent, 'orders-image'), '--format', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Its one variant proves the user check; the others are named for the instructor to cover.
    const result = JSON.parse(r.stdout);
    expect(result.cases.map((c: { name: string; report: { score: number } }) => [c.name, c.report.score]).sort()).toEqual([['runs-as-root', 85], ['solution', 100]]);
    expect(result.uncovered).toEqual(['build', 'size', 'distroless', 'exec-entrypoint', 'graceful-stop', 'cache-hit']);
  }, 900_000);
});

describe('a batch of the Python lab', () => {
  it('grades with that lab\'s checks and points', async () => {
    const lab = loadLab(join(ROOT, 'labs/reviews-image'));
    const dir = mkdtempSync(join(tmpdir(), 'drydock-reviews-class-'));
    for (const [id, variant] of [['ana', undefined], ['ben', 'runs-as-root'], ['cho', 'copy-before-install']] as const) {
      cpSync(lab.starterDir!, join(dir, id), { recursive: true });
      cpSync(lab.solutionDir!, join(dir, id), { recursive: true });
      if (variant) cpSync(join(lab.dir, 'variants', variant, 'Dockerfile'), join(dir, id, 'Dockerfile'));
    }
    const out = mkdtempSync(join(tmpdir(), 'drydock-reviews-out-'));
    await gradeBatch(lab, dir, out, { docker, jobs: 2 });
    const rows = readFileSync(join(out, 'gradebook.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^student_id,name,email,build,size,user,exec-entrypoint,graceful-stop,cache-hit,dockerignore,read-only-root,total,max,status/);
    const header = rows[0].split(',');
    const col = (row: string, name: string) => row.split(',')[header.indexOf(name)];
    expect(rows.slice(1).map((r) => [col(r, 'student_id'), col(r, 'total'), col(r, 'status')])).toEqual([['ana', '100', 'graded'], ['ben', '85', 'graded'], ['cho', '85', 'graded']]);
  }, 600_000);
});
