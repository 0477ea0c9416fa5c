// The instructor's gradebook on a real class graded by the engine: a deadline
// with grace, a late penalty and one student's extension on known timestamps;
// an override that survives a regrade; the regrade's changes after the lab
// changed; LMS files read back by their documented columns; a copied
// Dockerfile found among honest ones.
import { parse } from 'csv-parse/sync';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeBatch, type BatchResult } from '../../graders/class/batch';
import { readOverrides } from '../../graders/class/overrides';
import { connect } from '../../graders/engine/connect';
import type { Lab } from '../../graders/lab/load';
import { engineInventory, expectEngineUnchanged, fastLab, FIXTURES, LAB_DIR } from '../support/helpers';

const docker = connect();
let lab: Lab;
let classDir: string;
let outDir: string;
let roster: string;
let first: BatchResult;
let second: BatchResult;
let before: Awaited<ReturnType<typeof engineInventory>>;

const DUE = '2026-12-01T23:59:00+00:00';
/** Every file of a submission dated `iso`, as an upload or a copy would leave it. */
function dated(dir: string, iso: string) {
  const t = new Date(iso);
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) utimesSync(join(e.parentPath, e.name), t, t);
}
const gradebook = () => parse(readFileSync(join(outDir, 'gradebook.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
const row = (id: string) => gradebook().find((r) => r.student_id === id)!;

beforeAll(async () => {
  before = await engineInventory(docker);
  const base = fastLab();
  lab = { ...base, limits: { ...base.limits, buildTimeoutSeconds: 240 } };
  classDir = mkdtempSync(join(tmpdir(), 'drydock-gb-class-'));
  const solution = readFileSync(join(LAB_DIR, 'solution/Dockerfile'), 'utf8');
  // ann: the reference answer, on time. bo: ann's file with comments, case and spacing changed, 30 h late
  // with a one-day extension. cy: an honest different attempt (dependencies after the source), 50 h late.
  for (const id of ['ann', 'bo']) {
    mkdirSync(join(classDir, id));
    cpSync(join(LAB_DIR, 'starter'), join(classDir, id), { recursive: true });
  }
  writeFileSync(join(classDir, 'ann/Dockerfile'), solution);
  const copied = solution
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/ +/g, '  ').replace(/^(FROM|COPY|RUN) /, (k) => k.toLowerCase()))
    .join('\n');
  // A comment after the first instruction: above it, a `k=v` comment is refused as a possible parser directive.
  writeFileSync(join(classDir, 'bo/Dockerfile'), copied.replace('\n', '\n# my own work\n'));
  cpSync(join(FIXTURES, 'copy-before-download'), join(classDir, 'cy'), { recursive: true });
  dated(join(classDir, 'ann'), '2026-12-01T20:00:00Z');
  dated(join(classDir, 'bo'), '2026-12-03T05:59:00Z');
  dated(join(classDir, 'cy'), '2026-12-04T01:59:00Z');
  outDir = mkdtempSync(join(tmpdir(), 'drydock-gb-results-'));
  roster = join(outDir, '..', `gb-roster-${process.pid}.csv`);
  writeFileSync(roster, 'id,name,email,extension,sis_user_id,section\nann,Ann Lee,ann@uni.edu,,S1,A\nbo,Bo Chan,bo@uni.edu,1d,S2,A\ncy,Cy Diaz,cy@uni.edu,,S3,B\n');
  writeFileSync(join(outDir, 'overrides.csv'), 'student,check,points,comment\ncy,cache-hit,15,"checked by hand: the probe was unfair"\n');
  const classOptions = (l: Lab) => ({
    policy: { deadline: { due: DUE, grace: '15m', penalty: { per: 'day' as const, amount: '10%', max: '30%' } }, overrides: readOverrides(join(outDir, 'overrides.csv'), Object.keys(l.points)) },
    lms: ['canvas' as const, 'moodle' as const, 'blackboard' as const],
  });
  first = await gradeBatch(lab, classDir, outDir, { docker, jobs: 2, rosterFile: roster, classOptions: classOptions(lab) });
  // The instructor tightens the size limit and regrades: everyone's size check changes, the override stays.
  const tighter: Lab = { ...lab, thresholds: { ...lab.thresholds, maxImageSizeMB: 1 } };
  second = await gradeBatch(tighter, classDir, outDir, { docker, jobs: 2, rosterFile: roster, regrade: true, classOptions: classOptions(tighter) });
}, 1_800_000);

afterAll(async () => {
  expectEngineUnchanged(before, await engineInventory(docker));
});

describe('deadlines and extensions', () => {
  it('graded everyone', () => {
    expect(first.outcomes.map((o) => [o.student.id, o.status])).toEqual([['ann', 'graded'], ['bo', 'graded'], ['cy', 'graded']]);
  });
  it('shows each submission time, where it was read from, the lateness and the final score', () => {
    const ann = row('ann');
    expect(ann).toMatchObject({ submitted_at: '2026-12-01T20:00:00.000Z', time_source: 'file time', late: 'on time', late_penalty: '0' });
    // bo: 30 h after the deadline, 6 h after the extended one (1d), beyond the 15 min grace: one started day, 10 % of 100.
    expect(row('bo')).toMatchObject({ due: '2026-12-02T23:59:00.000Z', late: '6h late', late_penalty: '10' });
    expect(Number(row('bo').final)).toBe(Number(row('bo').total) - 10);
    // cy: 50 h late, three started days, capped at 30 %.
    expect(row('cy')).toMatchObject({ late: '2d 2h late', late_penalty: '30' });
  });
});

describe('overrides', () => {
  it('survive the regrade and show in the student\'s feedback', () => {
    const cy = row('cy');
    const graded = second.outcomes.find((o) => o.student.id === 'cy')!.report!;
    expect(graded.checks.find((c) => c.id === 'cache-hit')!.score).toBe(0);
    expect(cy.overrides).toBe('cache-hit=15 (checked by hand: the probe was unfair)');
    expect(Number(cy.final)).toBe(Math.max(0, Number(cy.total) + 15 - 30));
    expect(readFileSync(join(outDir, 'cy/feedback.md'), 'utf8')).toMatch(/## Adjustments[\s\S]*instructor override: cache-hit set to 15 \(checked by hand: the probe was unfair\)[\s\S]*final score: /);
  });
});

describe('what the regrade changed', () => {
  it('lists every student whose size check changed, with the evidence before and after', () => {
    const changes = JSON.parse(readFileSync(join(outDir, 'changes.json'), 'utf8'));
    expect(changes.regraded).toBe(3);
    const ann = changes.changes.find((c: { student: string }) => c.student === 'ann');
    expect(ann.checks.map((k: { check: string }) => k.check)).toEqual(['size']);
    expect(ann.checks[0].before.status).toBe('pass');
    expect(ann.checks[0].after.status).toBe('fail');
    expect(ann.checks[0].after.evidence[0]).toMatch(/limit 1\.0 MB/);
    expect(readFileSync(join(outDir, 'changes.md'), 'utf8')).toContain(`## ann: 100 → ${100 - lab.points.size!}`);
  });
});

describe('LMS files', () => {
  it('Canvas, Moodle and Blackboard files carry the final scores under their documented columns', () => {
    const canvas = parse(readFileSync(join(outDir, 'canvas-import.csv'), 'utf8')) as string[][];
    expect(canvas[0].slice(0, 5)).toEqual(['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section']);
    expect(canvas.find((r) => r[2] === 'S2')![5]).toBe(row('bo').final);
    const moodle = parse(readFileSync(join(outDir, 'moodle-import.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(moodle.find((r) => r['Email address'] === 'cy@uni.edu')![lab.title]).toBe(row('cy').final);
    const bb = parse(readFileSync(join(outDir, 'blackboard-import.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(bb.find((r) => r.Username === 'ann')![`${lab.title} [Total Pts: 100 Score]`]).toBe(row('ann').final);
  });
});

describe('similar submissions', () => {
  it('pairs the copied Dockerfile with its source and leaves the honest one out; no grade changes', () => {
    const sim = JSON.parse(readFileSync(join(outDir, 'similarity.json'), 'utf8'));
    expect(sim.compared).toBe(3);
    expect(sim.pairs.map((p: { a: string; b: string }) => [p.a, p.b])).toEqual([['ann', 'bo']]);
    expect(row('bo').total).toBe(row('ann').total);
  });
});
